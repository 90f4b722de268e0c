/// Turns schema JSON into an `AvroSchema` graph, checking every rule of the Avro spec it can
/// (names, duplicates, union shape, defaults) so a schema that parses is safe to register.
///
/// It walks the JSON depth-first, as Avro defines the order of definitions: a named type is
/// registered before its fields are parsed, so a record may refer to itself.
struct SchemaParser {
    let source: String
    private var nodes: [AvroNode] = []
    private var named: [String: AvroSchema.NodeID] = [:]
    /// `measure`'s result for each node.
    private var heights: [Int] = []
    /// Field defaults, checked when the whole graph exists: a default may hold a value of an
    /// enclosing record whose node is not finished while its fields are parsed.
    private var pendingDefaults: [(value: JSONValue, type: AvroSchema.NodeID, path: SchemaPath)] = []

    init(source: String) { self.source = source }

    mutating func parseDocument(_ json: JSONValue) throws -> AvroSchema {
        let root = try parseType(json, path: SchemaPath(), namespace: "", depth: 0)
        for pending in pendingDefaults {
            if let problem = defaultProblem(pending.value, type: pending.type) { throw fail(pending.path, problem) }
        }
        return AvroSchema(nodes: nodes, root: root, namedTypes: named)
    }

    private func fail(_ path: SchemaPath, _ reason: String) -> SchemaError {
        SchemaError(source: source, path: path, reason: reason)
    }

    private mutating func add(_ node: AvroNode, at path: SchemaPath) throws -> AvroSchema.NodeID {
        nodes.append(node)
        heights.append(0)
        try measure(nodes.count - 1, at: path)
        return nodes.count - 1
    }

    /// Sets a node's height (the longest chain of nodes below it, a reference to a record
    /// still being parsed counting as 0) and refuses one over the limit. JSON nesting alone
    /// does not bound it: records defined side by side can refer to each other in a chain as
    /// long as the file, and canonical form and the checker recurse along such chains.
    private mutating func measure(_ id: AvroSchema.NodeID, at path: SchemaPath) throws {
        let children: [AvroSchema.NodeID]
        switch nodes[id].kind {
        case .primitive, .enumeration, .fixed: children = []
        case .array(let items): children = [items]
        case .map(let values): children = [values]
        case .union(let branches): children = branches
        case .record(let r): children = r.fields.map(\.type)
        }
        heights[id] = 1 + (children.map { heights[$0] }.max() ?? 0)
        if heights[id] > SchemaLimits.maxNesting {
            throw fail(path, "schema nested deeper than \(SchemaLimits.maxNesting) levels (counting named references)")
        }
    }

    // MARK: Types

    private mutating func parseType(_ json: JSONValue, path: SchemaPath, namespace: String, depth: Int) throws -> AvroSchema.NodeID {
        guard depth <= SchemaLimits.maxNesting else { throw fail(path, "schema nested deeper than \(SchemaLimits.maxNesting) levels") }
        switch json {
        case .string(let name):
            return try reference(name, path: path, namespace: namespace)
        case .array(let branches):
            return try parseUnion(branches, path: path, namespace: namespace, depth: depth)
        case .object(let object):
            return try parseObject(object, path: path, namespace: namespace, depth: depth)
        default:
            throw fail(path, "a schema must be a type name, an object or a union array, not \(json.kindName)")
        }
    }

    /// A type named by a string: a primitive, or a named type defined earlier.
    private mutating func reference(_ name: String, path: SchemaPath, namespace: String) throws -> AvroSchema.NodeID {
        if let primitive = AvroPrimitive(rawValue: name) {
            return try add(AvroNode(kind: .primitive(primitive), logicalType: nil, properties: [:]), at: path)
        }
        // No fallback to the null namespace: like fastavro and Java, a simple name means the
        // enclosing namespace only, so every peer reads the reference the same way.
        if let id = named[AvroName.resolve(name, in: namespace).fullName] { return id }
        if ["record", "error", "enum", "array", "map", "fixed"].contains(name) {
            throw fail(path, "'\(name)' needs an object: {\"type\": \"\(name)\", ...}")
        }
        throw fail(path, "unknown type '\(name)'")
    }

