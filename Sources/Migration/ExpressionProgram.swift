import Columns

/// An `Expression` checked against a table schema and ready to run over batches: column
/// names resolved to indices, every node's type known, so a type error is reported once, before
/// the first row, with the expression's text.
public struct ExpressionProgram: Sendable {
    /// The type of the values the expression yields (int64, float64, bool or utf8).
    public let type: ValueType
    /// Whether a row's result may be null.
    public let nullable: Bool
    private let root: Node

    indirect enum Node: Sendable {
        case constant(Scalar)
        case column(Int, ValueType)
        case unary(Expression.UnaryOperator, Node)
        case binary(Expression.BinaryOperator, Node, Node, ValueType)   // the operands' common type
        case call(Expression.Function, [Node], ValueType)
    }

    /// One value while a row is evaluated.
    enum Scalar: Equatable, Sendable {
        case int(Int64), float(Double), bool(Bool), string([UInt8]), null
    }

    /// The indices (in the schema it was checked against) of the columns the expression reads.
    public var columnIndices: Set<Int> { Self.columns(root) }

    private static func columns(_ n: Node) -> Set<Int> {
        switch n {
        case .constant: return []
        case .column(let i, _): return [i]
        case .unary(_, let a): return columns(a)
        case .binary(_, let a, let b, _): return columns(a).union(columns(b))
        case .call(_, let args, _): return args.reduce(into: Set<Int>()) { $0.formUnion(columns($1)) }
        }
    }

    /// Checks `expression` against `schema`.
    public init(_ expression: Expression, schema: TableSchema) throws {
        var nullable = false
        let (node, type) = try Self.compile(expression, schema, &nullable)
        guard let t = type else { throw ColumnsError("expression: its value is always null; give a type with a default step instead") }
        root = node
        self.type = t
        self.nullable = nullable
    }

    // MARK: Checking

