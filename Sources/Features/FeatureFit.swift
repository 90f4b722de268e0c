import AvroSchemas
import Columns

/// The statistics one feature's transform needs, kept in a form that merges exactly: every
/// distinct value with its count. Anything derived (vocabulary, mean, std, min, max, quantile
/// edges) is computed from that sorted table, so the fit of shards merged (`merge`) is the same
/// bytes as the fit of the whole in one pass, whatever the sharding. The cost is a fit that
/// grows with the number of distinct values.
public struct FeatureStatistics: Equatable, Sendable {
    /// The distinct values, by kind of column.
    public enum Counts: Equatable, Sendable {
        case integers([Int64: Int64])
        case strings([String: Int64])
        /// Numbers by the bit pattern of their Double value (-0 stored as +0).
        case numbers([UInt64: Int64])
    }

    /// The input column.
    public var column: String
    /// Rows seen, nulls included.
    public var rows: Int64
    /// Null rows (and NaN values of numeric columns).
    public var nulls: Int64
    public var counts: Counts

    public init(column: String, counts: Counts) {
        self.column = column
        rows = 0
        nulls = 0
        self.counts = counts
    }

    /// Adds the rows of `c`.
    mutating func add(_ c: Column) {
        rows += Int64(c.rows)
        let validity = c.validity
        switch counts {
        case .integers(var d):
            counts = .integers([:])
            let v = ColumnAccess.int64s(c)!
            for i in 0..<v.count {
                if let m = validity, !m[i] { nulls += 1; continue }
                d[v[i], default: 0] += 1
            }
            counts = .integers(d)
        case .strings(var d):
            counts = .strings([:])
            guard case .utf8(let text) = c.values else { counts = .strings(d); return }
            for i in 0..<text.count {
                if let m = validity, !m[i] { nulls += 1; continue }
                d[String(decoding: text[i], as: UTF8.self), default: 0] += 1
            }
            counts = .strings(d)
        case .numbers(var d):
            counts = .numbers([:])
            let v = ColumnAccess.doubles(c)!
            for i in 0..<v.count {
                if let m = validity, !m[i] { nulls += 1; continue }
                let x = v[i]
                if x.isNaN { nulls += 1; continue }
                d[(x == 0 ? 0.0 : x).bitPattern, default: 0] += 1
            }
            counts = .numbers(d)
        }
    }

    /// Adds another fit of the same column.
    mutating func merge(_ o: FeatureStatistics, name: String, source: String) throws {
        guard o.column == column else { throw FeatureError(source, "feature '\(name)': fitted on column '\(o.column)', the first fit on '\(column)'") }
        rows += o.rows
        nulls += o.nulls
        switch (counts, o.counts) {
        case (.integers(var a), .integers(let b)): for (k, n) in b { a[k, default: 0] += n }; counts = .integers(a)
        case (.strings(var a), .strings(let b)): for (k, n) in b { a[k, default: 0] += n }; counts = .strings(a)
        case (.numbers(var a), .numbers(let b)): for (k, n) in b { a[k, default: 0] += n }; counts = .numbers(a)
        default: throw FeatureError(source, "feature '\(name)': its counts are of another kind than the first fit's")
        }
    }

    /// Numeric values ascending with their counts.
    public var sortedNumbers: [(value: Double, count: Int64)] {
        guard case .numbers(let d) = counts else { return [] }
        return d.map { (Double(bitPattern: $0.key), $0.value) }.sorted { $0.value < $1.value }
    }

    /// Non-null, non-NaN values counted.
    public var present: Int64 { rows - nulls }

    /// Mean, population std, min and max over the sorted distinct values (a fixed order, so
    /// every fit with the same counts gives the same bits). Nil without values.
    public var moments: (mean: Double, std: Double, min: Double, max: Double)? {
        let s = sortedNumbers
        guard let first = s.first, let last = s.last else { return nil }
        let n = Double(present)
        var sum = 0.0
        for (v, c) in s { sum += v * Double(c) }
        let mean = sum / n
        var sq = 0.0
        for (v, c) in s { let d = v - mean; sq += d * d * Double(c) }
        return (mean, (sq / n).squareRoot(), first.value, last.value)
    }

    /// Quantile edges at i/q for i = 1..<q: the smallest value whose cumulative count reaches
    /// i·n/q (numpy's `quantile(method='inverted_cdf')`, in exact integer arithmetic), equal
    /// edges dropped. Empty without values.
    public func quantileEdges(_ q: Int) -> [Double] {
        let s = sortedNumbers
        let n = present
        var edges: [Double] = []
        var cum: Int64 = 0
        var j = 0
        for i in 1..<q {
            let target = Int64(i) * n          // reach cum * q >= i * n
            while j < s.count && cum * Int64(q) < target { cum += s[j].count; j += 1 }
            guard j > 0 else { continue }
            let edge = s[j - 1].value
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }
}

/// A vocabulary: the kept values, most frequent first (ties by value), and lookup.
public struct Vocabulary: Sendable {
    public enum Keys: Sendable {
        case integers([Int64])
        case strings([String])
    }
    public let keys: Keys
    public let oovBuckets: Int
    let intIndex: [Int64: Int64]
    let stringIndex: [String: Int64]

