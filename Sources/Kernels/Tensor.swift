/// An fp32 tensor: a shape and strides (in elements) over shared copy-on-write storage.
///
/// Views (`permuted`, `transposed`, `sliced`, `broadcast`) share storage and only change
/// `offset`/`strides`, so kernels meet non-contiguous inputs; every kernel accepts any strides
/// and writes a new contiguous (row-major) result. Strides may be 0 (broadcast) but not negative.
public struct Tensor: Sendable, CustomStringConvertible {
    /// The element buffer; `offset` and `strides` say where the logical elements are.
    public private(set) var storage: [Float]
    /// Index in `storage` of the element at all-zero indices.
    public private(set) var offset: Int
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// Distance in elements between neighbours along each axis.
    public private(set) var strides: [Int]

    /// A contiguous tensor filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
        self.offset = 0
        self.shape = shape
        self.strides = Tensor.rowMajorStrides(shape)
    }

    /// A contiguous tensor holding `data` in row-major order.
    public init(shape: [Int], data: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw KernelError("tensor", "\(data.count) values do not fill shape \(shape)")
        }
        self.storage = data
        self.offset = 0
        self.shape = shape
        self.strides = Tensor.rowMajorStrides(shape)
    }

    /// A contiguous tensor whose i-th row-major element is `value(i)`.
    public init(shape: [Int], _ value: (Int) -> Float) {
        let n = shape.reduce(1, *)
        self.storage = (0..<n).map(value)
        self.offset = 0
        self.shape = shape
        self.strides = Tensor.rowMajorStrides(shape)
    }

    /// A view over existing storage. Throws if any element would fall outside `storage`.
    public init(storage: [Float], offset: Int, shape: [Int], strides: [Int]) throws {
        guard shape.count == strides.count, shape.allSatisfy({ $0 >= 0 }),
              strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
            throw KernelError("tensor", "bad view: shape \(shape) strides \(strides) offset \(offset)")
        }
        if shape.reduce(1, *) > 0 {
            let last = offset + zip(shape, strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
            guard last < storage.count else {
                throw KernelError("tensor", "view shape \(shape) strides \(strides) offset \(offset) overruns \(storage.count) elements")
            }
        }
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.strides = strides
    }

    /// Row-major strides of `shape`.
    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = s
            s *= shape[axis]
        }
        return strides
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of logical elements.
    public var count: Int { shape.reduce(1, *) }

    /// True when the elements lie row-major and gap-free from `offset`.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// The element at `indices` (slow; for tests and references).
    public subscript(_ indices: Int...) -> Float {
        get { storage[linearIndex(indices)] }
        set { storage[linearIndex(indices)] = newValue }
    }

    /// The element at `indices` (slow; for tests and references).
    public subscript(indices indices: [Int]) -> Float {
        get { storage[linearIndex(indices)] }
        set { storage[linearIndex(indices)] = newValue }
    }

    @inline(__always)
    func linearIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "index rank \(indices.count) for shape \(shape)")
        var i = offset
        for axis in 0..<rank {
            precondition(indices[axis] >= 0 && indices[axis] < shape[axis], "index \(indices) out of \(shape)")
            i += indices[axis] * strides[axis]
        }
        return i
    }

    /// The logical elements in row-major order.
    public var scalars: [Float] {
        if isContiguous { return Array(storage[offset..<offset + count]) }
        var out = [Float]()
        out.reserveCapacity(count)
        forEachOffset { out.append(storage[$0]) }
        return out
    }

    /// A contiguous copy (or `self` if already contiguous from offset 0 with no spare storage).
    public func contiguous() -> Tensor {
        if isContiguous && offset == 0 && storage.count == count { return self }
        return try! Tensor(shape: shape, data: scalars)
    }

    /// Calls `body` with the storage offset of every logical element, row-major order.
    public func forEachOffset(_ body: (Int) -> Void) {
        Self.forEachOffset(shape: shape, strides: strides, offset: offset, body)
    }

    /// The offsets of every element of a strided view (`shape`, `strides`, first element at
    /// `offset`), row-major order: the one odometer every strided walk uses (views here,
    /// the interpreter's transpose and broadcast gathers).
    public static func forEachOffset(shape: [Int], strides: [Int], offset: Int = 0, _ body: (Int) -> Void) {
        let rank = shape.count
        if shape.contains(0) { return }
        if rank == 0 { body(offset); return }
        var index = [Int](repeating: 0, count: rank)
        var position = offset
        let inner = rank - 1
        let innerExtent = shape[inner], innerStride = strides[inner]
        while true {
            var p = position
            for _ in 0..<innerExtent { body(p); p += innerStride }
            var axis = inner - 1
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// A view with axes reordered: result axis i is axis `axes[i]` of `self`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.sorted() == Array(0..<rank) else {
            throw KernelError("permute", "\(axes) is not a permutation of \(rank) axes")
        }
        var view = self
        view.shape = axes.map { shape[$0] }
        view.strides = axes.map { strides[$0] }
        return view
    }

    /// A view with the last two axes swapped (matrix transpose of each batch).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed() needs rank >= 2, got \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return try! permuted(axes)
    }

    /// A view of `start..<end` with `step` along `axis`.
    public func sliced(axis: Int, _ start: Int, _ end: Int, step: Int = 1) throws -> Tensor {
        guard axis >= 0, axis < rank, step >= 1, start >= 0, start <= end, end <= shape[axis] else {
            throw KernelError("slice", "axis \(axis) range \(start)..<\(end) step \(step) outside \(shape)")
        }
        var view = self
        view.offset += start * strides[axis]
        view.shape[axis] = (end - start + step - 1) / step
        view.strides[axis] *= step
        return view
    }

    /// A view broadcast to `target` (numpy rules: align right, extent 1 stretches with stride 0).
    public func broadcast(to target: [Int]) throws -> Tensor {
        guard target.count >= rank else {
            throw KernelError("broadcast", "cannot broadcast \(shape) to \(target)")
        }
        var view = self
        let lead = target.count - rank
        view.shape = target
        view.strides = [Int](repeating: 0, count: lead) + strides
        for axis in 0..<rank where shape[axis] != target[lead + axis] {
            guard shape[axis] == 1 else {
                throw KernelError("broadcast", "cannot broadcast \(shape) to \(target)")
            }
            view.strides[lead + axis] = 0
        }
        return view
    }

    /// The same elements with a new shape (copies first if not contiguous).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.allSatisfy({ $0 >= 0 }), newShape.reduce(1, *) == count else {
            throw KernelError("reshape", "cannot reshape \(shape) to \(newShape)")
        }
        var base = isContiguous ? self : contiguous()
        base.shape = newShape
        base.strides = Tensor.rowMajorStrides(newShape)
        return base
    }

    /// Calls `body` with a pointer to the element at all-zero indices.
    public func withUnsafeBase<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(($0.baseAddress ?? Tensor.emptyBase) + offset) }
    }

    /// Calls `body` with a mutable pointer to the element at all-zero indices.
    public mutating func withUnsafeMutableBase<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let start = offset
        return try storage.withUnsafeMutableBufferPointer {
            try body(($0.baseAddress ?? UnsafeMutablePointer(mutating: Tensor.emptyBase)) + start)
        }
    }

    /// Stands in for the base of empty storage; never dereferenced (nothing to read in an empty tensor).
    static let emptyBase = UnsafePointer<Float>(bitPattern: MemoryLayout<Float>.alignment)!

    public var description: String { "Tensor(\(shape), strides \(strides))" }
}
