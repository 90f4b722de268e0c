/// Writing JSON back out: for schemas a tool generates (`infer`) or rewrites, in the key order
/// people write `.avsc` files in, so the output reads like a hand-written schema and diffs well.
extension JSONValue {
    /// Keys in the order Avro schemas are usually written; any other key follows, sorted.
    static let keyOrder = ["name", "namespace", "type", "doc", "aliases", "fields", "symbols", "items", "values",
                           "size", "default", "order", "logicalType"]

    /// The value as JSON text. `pretty` breaks an array or object over lines, indented by two
    /// spaces, only when it does not fit in `width` columns on one line.
    public func text(pretty: Bool = true, width: Int = 100) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0, width: pretty ? width : .max)
        return out
    }

    /// Writes the value; a container that fits in `width` from `indent` stays on one line
    /// (spaced after `,` and `:` when `pretty`), else each entry gets its own line.
    private func write(into out: inout String, pretty: Bool, indent: Int, width: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): out += Self.quoted(s)
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", into: &out, pretty: pretty, indent: indent, width: width)
        case .object(let members):
            let ordered = members.sorted { a, b in
                let ia = Self.keyOrder.firstIndex(of: a.key) ?? Self.keyOrder.count
                let ib = Self.keyOrder.firstIndex(of: b.key) ?? Self.keyOrder.count
                return ia != ib ? ia < ib : a.key < b.key
            }
            writeContainer(ordered.map { ($0.key, $0.value) }, open: "{", close: "}", into: &out, pretty: pretty, indent: indent, width: width)
        }
    }

    private func writeContainer(_ entries: [(key: String?, value: JSONValue)], open: String, close: String,
                                into out: inout String, pretty: Bool, indent: Int, width: Int) {
        // One line: every entry written with no room to break.
        let compact = entries.map { entry -> String in
            var line = entry.key.map { Self.quoted($0) + (pretty ? ": " : ":") } ?? ""
            entry.value.write(into: &line, pretty: pretty, indent: 0, width: .max)
            return line
        }.joined(separator: pretty ? ", " : ",")
        if entries.isEmpty || indent + compact.count + 2 <= width {
            out += open + compact + close
            return
        }
        let inner = String(repeating: " ", count: indent + 2)
        out += open + "\n"
        for (i, entry) in entries.enumerated() {
            out += inner
            if let key = entry.key { out += Self.quoted(key) + ": " }
            entry.value.write(into: &out, pretty: true, indent: indent + 2, width: width)
            out += i + 1 < entries.count ? ",\n" : "\n"
        }
        out += String(repeating: " ", count: indent) + close
    }

    /// A JSON string literal with only the escapes JSON requires (the canonical form's [STRINGS]
    /// rule, and valid JSON for any text).
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
