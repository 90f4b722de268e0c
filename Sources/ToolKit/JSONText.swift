import Foundation

/// JSON text for the tools' machine-readable outputs (dq-check's objects, npu-sim's trace).
public enum JSONText {
    /// A number, or `null` for NaN and infinities (which JSON cannot write).
    public static func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

    /// A JSON string literal.
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
