import Columns

/// What the numeric statistics of a column measure.
public enum ProfileMeasure: String, CaseIterable, Sendable {
    /// The values themselves (numeric and bool columns; bool as 0/1).
    case value
    /// The byte length of each value (utf8 and bytes columns).
    case length
    /// The element count of each row (list columns).
    case listLength = "list-length"
}

/// The profile of one column over one segment of rows.
///
/// `rows` counts every row, `nulls` the null ones; the numeric parts (moments, histogram,
/// quantiles) describe the column's `measure` over the non-null rows; frequent items and
/// distinct counts key the values themselves (strings by their bytes; list columns by their
/// lengths). Everything merges associatively and commutatively (`merge`): counts, moments'
/// counts, extremes and histogram exactly, mean and M2 up to rounding, the sketches within
/// their stated error.
public struct ColumnProfile: Equatable, Sendable {
    public var column: String
    /// The segment's value as text ("" for all rows).
    public var segment: String
    public var type: ValueType
    public var measure: ProfileMeasure
    public var rows: UInt64 = 0
    public var nulls: UInt64 = 0
    public var moments = MomentStats()
    public var histogram = LogHistogram()
    public var quantiles: KLLSketch
    public var distinct: HyperLogLog
    public var frequent: FrequentItems
    /// The seed of the distinct-count hashes.
    public var hashSeed: UInt64

    /// Sketch sizes and seeds; profiles merge only when these agree.
    public struct Parameters: Equatable, Sendable {
        public var kllK = KLLSketch.defaultK
        public var kllSeed = KLLSketch.defaultSeed
        public var hllPrecision = HyperLogLog.defaultPrecision
        public var hashSeed = Hash64.defaultSeed
        public var frequentCapacity = FrequentItems.defaultCapacity
        public init() {}
    }

    /// An empty profile of `field` in `segment`.
    public init(field: Field, segment: String = "", parameters p: Parameters = Parameters()) {
        column = field.name
        self.segment = segment
        type = field.type
        measure = field.isList ? .listLength : (field.type == .utf8 || field.type == .bytes ? .length : .value)
        // Each (column, segment) gets its own coin stream, still fixed by the seed.
        var h = Hash64.mix(p.kllSeed)
        for b in (field.name + "\u{0}" + segment).utf8 { h = Hash64.mix(h ^ UInt64(b)) }
        quantiles = KLLSketch(k: p.kllK, seed: h)
        distinct = HyperLogLog(precision: p.hllPrecision)
        frequent = FrequentItems(capacity: p.frequentCapacity)
        hashSeed = p.hashSeed
    }

    /// A profile from its stored parts (a profile record).
    public init(column: String, segment: String, type: ValueType, measure: ProfileMeasure, rows: UInt64, nulls: UInt64,
                moments: MomentStats, histogram: LogHistogram, quantiles: KLLSketch, distinct: HyperLogLog,
                frequent: FrequentItems, hashSeed: UInt64) throws {
        guard nulls <= rows else { throw ProfilingError("column '\(column)': \(nulls) nulls in \(rows) rows") }
        guard moments.count + moments.nanCount == rows - nulls else {
            throw ProfilingError("column '\(column)': \(moments.count + moments.nanCount) values counted for \(rows - nulls) non-null rows")
        }
        guard quantiles.n == moments.count, histogram.total == moments.count else {
            throw ProfilingError("column '\(column)': the sketches count \(quantiles.n) and \(histogram.total) values, the moments \(moments.count)")
        }
        self.column = column; self.segment = segment; self.type = type; self.measure = measure
        self.rows = rows; self.nulls = nulls; self.moments = moments; self.histogram = histogram
        self.quantiles = quantiles; self.distinct = distinct; self.frequent = frequent; self.hashSeed = hashSeed
    }

    /// The number of distinct non-null values: exact while the frequent items are exact,
    /// else the HyperLogLog estimate.
    public var distinctCount: Double { frequent.isExact ? Double(frequent.counts.count) : distinct.estimate }
    /// Whether `distinctCount` is exact.
    public var distinctIsExact: Bool { frequent.isExact }

    /// Values are measured into a buffer of this many, then added to the moments, histogram
    /// and quantiles as a run (see `MomentStats.add(contentsOf:)`).
    static let run = 4096