    /// The vocabulary of `stats` with at least `minCount` occurrences, at most `maxSize` values.
    public init(_ stats: FeatureStatistics, minCount: Int, maxSize: Int?, oovBuckets: Int) {
        self.oovBuckets = oovBuckets
        switch stats.counts {
        case .integers(let d):
            var kept = d.filter { $0.value >= Int64(minCount) }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            if let m = maxSize, kept.count > m { kept.removeLast(kept.count - m) }
            keys = .integers(kept.map(\.key))
            intIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.key, Int64($0)) })
            stringIndex = [:]
        case .strings(let d):
            var kept = d.filter { $0.value >= Int64(minCount) }.sorted {
                $0.value != $1.value ? $0.value > $1.value : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8))
            }
            if let m = maxSize, kept.count > m { kept.removeLast(kept.count - m) }
            keys = .strings(kept.map(\.key))
            stringIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.key, Int64($0)) })
            intIndex = [:]
        case .numbers:
            keys = .integers([])
            intIndex = [:]
            stringIndex = [:]
        }
    }

    public var count: Int {
        switch keys {
        case .integers(let k): return k.count
        case .strings(let k): return k.count
        }
    }

    /// The hash that spreads out-of-vocabulary values over the OOV ids: xxh64 seed 0 of the
    /// value's bytes, modulo `oovBuckets`, added to the vocabulary's size.
    public var oovHash: HashFunction { HashFunction(algorithm: .xxh64, seed: 0, buckets: UInt64(oovBuckets)) }

    @inline(__always) func id(int64 v: Int64) -> Int64 {
        intIndex[v] ?? Int64(count) + oovHash.id(int64: v)
    }

    func id(bytes: ArraySlice<UInt8>) -> Int64 {
        let s = String(decoding: bytes, as: UTF8.self)
        if let i = stringIndex[s] { return i }
        return Int64(count) + bytes.withUnsafeBytes { oovHash.id(bytes: $0) }
    }
}

/// The fit of a spec: statistics for every feature that needs them, by feature name.
public struct FeatureFit: Equatable, Sendable {
    /// The fit file format's version, written as `sluice_fit`.
    public static let formatVersion: Int64 = 1
    public var features: [String: FeatureStatistics]
    /// The spec the fit was made with (its JSON), so `export` and `merge-fit` need no other file.
    public var spec: JSONValue

    public init(features: [String: FeatureStatistics], spec: JSONValue) {
        self.features = features
        self.spec = spec
    }

    /// Empty statistics for every feature of `spec` that needs a fit, typed by its column.
    public init(spec: FeatureSpec, specJSON: JSONValue, schema: TableSchema) {
        self.spec = specJSON
        var out: [String: FeatureStatistics] = [:]
        for f in spec.features where f.transform.needsFit {
            let field = schema.fields[schema.index(of: f.columns[0])!]
            let counts: FeatureStatistics.Counts
            if case .vocabulary = f.transform {
                counts = field.type == .utf8 ? .strings([:]) : .integers([:])
            } else {
                counts = .numbers([:])
            }
            out[f.name] = FeatureStatistics(column: f.columns[0], counts: counts)
        }
        features = out
    }

    /// Adds a batch's rows (the columns located by `schema`).
    public mutating func add(_ batch: ColumnBatch, schema: TableSchema) {
        for name in features.keys.sorted() {
            var s = features[name]!
            features[name] = nil
            s.add(batch.columns[schema.index(of: s.column)!])
            features[name] = s
        }
    }

    /// Merges the fit of other shards into this one: counts add; features must match.
    public mutating func merge(_ other: FeatureFit, source: String) throws {
        guard other.spec == spec else { throw FeatureError(source, "was fitted with another spec than the first fit") }
        guard Set(other.features.keys) == Set(features.keys) else {
            throw FeatureError(source, "fits features \(other.features.keys.sorted().joined(separator: ", ")), the first fit \(features.keys.sorted().joined(separator: ", "))")
        }
        for (name, s) in other.features { try features[name]!.merge(s, name: name, source: source) }
    }

    // MARK: JSON

