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

    /// Adds the measure of one non-null row and its key.
    mutating func add(measure x: Double, key: ProfileKey, hash: UInt64) {
        moments.add(x)
        histogram.add(x)
        quantiles.add(x)
        distinct.add(hash: hash)
        frequent.add(key)
    }

    /// Adds rows of `column` (which must be this profile's field): all rows, or the rows `rows` lists.
    public mutating func add(_ c: Column, rows selection: [Int]? = nil) {
        let all = c.rows
        let count = selection?.count ?? all
        rows += UInt64(count)
        @inline(__always) func row(_ j: Int) -> Int { selection.map { $0[j] } ?? j }
        let validity = c.validity
        if let offsets = c.listOffsets {
            for j in 0..<count {
                let i = row(j)
                if let v = validity, !v[i] { nulls += 1; continue }
                let len = UInt64(offsets[i + 1] - offsets[i])
                add(measure: Double(len), key: .number(len), hash: Hash64.hash(len, seed: hashSeed))
            }
            return
        }
        switch c.values {
        case .int64(let v): addIntegers(v, validity, count, row)
        case .int32(let v): addIntegers(v, validity, count, row)
        case .float64(let v): addFloats(v, validity, count, row)
        case .float32(let v): addFloats(v, validity, count, row)
        case .bool(let v):
            for j in 0..<count {
                let i = row(j)
                if let m = validity, !m[i] { nulls += 1; continue }
                let b: UInt64 = v[i] ? 1 : 0
                add(measure: Double(b), key: .number(b), hash: Hash64.hash(b, seed: hashSeed))
            }
        case .utf8(let v), .bytes(let v):
            v.data.withUnsafeBytes { data in
                for j in 0..<count {
                    let i = row(j)
                    if let m = validity, !m[i] { nulls += 1; continue }
                    let lo = Int(v.offsets[i]), hi = Int(v.offsets[i + 1])
                    let bytes = UnsafeRawBufferPointer(rebasing: data[lo..<hi])
                    add(measure: Double(hi - lo), key: .bytes(Array(bytes)), hash: Hash64.hash(bytes, seed: hashSeed))
                }
            }
        }
    }

    private mutating func addIntegers<T: FixedWidthInteger>(_ v: [T], _ validity: BitVector?, _ count: Int, _ row: (Int) -> Int) {
        for j in 0..<count {
            let i = row(j)
            if let m = validity, !m[i] { nulls += 1; continue }
            let bits = UInt64(bitPattern: Int64(v[i]))
            add(measure: Double(v[i]), key: .number(bits), hash: Hash64.hash(bits, seed: hashSeed))
        }
    }

    private mutating func addFloats<T: BinaryFloatingPoint>(_ v: [T], _ validity: BitVector?, _ count: Int, _ row: (Int) -> Int) {
        for j in 0..<count {
            let i = row(j)
            if let m = validity, !m[i] { nulls += 1; continue }
            let x = Double(v[i])
            let bits = Hash64.canonicalBits(x)
            add(measure: x, key: .number(bits), hash: Hash64.hash(bits, seed: hashSeed))
        }
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
