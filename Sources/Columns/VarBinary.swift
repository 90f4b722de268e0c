/// Variable-length values (UTF-8 strings or bytes) as Arrow lays them out: value i is
/// `data[offsets[i] ..< offsets[i + 1]]`; `offsets` starts at 0 and has count + 1 entries.
public struct VarBinary: Equatable, Sendable {
    public private(set) var offsets: [Int32]
    public private(set) var data: [UInt8]

    public init() { offsets = [0]; data = [] }

    /// From Arrow-style buffers; throws unless the offsets start at 0, never decrease and end
    /// within `data` (a reader must not trust a stream's offsets).
    public init(offsets: [Int32], data: [UInt8]) throws {
        guard let first = offsets.first, first == 0 else { throw ColumnsError("value offsets must start at 0") }
        var previous: Int32 = 0
        for o in offsets {
            guard o >= previous else { throw ColumnsError("value offsets decrease (\(previous) then \(o))") }
            previous = o
        }
        guard Int(previous) <= data.count else { throw ColumnsError("value offsets end at \(previous), past the \(data.count) data bytes") }
        self.offsets = offsets
        self.data = Int(previous) == data.count ? data : Array(data.prefix(Int(previous)))
    }

    public var count: Int { offsets.count - 1 }

    /// The bytes of value `i`.
    public subscript(i: Int) -> ArraySlice<UInt8> { data[Int(offsets[i])..<Int(offsets[i + 1])] }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(Int32(data.count))
    }

    public mutating func append(_ string: String) { append(string.utf8) }

    /// An empty value (the slot of a null).
    public mutating func appendEmpty() { offsets.append(Int32(data.count)) }

    public mutating func removeAll(keepingCapacity keep: Bool = false) {
        offsets.removeAll(keepingCapacity: keep)
        offsets.append(0)
        data.removeAll(keepingCapacity: keep)
    }

    /// Values `range` as a new column.
    public func slice(_ range: Range<Int>) -> VarBinary {
        var out = VarBinary()
        let base = offsets[range.lowerBound]
        out.data = Array(data[Int(base)..<Int(offsets[range.upperBound])])
        out.offsets = offsets[range.lowerBound...range.upperBound].map { $0 - base }
        return out
    }
}
