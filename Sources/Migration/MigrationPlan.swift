import Columns

/// The schema a migration hop must end at, with what Avro's resolution knows beyond the table
/// schema: each field's former names (aliases) and its default for rows written without it.
public struct MigrationTarget: Sendable {
    public var schema: TableSchema
    /// Per field (schema order): names the field had in earlier versions.
    public var aliases: [[String]]
    /// Per field (schema order): the value for rows whose writer lacked the field; nil: none.
    public var defaults: [DefaultValue?]

    public init(schema: TableSchema, aliases: [[String]]? = nil, defaults: [DefaultValue?]? = nil) {
        self.schema = schema
        self.aliases = aliases ?? schema.fields.map { _ in [] }
        self.defaults = defaults ?? schema.fields.map { _ in nil }
    }
}

/// Counts of lossy conversions, by what happened, in the order first seen.
public struct LossCounts: Sendable {
    public private(set) var entries: [(name: String, value: UInt64)] = []
    public init() {}

    public mutating func add(_ name: String, _ n: Int) {
        guard n > 0 else { return }
        if let i = entries.firstIndex(where: { $0.name == name }) { entries[i].value += UInt64(n) } else { entries.append((name, UInt64(n))) }
    }
}

/// One hop of a migration, checked against the schemas before any row moves: the explicit
/// steps of the hop's spec, then Avro's resolution against the target (renames by field id or
/// alias, promotions, defaults for new fields, nullability, drops), then the target's field order
/// and metadata. Every problem a schema can show is found here; applying it to a batch can
/// only fail on the data (a `fail` cast, a null where the target allows none).
public struct MigrationPlan: Sendable {
    public let source: TableSchema
    public let target: TableSchema
    /// The steps in the order they run: the spec's, then the resolution's.
    public let steps: [MigrationStep]
    private let programs: [Int: ExpressionProgram]       // derive steps by index in `steps`
    private let order: [String]                          // field names in target order, after the steps
    /// Per target field: the source field whose values it carries unchanged (renamed, made
    /// nullable, or text read as bytes), so a writer may copy that column's wire form, retagged
    /// with the target type; nil when the values are computed (widened, cast, derived, defaulted).
    public let passthrough: [Int?]
    /// Source fields whose values the computed target fields read.
    public let reads: Set<Int>

