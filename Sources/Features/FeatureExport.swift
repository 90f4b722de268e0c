import AvroSchemas

/// The fit as serving code needs it: per feature, every parameter its transform uses, with the
/// hash definitions spelled out (algorithm, seed, byte order, modulo) so any language
/// reproduces every id without Sluice.
public enum FeatureExport {
    /// How every hashed id is computed, once for the whole document.
    static let hashRules: JSONValue = .object([
        "integer_bytes": .string("an integer value (int32 widened to int64) is hashed as its 8 bytes, little-endian two's complement"),
        "text_bytes": .string("a utf8 or bytes value is hashed as its bytes (UTF-8, no terminator, no length prefix)"),
        "cross_bytes": .string("a cross hashes the concatenation of its columns' bytes in order, with no separator"),
        "xxh64": .string("XXH64 with the given seed; the 64-bit result read as an unsigned integer"),
        "murmur3_32": .string("MurmurHash3_x86_32 with the given 32-bit seed; the 32-bit result read as an unsigned integer"),
        "id": .string("id = unsigned hash modulo buckets"),
    ])

    static func hash(_ h: HashFunction) -> JSONValue {
        .object(["algorithm": .string(h.algorithm.rawValue), "seed": .integer(Int64(h.seed)),
                 "buckets": .integer(Int64(bitPattern: h.buckets)), "byte_order": .string("little-endian")])
    }

    /// The export document of a spec resolved with its fit (`FeatureTransformer` did the checks).
    public static func document(_ t: FeatureTransformer) -> JSONValue {
        var features: [JSONValue] = []
        for (f, plan) in zip(t.spec.features, t.plans) {
            var o: [String: JSONValue] = ["name": .string(f.name), "transform": .string(f.transform.name),
                                          "columns": .array(f.columns.map { .string($0) })]
            switch plan {
            case .hash(_, let h), .cross(_, let h):
                o["hash"] = hash(h)
                o["null_id"] = .integer(f.nullId)
                o["output"] = .string("int64 [rows]")
            case .vocabulary(_, let v):
                switch v.keys {
                case .integers(let k): o["values"] = .array(k.map { .integer($0) })
                case .strings(let k): o["values"] = .array(k.map { .string($0) })
                }
                o["oov"] = .object(["rule": .string("a value not in 'values' gets len(values) + hash id"), "hash": hash(v.oovHash)])
                o["rule"] = .string("id = index of the value in 'values' (most frequent first)")
                o["null_id"] = .integer(f.nullId)
                o["output"] = .string("int64 [rows]")
            case .bucketize(_, let edges):
                o["edges"] = .array(edges.map { FeatureFit.number($0) })
                o["rule"] = .string("id = number of edges <= x (numpy searchsorted side='right'); a null or NaN x is taken as fill")
                o["fill"] = FeatureFit.number(f.fill)
                o["output"] = .string("int64 [rows]")
            case .affine(_, let shift, let scale):
                if case .zscore = f.transform {
                    o["mean"] = .number(shift); o["std"] = .number(scale)
                    o["rule"] = .string("y = float32((x - mean) / std) in float64 (std 0 is taken as 1)")
                } else {
                    o["min"] = .number(shift); o["range"] = .number(scale)
                    o["rule"] = .string("y = float32((x - min) / range) in float64 (range = max - min; 0 is taken as 1)")
                }
                o["fill"] = FeatureFit.number(f.fill)
                o["output"] = .string("float32 [rows]")
            case .log1p:
                o["rule"] = .string("y = float32(log1p(x)) in float64")
                o["fill"] = FeatureFit.number(f.fill)
                o["output"] = .string("float32 [rows]")
            case .fill:
                o["rule"] = .string("y = float32(x)")
                o["fill"] = FeatureFit.number(f.fill)
                o["output"] = .string("float32 [rows]")
            case .sequence(let source, _, let h):
                o["of"] = .string(t.spec.features[source].name)
                o["length"] = .integer(Int64(h.length))
                o["include_current"] = .bool(h.includeCurrent)
                o["rule"] = .string("the user's last `length` ids of `of` before this row (and this row's with include_current), oldest first")
                if h.jagged {
                    o["output"] = .string("keyed jagged: per row, up to length ids")
                } else {
                    o["pad"] = .integer(h.pad)
                    o["output"] = .string("int64 [rows, length], padded after the ids with pad")
                }
            }
            features.append(.object(o))
        }
        return .object(["sluice_export": .integer(1), "hash_rules": hashRules, "features": .array(features)])
    }
}
