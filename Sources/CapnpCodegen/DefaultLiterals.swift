/// Swift literals for schema values: field defaults (XOR-encoded on the wire, so the runtime
/// needs the default at every access) and constants.
enum DefaultLiterals {
    /// The integer literal of a scalar default, or nil when it is zero (the common case, which
    /// generated code leaves out). Enum defaults are their raw UInt16.
    static func integer(_ v: Schema.Value) -> String? {
        let s: String
        switch v {
        case .int8(let x): s = "\(x)"
        case .int16(let x): s = "\(x)"
        case .int32(let x): s = "\(x)"
        case .int64(let x): s = "\(x)"
        case .uint8(let x): s = "\(x)"
        case .uint16(let x): s = "\(x)"
        case .uint32(let x): s = "\(x)"
        case .uint64(let x): s = "\(x)"
        case .enumeration(let x): s = "\(x)"
        default: return nil
        }
        return s == "0" ? nil : s
    }

    /// The IEEE bit pattern of a float default as a hex literal, or nil for +0.0.
    static func floatBits(_ v: Schema.Value) -> String? {
        switch v {
        case .float32(let f): return f.bitPattern == 0 ? nil : hexLiteral(UInt64(f.bitPattern), digits: 8)
        case .float64(let d): return d.bitPattern == 0 ? nil : hexLiteral(d.bitPattern, digits: 16)
        default: return nil
        }
    }

    static func bool(_ v: Schema.Value) -> Bool {
        if case .bool(true) = v { return true }
        return false
    }

    static func hexLiteral(_ v: UInt64, digits: Int) -> String {
        let h = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// `[0x01, 0xff]` for Data.
    static func bytes(_ b: [UInt8]) -> String {
        "[" + b.map { hexLiteral(UInt64($0), digits: 2) }.joined(separator: ", ") + "]"
    }

    /// Message words for `DefaultValue(words:)`, four per line.
    static func words(_ w: [UInt64]) -> String {
        var rows: [String] = []
        var i = 0
        while i < w.count {
            rows.append(w[i..<min(i + 4, w.count)].map { hexLiteral($0, digits: 16) }.joined(separator: ", "))
            i += 4
        }
        return "[\n" + rows.map { "    " + $0 + "," }.joined(separator: "\n") + "\n]"
    }

    /// A constant's Swift type and initializer expression for scalar, text, data and enum
    /// values; nil for pointer values that need a `DefaultValue`.
    static func constant(_ v: Schema.Value, enumType: String?) -> (type: String, expr: String)? {
        switch v {
        case .void: return ("Void", "()")
        case .bool(let b): return ("Bool", b ? "true" : "false")
        case .int8(let x): return ("Int8", "\(x)")
        case .int16(let x): return ("Int16", "\(x)")
        case .int32(let x): return ("Int32", "\(x)")
        case .int64(let x): return ("Int64", "\(x)")
        case .uint8(let x): return ("UInt8", "\(x)")
        case .uint16(let x): return ("UInt16", "\(x)")
        case .uint32(let x): return ("UInt32", "\(x)")
        case .uint64(let x): return ("UInt64", "\(x)")
        case .float32(let f):
            return ("Float", "Float(bitPattern: \(hexLiteral(UInt64(f.bitPattern), digits: 8))) /* \(f) */")
        case .float64(let d):
            return ("Double", "Double(bitPattern: \(hexLiteral(d.bitPattern, digits: 16))) /* \(d) */")
        case .text(let s): return ("String", Naming.stringLiteral(s ?? ""))
        case .data(let b): return ("[UInt8]", bytes(b ?? []))
        case .enumeration(let x):
            guard let enumType else { return nil }
            return (enumType, "\(enumType)(rawValue: \(x))")
        default: return nil
        }
    }
}
