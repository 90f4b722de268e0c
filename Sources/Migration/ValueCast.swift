import Columns

/// What a cast does with a value the target type cannot hold exactly (a fraction, a value out
/// of range, text that is not a number): stop, write null, or saturate. Counted either way.
public enum LossyPolicy: String, CaseIterable, Sendable {
    case fail, null, clamp
}

/// A value a `fail` cast could not convert: the migration stops with it.
public struct LossyCastError: Error, CustomStringConvertible, Sendable {
    public var field: String
    public var row: Int
    public var value: String
    public var target: ValueType
    public var description: String { "field '\(field)' row \(row): \(value) does not fit \(target.rawValue) (cast policy fail)" }
}

/// Converts columns between value types. `widen` is Avro's promotions (int→long/float/double,
/// long→float/double, float→double, string↔bytes), applied as Avro readers apply them, without
/// a loss check. `cast` converts any scalar type to any other and checks every value.
public enum ValueCast {
    /// Whether Avro's resolution promotes `from` to `to`.
    public static func isPromotion(_ from: ValueType, _ to: ValueType) -> Bool {
        switch (from, to) {
        case (.int32, .int64), (.int32, .float32), (.int32, .float64), (.int64, .float32), (.int64, .float64),
             (.float32, .float64), (.utf8, .bytes), (.bytes, .utf8): return true
        default: return from == to
        }
    }

    /// An Avro promotion of every value (list elements included).
    public static func widen(_ column: Column, to type: ValueType) -> Column {
        var out = column
        switch (column.values, type) {
        case (.int32(let v), .int64): out.values = .int64(converted(v, Int64.init))
        case (.int32(let v), .float32): out.values = .float32(converted(v, Float.init))
        case (.int32(let v), .float64): out.values = .float64(converted(v, Double.init))
        case (.int64(let v), .float32): out.values = .float32(converted(v, Float.init))
        case (.int64(let v), .float64): out.values = .float64(converted(v, Double.init))
        case (.float32(let v), .float64): out.values = .float64(converted(v, Double.init))
        case (.utf8(let v), .bytes): out.values = .bytes(v)
        case (.bytes(let v), .utf8): out.values = .utf8(v)
        default: preconditionFailure("ValueCast.widen: \(column.values.type) to \(type) is not a promotion")
        }
        return out
    }

    /// `values.map(convert)` as a plain loop over raw buffers, which the optimizer vectorizes
    /// (`map` appends element by element; a widened column is a million values).
    @inline(__always)
    static func converted<Source, Target>(_ values: [Source], _ convert: (Source) -> Target) -> [Target] {
        values.withUnsafeBufferPointer { source in
            [Target](unsafeUninitializedCapacity: source.count) { target, count in
                for i in 0..<source.count { (target.baseAddress! + i).initialize(to: convert(source[i])) }
                count = source.count
            }
        }
    }

    /// Converts every value of a scalar column to `type`. Values that do not convert exactly
    /// follow `policy`; `lossy` counts them. With `.null` the result has nulls in their rows.
    public static func cast(_ column: Column, field: String, to type: ValueType, policy: LossyPolicy,
                            lossy: inout Int) throws -> Column {
        precondition(column.listOffsets == nil, "ValueCast.cast: list columns are not cast")
        let rows = column.rows
        var builder = ColumnBuilder(field: Field(name: field, type: type, nullable: true), capacity: rows)
        for r in 0..<rows {
            if column.isNull(r) { builder.appendNull(); continue }
            switch convert(column.values, r, to: type) {
            case .exact(let v):
                append(v, to: &builder)
            case .inexact(let clamped, let shown):
                lossy += 1
                switch policy {
                case .fail: throw LossyCastError(field: field, row: r, value: shown, target: type)
                case .null: builder.appendNull(); continue
                case .clamp: append(clamped, to: &builder)
                }
            }
            builder.endRow()
        }
        var out = builder.take()
        if out.nullCount == 0 { out.validity = nil }
        return out
    }

    enum Value { case int(Int64), float(Double), bool(Bool), bytes([UInt8]) }
    enum Conversion { case exact(Value), inexact(clamped: Value, shown: String) }

    private static func append(_ v: Value, to b: inout ColumnBuilder) {
        switch v {
        case .int(let x): b.appendElement(int: x)
        case .float(let x): b.appendElement(double: x)
        case .bool(let x): b.appendElement(bool: x)
        case .bytes(let x): x.withUnsafeBytes { b.appendElement(bytes: $0) }
        }
    }

