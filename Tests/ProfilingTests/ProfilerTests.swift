import Columns
import Foundation
import Pipes
import ProfileRecords
import Profiling
import TableRecords
import TestSupport
import Testing

/// Seeded rows of every column shape a profile meets.
enum Rows {
    static let schema = TableSchema(fields: [
        Field(name: "user", type: .int64, role: .user),
        Field(name: "ts", type: .int64, role: .time, timeUnit: .s),
        Field(name: "item", type: .utf8, role: .item),
        Field(name: "rating", type: .float32, nullable: true),
        Field(name: "country", type: .utf8),
        Field(name: "clicked", type: .bool),
        Field(name: "tags", type: .int32, isList: true),
    ])

    /// `n` rows; every 17th rating null, every 9th rating NaN-free; a few timestamps out of order.
    static func batch(_ n: Int, seed: UInt64) -> ColumnBatch {
        var g = SplitMix64(seed: seed)
        var users: [Int64] = [], ts: [Int64] = [], ratings: [Float] = [], clicks = BitVector(), valid = BitVector()
        var items = VarBinary(), countries = VarBinary(), tags: [Int32] = [], offsets: [Int32] = [0]
        let names = ["de", "fr", "us", "jp", "br"]
        for i in 0..<n {
            users.append(Int64(g.below(300)))
            ts.append(1_700_000_000 + Int64(i) * 10 - (i % 97 == 0 ? 5_000 : 0))
            items.append("item\(g.below(2_000))")
            let null = i % 17 == 0
            valid.append(!null)
            ratings.append(null ? 0 : Float(1 + g.below(5)) - 0.5 * Float(g.below(2)))
            countries.append(names[g.below(100) < 60 ? 0 : g.below(names.count)])
            clicks.append(g.below(10) < 3)
            for _ in 0..<g.below(4) { tags.append(Int32(g.below(50))) }
            offsets.append(Int32(tags.count))
        }
        return ColumnBatch(rows: n, columns: [
            Column(values: .int64(users)), Column(values: .int64(ts)), Column(values: .utf8(items)),
            Column(values: .float32(ratings), validity: valid), Column(values: .utf8(countries)),
            Column(values: .bool(clicks)), Column(values: .int32(tags), listOffsets: offsets),
        ])
    }
}

@Suite struct ProfilerTests {
    @Test func countsAndMomentsOfEveryColumn() throws {
        let b = Rows.batch(5_000, seed: 1)
        try b.validate(against: Rows.schema)
        var p = try Profiler(schema: Rows.schema)
        p.add(b)
        let set = p.finish()
        #expect(set.rows == 5_000 && set.columns.count == 7)
        let rating = set.profile("rating")!
        guard case .float32(let r) = b.columns[3].values else { Issue.record("not float32"); return }
        let present = (0..<5_000).filter { !b.columns[3].isNull($0) }.map { Double(r[$0]) }
        #expect(rating.nulls == UInt64(5_000 - present.count) && rating.moments.count == UInt64(present.count))
        let mean = present.reduce(0, +) / Double(present.count)
        #expect(abs(rating.moments.mean - mean) < 1e-12)
        #expect(rating.distinctIsExact && rating.distinctCount == Double(Set(present).count))
        let item = set.profile("item")!
        #expect(item.measure == .length && item.moments.min >= 5 && item.moments.max <= 8)
        let tags = set.profile("tags")!
        #expect(tags.measure == .listLength && tags.moments.max <= 3)
        let clicked = set.profile("clicked")!
        #expect(clicked.moments.mean > 0.2 && clicked.moments.mean < 0.4 && clicked.distinctCount == 2)
        let country = set.profile("country")!
        #expect(ValueText.render(country.frequent.top(1)[0].key, type: .utf8) == "de")
    }

    func profile(_ batches: [ColumnBatch], segment: String? = "country") throws -> ProfileSet {
        var p = try Profiler(schema: Rows.schema, segmentBy: segment, sequence: .init(user: "user", time: "ts", now: 1_700_030_000))
        for b in batches { p.add(b) }
        return p.finish()
    }