    /// Plans the hop from rows of `source` through the spec's `explicit` steps to `target`.
    public init(source: TableSchema, explicit: [MigrationStep], target: MigrationTarget) throws {
        self.source = source
        self.target = target.schema
        var fields = source.fields
        var programs: [Int: ExpressionProgram] = [:]
        var steps: [MigrationStep] = []
        func index(_ name: String, _ step: MigrationStep) throws -> Int {
            guard let i = fields.firstIndex(where: { $0.name == name }) else {
                throw ColumnsError("\(step.summary): no field '\(name)' (fields: \(fields.map(\.name).joined(separator: ", ")))")
            }
            return i
        }
        func absent(_ name: String, _ step: MigrationStep) throws {
            if fields.contains(where: { $0.name == name }) { throw ColumnsError("\(step.summary): a field '\(name)' exists already") }
        }
        func run(_ step: MigrationStep) throws {
            switch step {
            case .rename(let from, let to):
                let i = try index(from, step)
                try absent(to, step)
                fields[i].name = to
            case .widen(let name, let type):
                let i = try index(name, step)
                guard !fields[i].isList || fields[i].type == type else { throw ColumnsError("\(step.summary): '\(name)' is a list") }
                guard ValueCast.isPromotion(fields[i].type, type) else {
                    throw ColumnsError("\(step.summary): \(fields[i].type.rawValue) to \(type.rawValue) is not a promotion; use a cast step")
                }
                fields[i].type = type
            case .cast(let name, let type, let policy):
                let i = try index(name, step)
                guard !fields[i].isList else { throw ColumnsError("\(step.summary): '\(name)' is a list; lists are not cast") }
                fields[i].type = type
                if policy == .null { fields[i].nullable = true }
            case .derive(let name, let expression, _, let type):
                try absent(name, step)
                let program: ExpressionProgram
                do { program = try ExpressionProgram(expression, schema: TableSchema(fields: fields)) } catch let e as ColumnsError {
                    throw ColumnsError("\(step.summary): \(e.message)")
                }
                programs[steps.count] = program
                fields.append(Field(name: name, type: type ?? program.type, nullable: program.nullable))
            case .addDefault(let name, let type, let value):
                try absent(name, step)
                fields.append(Field(name: name, type: type, nullable: value == .null))
            case .makeNullable(let name):
                fields[try index(name, step)].nullable = true
            case .drop(let name):
                fields.remove(at: try index(name, step))
            }
            steps.append(step)
        }
        for step in explicit { try run(step) }

        // Avro's resolution: each target field from the current field with its id, name or an alias.
        var matched = Set<String>()
        for (t, want) in target.schema.fields.enumerated() {
            let found = fields.firstIndex { want.id != 0 && $0.id == want.id }
                ?? fields.firstIndex { $0.name == want.name }
                ?? fields.firstIndex { target.aliases[t].contains($0.name) }
            guard let i = found else {
                guard let value = target.defaults[t] else {
                    throw ColumnsError("field '\(want.name)': not in the rows (fields: \(fields.map(\.name).joined(separator: ", "))) and no default")
                }
                guard !want.isList else { throw ColumnsError("field '\(want.name)': a list field without rows gets no default here") }
                guard value != .null || want.nullable else { throw ColumnsError("field '\(want.name)': default null for a field that is not nullable") }
                try run(.addDefault(field: want.name, type: want.type, value: value))
                matched.insert(want.name)
                continue
            }
            let have = fields[i]
            if have.name != want.name { try run(.rename(from: have.name, to: want.name)) }
            guard have.isList == want.isList else {
                throw ColumnsError("field '\(want.name)': \(have.typeDescription) in the rows, \(want.typeDescription) in the target")
            }
            if have.type != want.type {
                guard ValueCast.isPromotion(have.type, want.type) else {
                    throw ColumnsError("field '\(want.name)': \(have.type.rawValue) in the rows does not promote to \(want.type.rawValue); add a cast step to the migration spec")
                }
                try run(.widen(field: want.name, to: want.type))
            }
            if have.nullable && !want.nullable {
                throw ColumnsError("field '\(want.name)': nullable in the rows, not in the target (Avro cannot read a null into it)")
            }
            if !have.nullable && want.nullable { try run(.makeNullable(field: want.name)) }
            matched.insert(want.name)
        }
        for f in fields where !matched.contains(f.name) { try run(.drop(field: f.name)) }
        self.steps = steps
        self.programs = programs
        self.order = target.schema.fields.map(\.name)
        (passthrough, reads) = Self.provenance(source: source, steps: steps, programs: programs, order: order)
    }

    /// Follows each field through the steps: which source column it still is, if any, and
    /// which source columns computed fields read.
    private static func provenance(source: TableSchema, steps: [MigrationStep], programs: [Int: ExpressionProgram],
                                   order: [String]) -> ([Int?], Set<Int>) {
        var names = source.fields.map(\.name)
        var origin: [Int?] = source.fields.indices.map { $0 }          // source index, nil = computed
        var reads = Set<Int>()
        var types = source.fields.map(\.type)
        func read(_ i: Int) { if let o = origin[i] { reads.insert(o) } }
        for (k, step) in steps.enumerated() {
            switch step {
            case .rename(let from, let to): names[names.firstIndex(of: from)!] = to
            case .makeNullable: break
            case .widen(let name, let type):
                let i = names.firstIndex(of: name)!
                // Text read as bytes keeps its bytes: still a pass-through (bytes to text is not:
                // the bytes must be checked as UTF-8).
                if types[i] != type && !(types[i] == .utf8 && type == .bytes) { read(i); origin[i] = nil }
                types[i] = type
            case .cast(let name, let type, _):
                let i = names.firstIndex(of: name)!
                read(i); origin[i] = nil; types[i] = type
            case .derive(let name, _, _, let type):
                for c in programs[k]!.columnIndices { read(c) }
                names.append(name); origin.append(nil); types.append(type ?? programs[k]!.type)
            case .addDefault(let name, let type, _):
                names.append(name); origin.append(nil); types.append(type)
            case .drop(let name):
                let i = names.firstIndex(of: name)!
                names.remove(at: i); origin.remove(at: i); types.remove(at: i)
            }
        }
        return (order.map { origin[names.firstIndex(of: $0)!] }, reads)
    }

