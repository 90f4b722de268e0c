/// The values of one column (of its list elements for a list column), by type.
public enum ColumnValues: Equatable, Sendable {
    case int32([Int32])
    case int64([Int64])
    case float32([Float])
    case float64([Double])
    case bool(BitVector)
    case utf8(VarBinary)
    case bytes(VarBinary)

    /// No values of `type`.
    public static func empty(_ type: ValueType) -> ColumnValues {
        switch type {
        case .int32: return .int32([])
        case .int64: return .int64([])
        case .float32: return .float32([])
        case .float64: return .float64([])
        case .bool: return .bool(BitVector())
        case .utf8: return .utf8(VarBinary())
        case .bytes: return .bytes(VarBinary())
        }
    }

    public var type: ValueType {
        switch self {
        case .int32: return .int32
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .utf8: return .utf8
        case .bytes: return .bytes
        }
    }

    public var count: Int {
        switch self {
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .bool(let v): return v.count
        case .utf8(let v), .bytes(let v): return v.count
        }
    }

    /// Values `range` as a new column.
    public func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .int32(let v): return .int32(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .float32(let v): return .float32(Array(v[range]))
        case .float64(let v): return .float64(Array(v[range]))
        case .bool(let v): return .bool(v.slice(range))
        case .utf8(let v): return .utf8(v.slice(range))
        case .bytes(let v): return .bytes(v.slice(range))
        }
    }

    /// Equal including NaN payloads: floats compare by bit pattern, so a round trip that
    /// changed one NaN into another is caught.
    public func bitwiseEqual(_ other: ColumnValues) -> Bool {
        switch (self, other) {
        case (.float32(let a), .float32(let b)): return a.map(\.bitPattern) == b.map(\.bitPattern)
        case (.float64(let a), .float64(let b)): return a.map(\.bitPattern) == b.map(\.bitPattern)
        default: return self == other
        }
    }
}

/// One column of a batch: its values, which rows are null, and for list columns where each
/// row's elements start.
public struct Column: Equatable, Sendable {
    /// One value per row, or per list element for list columns. A null row holds a zero value
    /// (an empty list for list columns), as Arrow writers do.
    public var values: ColumnValues
    /// Bit i set when row i is present; nil when no row is null.
    public var validity: BitVector?
    /// List columns: rows + 1 entries, starting at 0, into `values`; nil otherwise.
    public var listOffsets: [Int32]?

    public init(values: ColumnValues, validity: BitVector? = nil, listOffsets: [Int32]? = nil) {
        self.values = values
        self.validity = validity
        self.listOffsets = listOffsets
    }

    /// An empty column for `field`.
    public init(for field: Field) {
        values = .empty(field.type)
        validity = nil
        listOffsets = field.isList ? [0] : nil
    }

    public var rows: Int { listOffsets.map { $0.count - 1 } ?? values.count }

    public var nullCount: Int { validity.map { $0.count - $0.nonzeroCount } ?? 0 }

    /// Whether row `i` is null.
    public func isNull(_ i: Int) -> Bool { validity.map { !$0[i] } ?? false }

    /// Checks the column against its field and a row count: the value type, the list offsets
    /// (start at 0, never decrease, end at the element count) and the validity length. Every
    /// reader of untrusted input calls this before touching values.
    public func validate(against field: Field, rows expected: Int) throws {
        guard values.type == field.type else {
            throw ColumnsError("column '\(field.name)' holds \(values.type.rawValue) values, the schema says \(field.type.rawValue)")
        }
        if field.isList {
            guard let offsets = listOffsets else { throw ColumnsError("list column '\(field.name)' has no offsets") }
            guard offsets.count == expected + 1, offsets.first == 0 else {
                throw ColumnsError("list column '\(field.name)' has \(offsets.count) offsets for \(expected) rows")
            }
            for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
                throw ColumnsError("list column '\(field.name)': offsets decrease at row \(i - 1)")
            }
            guard Int(offsets.last!) == values.count else {
                throw ColumnsError("list column '\(field.name)': offsets end at \(offsets.last!), \(values.count) elements")
            }
        } else {
            guard listOffsets == nil else { throw ColumnsError("column '\(field.name)' has list offsets but is not a list") }
            guard values.count == expected else {
                throw ColumnsError("column '\(field.name)' has \(values.count) rows, the batch has \(expected)")
            }
        }
        if let v = validity {
            guard v.count == expected else { throw ColumnsError("column '\(field.name)': validity of \(v.count) rows, the batch has \(expected)") }
            guard field.nullable || v.nonzeroCount == expected else {
                throw ColumnsError("column '\(field.name)' is not nullable but has \(expected - v.nonzeroCount) nulls")
            }
        }
    }
}
