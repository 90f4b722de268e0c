import Capnp
import Columns
import Pipes
import Profiling
import Schemas

/// `ProfileSet` to and from the records of a profile stream.
public enum ProfileRecord {
    static let types: [(Columns.ValueType, ProfileColumn.ValueType)] = [
        (.int32, .int32), (.int64, .int64), (.float32, .float32), (.float64, .float64), (.bool, .bool), (.utf8, .utf8), (.bytes, .bytes),
    ]
    static let measures: [(ProfileMeasure, ProfileColumn.Measure)] = [(.value, .value), (.length, .length), (.listLength, .listLength)]

    /// Writes the records of `profile` (source, columns, sequence) to `writer`; the caller finishes it.
    public static func write(_ profile: ProfileSet, to writer: RecordStreamWriter) throws {
        try writer.writeRecord { root in
            let s = ProfileFrame.Builder(root).initSource()
            s.rows = profile.rows
            s.setSegmentBy(profile.segmentBy)
        }
        for c in profile.columns {
            try writer.writeRecord { root in write(c, into: ProfileFrame.Builder(root).initColumn()) }
        }
        if let q = profile.sequence {
            try writer.writeRecord { root in write(q, into: ProfileFrame.Builder(root).initSequence()) }
        }
    }

    /// Fills a column record.
    public static func write(_ c: Profiling.ColumnProfile, into w: ProfileColumn.Builder) {
        w.setColumn(c.column)
        w.setSegment(c.segment)
        w.type = types.first { $0.0 == c.type }!.1
        w.isList = c.measure == .listLength
        w.measure = measures.first { $0.0 == c.measure }!.1
        w.rows = c.rows
        w.nulls = c.nulls
        w.count = c.moments.count
        w.nanCount = c.moments.nanCount
        w.mean = c.moments.mean
        w.m2 = c.moments.m2
        w.min = c.moments.min
        w.max = c.moments.max
        let h = w.initHistogram()
        h.firstBucket = c.histogram.firstIndex
        h.setCounts(c.histogram.counts)
        write(c.quantiles, into: w.initKll())
        let hll = w.initHll()
        hll.precision = UInt8(c.distinct.precision)
        hll.hashSeed = c.hashSeed
        hll.setRegisters(c.distinct.registers)
        let f = w.initFrequent()
        f.capacity = UInt32(c.frequent.capacity)
        f.errorBound = c.frequent.errorBound
        let top = c.frequent.top(c.frequent.capacity)
        let items = f.initItems(count: top.count)
        for (i, item) in top.enumerated() {
            let e = FrequentSummary.Item.Builder(items.structElement(at: i))
            e.count = item.count
            switch item.key {
            case .number(let n): e.number = n
            case .bytes(let b): e.setBytes(b)
            }
        }
    }

    static func write(_ k: KLLSketch, into w: KllSketch.Builder) {
        w.k = UInt16(k.k)
        w.n = k.n
        w.min = k.min
        w.max = k.max
        w.rngState = k.rngState
        w.setLevelSizes(k.levels.map { UInt32($0.count) })
        w.setItems(k.levels.flatMap { $0 })
    }

    /// Fills a sequence record.
    public static func write(_ q: SequenceProfile, into w: ProfileSequence.Builder) {
        w.setUserColumn(q.userColumn)
        w.setTimeColumn(q.timeColumn)
        w.setItemColumn(q.itemColumn)
        w.events = q.events
        w.users = q.users
        w.outOfOrder = q.outOfOrder
        w.duplicates = q.duplicates
        w.future = q.future
        w.hasNow = q.now != nil
        w.now = q.now ?? 0
        write(q.lengths, into: w.initLengths())
        write(q.gaps, into: w.initGaps())
    }

    // MARK: Reading

    /// Reads a column record, checking every part (a reader never trusts a stream).
    public static func read(_ r: ProfileColumn.Reader) throws -> Profiling.ColumnProfile {
        let name = try r.column.string
        func bad(_ what: String) -> ProfilingError { ProfilingError("column '\(name)': \(what)") }
        guard let type = types.first(where: { $0.1 == r.type })?.0 else { throw bad("unknown value type \(r.type.rawValue)") }
        guard let measure = measures.first(where: { $0.1 == r.measure })?.0 else { throw bad("unknown measure \(r.measure.rawValue)") }
        let moments = MomentStats(count: r.count, mean: r.mean, m2: r.m2, min: r.min, max: r.max, nanCount: r.nanCount)
        guard !(r.m2 < 0) else { throw bad("negative m2 \(r.m2)") }
        let h = try r.histogram
        let histogram = try LogHistogram(firstIndex: h.firstBucket, counts: try array(h.counts))
        let kll = try read(try r.kll)
        let hr = try r.hll
        let hll = try HyperLogLog(precision: Int(hr.precision), registers: try hr.registers.array)
        let f = try r.frequent
        var counts: [ProfileKey: UInt64] = [:]
        for item in try f.items {
            let key: ProfileKey
            switch try item.which() {
            case .number(let n): key = .number(n)
            case .bytes(let b): key = .bytes(b.array)
            default: throw bad("a frequent item of a kind this build does not know")
            }
            guard counts.updateValue(item.count, forKey: key) == nil else { throw bad("a frequent item listed twice") }
        }
        let frequent = try FrequentItems(capacity: Int(f.capacity), errorBound: f.errorBound, counts: counts, seed: hr.hashSeed)
        return try Profiling.ColumnProfile(column: name, segment: try r.segment.string, type: type, measure: measure, rows: r.rows,
                                           nulls: r.nulls, moments: moments, histogram: histogram, quantiles: kll, distinct: hll,
                                           frequent: frequent, hashSeed: hr.hashSeed)
    }

