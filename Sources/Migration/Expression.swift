import Columns

/// An expression of the `derive` step's small language, over the columns of one row:
///
///     expr    := or
///     or      := and ("or" and)*
///     and     := not ("and" not)*
///     not     := "not" not | compare
///     compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
///     sum     := product (("+" | "-") product)*
///     product := unary (("*" | "/" | "%") unary)*
///     unary   := "-" unary | atom
///     atom    := number | string | "true" | "false" | "null" | name | name "(" args ")" | "(" expr ")"
///
/// Names are columns (back-quoted when not identifiers: `` `item id` ``); strings are double-quoted
/// with `\"` and `\\`. Functions: `coalesce(a, b, ...)`, `if(cond, a, b)`, `bucket(x, width)`
/// (x rounded down to a multiple of width: time bucketing), `floor`, `ceil`, `abs`, `min`, `max`.
/// Integer arithmetic stays int64 (division truncates, and by zero gives null); mixing with a
/// float gives float64. Any null operand makes the result null, except in `coalesce` and `if`.
public indirect enum Expression: Equatable, Sendable {
    case int(Int64)
    case float(Double)
    case string(String)
    case bool(Bool)
    case null
    case column(String)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(Function, [Expression])

    public enum UnaryOperator: String, Sendable { case negate = "-", not }
    public enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case and, or
    }
    public enum Function: String, CaseIterable, Sendable {
        case coalesce, `if`, bucket, floor, ceil, abs, min, max

        /// Allowed argument counts.
        var arity: ClosedRange<Int> {
            switch self {
            case .coalesce: return 1...64
            case .if: return 3...3
            case .bucket, .min, .max: return 2...2
            case .floor, .ceil, .abs: return 1...1
            }
        }
    }

    /// Parses `text`; errors name the character offset.
    public static func parse(_ text: String) throws -> Expression {
        var p = ExpressionParser(text)
        let e = try p.expression()
        try p.expectEnd()
        return e
    }
}

/// Recursive descent over the grammar of `Expression`.
struct ExpressionParser {
    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    mutating func expression() throws -> Expression { try or() }

    mutating func expectEnd() throws {
        skipSpace()
        if i < chars.count { throw error("unexpected '\(chars[i])'") }
    }

    private func error(_ what: String) -> ColumnsError { ColumnsError("expression: at \(i + 1): \(what)") }

    private mutating func skipSpace() { while i < chars.count && chars[i].isWhitespace { i += 1 } }

    private mutating func take(_ token: String) -> Bool {
        skipSpace()
        let t = Array(token)
        guard i + t.count <= chars.count, Array(chars[i..<i + t.count]) == t else { return false }
        // A keyword must not be the start of a longer name (`order` is not `or` + `der`).
        if t.last!.isLetter, i + t.count < chars.count, chars[i + t.count].isLetter || chars[i + t.count].isNumber || chars[i + t.count] == "_" { return false }
        i += t.count
        return true
    }

    private mutating func or() throws -> Expression {
        var e = try and()
        while take("or") { e = .binary(.or, e, try and()) }
        return e
    }

    private mutating func and() throws -> Expression {
        var e = try not()
        while take("and") { e = .binary(.and, e, try not()) }
        return e
    }

    private mutating func not() throws -> Expression {
        if take("not") { return .unary(.not, try not()) }
        return try compare()
    }

    private mutating func compare() throws -> Expression {
        let e = try sum()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where take(op) {
            return .binary(Expression.BinaryOperator(rawValue: op)!, e, try sum())
        }
        return e
    }

    private mutating func sum() throws -> Expression {
        var e = try product()
        while true {
            if take("+") { e = .binary(.add, e, try product()) } else if take("-") { e = .binary(.subtract, e, try product()) } else { return e }
        }
    }

    private mutating func product() throws -> Expression {
        var e = try unary()
        while true {
            if take("*") { e = .binary(.multiply, e, try unary()) }
            else if take("/") { e = .binary(.divide, e, try unary()) }
            else if take("%") { e = .binary(.remainder, e, try unary()) }
            else { return e }
        }
    }

    private mutating func unary() throws -> Expression {
        if take("-") {
            let e = try unary()
            switch e {   // fold literals so `-9223372036854775808` reads as Int64.min
            case .int(let v): return .int(0 &- v)
            case .float(let v): return .float(-v)
            default: return .unary(.negate, e)
            }
        }
        return try atom()
    }

    private mutating func atom() throws -> Expression {
        skipSpace()
        guard i < chars.count else { throw error("expected a value, found the end") }
        let c = chars[i]
        if c == "(" {
            i += 1
            let e = try expression()
            guard take(")") else { throw error("expected ')'") }
            return e
        }
        if c == "\"" { return .string(try quoted("\"")) }
        if c == "`" { return .column(try quoted("`")) }
        if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) { return try number() }
        guard c.isLetter || c == "_" else { throw error("unexpected '\(c)'") }
        var name = ""
        while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { name.append(chars[i]); i += 1 }
        switch name {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if take("(") {
            guard let f = Expression.Function(rawValue: name) else {
                throw error("unknown function '\(name)' (known: \(Expression.Function.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var args: [Expression] = []
            if !take(")") {
                repeat { args.append(try expression()) } while take(",")
                guard take(")") else { throw error("expected ')' after the arguments of \(name)") }
            }
            guard f.arity.contains(args.count) else { throw error("\(name) takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound) or more") arguments, not \(args.count)") }
            return .call(f, args)
        }
        return .column(name)
    }

    private mutating func quoted(_ q: Character) throws -> String {
        let start = i
        i += 1
        var s = ""
        while i < chars.count && chars[i] != q {
            if chars[i] == "\\" && i + 1 < chars.count { i += 1 }
            s.append(chars[i])
            i += 1
        }
        guard i < chars.count else { i = start; throw error("unterminated \(q)") }
        i += 1
        return s
    }

    private mutating func number() throws -> Expression {
        var s = ""
        while i < chars.count && (chars[i].isNumber || chars[i] == "." || chars[i] == "e" || chars[i] == "E" ||
                                  ((chars[i] == "+" || chars[i] == "-") && (s.last == "e" || s.last == "E"))) {
            s.append(chars[i]); i += 1
        }
        if let v = Int64(s) { return .int(v) }
        if let d = Double(s) { return .float(d) }
        throw error("'\(s)' is not a number")
    }
}
