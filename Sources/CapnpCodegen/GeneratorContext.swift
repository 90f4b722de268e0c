/// What every emitter needs: the request, the assigned Swift names, and lookups that turn a
/// missing node into a clear error instead of a crash.
struct GeneratorContext {
    let request: Schema.Request
    let names: TypeNames

    init(request: Schema.Request) {
        self.request = request
        self.names = TypeNames(request: request)
    }

    func node(_ id: UInt64, from file: String) throws -> Schema.Node {
        guard let n = request.nodes[id] else {
            throw CodegenError(file: file, message: "request refers to unknown node \(hex(id))")
        }
        return n
    }

    /// The qualified Swift name of a struct, group or enum node.
    func swiftName(_ id: UInt64, from file: String) throws -> String {
        guard let n = names.qualified[id] else {
            throw CodegenError(file: file, message: "no Swift name for node \(hex(id)) (not a struct or enum?)")
        }
        return n
    }

    func docs(_ id: UInt64) -> Schema.SourceInfo? { request.docComments[id] }

    func structNode(_ id: UInt64, from file: String) throws -> Schema.StructNode {
        let n = try node(id, from: file)
        guard case .structure(let s) = n.kind else {
            throw CodegenError(file: file, message: "node \(n.displayName) (\(hex(id))) is not a struct")
        }
        return s
    }
}

/// `@0x1234...` as the schema language writes ids.
func hex(_ id: UInt64) -> String {
    let digits = String(id, radix: 16)
    return "@0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
