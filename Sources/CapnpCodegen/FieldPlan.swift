/// The Swift names and layout facts of one field, decided once so the Reader, Builder,
/// `Which` and render emitters agree.
struct FieldPlan {
    let field: Schema.Field
    /// Position in the struct node's field list (doc comments are indexed by it).
    let index: Int
    /// Declared member name, backticked if it is a keyword.
    let name: String
    /// `hasX`, `setX`, `initX`: suffixed with `_` if they would clash with a field.
    let hasName: String
    let setName: String
    let initName: String
    let doc: String?

    /// Plans every field of a struct, resolving clashes between field names and derived names.
    static func plan(_ s: Schema.StructNode, docs: Schema.SourceInfo?) -> [FieldPlan] {
        let bareNames = Set(s.fields.map { Naming.bare(Naming.member($0.name)) })
        func derived(_ prefix: String, _ name: String) -> String {
            var d = Naming.derived(prefix, name)
            while bareNames.contains(d) || Naming.reservedMembers.contains(d) { d += "_" }
            return d
        }
        return s.fields.enumerated().map { i, f in
            let doc = (docs.map { i < $0.memberDocComments.count ? $0.memberDocComments[i] : nil }) ?? nil
            return FieldPlan(field: f, index: i, name: Naming.member(f.name),
                             hasName: derived("has", f.name), setName: derived("set", f.name),
                             initName: derived("init", f.name), doc: doc)
        }
    }

    /// `self.name` for use inside generated methods.
    var selfRef: String { "self.\(name)" }
}
