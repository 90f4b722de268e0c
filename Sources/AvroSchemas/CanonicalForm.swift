/// Avro's Parsing Canonical Form: the schema with everything that does not affect how data is
/// parsed removed, in one spelling, so that two schemas that read the same bytes the same way
/// print (and fingerprint) the same.
///
/// The spec's transformations: primitives as bare names ([PRIMITIVES]); full names everywhere
/// ([FULLNAMES]); only `name`, `type`, `fields`, `symbols`, `items`, `values`, `size` kept
/// ([STRIP]), in that order ([ORDER]); strings as UTF-8 with only the escapes JSON requires
/// ([STRINGS]); plain integers ([INTEGERS]); no whitespace ([WHITESPACE]). A named type is
/// written in full the first time it is met depth-first, and by its full name after that.
extension AvroSchema {
    /// The Parsing Canonical Form of the whole schema.
    public var canonicalForm: String {
        var out = ""
        var written = Set<String>()
        writeCanonical(root, into: &out, written: &written)
        return out
    }

    private func writeCanonical(_ id: NodeID, into out: inout String, written: inout Set<String>) {
        switch self[id].kind {
        case .primitive(let p):
            out += Self.quoted(p.rawValue)
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            writeCanonical(items, into: &out, written: &written)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            writeCanonical(values, into: &out, written: &written)
            out += "}"
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                writeCanonical(b, into: &out, written: &written)
            }
            out += "]"
        case .record(let r):
            guard written.insert(r.name.fullName).inserted else { out += Self.quoted(r.name.fullName); return }
            out += "{\"name\":\(Self.quoted(r.name.fullName)),\"type\":\(Self.quoted(r.isError ? "error" : "record")),\"fields\":["
            for (i, f) in r.fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":\(Self.quoted(f.name)),\"type\":"
                writeCanonical(f.type, into: &out, written: &written)
                out += "}"
            }
            out += "]}"
        case .enumeration(let e):
            guard written.insert(e.name.fullName).inserted else { out += Self.quoted(e.name.fullName); return }
            out += "{\"name\":\(Self.quoted(e.name.fullName)),\"type\":\"enum\",\"symbols\":["
            out += e.symbols.map(Self.quoted).joined(separator: ",")
            out += "]}"
        case .fixed(let f):
            guard written.insert(f.name.fullName).inserted else { out += Self.quoted(f.name.fullName); return }
            out += "{\"name\":\(Self.quoted(f.name.fullName)),\"type\":\"fixed\",\"size\":\(f.size)}"
        }
    }

    private static func quoted(_ s: String) -> String { JSONValue.quoted(s) }
}
