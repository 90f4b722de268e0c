/// Emits an enum as a struct over its raw UInt16, so values this schema does not know (from a
/// newer writer) survive reading and re-writing instead of trapping or being coerced:
///
///     public struct Color: CapnpEnum, ... { public static let red = Color(rawValue: 0) }
struct EnumEmitter {
    let context: GeneratorContext
    let file: String

    func emit(_ node: Schema.Node, _ enumerants: [Schema.Enumerant], into w: inout CodeWriter) {
        let simple = context.names.simple[node.id] ?? Naming.type(node.shortName)
        let docs = context.docs(node.id)
        w.doc(docs?.docComment)
        w.block("public struct \(simple): CapnpEnum, CapnpRenderableEnum, Hashable, Sendable, CustomStringConvertible") { w in
            w.line("public var rawValue: UInt16")
            w.line("@inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }")
            for (i, e) in enumerants.enumerated() {
                let doc = docs.flatMap { i < $0.memberDocComments.count ? $0.memberDocComments[i] : nil }
                w.doc(doc)
                w.line("public static let \(Naming.member(e.name)) = \(simple)(rawValue: \(i))")
            }
            w.line("/// Schema names by raw value (what `capnp decode` prints).")
            let names = enumerants.map { Naming.stringLiteral($0.name) }.joined(separator: ", ")
            w.line("public static let enumerantNames: [StaticString] = [\(names)]")
            w.line("/// The schema name, or the raw value in parentheses when this schema does not know it.")
            w.block("public var description: String") { w in
                w.line("Int(rawValue) < Self.enumerantNames.count ? \"\\(Self.enumerantNames[Int(rawValue)])\" : \"(\\(rawValue))\"")
            }
        }
    }
}