    /// Adds rows of `column` (which must be this profile's field): all rows, or the rows `rows` lists.
    public mutating func add(_ c: Column, rows selection: [Int]? = nil) {
        let count = selection?.count ?? c.rows
        rows += UInt64(count)
        var buffer: [Double] = []
        buffer.reserveCapacity(Swift.min(count, Self.run))
        let seed = hashSeed
        if let offsets = c.listOffsets {
            scan(count, selection, c.validity, &buffer) { i in
                let len = UInt64(offsets[i + 1] - offsets[i])
                return (Double(len), len)
            }
        } else {
            switch c.values {
            case .int64(let v): v.withUnsafeBufferPointer { p in scan(count, selection, c.validity, &buffer) { (Double(p[$0]), UInt64(bitPattern: p[$0])) } }
            case .int32(let v): v.withUnsafeBufferPointer { p in scan(count, selection, c.validity, &buffer) { (Double(p[$0]), UInt64(bitPattern: Int64(p[$0]))) } }
            case .float64(let v): v.withUnsafeBufferPointer { p in scan(count, selection, c.validity, &buffer) { (p[$0], Hash64.canonicalBits(p[$0])) } }
            case .float32(let v):
                v.withUnsafeBufferPointer { p in scan(count, selection, c.validity, &buffer) { let x = Double(p[$0]); return (x, Hash64.canonicalBits(x)) } }
            case .bool(let v): scan(count, selection, c.validity, &buffer) { v[$0] ? (1, 1) : (0, 0) }
            case .utf8(let v), .bytes(let v):
                v.data.withUnsafeBytes { data in
                    for j in 0..<count {
                        let i = selection?[j] ?? j
                        if let m = c.validity, !m[i] { nulls += 1; continue }
                        let lo = Int(v.offsets[i]), hi = Int(v.offsets[i + 1])
                        let bytes = UnsafeRawBufferPointer(rebasing: data[lo..<hi])
                        let h = Hash64.hash(bytes, seed: seed)
                        distinct.add(hash: h)
                        frequent.add(bytes: bytes, hash: h)
                        buffer.append(Double(hi - lo))
                        if buffer.count == Self.run { addMeasures(&buffer) }
                    }
                }
            }
        }
        addMeasures(&buffer)
    }

    /// Rows `0..<count` (or the selection's), skipping nulls: `value(i)` gives the measure and the
    /// key bits of row i; the key is hashed for the distinct count and the frequent items.
    private mutating func scan(_ count: Int, _ selection: [Int]?, _ validity: BitVector?, _ buffer: inout [Double],
                               _ value: (Int) -> (Double, UInt64)) {
        let seed = hashSeed
        for j in 0..<count {
            let i = selection?[j] ?? j
            if let m = validity, !m[i] { nulls += 1; continue }
            let (x, bits) = value(i)
            let h = Hash64.hash(bits, seed: seed)
            distinct.add(hash: h)
            frequent.add(number: bits, hash: h)
            buffer.append(x)
            if buffer.count == Self.run { addMeasures(&buffer) }
        }
    }

    private mutating func addMeasures(_ buffer: inout [Double]) {
        buffer.withUnsafeBufferPointer { b in
            moments.add(contentsOf: b)
            quantiles.add(contentsOf: b)
            for x in b { histogram.add(x) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The profile of both row sets; both must profile the same column and segment with the same parameters.
    public mutating func merge(_ other: ColumnProfile) throws {
        guard other.column == column, other.segment == segment else {
            throw ProfilingError("profiles of column '\(column)' segment '\(segment)' and column '\(other.column)' segment '\(other.segment)' do not merge")
        }
        guard other.type == type, other.measure == measure else {
            throw ProfilingError("column '\(column)' is \(type.rawValue) in one profile and \(other.type.rawValue) in the other")
        }
        guard other.hashSeed == hashSeed else { throw ProfilingError("column '\(column)': profiles hashed with different seeds do not merge") }
        rows += other.rows
        nulls += other.nulls
        moments.merge(other.moments)
        histogram.merge(other.histogram)
        try quantiles.merge(other.quantiles)
        try distinct.merge(other.distinct)
        try frequent.merge(other.frequent)
    }
}