    private mutating func parseUnion(_ branches: [JSONValue], path: SchemaPath, namespace: String, depth: Int) throws -> AvroSchema.NodeID {
        var ids: [AvroSchema.NodeID] = []
        var seen: [String: Int] = [:]
        for (i, branch) in branches.enumerated() {
            let id = try parseType(branch, path: path.index(i), namespace: namespace, depth: depth + 1)
            let kind = nodes[id].kind
            if case .union = kind { throw fail(path.index(i), "a union may not directly contain another union") }
            let key = kind.name?.fullName ?? kind.typeName
            if let first = seen[key] { throw fail(path.index(i), "duplicate union branch '\(key)' (also branch \(first))") }
            seen[key] = i
            ids.append(id)
        }
        return try add(AvroNode(kind: .union(ids), logicalType: nil, properties: [:]), at: path)
    }

    private mutating func parseObject(_ object: [String: JSONValue], path: SchemaPath, namespace: String, depth: Int) throws -> AvroSchema.NodeID {
        guard let typeJSON = object["type"] else { throw fail(path, "missing 'type'") }
        guard case .string(let type) = typeJSON else {
            throw fail(path.key("type"), "'type' of a schema object must be a string, not \(typeJSON.kindName)")
        }
        let logicalType: String?
        switch object["logicalType"] {
        case nil: logicalType = nil
        case .string(let s)?: logicalType = s
        case let other?: throw fail(path.key("logicalType"), "must be a string, not \(other.kindName)")
        }
        switch type {
        case "record", "error":
            return try parseRecord(object, isError: type == "error", logicalType: logicalType, path: path, namespace: namespace, depth: depth)
        case "enum":
            return try parseEnum(object, logicalType: logicalType, path: path, namespace: namespace)
        case "fixed":
            return try parseFixed(object, logicalType: logicalType, path: path, namespace: namespace)
        case "array":
            guard let items = object["items"] else { throw fail(path, "array without 'items'") }
            let id = try parseType(items, path: path.key("items"), namespace: namespace, depth: depth + 1)
            return try add(AvroNode(kind: .array(items: id), logicalType: logicalType, properties: extras(object, ["items"])), at: path)
        case "map":
            guard let values = object["values"] else { throw fail(path, "map without 'values'") }
            let id = try parseType(values, path: path.key("values"), namespace: namespace, depth: depth + 1)
            return try add(AvroNode(kind: .map(values: id), logicalType: logicalType, properties: extras(object, ["values"])), at: path)
        default:
            if let primitive = AvroPrimitive(rawValue: type) {
                return try add(AvroNode(kind: .primitive(primitive), logicalType: logicalType, properties: extras(object, [])), at: path)
            }
            // {"type": "Address"}: a reference in object form.
            return try reference(type, path: path.key("type"), namespace: namespace)
        }
    }

    /// The attributes Avro does not define for this kind, kept for the caller.
    private func extras(_ object: [String: JSONValue], _ reserved: Set<String>) -> [String: JSONValue] {
        object.filter { !reserved.contains($0.key) && $0.key != "type" && $0.key != "logicalType" }
    }

    // MARK: Named types

    /// Reads `name`/`namespace`, checks them and claims the full name.
    private mutating func declareName(_ object: [String: JSONValue], path: SchemaPath, namespace: String) throws -> AvroName {
        guard let nameJSON = object["name"] else { throw fail(path, "a named type needs a 'name'") }
        guard case .string(let written) = nameJSON else { throw fail(path.key("name"), "must be a string, not \(nameJSON.kindName)") }
        var space = namespace
        switch object["namespace"] {
        case nil: break
        // "" is the null namespace (the spec; Java agrees, avro's and fastavro's Python parsers
        // take the enclosing namespace instead).
        case .string(let s)?: space = s
        case .null?: space = ""
        case let other?: throw fail(path.key("namespace"), "must be a string, not \(other.kindName)")
        }
        let name = AvroName.resolve(written, in: space)
        guard AvroName.isValidSimpleName(name.name) else { throw fail(path.key("name"), "invalid name '\(written)'") }
        guard name.namespace.isEmpty || AvroName.isValidDottedName(name.namespace) else {
            throw fail(path.key(written.contains(".") ? "name" : "namespace"), "invalid namespace '\(name.namespace)'")
        }
        guard AvroPrimitive(rawValue: name.name) == nil else {
            throw fail(path.key("name"), "'\(name.name)' is a primitive type and cannot be redefined")
        }
        guard named[name.fullName] == nil else { throw fail(path.key("name"), "'\(name.fullName)' is defined twice") }
        return name
    }

