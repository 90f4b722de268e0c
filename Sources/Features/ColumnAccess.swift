import Columns

/// Reading a scalar column's rows as the transforms want them, whatever its storage type.
enum ColumnAccess {
    /// Integer rows widened to Int64 (nil for other types).
    static func int64s(_ c: Column) -> [Int64]? {
        switch c.values {
        case .int64(let v): return v
        case .int32(let v): return v.map(Int64.init)
        default: return nil
        }
    }

    /// Numeric rows as Double (integers converted; nil for non-numeric types).
    static func doubles(_ c: Column) -> [Double]? {
        switch c.values {
        case .float64(let v): return v
        case .float32(let v): return v.map(Double.init)
        case .int64(let v): return v.map(Double.init)
        case .int32(let v): return v.map(Double.init)
        default: return nil
        }
    }
}
