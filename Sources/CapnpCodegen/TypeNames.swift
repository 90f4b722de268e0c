/// Assigns every struct, group and enum node its qualified Swift name, and every constant its
/// scope and member name.
///
/// Generated types are top-level Swift types named after the schema (`Person`,
/// `Person.Address`), so a file's types can be used from another file's generated code in the
/// same Swift module: imports between .capnp files need no extra machinery.
struct TypeNames {
    private(set) var qualified: [UInt64: String] = [:]
    /// The unqualified Swift name (last component) of each named node.
    private(set) var simple: [UInt64: String] = [:]
    /// Constants: node id -> (Swift scope, member name). File-level constants live in the
    /// file's `<Stem>Schema` namespace.
    private(set) var constants: [UInt64: (scope: String, member: String)] = [:]

    /// Names of all top-level types. A nested type with such a name would shadow the top-level
    /// type inside its scope (and generated code refers to types by their path from the top),
    /// so nested types and groups with these names get a `_` suffix.
    private var topLevel: Set<String> = []
    /// Scopes already walked: a malformed request could nest a node inside itself.
    private var walked: Set<UInt64> = []

    init(request: Schema.Request) {
        let files = request.nodes.values.filter { if case .file = $0.kind { return true } else { return false } }
        for file in files {
            for nested in file.nestedNodes {
                switch request.nodes[nested.id]?.kind {
                case .structure?, .enumeration?, .interface?: topLevel.insert(Naming.type(nested.name))
                default: break
                }
            }
        }
        for file in files.sorted(by: { $0.id < $1.id }) {
            walk(fileId: file.id, scopeId: file.id, scopeName: nil, request: request)
        }
    }

    /// The `<Stem>Schema` namespace that holds a file's constants.
    static func fileNamespace(_ filename: String) -> String {
        Naming.type(Naming.fileStem(filename) + "Schema")
    }

    private mutating func walk(fileId: UInt64, scopeId: UInt64, scopeName: String?, request: Schema.Request) {
        guard let scope = request.nodes[scopeId], walked.insert(scopeId).inserted else { return }
        var taken: Set<String> = []
        let isFile = scopeName == nil
        func unique(_ base: String) -> String {
            var n = base
            while taken.contains(n) || (!isFile && topLevel.contains(n)) { n += "_" }
            taken.insert(n)
            return n
        }
        // Nested declarations first: they keep their schema names; groups yield on clashes.
        var children: [(UInt64, String)] = []
        for nested in scope.nestedNodes {
            guard let child = request.nodes[nested.id] else { continue }
            switch child.kind {
            case .structure, .enumeration, .interface:
                children.append((nested.id, unique(Naming.type(nested.name))))
            case .constant:
                let owner = scopeName ?? TypeNames.fileNamespace(fileName(request, fileId))
                constants[nested.id] = (owner, Naming.member(nested.name))
            default:
                break
            }
        }
        if case .structure(let s) = scope.kind {
            for field in s.fields {
                if case .group(let typeId) = field.kind {
                    children.append((typeId, unique(Naming.type(Naming.upperFirst(field.name)))))
                }
            }
        }
        for (id, name) in children {
            let full = scopeName.map { "\($0).\(name)" } ?? name
            qualified[id] = full
            simple[id] = name
            walk(fileId: fileId, scopeId: id, scopeName: full, request: request)
        }
    }

    private func fileName(_ request: Schema.Request, _ fileId: UInt64) -> String {
        request.nodes[fileId]?.displayName ?? "file"
    }
}