    /// The profile of shards merged in any order is the profile of the whole: counts, extremes and
    /// histograms exactly; mean and M2 to rounding; KLL within its bound; HLL registers exactly.
    @Test func shardsMergeToTheWhole() throws {
        var g = TestSeed.generator("shardsMergeToTheWhole", default: 21)
        let rows = Rows.batch(20_000, seed: 2)
        let whole = try profile([rows], segment: "country")
        for _ in 0..<4 {
            // Contiguous shards (sequences split at the cut: only the per-row columns compare exactly).
            let cuts = ([0, rows.rows] + (0..<(1 + g.below(4))).map { _ in g.below(rows.rows) }).sorted()
            var shards = try zip(cuts, cuts.dropFirst()).map { try profile([TableStreamWriter.slice(rows, $0..<$1)]) }
            shards.shuffle(using: &g)
            var merged = shards[0]
            for s in shards.dropFirst() { try merged.merge(s) }
            #expect(merged.rows == whole.rows && merged.columns.count == whole.columns.count)
            for (m, w) in zip(merged.columns, whole.columns) {
                #expect(m.column == w.column && m.segment == w.segment)
                #expect(m.rows == w.rows && m.nulls == w.nulls && m.moments.count == w.moments.count)
                #expect(m.moments.min == w.moments.min && m.moments.max == w.moments.max)
                #expect(abs(m.moments.mean - w.moments.mean) <= 1e-9 * max(1, abs(w.moments.mean)))
                #expect(abs(m.moments.m2 - w.moments.m2) <= 1e-9 * max(1, w.moments.m2))
                #expect(m.histogram == w.histogram && m.distinct == w.distinct)
                if w.frequent.isExact && m.frequent.isExact { #expect(m.frequent.counts == w.frequent.counts) }
                let bound = KLLSketch.normalizedRankError(k: m.quantiles.k, allRanks: true)
                for q in [0.1, 0.5, 0.9] {
                    let x = w.quantiles.quantile(q)!
                    #expect(abs(m.quantiles.rank(x) - w.quantiles.rank(x)) <= 2 * bound)
                }
            }
            #expect(merged.sequence!.events == whole.sequence!.events && merged.sequence!.future == whole.sequence!.future)
        }
    }

    @Test func threadsGiveTheSameProfile() throws {
        let rows = Rows.batch(8_000, seed: 9)
        var results: [ProfileSet] = []
        for threads in [1, 2, 3] {
            var p = try Profiler(schema: Rows.schema, segmentBy: "country")
            p.threads = threads
            p.add(TableStreamWriter.slice(rows, 0..<5_000))
            p.add(TableStreamWriter.slice(rows, 5_000..<8_000))
            results.append(p.finish())
        }
        #expect(results[0] == results[1] && results[0] == results[2])
    }

    @Test func sequencesCountOrderDuplicatesAndFuture() throws {
        let schema = TableSchema(fields: [Field(name: "u", type: .utf8), Field(name: "t", type: .int32), Field(name: "i", type: .int64)])
        func strings(_ xs: [String]) -> VarBinary { var v = VarBinary(); for x in xs { v.append(x) }; return v }
        let b = ColumnBatch(rows: 7, columns: [
            Column(values: .utf8(strings(["a", "a", "b", "a", "a", "b", "a"]))),
            Column(values: .int32([10, 20, 5, 15, 20, 5, 99])),
            Column(values: .int64([1, 2, 3, 4, 2, 3, 5])),
        ])
        var p = try Profiler(schema: schema, sequence: .init(user: "u", time: "t", item: "i", now: 50))
        p.add(b)
        let q = p.finish().sequence!
        // a: 10, 20, 15 (out of order), 20 item 2 (duplicate of the second), 99 (future); b: 5, 5 item 3 (duplicate)
        #expect(q.events == 7 && q.users == 2 && q.outOfOrder == 1 && q.duplicates == 2 && q.future == 1)
        #expect(q.lengths.n == 2 && q.lengths.min == 2 && q.lengths.max == 5)
        // gaps: a 10, 0 (20→20), 79; b 0
        #expect(q.gaps.n == 4 && q.gaps.min == 0 && q.gaps.max == 79)
    }

    @Test func badOptionsNameTheColumn() {
        #expect { _ = try Profiler(schema: Rows.schema, segmentBy: "nope") } throws: { ($0 as? ProfilingError)?.message == "--segment-by: no column 'nope'" }
        #expect { _ = try Profiler(schema: Rows.schema, sequence: .init(user: "user", time: "item")) } throws: {
            ($0 as? ProfilingError)?.message == "--sequence: the time column 'item' is utf8, not an integer"
        }
    }
}

/// Profile streams: written, read back equal; malformed ones fail with a message, never a trap.
@Suite struct ProfileRecordTests {
    func stream(_ set: ProfileSet) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "profile-\(UInt64.random(in: 0...UInt64.max)).bin"
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fd, source: path), kind: .profile,
                                   header: StreamHeader(kind: .profile, tool: "test", toolVersion: "0"))
        try ProfileRecord.write(set, to: w)
        try w.finish()
        close(fd)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func read(_ bytes: [UInt8]) throws -> ProfileSet {
        let path = NSTemporaryDirectory() + "profile-\(UInt64.random(in: 0...UInt64.max)).bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let r = try RecordStreamReader(frames: FrameReader(fd: fd, source: "test"), resolve: { h in
            guard h.kind == StreamKind.profile.name else { throw ProfilingError("not a profile") }
            return .profile
        })
        return try ProfileRecord.read(r)
    }

    @Test func roundTripIsExact() throws {
        var p = try Profiler(schema: Rows.schema, segmentBy: "clicked", sequence: .init(user: "user", time: "ts", now: 1_700_010_000))
        p.add(Rows.batch(3_000, seed: 5))
        p.add(Rows.batch(2_000, seed: 6))
        let set = p.finish()
        let back = try read(try stream(set))
        #expect(back == set)
    }

    @Test func mutatedStreamsFailCleanly() throws {
        var p = try Profiler(schema: Rows.schema, sequence: .init(user: "user", time: "ts"))
        p.add(Rows.batch(500, seed: 7))
        let bytes = try stream(p.finish())
        var g = TestSeed.generator("mutatedProfileStreams", default: 31)
        var failures = 0
        for _ in 0..<300 {
            var m = bytes
            for _ in 0..<(1 + g.below(4)) { m[g.below(m.count)] ^= UInt8(1 + g.below(255)) }
            do { _ = try read(m) } catch { failures += 1 }
        }
        // Truncations always fail (no trailer).
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(throws: (any Error).self) { _ = try read(Array(bytes[0..<cut])) }
        }
        #expect(failures > 0)
    }
}
