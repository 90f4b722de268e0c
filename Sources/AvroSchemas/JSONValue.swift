import Foundation

/// A JSON value as an Avro schema document holds it: defaults, extension keys and other
/// attributes are kept in this form so nothing a schema author wrote is lost.
///
/// Integers and fractions are kept apart (`integer` vs `number`) because Avro cares: a fixed's
/// `size` must be an integer, and an `int` field's default may not be `1.5`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a JSON document (any value at the top, as `"int"` is a whole schema).
    /// Throws `SchemaError` at `source` when the text is not JSON.
    public static func parse(_ bytes: [UInt8], source: String) throws -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw SchemaError(source: source, path: SchemaPath(), reason: "not valid JSON: \(Self.describe(error))")
        }
        return try JSONValue(foundation: object, source: source, depth: 0)
    }

    /// Converts what JSONSerialization returns. `NSNumber` carries booleans too; its Objective-C
    /// type code tells them apart ("c" for a JSON true/false, "d" for a fraction or exponent).
    init(foundation value: Any, source: String, depth: Int) throws {
        guard depth <= SchemaLimits.maxNesting else {
            throw SchemaError(source: source, path: SchemaPath(), reason: "JSON nested deeper than \(SchemaLimits.maxNesting) levels")
        }
        switch value {
        case is NSNull:
            self = .null
        case let s as String:
            self = .string(s)
        case let n as NSNumber:
            let code = String(cString: n.objCType)
            if code == "c" {
                self = .bool(n.boolValue)
            } else if code == "d" || code == "f" {
                self = .number(n.doubleValue)
            } else if code == "Q" && n.uint64Value > UInt64(Int64.max) {
                self = .number(n.doubleValue)
            } else {
                self = .integer(n.int64Value)
            }
        case let a as [Any]:
            self = .array(try a.map { try JSONValue(foundation: $0, source: source, depth: depth + 1) })
        case let d as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in d { out[k] = try JSONValue(foundation: v, source: source, depth: depth + 1) }
            self = .object(out)
        default:
            throw SchemaError(source: source, path: SchemaPath(), reason: "unexpected JSON value \(type(of: value))")
        }
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A short name for messages: "a string", "an object", ...
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Foundation's JSON errors carry their useful text in the user info, not the description.
    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return ns.localizedDescription
    }
}
