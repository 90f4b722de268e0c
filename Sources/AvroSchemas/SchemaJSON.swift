/// The schema back as a JSON document, every attribute kept (docs, defaults, aliases, logical
/// types, extension keys): `AvroSchema.parse(json: schema.json)` gives the same schema. Named
/// types are written in full where first met, depth-first, and by name after that; a
/// namespace is written only where it differs from the enclosing one.
extension AvroSchema {
    /// The schema as JSON; `json.text()` is `.avsc` text.
    public var json: JSONValue {
        var written = Set<String>()
        return json(root, namespace: "", written: &written)
    }

    private func json(_ id: NodeID, namespace: String, written: inout Set<String>) -> JSONValue {
        let node = self[id]
        var object = node.properties
        if let logical = node.logicalType { object["logicalType"] = .string(logical) }
        switch node.kind {
        case .primitive(let p):
            if object.isEmpty { return .string(p.rawValue) }
            object["type"] = .string(p.rawValue)
        case .array(let items):
            object["type"] = "array"
            object["items"] = json(items, namespace: namespace, written: &written)
        case .map(let values):
            object["type"] = "map"
            object["values"] = json(values, namespace: namespace, written: &written)
        case .union(let branches):
            return .array(branches.map { json($0, namespace: namespace, written: &written) })
        case .record(let r):
            guard written.insert(r.name.fullName).inserted else { return reference(r.name, from: namespace) }
            named(r.name, r.aliases, in: namespace, into: &object)
            object["type"] = .string(r.isError ? "error" : "record")
            if let doc = r.doc { object["doc"] = .string(doc) }
            object["fields"] = .array(r.fields.map { field($0, namespace: r.name.namespace, written: &written) })
        case .enumeration(let e):
            guard written.insert(e.name.fullName).inserted else { return reference(e.name, from: namespace) }
            named(e.name, e.aliases, in: namespace, into: &object)
            object["type"] = "enum"
            if let doc = e.doc { object["doc"] = .string(doc) }
            object["symbols"] = .array(e.symbols.map(JSONValue.string))
            if let d = e.defaultSymbol { object["default"] = .string(d) }
        case .fixed(let f):
            guard written.insert(f.name.fullName).inserted else { return reference(f.name, from: namespace) }
            named(f.name, f.aliases, in: namespace, into: &object)
            object["type"] = "fixed"
            object["size"] = .integer(Int64(f.size))
        }
        return .object(object)
    }

    private func field(_ f: AvroField, namespace: String, written: inout Set<String>) -> JSONValue {
        var object = f.properties
        object["name"] = .string(f.name)
        object["type"] = json(f.type, namespace: namespace, written: &written)
        if let d = f.defaultValue { object["default"] = d }
        if !f.aliases.isEmpty { object["aliases"] = .array(f.aliases.map(JSONValue.string)) }
        if f.order != .ascending { object["order"] = .string(f.order.rawValue) }
        if let doc = f.doc { object["doc"] = .string(doc) }
        return .object(object)
    }

    private func named(_ name: AvroName, _ aliases: [String], in namespace: String, into object: inout [String: JSONValue]) {
        object["name"] = .string(name.name)
        if name.namespace != namespace { object["namespace"] = .string(name.namespace) }
        if !aliases.isEmpty { object["aliases"] = .array(aliases.map(JSONValue.string)) }
    }

    /// A simple name within its own namespace, else the full name.
    private func reference(_ name: AvroName, from namespace: String) -> JSONValue {
        .string(name.namespace == namespace ? name.name : name.fullName)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
