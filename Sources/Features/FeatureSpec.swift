import AvroSchemas
import Columns

/// What one output feature is computed from and how.
public enum FeatureTransform: Equatable, Sendable {
    /// Hashed id of one integer or byte-string column.
    case hash(HashFunction)
    /// Hashed id of the concatenation of several columns' bytes (integers as 8 little-endian bytes).
    case cross(HashFunction)
    /// Index in the fitted vocabulary (most frequent first); unseen values hash into
    /// `oovBuckets` ids after it.
    case vocabulary(minCount: Int, maxSize: Int?, oovBuckets: Int)
    /// Number of edges <= x (numpy's `searchsorted(edges, x, side='right')`); the edges are
    /// given, or the fitted quantiles at i/q, i = 1..<q (duplicates dropped).
    case bucketize(edges: [Double]?, quantiles: Int?)
    /// (x - mean) / std with the fitted population mean and std (std 0 counts as 1).
    case zscore
    /// (x - min) / (max - min) with the fitted min and max (a zero range counts as 1).
    case minmax
    /// log(1 + x).
    case log1p
    /// x itself, nulls replaced by `fill`.
    case fill
    /// The last `length` ids of an earlier feature `of` among this user's earlier rows (the
    /// row itself included when `includeCurrent`), oldest first; dense pads with `pad` after them.
    case sequence(of: String, user: String, length: Int, jagged: Bool, pad: Int64, includeCurrent: Bool)

    /// The spec's name of the transform.
    public var name: String {
        switch self {
        case .hash: return "hash"
        case .cross: return "cross"
        case .vocabulary: return "vocabulary"
        case .bucketize: return "bucketize"
        case .zscore: return "zscore"
        case .minmax: return "minmax"
        case .log1p: return "log1p"
        case .fill: return "fill"
        case .sequence: return "sequence"
        }
    }

    /// Integer ids out (int64 tensors), else float32 values.
    public var producesIds: Bool {
        switch self {
        case .hash, .cross, .vocabulary, .bucketize, .sequence: return true
        case .zscore, .minmax, .log1p, .fill: return false
        }
    }

    /// Needs fitted statistics of its column.
    public var needsFit: Bool {
        switch self {
        case .vocabulary, .zscore, .minmax: return true
        case .bucketize(let edges, _): return edges == nil
        default: return false
        }
    }
}

/// One output feature of a spec.
public struct FeatureDefinition: Equatable, Sendable {
    /// The tensor's name (and the key of a jagged sequence).
    public var name: String
    /// Input columns (one; several for a cross; none for a sequence).
    public var columns: [String]
    public var transform: FeatureTransform
    /// Numeric transforms: what a null (or NaN for log1p/fill) row becomes before the transform.
    public var fill: Double
    /// Id transforms: the id of a null row.
    public var nullId: Int64
}

/// A feat-etl spec file: the ordered list of output features.
///
///     {"features": [
///       {"name": "item", "transform": "hash", "column": "item_id", "algorithm": "xxh64", "seed": 0, "buckets": 1048576},
///       {"name": "history", "transform": "sequence", "of": "item", "user": "user_id", "length": 50}
///     ]}
public struct FeatureSpec: Equatable, Sendable {
    public var features: [FeatureDefinition]

    public init(features: [FeatureDefinition]) { self.features = features }

    /// Parses spec JSON; every error names `source` and the key path.
    public static func parse(_ bytes: [UInt8], source: String) throws -> FeatureSpec {
        let root: JSONValue
        do { root = try JSONValue.parse(bytes, source: source) } catch let e as SchemaError {
            throw FeatureError(source, e.reason)
        }
        return try parse(root, source: source)
    }

    /// Parses a spec already read as JSON (the copy a fit file carries).
    public static func parse(_ root: JSONValue, source: String) throws -> FeatureSpec {
        var r = KeyReader(source: source)
        guard case .object(let top) = root else { throw r.fail("", "the spec must be a JSON object, got \(root.kindName)") }
        try r.onlyKeys(top, ["features"], at: "")
        guard case .array(let list)? = top["features"] else { throw r.fail("features", "required: an array of feature objects") }
        guard !list.isEmpty else { throw r.fail("features", "empty: name at least one feature") }
        var out: [FeatureDefinition] = []
        var names = Set<String>()
        for (i, item) in list.enumerated() {
            let path = "features[\(i)]"
            let f = try parseFeature(item, path: path, reader: &r, earlier: out)
            guard names.insert(f.name).inserted else { throw r.fail(path + ".name", "'\(f.name)' is used twice") }
            out.append(f)
        }
        return FeatureSpec(features: out)
    }

    static let hashKeys = ["algorithm", "seed", "buckets"]
    static let common = ["name", "transform", "fill", "null_id"]

