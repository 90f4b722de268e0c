import GraphIR

/// The quantized operators: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
/// MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv.
///
/// Integer results are exact. The integer products run on the float kernels (Kernels' SGEMM
/// and convolution, through `Linear.matmul` and `ConvPool.conv`): a Float32 sum of integer
/// products is exact while every partial sum stays below 2²⁴, and when the operands are too
/// wide for that, `exactProduct` splits them into base-16 digits and recombines the partial
/// products in Int64. Requantization rounds half to even and saturates to the output type,
/// as the ONNX definitions state.
enum Quantized {
    /// For each element of a tensor of `shape`, the index of its scale / zero point:
    /// per-tensor (one element), per-axis (1-D along `axis`) or blocked (`blockSize` > 0:
    /// the parameter tensor has x's rank with ceil(extent / blockSize) along `axis`).
    static func parameterIndex(_ node: Node, shape: [Int], parameterShape: [Int], axis rawAxis: Int, blockSize: Int) throws -> [Int] {
        let n = shape.reduce(1, *)
        let count = parameterShape.reduce(1, *)
        if count == 1 && blockSize == 0 { return [Int](repeating: 0, count: n) }
        let rank = shape.count
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        guard axis >= 0, axis < rank else { throw InterpreterError.badInput(node: node.name, detail: "axis \(rawAxis) for rank \(rank)") }
        let strides = Tensor.strides(shape)
        if blockSize > 0 {
            guard parameterShape.count == rank, parameterShape[axis] == (shape[axis] + blockSize - 1) / blockSize,
                  (0..<rank).allSatisfy({ $0 == axis || parameterShape[$0] == shape[$0] }) else {
                throw InterpreterError.badInput(node: node.name, detail: "blocked scale \(parameterShape) for input \(shape)")
            }
            let pstrides = Tensor.strides(parameterShape)
            return (0..<n).map { flat in
                var rem = flat, p = 0
                for d in 0..<rank {
                    var c = rem / strides[d]
                    rem %= strides[d]
                    if d == axis { c /= blockSize }
                    p += c * pstrides[d]
                }
                return p
            }
        }
        guard parameterShape.count == 1, parameterShape[0] == shape[axis] else {
            throw InterpreterError.badInput(node: node.name, detail: "scale \(parameterShape) for axis \(axis) of \(shape)")
        }
        return (0..<n).map { ($0 / strides[axis]) % shape[axis] }
    }

    /// Rounds half to even, adds `zeroPoint` and saturates to `dtype`'s range. (QuantizeLinear
    /// rounds before adding its zero point; QLinear* add theirs to the scaled value first, and
    /// pass 0 here: with ties to even the order matters.)
    @inline(__always)
    static func saturate(_ v: Double, zeroPoint: Int64, _ dtype: DType) -> Int64 {
        let (lo, hi) = dtype.integerRange
        let r = v.rounded(.toNearestOrEven)
        guard r.isFinite else { return r.isNaN ? max(lo, min(hi, zeroPoint)) : (r > 0 ? hi : lo) }
        let q = Int64(max(-1e15, min(1e15, r))) + zeroPoint
        return max(lo, min(hi, q))
    }