    static func read(_ r: KllSketch.Reader) throws -> KLLSketch {
        let sizes = try array(r.levelSizes)
        let items = try array(r.items)
        guard sizes.reduce(0, { $0 + Int($1) }) == items.count else {
            throw ProfilingError("KLL level sizes add up to \(sizes.reduce(0, { $0 + Int($1) })), \(items.count) items stored")
        }
        var levels: [[Double]] = []
        var start = 0
        for s in sizes { levels.append(Array(items[start..<start + Int(s)])); start += Int(s) }
        if levels.isEmpty { levels = [[]] }
        return try KLLSketch(k: Int(r.k), n: r.n, min: r.min, max: r.max, rngState: r.rngState, levels: levels)
    }

    /// Reads a sequence record.
    public static func read(_ r: ProfileSequence.Reader) throws -> SequenceProfile {
        var q = SequenceProfile(userColumn: try r.userColumn.string, timeColumn: try r.timeColumn.string, itemColumn: try r.itemColumn.string,
                                now: r.hasNow ? r.now : nil)
        q.events = r.events
        q.users = r.users
        q.outOfOrder = r.outOfOrder
        q.duplicates = r.duplicates
        q.future = r.future
        q.lengths = try read(try r.lengths)
        q.gaps = try read(try r.gaps)
        guard q.outOfOrder <= q.events, q.duplicates <= q.events, q.future <= q.events, q.users <= q.events else {
            throw ProfilingError("sequence counts above the \(q.events) events")
        }
        guard q.lengths.n == q.users else { throw ProfilingError("sequence length sketch counts \(q.lengths.n) users, the record \(q.users)") }
        return q
    }

    static func array<T: CapnpScalar>(_ list: PrimitiveList<T>) throws -> [T] {
        if let a = list.withUnsafeBufferPointer({ Array($0) }) { return a }
        guard list.raw.count == 0 || list.raw.elementSize.bitsPerElement == MemoryLayout<T>.size * 8 else {
            throw ProfilingError("a list of \(list.raw.elementSize) elements where \(T.self) values belong")
        }
        return (0..<list.count).map { list[$0] }
    }

    /// Reads a whole profile stream (after its header) into a `ProfileSet`.
    public static func read(_ stream: RecordStreamReader) throws -> ProfileSet {
        func bad(_ what: String) -> PipesError { PipesError(.invalidMessage, source: stream.source, "record \(stream.recordCount - 1): \(what)") }
        var source: (rows: UInt64, segmentBy: String)? = nil
        var columns: [Profiling.ColumnProfile] = []
        var sequence: SequenceProfile? = nil
        var seen = Set<String>()
        while let root = try stream.next() {
            do {
                switch try ProfileFrame.Reader(root).which() {
                case .source(let s):
                    guard source == nil else { throw bad("a second source record") }
                    source = (s.rows, try s.segmentBy.string)
                case .column(let c):
                    guard source != nil else { throw bad("a column before the source record") }
                    guard sequence == nil else { throw bad("a column after the sequence record") }
                    let p = try read(c)
                    guard seen.insert(p.column + "\u{0}" + p.segment).inserted else { throw bad("column '\(p.column)' segment '\(p.segment)' twice") }
                    columns.append(p)
                case .sequence(let q):
                    guard source != nil, sequence == nil else { throw bad("a sequence record out of place") }
                    sequence = try read(q)
                default: throw bad("not a source, column or sequence record")
                }
            } catch let e as ProfilingError {
                throw bad(e.message)
            } catch let e as CapnpError {
                throw bad(e.message)
            }
        }
        guard let s = source else { throw PipesError(.invalidMessage, source: stream.source, "no source record") }
        for c in columns where c.segment.isEmpty && c.rows != s.rows {
            throw PipesError(.invalidMessage, source: stream.source, "column '\(c.column)' profiles \(c.rows) rows, the source says \(s.rows)")
        }
        return ProfileSet(segmentBy: s.segmentBy, rows: s.rows, columns: columns, sequence: sequence)
    }
}
