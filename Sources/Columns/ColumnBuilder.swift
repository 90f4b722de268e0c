/// Builds one column row by row: typed appends into plain arrays (no enum payload to copy
/// on each append), then `take()` hands out the `Column` and starts over.
///
/// A scalar row is one `append…` call (or `appendNull`). A list row is any number of
/// `appendElement…` calls closed by `endListRow()` (or `appendNull`).
public struct ColumnBuilder {
    public let field: Field
    private var i32: [Int32] = []
    private var i64: [Int64] = []
    private var f32: [Float] = []
    private var f64: [Double] = []
    private var bits = BitVector()
    private var binary = VarBinary()
    private var validity: BitVector? = nil
    private var listOffsets: [Int32]
    /// Rows appended since the last `take()`.
    public private(set) var rows = 0

    public init(field: Field, capacity: Int = 0) {
        self.field = field
        listOffsets = field.isList ? [0] : []
        switch field.type {
        case .int32: i32.reserveCapacity(capacity)
        case .int64: i64.reserveCapacity(capacity)
        case .float32: f32.reserveCapacity(capacity)
        case .float64: f64.reserveCapacity(capacity)
        case .bool: bits.reserveCapacity(capacity)
        case .utf8, .bytes: break
        }
    }

    // MARK: Elements (a scalar row's one value, or one element of a list row)

    /// An integer element; int32 fields take the low 32 bits (the caller checks the range).
    public mutating func appendElement(int value: Int64) {
        if field.type == .int32 { i32.append(Int32(truncatingIfNeeded: value)) } else { i64.append(value) }
    }

    /// A float element; float32 fields round to nearest.
    public mutating func appendElement(double value: Double) {
        if field.type == .float32 { f32.append(Float(value)) } else { f64.append(value) }
    }

    public mutating func appendElement(bool value: Bool) { bits.append(value) }

    /// A utf8 or bytes element.
    public mutating func appendElement(bytes value: UnsafeRawBufferPointer) { binary.append(value) }

    /// A utf8 or bytes element.
    public mutating func appendElement(string value: String) { binary.append(value) }

    // MARK: Rows

    /// Closes a scalar row whose value was just appended as an element, or a list row.
    public mutating func endRow() {
        if field.isList { listOffsets.append(Int32(elementCount)) }
        validity?.append(true)
        rows += 1
    }

    /// A null row: a zero value (an empty list) in its slot, its validity bit clear.
    public mutating func appendNull() {
        if validity == nil { validity = BitVector(repeating: true, count: rows) }
        validity!.append(false)
        if field.isList {
            listOffsets.append(Int32(elementCount))
        } else {
            switch field.type {
            case .int32: i32.append(0)
            case .int64: i64.append(0)
            case .float32: f32.append(0)
            case .float64: f64.append(0)
            case .bool: bits.append(false)
            case .utf8, .bytes: binary.appendEmpty()
            }
        }
        rows += 1
    }

    /// Elements appended so far (values of every row, list elements for list fields).
    public var elementCount: Int {
        switch field.type {
        case .int32: return i32.count
        case .int64: return i64.count
        case .float32: return f32.count
        case .float64: return f64.count
        case .bool: return bits.count
        case .utf8, .bytes: return binary.count
        }
    }

    /// The column built so far; the builder starts over empty (keeping its capacity).
    public mutating func take() -> Column {
        let values: ColumnValues
        switch field.type {
        case .int32: values = .int32(i32); i32.removeAll(keepingCapacity: true)
        case .int64: values = .int64(i64); i64.removeAll(keepingCapacity: true)
        case .float32: values = .float32(f32); f32.removeAll(keepingCapacity: true)
        case .float64: values = .float64(f64); f64.removeAll(keepingCapacity: true)
        case .bool: values = .bool(bits); bits.removeAll(keepingCapacity: true)
        case .utf8: values = .utf8(binary); binary.removeAll(keepingCapacity: true)
        case .bytes: values = .bytes(binary); binary.removeAll(keepingCapacity: true)
        }
        let column = Column(values: values, validity: validity, listOffsets: field.isList ? listOffsets : nil)
        validity = nil
        if field.isList { listOffsets.removeAll(keepingCapacity: true); listOffsets.append(0) }
        rows = 0
        return column
    }
}