    private func aliases(_ object: [String: JSONValue], path: SchemaPath) throws -> [String] {
        guard let json = object["aliases"] else { return [] }
        guard case .array(let items) = json else { throw fail(path.key("aliases"), "must be an array of names") }
        return try items.enumerated().map { i, item in
            guard case .string(let s) = item, AvroName.isValidDottedName(s) else {
                throw fail(path.key("aliases").index(i), "invalid alias")
            }
            return s
        }
    }

    private func doc(_ object: [String: JSONValue], path: SchemaPath) throws -> String? {
        switch object["doc"] {
        case nil: return nil
        case .string(let s)?: return s
        case let other?: throw fail(path.key("doc"), "must be a string, not \(other.kindName)")
        }
    }

    private mutating func parseRecord(_ object: [String: JSONValue], isError: Bool, logicalType: String?, path: SchemaPath,
                                      namespace: String, depth: Int) throws -> AvroSchema.NodeID {
        let name = try declareName(object, path: path, namespace: namespace)
        let recordAliases = try aliases(object, path: path)
        let recordDoc = try doc(object, path: path)
        // Claim the name before the fields so a field may refer to the record itself; until
        // the fields are in, the node is the record without them.
        let shell = AvroRecord(name: name, aliases: recordAliases, doc: recordDoc, fields: [], isError: isError)
        let id = try add(AvroNode(kind: .record(shell), logicalType: nil, properties: [:]), at: path)
        named[name.fullName] = id
        guard let fieldsJSON = object["fields"] else { throw fail(path, "record without 'fields'") }
        guard case .array(let fieldList) = fieldsJSON else { throw fail(path.key("fields"), "must be an array") }
        var fields: [AvroField] = []
        var ids: [Int64: Int] = [:]
        for (i, fieldJSON) in fieldList.enumerated() {
            let fieldPath = path.key("fields").index(i)
            let field = try parseField(fieldJSON, path: fieldPath, namespace: name.namespace, depth: depth)
            if let j = fields.firstIndex(where: { $0.name == field.name }) {
                throw fail(fieldPath.key("name"), "duplicate field '\(field.name)' (also fields[\(j)])")
            }
            if let sid = field.sluiceID {
                if let j = ids[sid] { throw fail(fieldPath.key(SluiceKeys.id), "\(SluiceKeys.id) \(sid) is also used by fields[\(j)]") }
                ids[sid] = i
            }
            fields.append(field)
        }
        var record = shell
        record.fields = fields
        nodes[id] = AvroNode(kind: .record(record), logicalType: logicalType,
                             properties: extras(object, ["name", "namespace", "aliases", "doc", "fields"]))
        try measure(id, at: path)
        for (i, field) in fields.enumerated() {
            if let value = field.defaultValue {
                pendingDefaults.append((value, field.type, path.key("fields").index(i).key("default")))
            }
        }
        return id
    }

    private mutating func parseField(_ json: JSONValue, path: SchemaPath, namespace: String, depth: Int) throws -> AvroField {
        guard case .object(let object) = json else { throw fail(path, "a field must be an object, not \(json.kindName)") }
        guard let nameJSON = object["name"] else { throw fail(path, "field without 'name'") }
        guard case .string(let name) = nameJSON, AvroName.isValidSimpleName(name) else {
            throw fail(path.key("name"), "invalid field name \(nameJSON.stringValue.map { "'\($0)'" } ?? nameJSON.kindName)")
        }
        guard let typeJSON = object["type"] else { throw fail(path, "field '\(name)' without 'type'") }
        let type = try parseType(typeJSON, path: path.key("type"), namespace: namespace, depth: depth + 1)
        var order = AvroFieldOrder.ascending
        if let o = object["order"] {
            guard case .string(let s) = o, let parsed = AvroFieldOrder(rawValue: s) else {
                throw fail(path.key("order"), "must be \"ascending\", \"descending\" or \"ignore\"")
            }
            order = parsed
        }
        let properties = extras(object, ["name", "default", "aliases", "order", "doc"])
        try checkSluiceKeys(properties, path: path)
        return AvroField(name: name, type: type, defaultValue: object["default"], aliases: try aliases(object, path: path),
                         order: order, doc: try doc(object, path: path), properties: properties)
    }

