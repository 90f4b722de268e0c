import SeqCodec

/// One immutable sorted run of one day partition, as the manifest records it.
public struct RunInfo: Equatable, Sendable {
    public var day: Int64
    public var id: UInt64
    public var events: Int
    public var bytes: Int
    public var minUser: Int64, maxUser: Int64
    public var minTime: Int64, maxTime: Int64
    /// Checksum of the whole run file, for `EventStore.verify()`.
    public var checksum: UInt64

    /// The run's path relative to the store directory: `YYYY-MM-DD/run-<id>.sqr`.
    public var relativePath: String { "\(CivilDate.string(fromDay: day))/run-\(id).sqr" }
}

/// The store's single source of truth: which runs exist, per day, plus the store's time unit.
///
/// One manifest for all days (not one per day) makes an append that spans several days
/// atomic: its runs become visible together when the new manifest is renamed into place.
/// Files not named here are leftovers of interrupted writers and are ignored (and removed by
/// the next writer).
///
/// Layout: `"SQMANIF1" generation:varint unitsPerDay:varint nextRunId:varint schema:bytes runs:varint`
/// then per run `day:zigzag id events bytes minUser:zigzag maxUser:zigzag minTime:zigzag
/// maxTime:zigzag` (varints) `fileChecksum:u64`, then checksum:u64.
public struct Manifest: Equatable, Sendable {
    public static let magic = Array("SQMANIF1".utf8)
    public var generation: UInt64
    /// Timestamp units per day: 86_400 for seconds, 86_400_000 for milliseconds.
    public var unitsPerDay: Int64
    public var nextRunId: UInt64
    public var runs: [RunInfo]
    /// The event schema the store's writer recorded (opaque here; the tool owns its format).
    public var schema: [UInt8] = []

    public init(unitsPerDay: Int64) {
        generation = 0
        self.unitsPerDay = unitsPerDay
        nextRunId = 1
        runs = []
    }

    /// The day partition of a timestamp (floor division, so negative times work).
    public func day(of time: Int64) -> Int64 {
        let q = time / unitsPerDay
        return (time % unitsPerDay != 0 && time < 0) ? q - 1 : q
    }

    public var days: [Int64] { Array(Set(runs.map(\.day))).sorted() }

    public func runs(on day: Int64) -> [RunInfo] { runs.filter { $0.day == day }.sorted { $0.id < $1.id } }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes.append(contentsOf: Manifest.magic)
        w.varint(generation)
        w.varint(UInt64(unitsPerDay))
        w.varint(nextRunId)
        w.varint(schema.count)
        w.append(schema)
        w.varint(runs.count)
        func z(_ v: Int64) { w.varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        for r in runs {
            z(r.day); w.varint(r.id); w.varint(r.events); w.varint(r.bytes)
            z(r.minUser); z(r.maxUser); z(r.minTime); z(r.maxTime)
            w.uint64LE(r.checksum)
        }
        w.uint64LE(Checksum.of(w.bytes))
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        func damaged(_ what: String) -> StoreError { StoreError(.damaged, path, "damaged manifest: \(what)") }
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { throw damaged("not a seq-encode store manifest") }
        let body = Array(bytes[0..<(bytes.count - 8)])
        let stored = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)) }
        guard Checksum.of(body) == stored else { throw damaged("checksum mismatch") }
        do {
            return try body.withUnsafeBytes { raw in
                var r = ByteReader(raw, offset: 8)
                func checksum() throws -> UInt64 {
                    let at = try r.skip(8, "run checksum")
                    return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                }
                func z() throws -> Int64 { let u = try r.varint("manifest"); return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))) }
                var m = Manifest(unitsPerDay: 1)
                m.generation = try r.varint("manifest generation")
                let units = try r.varint("manifest unit")
                guard units >= 1 && units <= UInt64(Int64.max) else { throw damaged("units per day \(units)") }
                m.unitsPerDay = Int64(units)
                m.nextRunId = try r.varint("manifest next run")
                let schemaLength = try r.count("manifest schema", maximum: r.remaining)
                let at = try r.skip(schemaLength, "manifest schema")
                m.schema = Array(UnsafeRawBufferPointer(rebasing: raw[at..<(at + schemaLength)]))
                let count = try r.count("manifest runs", maximum: r.remaining)
                for _ in 0..<count {
                    let day = try z()
                    let id = try r.varint("run id")
                    let events = try r.count("run events", maximum: Int.max)
                    let size = try r.count("run bytes", maximum: Int.max)
                    m.runs.append(RunInfo(day: day, id: id, events: events, bytes: size, minUser: try z(), maxUser: try z(),
                                          minTime: try z(), maxTime: try z(), checksum: try checksum()))
                }
                guard r.remaining == 0 else { throw damaged("trailing bytes") }
                return m
            }
        } catch let e as SeqCodecError {
            throw damaged(e.message)
        }
    }
}
