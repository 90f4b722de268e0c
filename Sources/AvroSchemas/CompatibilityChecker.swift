/// Decides whether data written with one schema can be read with another, by Avro's schema
/// resolution rules, and says every reason it cannot.
///
/// The rules (Avro spec, "Schema Resolution"): same primitive types match, and a reader may
/// promote int→long/float/double, long→float/double, float→double, string↔bytes; named types
/// match by name or by a reader alias; a record's writer-only fields are skipped and its
/// reader-only fields need defaults; fields match by name or reader field alias; an enum reader
/// must know every writer symbol or have a default symbol; fixed sizes must be equal; a writer
/// union must have every branch readable; a reader union must have a branch that reads the
/// writer.
///
/// Where the spec leaves room, the verdicts follow avro 1.12.2's Python checker, which is the
/// oracle of `make test-schema-avro`: named types compare their simple names (so a namespace
/// move alone is compatible) or the writer's full name against reader aliases as written; the
/// first reader-union branch that reads the writer is enough; a pair of types already being
/// checked further up (a recursive type) counts as compatible there, which ends the walk.
public struct CompatibilityChecker {
    private let reader: AvroSchema
    private let writer: AvroSchema
    private struct Pair: Hashable { var reader: AvroSchema.NodeID; var writer: AvroSchema.NodeID }
    /// Results relative to each pair's own root; nil while the pair is being checked.
    private var memo: [Pair: [Incompatibility]?] = [:]

    private init(reader: AvroSchema, writer: AvroSchema) {
        self.reader = reader
        self.writer = writer
    }

    /// Every incompatibility of reading `writer` data with `reader`; empty when compatible.
    public static func incompatibilities(reader: AvroSchema, writer: AvroSchema) -> [Incompatibility] {
        var checker = CompatibilityChecker(reader: reader, writer: writer)
        return checker.check(reader.root, writer.root)
    }

    /// True when `reader` can read everything `writer` writes.
    public static func canRead(reader: AvroSchema, writer: AvroSchema) -> Bool {
        incompatibilities(reader: reader, writer: writer).isEmpty
    }

    /// How many type pairs deep the walk is now.
    private var depth = 0
    /// Parsing bounds each schema's depth (`SchemaLimits.maxNesting`), but two recursive types
    /// with cycles of different lengths can pair up for the product of the lengths before a
    /// pair repeats; past this depth the pair is reported rather than followed, so a hostile
    /// pair of schemas fails the check instead of the stack.
    static let maxPairDepth = 1_000

    private mutating func check(_ r: AvroSchema.NodeID, _ w: AvroSchema.NodeID) -> [Incompatibility] {
        let pair = Pair(reader: r, writer: w)
        if let known = memo[pair] { return known ?? [] }
        guard depth < Self.maxPairDepth else {
            return [Incompatibility(.typeMismatch, at: SchemaPath(), "types nested more than \(Self.maxPairDepth) levels deep; not checked")]
        }
        memo[pair] = .some(nil)
        depth += 1
        let result = calculate(r, w)
        depth -= 1
        memo[pair] = .some(result)
        return result
    }

    /// `check` with every result's path put under `prefix`.
    private mutating func check(_ r: AvroSchema.NodeID, _ w: AvroSchema.NodeID, under prefix: SchemaPath) -> [Incompatibility] {
        check(r, w).map { Incompatibility($0.kind, at: prefix.appending($0.path), $0.message) }
    }

    private mutating func calculate(_ r: AvroSchema.NodeID, _ w: AvroSchema.NodeID) -> [Incompatibility] {
        let root = SchemaPath()
        let rk = reader[r].kind, wk = writer[w].kind
        switch (rk, wk) {
        case (.primitive(let a), .primitive(let b)) where a == b:
            return []
        case (.array(let ri), .array(let wi)):
            return check(ri, wi, under: root.key("items"))
        case (.map(let rv), .map(let wv)):
            return check(rv, wv, under: root.key("values"))
        case (.fixed(let rf), .fixed(let wf)):
            var out = nameMismatch(rf.name, rf.aliases, wf.name)
            if rf.size != wf.size {
                out.append(Incompatibility(.fixedSizeMismatch, at: root.key("size"), "expected size \(wf.size), found \(rf.size)"))
            }
            return out
        case (.enumeration(let re), .enumeration(let we)):
            var out = nameMismatch(re.name, re.aliases, we.name)
            let missing = we.symbols.filter { !re.symbols.contains($0) }
            if !missing.isEmpty && re.defaultSymbol == nil {
                out.append(Incompatibility(.missingEnumSymbols, at: root.key("symbols"),
                                           "reader enum \(re.name) lacks writer symbols \(missing.joined(separator: ", ")) and has no default"))
            }
            return out
        case (.record(let rr), .record(let wr)) where rr.isError == wr.isError:
            return nameMismatch(rr.name, rr.aliases, wr.name) + checkFields(rr, wr)
        case (.union, .union(let writerBranches)):
            var out: [Incompatibility] = []
            for (i, branch) in writerBranches.enumerated() where !check(r, branch).isEmpty {
                out.append(Incompatibility(.missingUnionBranch, at: root.index(i),
                                           "reader union lacks a branch for writer branch \(i) (\(describe(writer, branch)))"))
            }
            return out
        case (_, .union(let writerBranches)):
            // Every branch the writer may have used must be readable.
            return writerBranches.flatMap { check(r, $0) }
        case (.union(let readerBranches), _):
            if readerBranches.contains(where: { check($0, w).isEmpty }) { return [] }
            return [Incompatibility(.missingUnionBranch, at: root, "reader union lacks a branch for writer type \(describe(writer, w))")]
        case (.primitive(let a), .primitive(let b)) where Self.promotes(from: b, to: a):
            return []
        default:
            return [Incompatibility(.typeMismatch, at: root,
                                    "reader type \(describe(reader, r)) cannot read writer type \(describe(writer, w))")]
        }
    }

    /// Avro's promotions: what a reader of `to` accepts from a writer of `from`.
    static func promotes(from: AvroPrimitive, to: AvroPrimitive) -> Bool {
        switch (from, to) {
        case (.int, .long), (.int, .float), (.int, .double),
             (.long, .float), (.long, .double), (.float, .double),
             (.string, .bytes), (.bytes, .string):
            return true
        default:
            return false
        }
    }

    private func nameMismatch(_ readerName: AvroName, _ readerAliases: [String], _ writerName: AvroName) -> [Incompatibility] {
        if readerName.name == writerName.name || readerAliases.contains(writerName.fullName) { return [] }
        return [Incompatibility(.nameMismatch, at: SchemaPath().key("name"),
                                "reader name \(readerName) does not match writer name \(writerName) or a reader alias")]
    }

    private mutating func checkFields(_ rr: AvroRecord, _ wr: AvroRecord) -> [Incompatibility] {
        var out: [Incompatibility] = []
        for (i, field) in rr.fields.enumerated() {
            let at = SchemaPath().key("fields").index(i)
            let match = wr.field(named: field.name) ?? field.aliases.lazy.compactMap { wr.field(named: $0) }.first
            if let writerField = match {
                out += check(field.type, writerField.type, under: at.key("type"))
            } else if field.defaultValue == nil {
                out.append(Incompatibility(.readerFieldMissingDefault, at: at,
                                           "reader field '\(field.name)' is not in the writer and has no default"))
            }
        }
        return out
    }

    private func describe(_ schema: AvroSchema, _ id: AvroSchema.NodeID) -> String {
        let kind = schema[id].kind
        return kind.name.map { "\(kind.typeName) \($0)" } ?? kind.typeName
    }
}