    /// The fit as JSON: distinct values sorted, so equal fits are equal bytes.
    public func json() -> String {
        var members: [String: JSONValue] = [:]
        for (name, s) in features {
            var o: [String: JSONValue] = ["column": .string(s.column), "rows": .integer(s.rows), "nulls": .integer(s.nulls)]
            switch s.counts {
            case .integers(let d):
                o["integers"] = .array(d.sorted { $0.key < $1.key }.map { .array([.integer($0.key), .integer($0.value)]) })
            case .strings(let d):
                o["strings"] = .array(d.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                    .map { .array([.string($0.key), .integer($0.value)]) })
            case .numbers:
                o["numbers"] = .array(s.sortedNumbers.map { .array([Self.number($0.value), .integer($0.count)]) })
            }
            members[name] = .object(o)
        }
        return JSONValue.object(["sluice_fit": .integer(Self.formatVersion), "spec": spec, "features": .object(members)]).text(pretty: false) + "\n"
    }

    /// A Double as JSON: integral values as integers (exact up to 2^53), infinities as strings.
    static func number(_ d: Double) -> JSONValue {
        if d.isInfinite { return .string(d < 0 ? "-inf" : "inf") }
        if d == d.rounded(), abs(d) < 9.0e15 { return .integer(Int64(d)) }
        return .number(d)
    }

    static func double(_ v: JSONValue) -> Double? {
        switch v {
        case .integer(let n): return Double(n)
        case .number(let d): return d
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }

    /// Parses a fit file; a truncated or edited file fails naming the key.
    public static func parse(_ bytes: [UInt8], source: String) throws -> FeatureFit {
        let root: JSONValue
        do { root = try JSONValue.parse(bytes, source: source) } catch let e as SchemaError {
            throw FeatureError(source, "not a fit file: \(e.reason)")
        }
        let r = KeyReader(source: source)
        guard case .object(let top) = root, case .integer(let version)? = top["sluice_fit"] else {
            throw r.fail("", "not a fit file (no 'sluice_fit' version)")
        }
        guard version == formatVersion else { throw r.fail("sluice_fit", "fit format \(version), this build reads \(formatVersion)") }
        guard case .object(let fs)? = top["features"] else { throw r.fail("features", "required: an object") }
        var out: [String: FeatureStatistics] = [:]
        for (name, v) in fs {
            let path = "features.\(name)"
            guard case .object(let o) = v else { throw r.fail(path, "must be an object") }
            let column = try r.string(o, "column", at: path)
            guard let rows = try r.int(o, "rows", at: path), let nulls = try r.int(o, "nulls", at: path), rows >= 0, nulls >= 0, nulls <= rows else {
                throw r.fail(path, "needs 'rows' and 'nulls' counts, 0 <= nulls <= rows")
            }
            func pairs(_ key: String) throws -> [(JSONValue, Int64)]? {
                guard let p = o[key] else { return nil }
                guard case .array(let items) = p else { throw r.fail("\(path).\(key)", "must be an array of [value, count]") }
                return try items.enumerated().map { i, item in
                    guard case .array(let pair) = item, pair.count == 2, case .integer(let n) = pair[1], n > 0 else {
                        throw r.fail("\(path).\(key)[\(i)]", "must be [value, positive count]")
                    }
                    return (pair[0], n)
                }
            }
            var stats: FeatureStatistics
            var total: Int64 = 0
            if let p = try pairs("integers") {
                var d: [Int64: Int64] = [:]
                for (i, (k, n)) in p.enumerated() {
                    guard case .integer(let x) = k else { throw r.fail("\(path).integers[\(i)]", "value must be an integer") }
                    d[x, default: 0] += n; total += n
                }
                stats = FeatureStatistics(column: column, counts: .integers(d))
            } else if let p = try pairs("strings") {
                var d: [String: Int64] = [:]
                for (i, (k, n)) in p.enumerated() {
                    guard case .string(let x) = k else { throw r.fail("\(path).strings[\(i)]", "value must be a string") }
                    d[x, default: 0] += n; total += n
                }
                stats = FeatureStatistics(column: column, counts: .strings(d))
            } else if let p = try pairs("numbers") {
                var d: [UInt64: Int64] = [:]
                for (i, (k, n)) in p.enumerated() {
                    guard let x = double(k), !x.isNaN else { throw r.fail("\(path).numbers[\(i)]", "value must be a number") }
                    d[(x == 0 ? 0.0 : x).bitPattern, default: 0] += n; total += n
                }
                stats = FeatureStatistics(column: column, counts: .numbers(d))
            } else {
                throw r.fail(path, "needs one of 'integers', 'strings', 'numbers'")
            }
            guard total == rows - nulls else { throw r.fail(path, "counts add up to \(total), rows - nulls is \(rows - nulls)") }
            stats.rows = rows
            stats.nulls = nulls
            out[name] = stats
        }
        guard let spec = top["spec"] else { throw r.fail("spec", "required: the spec the fit was made with") }
        return FeatureFit(features: out, spec: spec)
    }
}
