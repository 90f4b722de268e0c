/// Refuses what the generator does not support, before any output is written: interfaces,
/// generic types, and type names that would clash in the shared Swift module.
struct Validator {
    let context: GeneratorContext

    func validate() throws {
        var seen: Set<UInt64> = []
        var topLevel: [String: String] = [:]   // Swift name -> file that declares it
        for requested in context.request.requestedFiles {
            let file = requested.filename
            let fileNode = try context.node(requested.id, from: file)
            try check(scope: fileNode, file: file, seen: &seen)
            var names = [TypeNames.fileNamespace(file)]
            for nested in fileNode.nestedNodes {
                if let n = context.names.qualified[nested.id] { names.append(n) }
            }
            for n in names {
                if let other = topLevel[n] {
                    throw CodegenError(file: file, message: "type \(n) is also declared by \(other); generated Swift types of all files share one module namespace, so rename one")
                }
                topLevel[n] = file
            }
        }
    }

    private func describe(_ node: Schema.Node) -> String {
        "\(node.kind.word) \(node.shortName) (\(hex(node.id)))"
    }

    /// `seen`: every scope is visited once, so a malformed request that nests a node inside
    /// itself is an error rather than endless recursion (the emitters follow the same edges).
    private func check(scope: Schema.Node, file: String, seen: inout Set<UInt64>) throws {
        guard seen.insert(scope.id).inserted else {
            throw CodegenError(file: file, message: "\(describe(scope)) appears twice in the request's nesting (malformed request)")
        }
        if case .interface = scope.kind {
            throw CodegenError(file: file, message: "\(describe(scope)): interfaces are not supported")
        }
        if scope.isGeneric {
            throw CodegenError(file: file, message: "\(describe(scope)): generic types are not supported")
        }
        switch scope.kind {
        case .structure(let s):
            for f in s.fields {
                switch f.kind {
                case .group(let id): try check(scope: try context.node(id, from: file), file: file, seen: &seen)
                case .slot(_, let type, _, _): try check(type: type, field: f.name, in: scope, file: file)
                }
            }
        case .constant(let type, _):
            try check(type: type, field: nil, in: scope, file: file)
        default:
            break
        }
        for nested in scope.nestedNodes {
            try check(scope: try context.node(nested.id, from: file), file: file, seen: &seen)
        }
    }

    private func check(type: Schema.TypeRef, field: String?, in scope: Schema.Node, file: String) throws {
        let place = describe(scope) + (field.map { ", field \($0)" } ?? "")
        switch type {
        case .interface(let id):
            let name = context.request.nodes[id]?.shortName ?? "?"
            throw CodegenError(file: file, message: "\(place): interface \(name) (\(hex(id))): interfaces are not supported")
        case .structure(let id, let generic):
            if generic {
                throw CodegenError(file: file, message: "\(place): generic type \(context.request.nodes[id]?.shortName ?? "?") (\(hex(id))): generic types are not supported")
            }
        case .anyPointer(let parameter):
            if parameter {
                throw CodegenError(file: file, message: "\(place): generic parameters are not supported")
            }
        case .list(let e):
            try check(type: e, field: field, in: scope, file: file)
        default:
            break
        }
    }
}
