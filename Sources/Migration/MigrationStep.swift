import AvroSchemas
import Columns
import Foundation

/// A constant a `default` step fills a new column with.
public enum DefaultValue: Equatable, Sendable {
    case null, int(Int64), float(Double), bool(Bool), string(String)
}

/// One step of a migration between two schema versions, applied to every batch in turn.
public enum MigrationStep: Equatable, Sendable {
    /// The field keeps its values and id under a new name.
    case rename(from: String, to: String)
    /// An Avro promotion (int→long/float/double, long→float/double, float→double, string↔bytes).
    case widen(field: String, to: ValueType)
    /// Any scalar conversion, every value checked; inexact values follow the policy.
    case cast(field: String, to: ValueType, policy: LossyPolicy)
    /// A new field computed from the row (see `Expression`); `type` converts the result.
    case derive(field: String, expression: Expression, source: String, type: ValueType?)
    /// A new field holding one value in every row (Avro's reader default).
    case addDefault(field: String, type: ValueType, value: DefaultValue)
    /// A field that may now be null (Avro: `T` read as `["null", T]`).
    case makeNullable(field: String)
    /// The field is gone.
    case drop(field: String)

    /// The step as people write it in a spec, for messages.
    public var summary: String {
        switch self {
        case .rename(let a, let b): return "rename \(a) → \(b)"
        case .widen(let f, let t): return "widen \(f) to \(t.rawValue)"
        case .cast(let f, let t, let p): return "cast \(f) to \(t.rawValue) (lossy: \(p.rawValue))"
        case .derive(let f, _, let s, _): return "derive \(f) = \(s)"
        case .addDefault(let f, let t, _): return "default \(f) (\(t.rawValue))"
        case .makeNullable(let f): return "nullable \(f)"
        case .drop(let f): return "drop \(f)"
        }
    }
}

/// A migration spec file: `{"steps": [ ... ]}`, each step one object whose first key names it:
///
///     {"rename": "item_id", "to": "movie_id"}
///     {"widen": "qty", "to": "int64"}
///     {"cast": "rating", "to": "int64", "lossy": "fail"}        lossy: fail (default), null, clamp
///     {"derive": "hour", "expr": "bucket(timestamp, 3600)", "type": "int64"}
///     {"default": "country", "type": "utf8", "value": "unknown"}
///     {"nullable": "note"}
///     {"drop": "legacy_score"}
///
/// Types are the table's (int32, int64, float32, float64, bool, utf8, bytes) or Avro's names
/// (int, long, float, double, boolean, string, bytes). Errors name the file, the step and key.
public enum MigrationSpec {
    public static func parse(_ data: Data, source: String) throws -> [MigrationStep] {
        func bad(_ at: String, _ what: String) -> ColumnsError { ColumnsError("\(source): \(at): \(what)") }
        let root: JSONValue
        do { root = try JSONValue.parse(Array(data), source: source) } catch let e as SchemaError {
            throw ColumnsError("\(source): \(e.reason)")
        }
        guard case .object(let object) = root else { throw bad("top level", "expected an object with \"steps\"") }
        for key in object.keys.sorted() where key != "steps" && key != "doc" { throw bad(key, "unknown key (known: steps, doc)") }
        guard case .array(let steps)? = object["steps"] else { throw bad("steps", "expected a list of steps") }
        return try steps.enumerated().map { i, any in
            let at = "steps[\(i)]"
            guard case .object(let step) = any else { throw bad(at, "expected an object") }
            func string(_ key: String) throws -> String {
                guard let v = step[key] else { throw bad(at, "missing \"\(key)\"") }
                guard case .string(let s) = v, !s.isEmpty else { throw bad("\(at).\(key)", "expected a non-empty string") }
                return s
            }
            func type(_ key: String) throws -> ValueType {
                let name = try string(key)
                guard let t = Self.valueType(name) else {
                    throw bad("\(at).\(key)", "unknown type '\(name)' (int32, int64, float32, float64, bool, utf8, bytes or Avro's int, long, float, double, boolean, string)")
                }
                return t
            }
            func only(_ keys: Set<String>) throws {
                for k in step.keys.sorted() where !keys.contains(k) { throw bad("\(at).\(k)", "unknown key for this step (known: \(keys.sorted().joined(separator: ", ")))") }
            }
            let kinds = ["rename", "widen", "cast", "derive", "default", "nullable", "drop"].filter { step[$0] != nil }
            guard kinds.count == 1 else {
                throw bad(at, kinds.isEmpty ? "no step kind (rename, widen, cast, derive, default, nullable, drop)" : "two step kinds: \(kinds.joined(separator: ", "))")
            }
            switch kinds[0] {
            case "rename": try only(["rename", "to"]); return .rename(from: try string("rename"), to: try string("to"))
            case "widen":
                try only(["widen", "to"])
                return .widen(field: try string("widen"), to: try type("to"))
            case "cast":
                try only(["cast", "to", "lossy"])
                var policy = LossyPolicy.fail
                if step["lossy"] != nil {
                    let p = try string("lossy")
                    guard let lp = LossyPolicy(rawValue: p) else { throw bad("\(at).lossy", "'\(p)' is not fail, null or clamp") }
                    policy = lp
                }
                return .cast(field: try string("cast"), to: try type("to"), policy: policy)
            case "derive":
                try only(["derive", "expr", "type"])
                let text = try string("expr")
                let e: Expression
                do { e = try Expression.parse(text) } catch let x as ColumnsError { throw bad("\(at).expr", x.message) }
                return .derive(field: try string("derive"), expression: e, source: text, type: step["type"] == nil ? nil : try type("type"))
            case "default":
                try only(["default", "type", "value"])
                let t = try type("type")
                guard let v = step["value"] else { throw bad(at, "missing \"value\" (null for none)") }
                guard let value = defaultValue(v, type: t) else { throw bad("\(at).value", "\(v.kindName) is not a \(t.rawValue)") }
                return .addDefault(field: try string("default"), type: t, value: value)
            case "nullable": try only(["nullable"]); return .makeNullable(field: try string("nullable"))
            default: try only(["drop"]); return .drop(field: try string("drop"))
            }
        }
    }

    /// A table type by its name or its Avro primitive's name.
    public static func valueType(_ name: String) -> ValueType? {
        if let t = ValueType(rawValue: name) { return t }
        switch name {
        case "int": return .int32
        case "long": return .int64
        case "float": return .float32
        case "double": return .float64
        case "boolean": return .bool
        case "string": return .utf8
        default: return nil
        }
    }

    /// A JSON value as a default of `type` (nil when it is not one).
    public static func defaultValue(_ v: JSONValue, type: ValueType) -> DefaultValue? {
        switch (v, type) {
        case (.null, _): return .null
        case (.bool(let b), .bool): return .bool(b)
        case (.integer(let i), .int64): return .int(i)
        case (.integer(let i), .int32): return Int32(exactly: i) == nil ? nil : .int(i)
        case (.integer(let i), .float32), (.integer(let i), .float64): return .float(Double(i))
        case (.number(let d), .float32), (.number(let d), .float64): return .float(d)
        case (.string(let s), .utf8), (.string(let s), .bytes): return .string(s)
        default: return nil
        }
    }
}
