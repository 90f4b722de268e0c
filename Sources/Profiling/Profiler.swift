import Columns
import Dispatch

/// Profiles the batches of one table: all rows, and per segment when segmented, plus user
/// sequences when asked. Feed batches in order with `add`, then `finish`.
public struct Profiler {
    public let schema: TableSchema
    public let parameters: ColumnProfile.Parameters
    private let segmentIndex: Int?
    private var all: [ColumnProfile]
    private var segments: [[ColumnProfile]] = []
    private var segmentNames: [String] = []
    private var segmentOf: [ProfileKey: Int] = [:]
    private var nullSegment: Int? = nil
    private var sequence: SequenceBuilder?
    private var rows: UInt64 = 0
    /// Threads that profile a batch's columns side by side (each column's profile belongs to one
    /// thread per batch, so the result is the same as with one thread).
    public var threads = 1

    /// Sequence options: the user and time columns, an optional item column and `now`.
    public struct SequenceOptions: Sendable {
        public var user: String, time: String, item: String?, now: Int64?
        public init(user: String, time: String, item: String? = nil, now: Int64? = nil) {
            self.user = user; self.time = time; self.item = item; self.now = now
        }
    }

    /// The segment name of rows whose segment column is null.
    public static let nullSegmentName = "(null)"

    public init(schema: TableSchema, segmentBy: String? = nil, sequence: SequenceOptions? = nil,
                parameters: ColumnProfile.Parameters = .init()) throws {
        self.schema = schema
        self.parameters = parameters
        if let s = segmentBy {
            guard let i = schema.index(of: s) else { throw ProfilingError("--segment-by: no column '\(s)'") }
            guard !schema.fields[i].isList else { throw ProfilingError("--segment-by: column '\(s)' is a list") }
            segmentIndex = i
        } else {
            segmentIndex = nil
        }
        all = schema.fields.map { ColumnProfile(field: $0, parameters: parameters) }
        if let q = sequence {
            let item = q.item ?? schema.fields.first { $0.role == .item }?.name
            self.sequence = try SequenceBuilder(schema: schema, user: q.user, time: q.time, item: item, now: q.now, parameters: parameters)
        }
    }

    /// Adds a batch (checked against the schema by its reader).
    public mutating func add(_ batch: ColumnBatch) {
        rows += UInt64(batch.rows)
        Self.addColumns(&all, batch.columns, threads: threads)
        if let s = segmentIndex { addSegmented(batch, by: batch.columns[s]) }
        sequence?.add(batch)
    }

    private mutating func segment(named name: String) -> Int {
        segmentNames.append(name)
        segments.append(schema.fields.map { ColumnProfile(field: $0, segment: name, parameters: parameters) })
        return segments.count - 1
    }

    private mutating func addSegmented(_ batch: ColumnBatch, by c: Column) {
        let field = schema.fields[segmentIndex!]
        var rowsOf: [[Int]] = Array(repeating: [], count: segments.count)
        for i in 0..<batch.rows {
            let s: Int
            if c.isNull(i) {
                if nullSegment == nil { nullSegment = segment(named: Self.nullSegmentName) }
                s = nullSegment!
            } else {
                let key = ValueText.key(c, i)
                if let known = segmentOf[key] { s = known } else {
                    s = segment(named: ValueText.render(key, type: field.type))
                    segmentOf[key] = s
                }
            }
            if s >= rowsOf.count { rowsOf.append(contentsOf: repeatElement([], count: s - rowsOf.count + 1)) }
            rowsOf[s].append(i)
        }
        for (s, selection) in rowsOf.enumerated() where !selection.isEmpty {
            Self.addColumns(&segments[s], batch.columns, rows: selection, threads: threads)
        }
    }

    /// Adds column i to profile i, on up to `threads` threads (columns dealt round-robin).
    private static func addColumns(_ profiles: inout [ColumnProfile], _ columns: [Column], rows: [Int]? = nil, threads: Int) {
        let n = columns.count
        guard threads > 1, n > 1 else {
            for i in 0..<n { profiles[i].add(columns[i], rows: rows) }
            return
        }
        let workers = Swift.min(threads, n)
        profiles.withUnsafeMutableBufferPointer { buffer in
            let shared = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { t in
                var i = t
                while i < n { shared[i].add(columns[i], rows: rows); i += workers }
            }
        }
    }

    /// The profile: all-rows profiles in column order, then segments by name.
    public mutating func finish() -> ProfileSet {
        var columns = all
        for s in segmentNames.indices.sorted(by: { segmentNames[$0] < segmentNames[$1] }) { columns += segments[s] }
        return ProfileSet(segmentBy: segmentIndex.map { schema.fields[$0].name } ?? "", rows: rows, columns: columns,
                          sequence: sequence.map { var b = $0; return b.finish() })
    }
}

/// Values as keys and as text (segment names, frequent items).
public enum ValueText {
    /// The key of row i of a non-list column.
    public static func key(_ c: Column, _ i: Int) -> ProfileKey {
        switch c.values {
        case .int64(let v): return .number(UInt64(bitPattern: v[i]))
        case .int32(let v): return .number(UInt64(bitPattern: Int64(v[i])))
        case .float64(let v): return .number(Hash64.canonicalBits(v[i]))
        case .float32(let v): return .number(Hash64.canonicalBits(Double(v[i])))
        case .bool(let v): return .number(v[i] ? 1 : 0)
        case .utf8(let v), .bytes(let v): return .bytes(Array(v[i]))
        }
    }

    /// A key as people read it, for a column of `type` (list columns: their lengths).
    public static func render(_ key: ProfileKey, type: ValueType, isList: Bool = false) -> String {
        switch key {
        case .number(let bits):
            if isList { return String(bits) }
            switch type {
            case .int32, .int64: return String(Int64(bitPattern: bits))
            case .float32: return String(describing: Float(Double(bitPattern: bits)))
            case .float64: return String(describing: Double(bitPattern: bits))
            case .bool: return bits == 0 ? "false" : "true"
            case .utf8, .bytes: return String(bits)
            }
        case .bytes(let b):
            if type == .bytes { return b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
            return String(decoding: b, as: UTF8.self)
        }
    }
}