    private static func source(_ values: ColumnValues, _ r: Int) -> Value {
        switch values {
        case .int32(let v): return .int(Int64(v[r]))
        case .int64(let v): return .int(v[r])
        case .float32(let v): return .float(Double(v[r]))
        case .float64(let v): return .float(v[r])
        case .bool(let v): return .bool(v[r])
        case .utf8(let v), .bytes(let v): return .bytes(Array(v[r]))
        }
    }

    static func convert(_ values: ColumnValues, _ r: Int, to type: ValueType) -> Conversion {
        let v = source(values, r)
        switch type {
        case .int32, .int64:
            let lo: Int64 = type == .int32 ? Int64(Int32.min) : .min
            let hi: Int64 = type == .int32 ? Int64(Int32.max) : .max
            switch v {
            case .int(let x): return x >= lo && x <= hi ? .exact(v) : .inexact(clamped: .int(x < lo ? lo : hi), shown: "\(x)")
            case .bool(let b): return .exact(.int(b ? 1 : 0))
            case .float(let d): return integer(d, lo, hi)
            case .bytes(let t):
                let text = String(decoding: t, as: UTF8.self)
                if case .success(let x) = t.withUnsafeBytes({ DecimalText.int64($0) }) {
                    return x >= lo && x <= hi ? .exact(.int(x)) : .inexact(clamped: .int(x < lo ? lo : hi), shown: "'\(text)'")
                }
                if let d = t.withUnsafeBytes({ DecimalText.float64($0) }) {
                    if case .exact(let e) = integer(d, lo, hi) { return .exact(e) }
                    if case .inexact(let c, _) = integer(d, lo, hi) { return .inexact(clamped: c, shown: "'\(text)'") }
                }
                return .inexact(clamped: .int(0), shown: "'\(text)'")
            }
        case .float32, .float64:
            let d: Double
            switch v {
            case .int(let x):
                d = Double(x)
                // Beyond 2^53 not every integer has a double; float32 holds fewer.
                let exact = type == .float64 ? Int64(exactly: d) == x : Int64(exactly: Float(d)) == x
                return exact ? .exact(.float(d)) : .inexact(clamped: .float(d), shown: "\(x)")
            case .float(let x): d = x
            case .bool(let b): return .exact(.float(b ? 1 : 0))
            case .bytes(let t):
                guard let x = t.withUnsafeBytes({ DecimalText.float64($0) }) else {
                    return .inexact(clamped: .float(0), shown: "'\(String(decoding: t, as: UTF8.self))'")
                }
                d = x
            }
            if type == .float32 && !d.isNaN && Double(Float(d)) != d {
                return .inexact(clamped: .float(Double(Float(d))), shown: "\(d)")
            }
            return .exact(.float(d))
        case .bool:
            switch v {
            case .bool: return .exact(v)
            case .int(let x): return x == 0 || x == 1 ? .exact(.bool(x == 1)) : .inexact(clamped: .bool(x != 0), shown: "\(x)")
            case .float(let x): return x == 0 || x == 1 ? .exact(.bool(x == 1)) : .inexact(clamped: .bool(x != 0), shown: "\(x)")
            case .bytes(let t):
                switch String(decoding: t, as: UTF8.self).lowercased() {
                case "true", "1": return .exact(.bool(true))
                case "false", "0": return .exact(.bool(false))
                default: return .inexact(clamped: .bool(false), shown: "'\(String(decoding: t, as: UTF8.self))'")
                }
            }
        case .utf8, .bytes:
            switch v {
            case .int(let x): return .exact(.bytes(Array("\(x)".utf8)))
            case .float(let x): return .exact(.bytes(Array("\(x)".utf8)))
            case .bool(let x): return .exact(.bytes(Array("\(x)".utf8)))
            case .bytes(let t):
                if type == .utf8 && !UTF8Check.isValid(t) {
                    return .inexact(clamped: .bytes(Array(String(decoding: t, as: UTF8.self).utf8)), shown: "bytes that are not UTF-8")
                }
                return .exact(v)
            }
        }
    }

    /// A double as an integer in lo...hi: exact when integral and in range; clamped otherwise
    /// (toward zero for a fraction, to the nearer bound out of range, 0 for NaN).
    private static func integer(_ d: Double, _ lo: Int64, _ hi: Int64) -> Conversion {
        if d.isNaN { return .inexact(clamped: .int(0), shown: "nan") }
        if d < Double(lo) { return .inexact(clamped: .int(lo), shown: "\(d)") }
        if d >= Double(hi) + 1 || (hi == .max && d >= 9.223372036854775807e18) { return .inexact(clamped: .int(hi), shown: "\(d)") }
        let t = Int64(d.rounded(.towardZero))
        return Double(t) == d ? .exact(.int(t)) : .inexact(clamped: .int(t), shown: "\(d)")
    }
}