    private static func parseFeature(_ v: JSONValue, path: String, reader r: inout KeyReader,
                                     earlier: [FeatureDefinition]) throws -> FeatureDefinition {
        guard case .object(let o) = v else { throw r.fail(path, "must be an object, got \(v.kindName)") }
        let name = try r.string(o, "name", at: path)
        guard !name.isEmpty else { throw r.fail(path + ".name", "must not be empty") }
        let kind = try r.string(o, "transform", at: path)
        let fill = try r.double(o, "fill", at: path) ?? 0
        let nullId = try r.int(o, "null_id", at: path) ?? 0
        var columns: [String] = []
        let transform: FeatureTransform
        func one() throws { columns = [try r.string(o, "column", at: path)] }
        switch kind {
        case "hash":
            try r.onlyKeys(o, common + ["column"] + hashKeys, at: path)
            try one()
            transform = .hash(try hashFunction(o, path: path, r: &r))
        case "cross":
            try r.onlyKeys(o, common + ["columns"] + hashKeys, at: path)
            guard case .array(let cs)? = o["columns"], cs.count >= 2 else { throw r.fail(path + ".columns", "required: an array of at least two column names") }
            for (j, c) in cs.enumerated() {
                guard case .string(let s) = c else { throw r.fail(path + ".columns[\(j)]", "must be a string") }
                columns.append(s)
            }
            transform = .cross(try hashFunction(o, path: path, r: &r))
        case "vocabulary":
            try r.onlyKeys(o, common + ["column", "min_count", "max_size", "oov_buckets"], at: path)
            try one()
            let minCount = try r.int(o, "min_count", at: path) ?? 1
            guard minCount >= 1 else { throw r.fail(path + ".min_count", "must be at least 1") }
            let maxSize = try r.int(o, "max_size", at: path)
            if let m = maxSize, m < 1 { throw r.fail(path + ".max_size", "must be at least 1") }
            let oov = try r.int(o, "oov_buckets", at: path) ?? 1
            guard oov >= 1, oov <= 1 << 30 else { throw r.fail(path + ".oov_buckets", "must be between 1 and 2^30") }
            transform = .vocabulary(minCount: Int(minCount), maxSize: maxSize.map(Int.init), oovBuckets: Int(oov))
        case "bucketize":
            try r.onlyKeys(o, common + ["column", "edges", "quantiles"], at: path)
            try one()
            let q = try r.int(o, "quantiles", at: path)
            var edges: [Double]? = nil
            if let e = o["edges"] {
                guard case .array(let es) = e, !es.isEmpty else { throw r.fail(path + ".edges", "must be a non-empty array of numbers") }
                edges = try es.enumerated().map { j, x in
                    switch x {
                    case .integer(let n): return Double(n)
                    case .number(let d): return d
                    default: throw r.fail(path + ".edges[\(j)]", "must be a number")
                    }
                }
                for j in 1..<edges!.count where !(edges![j - 1] < edges![j]) {
                    throw r.fail(path + ".edges[\(j)]", "edges must increase strictly")
                }
            }
            guard (edges == nil) != (q == nil) else { throw r.fail(path, "give exactly one of 'edges' and 'quantiles'") }
            if let q, q < 2 || q > 10_000 { throw r.fail(path + ".quantiles", "must be between 2 and 10000") }
            transform = .bucketize(edges: edges, quantiles: q.map(Int.init))
        case "zscore", "minmax", "log1p", "fill":
            try r.onlyKeys(o, common + ["column"], at: path)
            try one()
            transform = ["zscore": .zscore, "minmax": .minmax, "log1p": .log1p, "fill": .fill][kind]!
        case "sequence":
            try r.onlyKeys(o, common + ["of", "user", "length", "layout", "pad", "include_current"], at: path)
            let of = try r.string(o, "of", at: path)
            guard let source = earlier.first(where: { $0.name == of }) else {
                throw r.fail(path + ".of", "'\(of)' is no earlier feature of the spec")
            }
            guard source.transform.producesIds, !isSequence(source.transform) else {
                throw r.fail(path + ".of", "'\(of)' is a \(source.transform.name) feature; a sequence takes ids (hash, cross, vocabulary, bucketize)")
            }
            let user = try r.string(o, "user", at: path)
            let length = try r.int(o, "length", at: path) ?? 0
            guard length >= 1, length <= 1 << 16 else { throw r.fail(path + ".length", "required: between 1 and 65536") }
            let layout = try r.optionalString(o, "layout", at: path) ?? "dense"
            guard layout == "dense" || layout == "jagged" else { throw r.fail(path + ".layout", "must be 'dense' or 'jagged', not '\(layout)'") }
            let pad = try r.int(o, "pad", at: path) ?? 0
            let current = try r.bool(o, "include_current", at: path) ?? false
            columns = [user]
            transform = .sequence(of: of, user: user, length: Int(length), jagged: layout == "jagged", pad: pad, includeCurrent: current)
        default:
            throw r.fail(path + ".transform", "unknown transform '\(kind)' (hash, cross, vocabulary, bucketize, zscore, minmax, log1p, fill, sequence)")
        }
        return FeatureDefinition(name: name, columns: columns, transform: transform, fill: fill, nullId: nullId)
    }

