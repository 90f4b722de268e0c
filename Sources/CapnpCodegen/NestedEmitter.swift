/// Emits the declarations nested in a scope (a file or a struct): structs, enums, constants.
struct NestedEmitter {
    let context: GeneratorContext
    let file: String

    /// `constants`: nil for everything, true for constants only, false for types only (a file
    /// scope puts its constants in its `<Stem>Schema` namespace and its types at top level).
    func emitNested(of scope: Schema.Node, constants: Bool? = nil, into w: inout CodeWriter) throws {
        for nested in scope.nestedNodes {
            let child = try context.node(nested.id, from: file)
            var isConstant = false
            if case .constant = child.kind { isConstant = true }
            if let constants, constants != isConstant { continue }
            switch child.kind {
            case .structure:
                w.line()
                try StructEmitter(context: context, file: file).emit(nested.id, into: &w)
            case .enumeration(let enumerants):
                w.line()
                EnumEmitter(context: context, file: file).emit(child, enumerants, into: &w)
            case .constant(let type, let value):
                w.line()
                try ConstantEmitter(context: context, file: file).emit(child, type, value, into: &w)
            case .interface:
                throw CodegenError(file: file, message: "interface \(child.shortName) (\(hex(child.id))): interfaces are not supported")
            case .file, .annotation:
                break   // annotations carry no runtime code
            }
        }
    }
}
