/// Unions: the `Which` enum, `discriminant` and `which()` of a struct or group Reader.
extension StructEmitter {
    func emitWhich(_ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan], into w: inout CodeWriter) throws {
        let members = plans.filter { $0.field.isUnionMember }.sorted { $0.field.discriminantValue < $1.field.discriminantValue }
        w.line("/// The union's active member; `unknown` carries a discriminant this schema does not know.")
        try w.block("public enum Which") { w in
            for m in members {
                w.doc(m.doc)
                if let payload = try payloadType(m) {
                    w.line("case \(m.name)(\(payload))")
                } else {
                    w.line("case \(m.name)")
                }
            }
            w.line("case unknown(UInt16)")
        }
        w.line("/// The raw union discriminant.")
        w.line("@inlinable public var discriminant: UInt16 { raw.scalar(at: \(s.discriminantOffset * 2)) }")
        w.line("/// Reads the active member (pointer members may throw on malformed input).")
        try w.block("@inlinable public func which() throws -> Which") { w in
            w.line("let d = discriminant")
            w.line("switch d {")
            for m in members {
                if try payloadType(m) != nil {
                    var read = m.selfRef
                    if case .slot(_, let t, _, _) = m.field.kind, t.isPointer {
                        if case .anyPointer = t {} else { read = "try " + read }
                    }
                    w.line("case \(m.field.discriminantValue): return .\(m.name)(\(read))")
                } else {
                    w.line("case \(m.field.discriminantValue): return .\(m.name)")
                }
            }
            w.line("default: return .unknown(d)")
            w.line("}")
        }
    }

    /// The associated value type of a union member's `Which` case (nil for Void).
    func payloadType(_ plan: FieldPlan) throws -> String? {
        switch plan.field.kind {
        case .group(let id): return try context.swiftName(id, from: file) + ".Reader"
        case .slot(_, let t, _, _): return t == .void ? nil : try types.readerType(t)
        }
    }
}