    private static func compile(_ e: Expression, _ schema: TableSchema, _ nullable: inout Bool) throws -> (Node, ValueType?) {
        switch e {
        case .int(let v): return (.constant(.int(v)), .int64)
        case .float(let v): return (.constant(.float(v)), .float64)
        case .string(let s): return (.constant(.string(Array(s.utf8))), .utf8)
        case .bool(let b): return (.constant(.bool(b)), .bool)
        case .null: nullable = true; return (.constant(.null), nil)
        case .column(let name):
            guard let i = schema.index(of: name) else {
                throw ColumnsError("expression: no column '\(name)' (columns: \(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            let f = schema.fields[i]
            guard !f.isList else { throw ColumnsError("expression: column '\(name)' is a list; expressions work on single values") }
            if f.nullable { nullable = true }
            let t: ValueType = f.type.isInteger ? .int64 : f.type.isFloat ? .float64 : f.type == .bytes ? .utf8 : f.type
            return (.column(i, f.type), t)
        case .unary(let op, let a):
            let (n, t) = try compile(a, schema, &nullable)
            switch op {
            case .negate:
                guard t == nil || t!.isNumeric else { throw ColumnsError("expression: cannot negate \(t!.rawValue)") }
                return (.unary(op, n), t)
            case .not:
                guard t == nil || t == .bool else { throw ColumnsError("expression: 'not' needs a bool, not \(t!.rawValue)") }
                return (.unary(op, n), .bool)
            }
        case .binary(let op, let a, let b):
            let (na, ta) = try compile(a, schema, &nullable)
            let (nb, tb) = try compile(b, schema, &nullable)
            let common = try unify(ta, tb, what: "'\(op.rawValue)'")
            switch op {
            case .add, .subtract, .multiply, .divide, .remainder:
                guard common == nil || common!.isNumeric else { throw ColumnsError("expression: '\(op.rawValue)' needs numbers, not \(common!.rawValue)") }
                if op == .divide || op == .remainder { nullable = true }      // by zero: null
                return (.binary(op, na, nb, common ?? .int64), common)
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                return (.binary(op, na, nb, common ?? .int64), .bool)
            case .and, .or:
                guard common == nil || common == .bool else { throw ColumnsError("expression: '\(op.rawValue)' needs bools, not \(common!.rawValue)") }
                return (.binary(op, na, nb, .bool), .bool)
            }
        case .call(let f, let args):
            var nodes: [Node] = []
            var types: [ValueType?] = []
            var inner = false
            for a in args {
                let (n, t) = try compile(a, schema, &inner)
                nodes.append(n)
                types.append(t)
            }
            switch f {
            case .coalesce:
                let t = try types.reduce(nil as ValueType?) { try unify($0, $1, what: "coalesce") }
                // Null only if the last argument may be null.
                var lastNullable = false
                _ = try compile(args.last!, schema, &lastNullable)
                if lastNullable { nullable = true }
                return (.call(f, nodes, t ?? .int64), t)
            case .if:
                guard types[0] == nil || types[0] == .bool else { throw ColumnsError("expression: if's condition must be a bool, not \(types[0]!.rawValue)") }
                if inner { nullable = true }
                let t = try unify(types[1], types[2], what: "if")
                return (.call(f, nodes, t ?? .int64), t)
            case .bucket, .floor, .ceil, .abs, .min, .max:
                if inner { nullable = true }
                let t = try types.reduce(nil as ValueType?) { try unify($0, $1, what: f.rawValue) }
                guard t == nil || t!.isNumeric else { throw ColumnsError("expression: \(f.rawValue) needs numbers, not \(t!.rawValue)") }
                if f == .bucket { nullable = true }                           // width 0: null
                return (.call(f, nodes, t ?? .int64), t)
            }
        }
    }

    /// The type two operands meet in: the same type, or float64 for an int and a float.
    private static func unify(_ a: ValueType?, _ b: ValueType?, what: String) throws -> ValueType? {
        guard let a else { return b }
        guard let b else { return a }
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return .float64 }
        throw ColumnsError("expression: \(what) mixes \(a.rawValue) and \(b.rawValue)")
    }

    // MARK: Running

    /// The expression's value for every row of `batch`, as a column of `type` (nulls where the
    /// expression is null).
    public func evaluate(_ batch: ColumnBatch) -> Column {
        var builder = ColumnBuilder(field: Field(name: "", type: type, nullable: true), capacity: batch.rows)
        for r in 0..<batch.rows {
            switch eval(root, batch, r) {
            case .null: builder.appendNull(); continue
            case .int(let v): type == .float64 ? builder.appendElement(double: Double(v)) : builder.appendElement(int: v)
            case .float(let v): builder.appendElement(double: v)
            case .bool(let v): builder.appendElement(bool: v)
            case .string(let v): v.withUnsafeBytes { builder.appendElement(bytes: $0) }
            }
            builder.endRow()
        }
        return builder.take()
    }

    private func eval(_ node: Node, _ batch: ColumnBatch, _ r: Int) -> Scalar {
        switch node {
        case .constant(let s): return s
        case .column(let c, _):
            let column = batch.columns[c]
            if column.isNull(r) { return .null }
            switch column.values {
            case .int32(let v): return .int(Int64(v[r]))
            case .int64(let v): return .int(v[r])
            case .float32(let v): return .float(Double(v[r]))
            case .float64(let v): return .float(v[r])
            case .bool(let v): return .bool(v[r])
            case .utf8(let v), .bytes(let v): return .string(Array(v[r]))
            }
        case .unary(let op, let a):
            switch (op, eval(a, batch, r)) {
            case (.negate, .int(let v)): return .int(0 &- v)
            case (.negate, .float(let v)): return .float(-v)
            case (.not, .bool(let v)): return .bool(!v)
            default: return .null
            }
        case .binary(let op, let a, let b, let common):
            let x = eval(a, batch, r)
            // Three-valued logic: false and null is false, true or null is true.
            if op == .and, x == .bool(false) { return x }
            if op == .or, x == .bool(true) { return x }
            let y = eval(b, batch, r)
            if op == .and || op == .or {
                let decisive = Scalar.bool(op == .or)            // false decides an and, true an or
                if y == decisive { return y }
                return x == .null || y == .null ? .null : .bool(op == .and)
            }
            if x == .null || y == .null { return .null }
            return Self.binary(op, Self.widen(x, common), Self.widen(y, common))
        case .call(let f, let args, let common):
            switch f {
            case .coalesce:
                for a in args {
                    let v = eval(a, batch, r)
                    if v != .null { return Self.widen(v, common) }
                }
                return .null
            case .if:
                guard case .bool(let c) = eval(args[0], batch, r) else { return .null }
                return Self.widen(eval(c ? args[1] : args[2], batch, r), common)
            default:
                let values = args.map { Self.widen(eval($0, batch, r), common) }
                if values.contains(.null) { return .null }
                return Self.call(f, values)
            }
        }
    }

    private static func widen(_ s: Scalar, _ type: ValueType) -> Scalar {
        if type == .float64, case .int(let v) = s { return .float(Double(v)) }
        return s
    }

    private static func binary(_ op: Expression.BinaryOperator, _ x: Scalar, _ y: Scalar) -> Scalar {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            switch op {
            case .add: return .int(a &+ b)
            case .subtract: return .int(a &- b)
            case .multiply: return .int(a &* b)
            case .divide: return b == 0 || (a == .min && b == -1) ? .null : .int(a / b)
            case .remainder: return b == 0 || (a == .min && b == -1) ? .null : .int(a % b)
            default: return compare(op, a < b ? -1 : a == b ? 0 : 1)
            }
        case (.float(let a), .float(let b)):
            switch op {
            case .add: return .float(a + b)
            case .subtract: return .float(a - b)
            case .multiply: return .float(a * b)
            case .divide: return b == 0 ? .null : .float(a / b)
            case .remainder: return b == 0 ? .null : .float(a.truncatingRemainder(dividingBy: b))
            default:
                if a.isNaN || b.isNaN { return .bool(op == .notEqual) }
                return compare(op, a < b ? -1 : a == b ? 0 : 1)
            }
        case (.string(let a), .string(let b)):
            return compare(op, a.lexicographicallyPrecedes(b) ? -1 : a == b ? 0 : 1)
        case (.bool(let a), .bool(let b)):
            return compare(op, a == b ? 0 : (!a && b) ? -1 : 1)
        default: return .null
        }
    }

