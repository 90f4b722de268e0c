/// Emits `render(into:)`, which walks a Reader in schema declaration order the way
/// `capnp decode` does: scalars, Void and groups always; pointer fields only when non-null;
/// of a union only the active member (nothing for an unknown discriminant).
struct RenderEmitter {
    let context: GeneratorContext
    let file: String

    func emitRender(_ s: Schema.StructNode, _ plans: [FieldPlan], into w: inout CodeWriter) throws {
        w.line("/// Prints this struct as `capnp decode` text or JSON (see `TextRenderer`).")
        try w.block("public func render(into r: inout TextRenderer) throws") { w in
            w.line("r.beginStruct()")
            if s.discriminantCount > 0 { w.line("let active = discriminant") }
            for plan in plans.sorted(by: { $0.field.codeOrder < $1.field.codeOrder }) {
                let name = Naming.stringLiteral(plan.field.name)
                let value = try valueStatement(plan)
                if plan.field.isUnionMember {
                    w.line("if active == \(plan.field.discriminantValue) { r.field(\(name)); \(value) }")
                } else if case .slot(let offset, let type, _, _) = plan.field.kind, type.isPointer {
                    w.line("if !raw.isNull(pointer: \(offset)) { r.field(\(name)); \(value) }")
                } else {
                    w.line("r.field(\(name)); \(value)")
                }
            }
            w.line("r.endStruct()")
        }
    }

    private func valueStatement(_ plan: FieldPlan) throws -> String {
        switch plan.field.kind {
        case .group:
            return "try \(plan.selfRef).render(into: &r)"
        case .slot(_, let type, _, _):
            switch type {
            case .void: return "r.void()"
            case .bool: return "r.bool(\(plan.selfRef))"
            case .float32: return "r.float32(\(plan.selfRef))"
            case .float64: return "r.float64(\(plan.selfRef))"
            case .enumeration: return "r.enumerant(\(plan.selfRef))"
            case .text: return "r.text(try \(plan.selfRef))"
            case .data: return "r.data(try \(plan.selfRef))"
            case .structure, .list: return "try \(plan.selfRef).render(into: &r)"
            case .anyPointer: return "r.opaquePointer()"
            case .interface:
                throw CodegenError(file: file, message: "field \(plan.field.name): interface types are not supported")
            default: return "r.int(\(plan.selfRef))"
            }
        }
    }
}
