/// Emits a schema constant as a `static let` (pointer constants as a throwing static property
/// over an embedded single-segment message).
struct ConstantEmitter {
    let context: GeneratorContext
    let file: String

    func emit(_ node: Schema.Node, _ type: Schema.TypeRef, _ value: Schema.Value, into w: inout CodeWriter) throws {
        guard let name = context.names.constants[node.id]?.member else { return }
        w.doc(context.docs(node.id)?.docComment)
        var enumType: String?
        if case .enumeration(let id) = type { enumType = try context.swiftName(id, from: file) }
        if let (t, expr) = DefaultLiterals.constant(value, enumType: enumType) {
            w.line("public static let \(name): \(t) = \(expr)")
            return
        }
        let storage = "_constant" + Naming.upperFirst(Naming.bare(name))
        let reader = try TypeMapping(context: context, file: file).readerType(type)
        guard let words = FieldPlan.pointerDefaultWords(value) else {
            // A null pointer constant reads as the empty value.
            switch type {
            case .structure: w.line("public static var \(name): \(reader) { \(reader)(StructReader.empty) }")
            case .list: w.line("public static var \(name): \(reader) { \(reader)(ListReader.empty) }")
            default: w.line("public static var \(name): AnyPointerReader { AnyPointerReader.null }")
            }
            return
        }
        w.line("static let \(storage) = DefaultValue(words: \(DefaultLiterals.words(words)))")
        switch type {
        case .structure:
            w.line("public static var \(name): \(reader) { get throws { \(reader)(try \(storage).root.asStruct()) } }")
        case .list:
            w.line("public static var \(name): \(reader) { get throws { \(reader)(try \(storage).root.asList()) } }")
        default:
            w.line("public static var \(name): AnyPointerReader { \(storage).root }")
        }
    }
}