    /// The integer output type of a quantizing node: its zero point's, else `output_dtype`, else uint8.
    static func outputType(_ node: Node, zeroPoint: Tensor?) throws -> DType {
        if let z = zeroPoint { return z.dtype }
        let code = node.int("output_dtype", 0)
        if code != 0 {
            guard let t = DType(rawValue: Int32(code)), !t.isFloat else {
                throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "output type \(code)")
            }
            return t
        }
        return .uint8
    }

    static func checkInteger(_ node: Node, _ t: Tensor, _ what: String) throws {
        guard !t.isFloat, t.dtype != .bool else {
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "\(what) of type \(t.dtype)")
        }
    }

    static func quantizeLinear(_ node: Node, x: Tensor, scale: Tensor, zeroPoint: Tensor?) throws -> Tensor {
        let dtype = try outputType(node, zeroPoint: zeroPoint)
        if let zeroPoint { try checkInteger(node, zeroPoint, "zero point") }
        guard !dtype.isFloat, dtype != .bool else { throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "output type \(dtype)") }
        let idx = try parameterIndex(node, shape: x.shape, parameterShape: scale.shape, axis: node.int("axis", 1), blockSize: node.int("block_size", 0))
        if let zeroPoint, zeroPoint.shape != scale.shape && zeroPoint.count != scale.count {
            throw InterpreterError.badInput(node: node.name, detail: "zero point \(zeroPoint.shape) for scale \(scale.shape)")
        }
        let xs = x.floats, ss = scale.floats, zs = zeroPoint?.ints
        // The quotient is rounded to Float32 first (x / scale in the input's precision).
        let out = (0..<xs.count).map { k in saturate(Double(xs[k] / ss[idx[k]]), zeroPoint: zs?[idx[k]] ?? 0, dtype) }
        return Tensor(dtype: dtype, shape: x.shape, i: out)
    }

    static func dequantizeLinear(_ node: Node, x: Tensor, scale: Tensor, zeroPoint: Tensor?) throws -> Tensor {
        try checkInteger(node, x, "input")
        let idx = try parameterIndex(node, shape: x.shape, parameterShape: scale.shape, axis: node.int("axis", 1), blockSize: node.int("block_size", 0))
        if let zeroPoint, zeroPoint.count != scale.count {
            throw InterpreterError.badInput(node: node.name, detail: "zero point \(zeroPoint.shape) for scale \(scale.shape)")
        }
        let xs = x.i, ss = scale.floats, zs = zeroPoint?.ints
        let out = (0..<xs.count).map { k in (Float(xs[k]) - Float(zs?[idx[k]] ?? 0)) * ss[idx[k]] }
        var dtype = scale.dtype
        let code = node.int("output_dtype", 0)
        if code != 0, let t = DType(rawValue: Int32(code)), t.isFloat { dtype = t }
        return Tensor(dtype: dtype, shape: x.shape, f: out)
    }

    /// y = saturate(round(x / scale) + zero point) with scale and zero point chosen so that
    /// the range [min(x, 0), max(x, 0)] maps onto uint8 [0, 255]; all in Float32.
    static func dynamicQuantizeLinear(_ node: Node, x: Tensor) throws -> [Tensor] {
        let xs = x.floats
        let hi = max(0, xs.max() ?? 0), lo = min(0, xs.min() ?? 0)
        let scale: Float = (hi == lo ? 1 : hi - lo) / 255
        let zero = max(0, min(255, 0 - lo / scale)).rounded(.toNearestOrEven)
        let z = zero.isNaN ? 0 : Int64(zero)  // NaN only from infinite inputs
        let q = xs.map { saturate(Double(($0 / scale).rounded(.toNearestOrEven)), zeroPoint: z, .uint8) }
        return [Tensor(dtype: .uint8, shape: x.shape, i: q), Tensor(dtype: x.dtype, shape: [], f: [scale]),
                Tensor(dtype: .uint8, shape: [], i: [z])]
    }

    /// `t` minus its zero point, as Int64: a scalar, or (when `perAxis` names an axis of `t`)
    /// one zero point per index along that axis.
    static func centered(_ node: Node, _ t: Tensor, _ zeroPoint: Tensor?, perAxis axis: Int) throws -> Tensor {
        try checkInteger(node, t, "input")
        guard let zeroPoint, zeroPoint.count > 0 else { return Tensor(dtype: .int64, shape: t.shape, i: t.i) }
        try checkInteger(node, zeroPoint, "zero point")
        let z = zeroPoint.i
        if z.count == 1 { return Tensor(dtype: .int64, shape: t.shape, i: t.i.map { $0 - z[0] }) }
        let a = axis < 0 ? axis + t.shape.count : axis
        guard a >= 0, a < t.shape.count, t.shape[a] == z.count else {
            throw InterpreterError.badInput(node: node.name, detail: "zero point of \(z.count) elements for input \(t.shape)")
        }
        let stride = Tensor.strides(t.shape)[a], extent = t.shape[a]
        return Tensor(dtype: .int64, shape: t.shape, i: t.i.enumerated().map { $0.element - z[($0.offset / stride) % extent] })
    }

    /// A bilinear integer product (`op` is a matmul or a convolution over `reduction` terms)
    /// computed exactly on the Float32 kernels. While reduction · max|a| · max|b| < 2²⁴ every
    /// partial sum is an exactly representable integer; otherwise the wider operand is split
    /// as hi · 16 + lo and the two partial products recombine in Int64.
    static func exactProduct(_ node: Node, _ a: Tensor, _ b: Tensor, reduction: Int,
                             _ op: (Tensor, Tensor) throws -> Tensor) throws -> [Int64] {
        let maxA = a.i.lazy.map { $0.magnitude }.max() ?? 0, maxB = b.i.lazy.map { $0.magnitude }.max() ?? 0
        // 8- and 16-bit operands (less their zero points) need at most a few splits; wider
        // ones (an int32 input the operators do not allow) would need dozens.
        guard maxA < 1 << 17, maxB < 1 << 17 else {
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "integer operands wider than 16 bits")
        }
        let (bound, over) = UInt64(max(reduction, 1)).multipliedReportingOverflow(by: maxA &* maxB)
        if !over, maxA < 1 << 20, maxB < 1 << 20, bound < 1 << 24 {
            let fa = Tensor(dtype: .float32, shape: a.shape, f: a.i.map { Float($0) })
            let fb = Tensor(dtype: .float32, shape: b.shape, f: b.i.map { Float($0) })
            return try op(fa, fb).f.map { Int64($0) }
        }
        guard max(maxA, maxB) > 15 else {
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "reduction over \(reduction) terms too long for exact integer arithmetic")
        }
        func split(_ t: Tensor) -> (Tensor, Tensor) {
            let lo = t.i.map { (($0 % 16) + 16) % 16 }
            let hi = zip(t.i, lo).map { ($0 - $1) / 16 }
            return (Tensor(dtype: .int64, shape: t.shape, i: hi), Tensor(dtype: .int64, shape: t.shape, i: lo))
        }
        if maxA >= maxB {
            let (hi, lo) = split(a)
            let p = try exactProduct(node, hi, b, reduction: reduction, op), q = try exactProduct(node, lo, b, reduction: reduction, op)
            return zip(p, q).map { $0 * 16 + $1 }
        }
        let (hi, lo) = split(b)
        let p = try exactProduct(node, a, hi, reduction: reduction, op), q = try exactProduct(node, a, lo, reduction: reduction, op)
        return zip(p, q).map { $0 * 16 + $1 }
    }

    /// (A − a_zero_point) · (B − b_zero_point) in Int64; a's zero point may be per row, b's per column.
    static func integerMatMul(_ node: Node, _ a: Tensor, _ b: Tensor, aZero: Tensor?, bZero: Tensor?) throws -> Tensor {
        guard a.shape.count >= 1, b.shape.count >= 1 else { throw InterpreterError.badInput(node: node.name, detail: "MatMul of scalars") }
        let ac = try centered(node, a, aZero, perAxis: a.shape.count >= 2 ? a.shape.count - 2 : 0)
        let bc = try centered(node, b, bZero, perAxis: b.shape.count - 1)
        let k = a.shape[a.shape.count - 1]
        var shape: [Int] = []
        let values = try exactProduct(node, ac, bc, reduction: k) { x, y in
            let r = try Linear.matmul(node, x, y)
            shape = r.shape
            return r
        }
        return Tensor(dtype: .int64, shape: shape, i: values)
    }

    /// conv(X − x_zero_point, W − w_zero_point) in Int64; w's zero point may be per output channel.
    static func integerConv(_ node: Node, _ x: Tensor, _ w: Tensor, xZero: Tensor?, wZero: Tensor?) throws -> Tensor {
        if let xZero, xZero.count != 1 { throw InterpreterError.badInput(node: node.name, detail: "x zero point must be a scalar") }
        let xc = try centered(node, x, xZero, perAxis: 1)
        let wc = try centered(node, w, wZero, perAxis: 0)
        let reduction = w.shape.dropFirst().reduce(1, *)
        var shape: [Int] = []
        let values = try exactProduct(node, xc, wc, reduction: reduction) { p, q in
            let r = try ConvPool.conv(node, x: p, w: q, bias: nil)
            shape = r.shape
            return r
        }
        return Tensor(dtype: .int64, shape: shape, i: values)
    }

    static func matMulInteger(_ node: Node, _ a: Tensor, _ b: Tensor, aZero: Tensor?, bZero: Tensor?) throws -> Tensor {
        var t = try integerMatMul(node, a, b, aZero: aZero, bZero: bZero)
        t.dtype = .int32
        t.i = t.i.map { Int64(Int32(truncatingIfNeeded: $0)) }
        return t
    }

    static func convInteger(_ node: Node, _ x: Tensor, _ w: Tensor, xZero: Tensor?, wZero: Tensor?) throws -> Tensor {
        var t = try integerConv(node, x, w, xZero: xZero, wZero: wZero)
        t.dtype = .int32
        t.i = t.i.map { Int64(Int32(truncatingIfNeeded: $0)) }
        return t
    }

    /// s1 · s2 / s3 in the scales' own precision (16-bit scales round after each step).
    static func multiplier(_ s1: Float, _ s2: Float, _ s3: Float, _ dtype: DType) -> Double {
        switch dtype {
        case .float16: return Double(Float(Float16(Float(Float16(s1 * s2)) / s3)))
        case .bfloat16: return Double(roundToBFloat16(roundToBFloat16(s1 * s2) / s3))
        default: return Double(s1 * s2 / s3)
        }
    }

    /// QLinearMatMul: requantize (A − za)(B − zb) by a_scale · b_scale / y_scale (b's scale
    /// may be per column) onto y's integer type.
    static func qlinearMatMul(_ node: Node, _ ins: [Tensor?]) throws -> Tensor {
        func x(_ i: Int) throws -> Tensor {
            guard i < ins.count, let t = ins[i] else { throw InterpreterError.badInput(node: node.name, detail: "missing input \(i)") }
            return t
        }
        let a = try x(0), aScale = try x(1), b = try x(3), bScale = try x(4), yScale = try x(6)
        guard aScale.count == 1, yScale.count == 1, bScale.count >= 1 else { throw InterpreterError.badInput(node: node.name, detail: "a_scale and y_scale must be scalars") }
        let yZero = ins.count > 7 ? ins[7] : nil
        let c = try integerMatMul(node, a, b, aZero: ins[2], bZero: ins.count > 5 ? ins[5] : nil)
        let n = c.shape.last ?? 1
        let bs = bScale.floats, ys = yScale.floats[0], asc = aScale.floats[0]
        guard bs.count == 1 || bs.count == n else { throw InterpreterError.badInput(node: node.name, detail: "b_scale of \(bs.count) elements for \(n) columns") }
        let mult = bs.map { multiplier(asc, $0, ys, yScale.dtype) }
        if let yZero { try checkInteger(node, yZero, "y_zero_point") }
        let dtype = yZero?.dtype ?? a.dtype
        let z = yZero?.i.first ?? 0
        let out = c.i.enumerated().map { k, v in saturate(Double(v) * mult[bs.count == 1 ? 0 : k % n] + Double(z), zeroPoint: 0, dtype) }
        return Tensor(dtype: dtype, shape: c.shape, i: out)
    }

    /// QLinearConv: requantize conv(X − zx, W − zw) + B by x_scale · w_scale / y_scale (w's
    /// scale may be per output channel) onto y's integer type.
    static func qlinearConv(_ node: Node, _ ins: [Tensor?]) throws -> Tensor {
        func x(_ i: Int) throws -> Tensor {
            guard i < ins.count, let t = ins[i] else { throw InterpreterError.badInput(node: node.name, detail: "missing input \(i)") }
            return t
        }
        let input = try x(0), xScale = try x(1), w = try x(3), wScale = try x(4), yScale = try x(6)
        guard xScale.count == 1, yScale.count == 1, wScale.count >= 1 else { throw InterpreterError.badInput(node: node.name, detail: "x_scale and y_scale must be scalars") }
        let yZero = ins.count > 7 ? ins[7] : nil
        let bias = ins.count > 8 ? ins[8] : nil
        let c = try integerConv(node, input, w, xZero: ins[2], wZero: ins[5])
        let m = c.shape[1], area = c.shape.dropFirst(2).reduce(1, *)
        let ws = wScale.floats
        guard ws.count == 1 || ws.count == m else { throw InterpreterError.badInput(node: node.name, detail: "w_scale of \(ws.count) elements for \(m) channels") }
        if let bias { guard bias.count == m, !bias.isFloat else { throw InterpreterError.badInput(node: node.name, detail: "bias \(bias.shape) for \(m) channels") } }
        let mult = ws.map { multiplier(xScale.floats[0], $0, yScale.floats[0], yScale.dtype) }
        if let yZero { try checkInteger(node, yZero, "y_zero_point") }
        let dtype = yZero?.dtype ?? input.dtype
        let z = yZero?.i.first ?? 0
        let bi = bias?.i
        let out = c.i.enumerated().map { k, v -> Int64 in
            let ch = (k / area) % m
            return saturate(Double(v + (bi?[ch] ?? 0)) * mult[ws.count == 1 ? 0 : ch] + Double(z), zeroPoint: 0, dtype)
        }
        return Tensor(dtype: dtype, shape: c.shape, i: out)
    }
}