    /// The batch under the target schema. Lossy casts are added to `losses`; a `fail` cast, or a
    /// null the target cannot hold, throws.
    public func apply(_ batch: ColumnBatch, losses: inout LossCounts) throws -> ColumnBatch {
        var names = source.fields.map(\.name)
        var columns = batch.columns
        var fields = source.fields
        for (k, step) in steps.enumerated() {
            switch step {
            case .rename(let from, let to):
                let i = names.firstIndex(of: from)!
                names[i] = to
                fields[i].name = to
            case .widen(let name, let type):
                let i = names.firstIndex(of: name)!
                if columns[i].values.type != type { columns[i] = ValueCast.widen(columns[i], to: type) }
                fields[i].type = type
            case .cast(let name, let type, let policy):
                let i = names.firstIndex(of: name)!
                var lossy = 0
                columns[i] = try ValueCast.cast(columns[i], field: name, to: type, policy: policy, lossy: &lossy)
                losses.add("cast \(name) \(fields[i].type.rawValue) to \(type.rawValue): inexact (\(policy.rawValue))", lossy)
                fields[i].type = type
            case .derive(let name, _, _, let type):
                let program = programs[k]!
                var column = program.evaluate(ColumnBatch(rows: batch.rows, columns: columns))
                if column.nullCount == 0 { column.validity = nil }
                if let t = type, t != program.type {
                    var lossy = 0
                    column = try ValueCast.cast(column, field: name, to: t, policy: .fail, lossy: &lossy)
                }
                names.append(name)
                columns.append(column)
                fields.append(Field(name: name, type: type ?? program.type, nullable: program.nullable))
            case .addDefault(let name, let type, let value):
                names.append(name)
                columns.append(Self.constant(value, type: type, rows: batch.rows))
                fields.append(Field(name: name, type: type, nullable: value == .null))
            case .makeNullable(let name):
                fields[names.firstIndex(of: name)!].nullable = true
            case .drop(let name):
                let i = names.firstIndex(of: name)!
                names.remove(at: i)
                columns.remove(at: i)
                fields.remove(at: i)
            }
        }
        var out: [Column] = []
        out.reserveCapacity(order.count)
        for (t, name) in order.enumerated() {
            let column = columns[names.firstIndex(of: name)!]
            if !target.fields[t].nullable && column.nullCount > 0 {
                let row = (0..<column.rows).first(where: column.isNull)!
                throw LossyCastError(field: name, row: row, value: "null", target: target.fields[t].type)
            }
            out.append(column)
        }
        return ColumnBatch(rows: batch.rows, columns: out)
    }

    /// `rows` copies of one value (all null for `.null`), filled in bulk.
    static func constant(_ value: DefaultValue, type: ValueType, rows: Int) -> Column {
        if value == .null {
            var b = ColumnBuilder(field: Field(name: "", type: type, nullable: true), capacity: rows)
            for _ in 0..<rows { b.appendNull() }
            return b.take()
        }
        let values: ColumnValues
        switch (value, type) {
        case (.int(let v), .int32): values = .int32([Int32](repeating: Int32(truncatingIfNeeded: v), count: rows))
        case (.int(let v), .int64): values = .int64([Int64](repeating: v, count: rows))
        case (.int(let v), .float32): values = .float32([Float](repeating: Float(v), count: rows))
        case (.int(let v), .float64): values = .float64([Double](repeating: Double(v), count: rows))
        case (.float(let v), .float32): values = .float32([Float](repeating: Float(v), count: rows))
        case (.float(let v), _): values = .float64([Double](repeating: v, count: rows))
        case (.bool(let v), _): values = .bool(BitVector(repeating: v, count: rows))
        case (.string(let s), _):
            let bytes = Array(s.utf8)
            // Doubling copies: log2(rows) memcpys instead of one append per row.
            var data = [UInt8](repeating: 0, count: bytes.count * rows)
            if !bytes.isEmpty && rows > 0 {
                data.withUnsafeMutableBytes { d in
                    bytes.withUnsafeBytes { d.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                    var filled = bytes.count
                    while filled < d.count {
                        let n = min(filled, d.count - filled)
                        (d.baseAddress! + filled).copyMemory(from: d.baseAddress!, byteCount: n)
                        filled += n
                    }
                }
            }
            let width = Int32(bytes.count)
            var offsets = [Int32](repeating: 0, count: rows + 1)
            if rows > 0 { for r in 1...rows { offsets[r] = offsets[r - 1] &+ width } }
            let v = try! VarBinary(offsets: offsets, data: data)         // offsets built monotone from 0
            values = type == .bytes ? .bytes(v) : .utf8(v)
        default: preconditionFailure("MigrationPlan.constant: \(value) for \(type)")
        }
        return Column(values: values)
    }
}