    static func isSequence(_ t: FeatureTransform) -> Bool {
        if case .sequence = t { return true }
        return false
    }

    private static func hashFunction(_ o: [String: JSONValue], path: String, r: inout KeyReader) throws -> HashFunction {
        let a = try r.optionalString(o, "algorithm", at: path) ?? "xxh64"
        guard let algorithm = HashFunction.Algorithm(rawValue: a) else {
            throw r.fail(path + ".algorithm", "unknown hash '\(a)' (xxh64, murmur3_32)")
        }
        let seed = try r.int(o, "seed", at: path) ?? 0
        guard seed >= 0 else { throw r.fail(path + ".seed", "must not be negative") }
        if algorithm == .murmur3, seed > Int64(UInt32.max) { throw r.fail(path + ".seed", "murmur3_32 takes a 32-bit seed") }
        guard let buckets = try r.int(o, "buckets", at: path), buckets >= 1 else {
            throw r.fail(path + ".buckets", "required: a positive integer")
        }
        return HashFunction(algorithm: algorithm, seed: UInt64(seed), buckets: UInt64(buckets))
    }

    /// Checks every feature against the input's columns: they exist and have a type the
    /// transform takes. Throws naming the spec key.
    public func check(against schema: TableSchema, source: String) throws {
        for (i, f) in features.enumerated() {
            for (j, c) in f.columns.enumerated() {
                let key: String
                if case .cross = f.transform { key = "features[\(i)].columns[\(j)]" }
                else if case .sequence = f.transform { key = "features[\(i)].user" }
                else { key = "features[\(i)].column" }
                guard let index = schema.index(of: c) else {
                    throw FeatureError(source, "\(key): no column '\(c)' in the input (it has \(schema.fields.map(\.name).joined(separator: ", ")))")
                }
                let field = schema.fields[index]
                guard !field.isList else { throw FeatureError(source, "\(key): column '\(c)' is a list; \(f.transform.name) takes scalar columns") }
                let ok: Bool
                switch f.transform {
                case .hash, .cross, .vocabulary: ok = field.type != .float32 && field.type != .float64 && field.type != .bool
                case .sequence: ok = field.type.isInteger || field.type == .utf8 || field.type == .bytes
                default: ok = field.type.isNumeric
                }
                guard ok else {
                    throw FeatureError(source, "\(key): column '\(c)' is \(field.type.rawValue); \(f.transform.name) cannot take that type")
                }
            }
        }
    }
}

/// Reads typed keys of a JSON object, failing with the key path.
struct KeyReader {
    let source: String

    func fail(_ path: String, _ what: String) -> FeatureError {
        FeatureError(source, path.isEmpty ? what : "\(path): \(what)")
    }

    func onlyKeys(_ o: [String: JSONValue], _ allowed: [String], at path: String) throws {
        for k in o.keys.sorted() where !allowed.contains(k) {
            throw fail(path.isEmpty ? k : "\(path).\(k)", "unknown key (this transform takes \(allowed.joined(separator: ", ")))")
        }
    }

    func string(_ o: [String: JSONValue], _ key: String, at path: String) throws -> String {
        guard let s = try optionalString(o, key, at: path) else { throw fail("\(path).\(key)", "required: a string") }
        return s
    }

    func optionalString(_ o: [String: JSONValue], _ key: String, at path: String) throws -> String? {
        guard let v = o[key] else { return nil }
        guard case .string(let s) = v else { throw fail("\(path).\(key)", "must be a string, got \(v.kindName)") }
        return s
    }

    func int(_ o: [String: JSONValue], _ key: String, at path: String) throws -> Int64? {
        guard let v = o[key] else { return nil }
        guard case .integer(let n) = v else { throw fail("\(path).\(key)", "must be an integer, got \(v.kindName)") }
        return n
    }

    func double(_ o: [String: JSONValue], _ key: String, at path: String) throws -> Double? {
        switch o[key] {
        case nil: return nil
        case .integer(let n)?: return Double(n)
        case .number(let d)?: return d
        case let v?: throw fail("\(path).\(key)", "must be a number, got \(v.kindName)")
        }
    }

    func bool(_ o: [String: JSONValue], _ key: String, at path: String) throws -> Bool? {
        guard let v = o[key] else { return nil }
        guard case .bool(let b) = v else { throw fail("\(path).\(key)", "must be true or false, got \(v.kindName)") }
        return b
    }
}