    private func checkSluiceKeys(_ properties: [String: JSONValue], path: SchemaPath) throws {
        if let id = properties[SluiceKeys.id] {
            guard case .integer(let i) = id, i >= 0 else { throw fail(path.key(SluiceKeys.id), "must be a non-negative integer") }
        }
        if let role = properties[SluiceKeys.role] {
            guard let s = role.stringValue, SluiceRole(rawValue: s) != nil else {
                throw fail(path.key(SluiceKeys.role), "must be one of \(SluiceRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let unit = properties[SluiceKeys.unit] {
            guard let s = unit.stringValue, SluiceTimeUnit(rawValue: s) != nil else {
                throw fail(path.key(SluiceKeys.unit), "must be one of \(SluiceTimeUnit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    private mutating func parseEnum(_ object: [String: JSONValue], logicalType: String?, path: SchemaPath, namespace: String) throws -> AvroSchema.NodeID {
        let name = try declareName(object, path: path, namespace: namespace)
        guard case .array(let list)? = object["symbols"] else { throw fail(path, "enum without a 'symbols' array") }
        var symbols: [String] = []
        for (i, item) in list.enumerated() {
            guard case .string(let s) = item, AvroName.isValidSimpleName(s) else { throw fail(path.key("symbols").index(i), "invalid symbol") }
            guard !symbols.contains(s) else { throw fail(path.key("symbols").index(i), "duplicate symbol '\(s)'") }
            symbols.append(s)
        }
        var defaultSymbol: String?
        if let d = object["default"] {
            guard case .string(let s) = d, symbols.contains(s) else { throw fail(path.key("default"), "must be one of the symbols") }
            defaultSymbol = s
        }
        let e = AvroEnum(name: name, aliases: try aliases(object, path: path), doc: try doc(object, path: path),
                         symbols: symbols, defaultSymbol: defaultSymbol)
        let id = try add(AvroNode(kind: .enumeration(e), logicalType: logicalType,
                                  properties: extras(object, ["name", "namespace", "aliases", "doc", "symbols", "default"])), at: path)
        named[name.fullName] = id
        return id
    }

    private mutating func parseFixed(_ object: [String: JSONValue], logicalType: String?, path: SchemaPath, namespace: String) throws -> AvroSchema.NodeID {
        let name = try declareName(object, path: path, namespace: namespace)
        guard case .integer(let size)? = object["size"], size >= 0, size <= Int64(Int32.max) else {
            throw fail(path.key("size"), "fixed needs a 'size' that is a non-negative integer")
        }
        let f = AvroFixed(name: name, aliases: try aliases(object, path: path), size: Int(size))
        let id = try add(AvroNode(kind: .fixed(f), logicalType: logicalType,
                                  properties: extras(object, ["name", "namespace", "aliases", "doc", "size"])), at: path)
        named[name.fullName] = id
        return id
    }

    // MARK: Defaults

    /// A default must be a value of the field's type (for a union, of its first branch), or
    /// every reader that falls back to it would fail at read time instead of at registration.
    /// Returns what is wrong, nil when the value fits.
    private func defaultProblem(_ value: JSONValue, type: AvroSchema.NodeID) -> String? {
        let kind = nodes[type].kind
        let mismatch = "\(value.kindName) is not a valid default for \(describe(kind))"
        switch (kind, value) {
        case (.primitive(.null), .null), (.primitive(.boolean), .bool),
             (.primitive(.long), .integer), (.primitive(.float), .integer), (.primitive(.float), .number),
             (.primitive(.double), .integer), (.primitive(.double), .number),
             (.primitive(.string), .string), (.primitive(.bytes), .string), (.fixed, .string):
            return nil
        case (.primitive(.int), .integer(let i)):
            return Int64(Int32.min)...Int64(Int32.max) ~= i ? nil : "\(i) does not fit an int"
        case (.enumeration(let e), .string(let s)):
            return e.symbols.contains(s) ? nil : "'\(s)' is not a symbol of \(e.name)"
        case (.array(let items), .array(let values)):
            return values.lazy.compactMap { self.defaultProblem($0, type: items) }.first
        case (.map(let valueType), .object(let values)):
            return values.values.lazy.compactMap { self.defaultProblem($0, type: valueType) }.first
        case (.union(let branches), _):
            guard let first = branches.first else { return "an empty union has no default" }
            return defaultProblem(value, type: first).map { "a union's default must match its first branch: \($0)" }
        case (.record(let r), .object(let values)):
            for field in r.fields {
                if let v = values[field.name] {
                    if let problem = defaultProblem(v, type: field.type) { return "field '\(field.name)': \(problem)" }
                } else if field.defaultValue == nil {
                    return "field '\(field.name)' is missing"
                }
            }
            return nil
        default:
            return mismatch
        }
    }

    private func describe(_ kind: AvroKind) -> String {
        kind.name.map { "\(kind.typeName) \($0)" } ?? kind.typeName
    }
}