    private static func compare(_ op: Expression.BinaryOperator, _ order: Int) -> Scalar {
        switch op {
        case .equal: return .bool(order == 0)
        case .notEqual: return .bool(order != 0)
        case .less: return .bool(order < 0)
        case .lessEqual: return .bool(order <= 0)
        case .greater: return .bool(order > 0)
        case .greaterEqual: return .bool(order >= 0)
        default: return .null
        }
    }

    private static func call(_ f: Expression.Function, _ v: [Scalar]) -> Scalar {
        switch (f, v[0], v.count > 1 ? v[1] : .null) {
        case (.bucket, .int(let x), .int(let w)):
            guard w > 0 else { return .null }
            let q = x / w
            return .int((x % w < 0 ? q - 1 : q) &* w)
        case (.bucket, .float(let x), .float(let w)): return w > 0 ? .float((x / w).rounded(.down) * w) : .null
        case (.floor, .float(let x), _): return .float(x.rounded(.down))
        case (.ceil, .float(let x), _): return .float(x.rounded(.up))
        case (.floor, .int, _), (.ceil, .int, _): return v[0]
        case (.abs, .int(let x), _): return x == .min ? .null : .int(Swift.abs(x))
        case (.abs, .float(let x), _): return .float(Swift.abs(x))
        case (.min, .int(let a), .int(let b)): return .int(Swift.min(a, b))
        case (.max, .int(let a), .int(let b)): return .int(Swift.max(a, b))
        case (.min, .float(let a), .float(let b)): return .float(Swift.min(a, b))
        case (.max, .float(let a), .float(let b)): return .float(Swift.max(a, b))
        default: return .null
        }
    }
}
