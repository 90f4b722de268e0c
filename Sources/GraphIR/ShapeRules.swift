/// Shape and type rules, one per supported operator. A rule returns one type per node
/// output (nil where it cannot be known) and throws `shapeMismatch` when the inputs
/// contradict the operator. Symbolic dims pass through wherever the ONNX semantics allow.
public enum ShapeRules {
    public typealias Rule = (InferenceContext) throws -> [TensorType?]

    /// Every operator graph-opt understands, with its rule.
    public static let rules: [String: Rule] = {
        var r: [String: Rule] = [:]
        let sameAsInput: Rule = { c in [c.type(0)] + Array(repeating: nil, count: max(0, c.node.outputs.count - 1)) }
        for op in ["Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal",
                   "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Softplus", "Softsign", "LeakyRelu", "Elu",
                   "Selu", "HardSigmoid", "HardSwish", "Mish", "Gelu", "Softmax", "LogSoftmax", "Identity",
                   "Clip", "LRN", "InstanceNormalization", "Not", "Celu", "ThresholdedRelu", "CumSum"] {
            r[op] = sameAsInput
        }
        r["Dropout"] = { c in
            var out: [TensorType?] = [c.type(0)]
            if c.node.outputs.count > 1 { out.append(c.shape(0).map { TensorType(.bool, $0) }) }
            return out
        }
        r["BatchNormalization"] = { c in
            if let x = c.shape(0), x.rank >= 2, let s = c.shape(1), s.rank == 1,
               case .known(let a) = x.dims[1], case .known(let b) = s.dims[0], a != b {
                throw c.mismatch("scale has \(b) channels, input has \(a)")
            }
            return [c.type(0)] + Array(repeating: nil, count: max(0, c.node.outputs.count - 1))
        }
        for op in ["LayerNormalization", "RMSNormalization"] {
            r[op] = { c in
                var out: [TensorType?] = [c.type(0)]
                if c.node.outputs.count > 1 {
                    let rank = c.shape(0)?.rank ?? 0
                    let axis = c.node.int("axis", -1)
                    let a = axis < 0 ? axis + rank : axis
                    let s = c.shape(0).map { Shape(Array($0.dims.prefix(a)) + Array(repeating: .known(1), count: rank - a)) }
                    for _ in 1..<c.node.outputs.count { out.append(TensorType(.float32, s)) }
                }
                return out
            }
        }
        for op in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "PRelu", "Mod"] {
            r[op] = { c in
                [TensorType(c.dtype(0), try c.broadcast((0..<c.inputCount).map { c.shape($0) }))]
            }
        }
        for op in ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"] {
            r[op] = { c in [TensorType(.bool, try c.broadcast([c.shape(0), c.shape(1)]))] }
        }
        r["Where"] = { c in [TensorType(c.dtype(1), try c.broadcast([c.shape(0), c.shape(1), c.shape(2)]))] }
        r["Cast"] = { c in
            guard let to = DType(rawValue: Int32(c.node.int("to", 1))) else { throw c.mismatch("unsupported cast target \(c.node.int("to", 0))") }
            return [TensorType(to, c.shape(0))]
        }
        r["CastLike"] = { c in [TensorType(c.dtype(1), c.shape(0))] }
        r["Conv"] = conv
        r["FusedConv"] = conv
        r["ConvTranspose"] = convTranspose
        r["MaxPool"] = pool
        r["AveragePool"] = pool
        r["GlobalAveragePool"] = globalPool
        r["GlobalMaxPool"] = globalPool
        r["Gemm"] = gemm
        r["FusedGemm"] = gemm
        r["MatMul"] = matmul
        r["Reshape"] = reshape
        r["Flatten"] = flatten
        r["Concat"] = concat
        r["Transpose"] = transpose
        r["Constant"] = { c in
            guard let t = constantAttributeValue(c.node) else { throw c.mismatch("Constant without a supported value attribute") }
            return [t.type]
        }
        r["ConstantOfShape"] = { c in
            let dtype = c.node.attributes["value"]?.tensor?.dtype ?? .float32
            if let dims = c.constInts(0) { return [TensorType(dtype, Shape(known: dims))] }
            if let s = c.shape(0), let n = s.dims.first?.value { return [TensorType(dtype, Shape(Array(repeating: .unknown, count: n)))] }
            return [TensorType(dtype, nil)]
        }
        r["Shape"] = { c in
            guard let s = c.shape(0) else { return [TensorType(.int64, Shape([.unknown]))] }
            let (lo, hi) = shapeSliceBounds(c.node, rank: s.rank)
            return [TensorType(.int64, Shape(known: [max(0, hi - lo)]))]
        }
        r["Size"] = { _ in [TensorType(.int64, Shape([]))] }
        r["Gather"] = gather
        r["Unsqueeze"] = unsqueeze
        r["Squeeze"] = squeeze
        r["Slice"] = slice
        r["Split"] = split
        for op in ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceSumSquare"] {
            r[op] = reduce
        }
        r["ArgMax"] = argReduce
        r["ArgMin"] = argReduce
        r["Expand"] = { c in
            guard let dims = c.constInts(1) else {
                // A computed shape of known length k (exporters' Shape/Concat arithmetic) still
                // fixes the rank, max(rank, k); its dims broadcast as unknown ones.
                guard let s = c.shape(1), s.rank == 1, let k = s.dims[0].value, k <= 64 else { return [TensorType(c.dtype(0), nil)] }
                return [TensorType(c.dtype(0), try c.broadcast([c.shape(0), Shape(Array(repeating: .unknown, count: k))]))]
            }
            return [TensorType(c.dtype(0), try c.broadcast([c.shape(0), Shape(known: dims)]))]
        }
        r["Tile"] = { c in
            guard let s = c.shape(0), let reps = c.constInts(1), reps.count == s.rank else { return [TensorType(c.dtype(0), nil)] }
            return [TensorType(c.dtype(0), Shape(zip(s.dims, reps).map { $0 * .known($1) }))]
        }
        r["Pad"] = { c in
            guard let s = c.shape(0) else { return [c.type(0)] }
            let pads = c.node.ints("pads") ?? c.constInts(1)
            guard let pads, pads.count == 2 * s.rank, !c.has(3) else { return [TensorType(c.dtype(0), Shape(Array(repeating: .unknown, count: s.rank)))] }
            return [TensorType(c.dtype(0), Shape(s.dims.enumerated().map { $1 + .known(pads[$0] + pads[$0 + s.rank]) }))]
        }
        r["Range"] = { c in
            [TensorType(c.dtype(0), Shape([.unknown]))]
        }
        r["Attention"] = attention
        r["Resize"] = resize
        r["GridSample"] = { c in
            guard let x = c.shape(0), let g = c.shape(1), x.rank >= 3, g.rank == x.rank else { return [TensorType(c.dtype(0), nil)] }
            if let n = x.dims[0].value, let m = g.dims[0].value, n != m { throw c.mismatch("grid batch \(m) for input batch \(n)") }
            return [TensorType(c.dtype(0), Shape(Array(x.dims.prefix(2)) + Array(g.dims.dropFirst().dropLast())))]
        }
        r["Upsample"] = resize
        for op in ["LSTM", "GRU", "RNN"] { r[op] = recurrent }
        r["QuantizeLinear"] = quantizeLinear
        r["DequantizeLinear"] = dequantizeLinear
        r["DynamicQuantizeLinear"] = dynamicQuantizeLinear
        r["MatMulInteger"] = matMulInteger
        r["ConvInteger"] = convInteger
        r["QLinearMatMul"] = qlinearMatMul
        r["QLinearConv"] = qlinearConv
        r["SkipLayerNorm"] = { c in
            let t = TensorType(c.dtype(0), try c.broadcast([c.shape(0), c.shape(1)]))
            return Array(repeating: t, count: c.node.outputs.count)
        }
        return r
    }()

    /// Operators graph-opt creates in the `sluice` domain (fusions); the default domain
    /// does not accept them (ONNX's own Attention has different semantics).
    public static let sluiceOps: Set<String> = ["FusedConv", "FusedGemm", "Attention", "SkipLayerNorm"]

    /// The sorted names of the supported standard operators (for docs).
    public static var supportedOps: [String] { rules.keys.filter { !sluiceOps.contains($0) }.sorted() }

    /// The tensor a Constant node's attributes describe.
    public static func constantAttributeValue(_ node: Node) -> ConstantTensor? {
        if let t = node.attributes["value"]?.tensor { return t }
        if let f = node.attributes["value_float"]?.float { return .float32([f], dims: []) }
        if let i = node.attributes["value_int"]?.int { return .int64([i], dims: []) }
        if let fs = node.attributes["value_floats"]?.floats { return .float32(fs, dims: [fs.count]) }
        if let is_ = node.attributes["value_ints"]?.ints { return .int64(is_, dims: [is_.count]) }
        return nil
    }

    /// Shape's `start`/`end` attributes (opset 15) clamped to `rank`.
    public static func shapeSliceBounds(_ node: Node, rank: Int) -> (Int, Int) {
        func clampAxis(_ a: Int) -> Int { min(max(a < 0 ? a + rank : a, 0), rank) }
        return (clampAxis(node.int("start", 0)), clampAxis(node.int("end", rank)))
    }

    // MARK: convolution and pooling

    /// The window rule of Conv and pooling along one axis (ONNX, explicit pads): the number of
    /// window positions, floor((n + pads − span) / stride) + 1, where span = (kernel − 1) ·
    /// dilation + 1. With `ceilMode` (pooling's ceil_mode) a last, partial window counts too,
    /// as long as it starts inside the input or its leading padding (the ONNX / PyTorch rule).
    /// Nil when the window is larger than the padded input. The one definition: shape
    /// inference, the interpreter and the Kernels library all use it.
    public static func windowExtent(_ input: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
                                    ceilMode: Bool = false) -> Int? {
        let span = input + padBegin + padEnd - dilation * (kernel - 1) - 1
        guard span >= 0, stride > 0 else { return nil }
        var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode, (out - 1) * stride >= input + padBegin { out -= 1 }
        return out
    }

    /// Output spatial extent of a window op, or `.unknown`.
    static func windowed(_ input: Dim, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
                         autoPad: String, ceilMode: Bool) -> Dim {
        guard let n = input.value else { return .unknown }
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER": return .known((n + stride - 1) / stride)
        case "VALID":
            return windowExtent(n, kernel: kernel, stride: stride, dilation: dilation, padBegin: 0, padEnd: 0).map(Dim.known) ?? .unknown
        default:
            return windowExtent(n, kernel: kernel, stride: stride, dilation: dilation, padBegin: padBegin, padEnd: padEnd,
                                ceilMode: ceilMode).map(Dim.known) ?? .unknown
        }
    }

    static func spatial(_ c: InferenceContext, x: Shape, kernel: [Int]) throws -> [Dim] {
        let k = kernel.count
        let strides = c.node.ints("strides") ?? Array(repeating: 1, count: k)
        let dil = c.node.ints("dilations") ?? Array(repeating: 1, count: k)
        let pads = c.node.ints("pads") ?? Array(repeating: 0, count: 2 * k)
        guard strides.count == k, dil.count == k, pads.count == 2 * k, x.rank == k + 2 else {
            throw c.mismatch("attribute lengths do not match \(k) spatial dims of input \(x)")
        }
        let autoPad = c.node.string("auto_pad", "NOTSET")
        let ceil = c.node.int("ceil_mode", 0) != 0
        return (0..<k).map {
            windowed(x.dims[$0 + 2], kernel: kernel[$0], stride: strides[$0], dilation: dil[$0],
                     padBegin: pads[$0], padEnd: pads[$0 + k], autoPad: autoPad, ceilMode: ceil)
        }
    }

    static let conv: Rule = { c in
        guard let x = c.shape(0), let w = c.shape(1) else { return [TensorType(c.dtype(0), nil)] }
        guard w.rank == x.rank, x.rank >= 3 else { throw c.mismatch("weight \(w) does not match input \(x)") }
        let group = c.node.int("group", 1)
        if let cin = x.dims[1].value, let cw = w.dims[1].value, cin != cw * group {
            throw c.mismatch("input has \(cin) channels, weight expects \(cw)×\(group) groups")
        }
        if c.has(2), let b = c.shape(2), b.rank == 1, let bm = b.dims[0].value, let m = w.dims[0].value, bm != m {
            throw c.mismatch("bias has \(bm) elements for \(m) output channels")
        }
        let kernel = c.node.ints("kernel_shape") ?? w.dims.dropFirst(2).map { $0.value ?? 1 }
        return [TensorType(c.dtype(0), Shape([x.dims[0], w.dims[0]] + (try spatial(c, x: x, kernel: kernel))))]
    }

    static let convTranspose: Rule = { c in
        guard let x = c.shape(0), let w = c.shape(1), x.rank == w.rank, x.rank >= 3 else { return [TensorType(c.dtype(0), nil)] }
        let k = x.rank - 2
        let kernel = c.node.ints("kernel_shape") ?? w.dims.dropFirst(2).map { $0.value ?? 1 }
        let strides = c.node.ints("strides") ?? Array(repeating: 1, count: k)
        let dil = c.node.ints("dilations") ?? Array(repeating: 1, count: k)
        let pads = c.node.ints("pads") ?? Array(repeating: 0, count: 2 * k)
        let outPad = c.node.ints("output_padding") ?? Array(repeating: 0, count: k)
        guard kernel.count == k, strides.count == k, dil.count == k, pads.count == 2 * k, outPad.count == k else {
            throw c.mismatch("attribute lengths do not match \(k) spatial dims")
        }
        let m = w.dims[1] * .known(c.node.int("group", 1))
        var dims: [Dim] = [x.dims[0], m]
        if let os = c.node.ints("output_shape"), os.count == k { return [TensorType(c.dtype(0), Shape(dims + os.map { .known($0) }))] }
        for i in 0..<k {
            if let n = x.dims[i + 2].value {
                // Dim arithmetic: overflow gives unknown instead of a trap.
                let span = Dim.known(strides[i]) * .known(n - 1) + .known(outPad[i]) + Dim.known(kernel[i] - 1) * .known(dil[i])
                dims.append(span + .known(1 - pads[i] - pads[i + k]))
            } else { dims.append(.unknown) }
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let pool: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        guard let kernel = c.node.ints("kernel_shape") else { throw c.mismatch("kernel_shape is required") }
        guard x.rank == kernel.count + 2 else { throw c.mismatch("kernel_shape \(kernel) does not match input \(x)") }
        let s = Shape(Array(x.dims.prefix(2)) + (try spatial(c, x: x, kernel: kernel)))
        var out: [TensorType?] = [TensorType(c.dtype(0), s)]
        if c.node.outputs.count > 1 { out.append(TensorType(.int64, s)) }
        return out
    }

    static let globalPool: Rule = { c in
        guard let x = c.shape(0), x.rank >= 3 else { return [TensorType(c.dtype(0), nil)] }
        return [TensorType(c.dtype(0), Shape(Array(x.dims.prefix(2)) + Array(repeating: .known(1), count: x.rank - 2)))]
    }

    // MARK: linear algebra

    static let gemm: Rule = { c in
        guard let a = c.shape(0), let b = c.shape(1) else { return [TensorType(c.dtype(0), nil)] }
        guard a.rank == 2, b.rank == 2 else { throw c.mismatch("Gemm needs 2-D inputs, got \(a) and \(b)") }
        let ta = c.node.int("transA", 0) != 0, tb = c.node.int("transB", 0) != 0
        let m = ta ? a.dims[1] : a.dims[0], ka = ta ? a.dims[0] : a.dims[1]
        let kb = tb ? b.dims[1] : b.dims[0], n = tb ? b.dims[0] : b.dims[1]
        if let x = ka.value, let y = kb.value, x != y { throw c.mismatch("inner dimensions differ: \(x) vs \(y)") }
        let out = Shape([m, n])
        if c.has(2) { _ = try c.broadcast([c.shape(2), out]) }
        return [TensorType(c.dtype(0), out)]
    }

    static let matmul: Rule = { c in
        guard let a = c.shape(0), let b = c.shape(1) else { return [TensorType(c.dtype(0), nil)] }
        guard a.rank >= 1, b.rank >= 1 else { throw c.mismatch("MatMul of scalars") }
        let ad = a.rank == 1 ? [.known(1)] + a.dims : a.dims
        let bd = b.rank == 1 ? b.dims + [.known(1)] : b.dims
        let ka = ad[ad.count - 1], kb = bd[bd.count - 2]
        if let x = ka.value, let y = kb.value, x != y { throw c.mismatch("inner dimensions differ: \(x) vs \(y)") }
        guard let batch = try c.broadcast([Shape(Array(ad.dropLast(2))), Shape(Array(bd.dropLast(2)))]) else { return [nil] }
        var dims = batch.dims
        if a.rank > 1 { dims.append(ad[ad.count - 2]) }
        if b.rank > 1 { dims.append(bd[bd.count - 1]) }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let attention: Rule = { c in
        // Sluice's fused attention: Q [..., Sq, D], K [..., Skv, D], V [..., Skv, Dv] → [..., Sq, Dv].
        guard let q = c.shape(0), let v = c.shape(2), q.rank >= 2, v.rank >= 2 else { return [TensorType(c.dtype(0), nil)] }
        var dims = q.dims
        dims[dims.count - 1] = v.dims[v.rank - 1]
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    // MARK: data movement

    /// floor(n · f), or unknown when that is not a sensible extent.
    public static func scaled(_ n: Int, _ f: Float) -> Dim {
        let v = (Double(n) * Double(f)).rounded(.down)
        return v.isFinite && v >= 0 && v <= Double(Node.attributeLimit) ? .known(Int(v)) : .unknown
    }

    /// Resize/Upsample: sizes or scales (floor(in · scale)) when constant, over `axes`.
    static let resize: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        let opset = c.graph.opset
        let unknown = [TensorType(c.dtype(0), Shape(Array(repeating: .unknown, count: x.rank)))]
        let axes = (c.node.ints("axes") ?? Array(0..<x.rank)).map { $0 < 0 ? $0 + x.rank : $0 }
        guard axes.allSatisfy({ (0..<x.rank).contains($0) }) else { throw c.mismatch("bad axes") }
        var dims = x.dims
        if c.node.op == "Resize", opset >= 11, c.has(3) {
            guard let sizes = c.constInts(3) else { return unknown }
            guard sizes.count == axes.count else { throw c.mismatch("\(sizes.count) sizes for \(axes.count) axes") }
            guard c.node.string("keep_aspect_ratio_policy", "stretch") == "stretch" else { return unknown }
            for (k, a) in axes.enumerated() { dims[a] = .known(sizes[k]) }
            return [TensorType(c.dtype(0), Shape(dims))]
        }
        let si = c.node.op == "Upsample" || opset < 11 ? 1 : 2
        guard let t = c.graph.constant(c.node.input(si)), let scales = try? t.floats() else {
            if let s = c.node.attributes["scales"]?.floats, s.count == x.rank {
                return [TensorType(c.dtype(0), Shape(zip(x.dims, s).map { d, f in d.value.map { scaled($0, f) } ?? .unknown }))]
            }
            return unknown
        }
        guard scales.count == axes.count else { throw c.mismatch("\(scales.count) scales for \(axes.count) axes") }
        for (k, a) in axes.enumerated() {
            dims[a] = x.dims[a].value.map { scaled($0, scales[k]) } ?? (scales[k] == 1 ? x.dims[a] : .unknown)
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let reshape: Rule = { c in
        guard let target = c.constInts(1) else {
            if let s = c.shape(1), let n = s.dims.first?.value { return [TensorType(c.dtype(0), Shape(Array(repeating: .unknown, count: n)))] }
            return [TensorType(c.dtype(0), nil)]
        }
        let allowZero = c.node.int("allowzero", 0) != 0
        let x = c.shape(0)
        var dims: [Dim] = []
        var inferAt: Int? = nil
        for (i, t) in target.enumerated() {
            if t == 0 && !allowZero {
                guard let x, i < x.rank else { throw c.mismatch("shape entry 0 at \(i) has no input dimension to copy") }
                dims.append(x.dims[i])
            } else if t == -1 {
                guard inferAt == nil else { throw c.mismatch("more than one -1 in target shape \(target)") }
                inferAt = i
                dims.append(.unknown)
            } else if t < 0 {
                throw c.mismatch("invalid target shape entry \(t)")
            } else {
                dims.append(.known(t))
            }
        }
        if let at = inferAt, let total = x?.elementCount {
            let rest = dims.enumerated().filter { $0.offset != at }.map(\.element)
            if let known = Shape(rest).elementCount {
                guard known > 0, total % known == 0 else { throw c.mismatch("cannot reshape \(x!) to \(target)") }
                dims[at] = .known(total / known)
            }
        } else if inferAt == nil, let total = x?.elementCount, let n = Shape(dims).elementCount, total != n {
            throw c.mismatch("cannot reshape \(x!) (\(total) elements) to \(target) (\(n) elements)")
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let flatten: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        var axis = c.node.int("axis", 1)
        if axis < 0 { axis += x.rank }
        guard axis >= 0, axis <= x.rank else { throw c.mismatch("axis out of range for rank \(x.rank)") }
        let lead = x.dims.prefix(axis).reduce(Dim.known(1), *)
        let tail = x.dims.dropFirst(axis).reduce(Dim.known(1), *)
        return [TensorType(c.dtype(0), Shape([lead, tail]))]
    }

    static let concat: Rule = { c in
        let shapes = (0..<c.inputCount).map { c.shape($0) }
        guard let first = shapes.first ?? nil, !shapes.contains(where: { $0 == nil }) else { return [TensorType(c.dtype(0), nil)] }
        let axis = try c.axis(c.node.int("axis", 0), rank: first.rank)
        var dims = first.dims
        for s in shapes.dropFirst() {
            guard let s, s.rank == first.rank else { throw c.mismatch("inputs have different ranks") }
            for d in 0..<s.rank where d != axis {
                if let x = dims[d].value, let y = s.dims[d].value, x != y {
                    throw c.mismatch("dimension \(d) differs between inputs: \(x) vs \(y)")
                }
                if dims[d].value == nil, s.dims[d].value != nil { dims[d] = s.dims[d] }
            }
            dims[axis] = dims[axis] + s.dims[axis]
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let transpose: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        let perm = c.node.ints("perm") ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else { throw c.mismatch("perm \(perm) is not a permutation of rank \(x.rank)") }
        return [TensorType(c.dtype(0), Shape(perm.map { x.dims[$0] }))]
    }

    static let gather: Rule = { c in
        guard let x = c.shape(0), let idx = c.shape(1) else { return [TensorType(c.dtype(0), nil)] }
        let axis = try c.axis(c.node.int("axis", 0), rank: x.rank)
        return [TensorType(c.dtype(0), Shape(Array(x.dims.prefix(axis)) + idx.dims + Array(x.dims.dropFirst(axis + 1))))]
    }

    /// Axes from the attribute (older opsets) or the constant second input (opset 13+).
    static func axes(_ c: InferenceContext) -> [Int]? {
        c.node.ints("axes") ?? (c.has(1) ? c.constInts(1) : nil)
    }

    static let unsqueeze: Rule = { c in
        guard let x = c.shape(0), let ax = axes(c) else { return [TensorType(c.dtype(0), nil)] }
        let rank = x.rank + ax.count
        let norm = try Set(ax.map { try c.axis($0, rank: rank) })
        guard norm.count == ax.count else { throw c.mismatch("repeated axes \(ax)") }
        var dims: [Dim] = []
        var it = x.dims.makeIterator()
        for i in 0..<rank { dims.append(norm.contains(i) ? .known(1) : it.next()!) }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let squeeze: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        if let ax = axes(c) {
            let norm = try Set(ax.map { try c.axis($0, rank: x.rank) })
            for a in norm { if let v = x.dims[a].value, v != 1 { throw c.mismatch("cannot squeeze axis \(a) of extent \(v)") } }
            return [TensorType(c.dtype(0), Shape(x.dims.enumerated().filter { !norm.contains($0.offset) }.map(\.element)))]
        }
        if c.has(1) { return [TensorType(c.dtype(0), nil)] }
        guard x.dims.allSatisfy({ $0.value != nil }) else { return [TensorType(c.dtype(0), nil)] }
        return [TensorType(c.dtype(0), Shape(x.dims.filter { $0 != .known(1) }))]
    }

    /// Resolved Slice parameters for one axis: start, step and element count.
    public static func sliceRange(start: Int, end: Int, step: Int, extent n: Int) -> (Int, Int) {
        var s = start < 0 ? start + n : start
        var e = end < 0 ? end + n : end
        if step > 0 {
            s = min(max(s, 0), n); e = min(max(e, 0), n)
            return (s, max(0, (e - s + step - 1) / step))
        } else {
            s = min(max(s, -1), n - 1); e = min(max(e, -1), n - 1)
            return (s, max(0, (s - e - step - 1) / -step))
        }
    }

    /// Slice's starts/ends/axes/steps from inputs (opset 10+) or attributes (older).
    public static func sliceParameters(_ c: InferenceContext) -> (starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?)? {
        if let s = c.node.ints("starts"), let e = c.node.ints("ends") { return (s, e, c.node.ints("axes"), nil) }
        guard let s = c.constInts(1), let e = c.constInts(2) else { return nil }
        let ax = c.has(3) ? c.constInts(3) : nil
        let st = c.has(4) ? c.constInts(4) : nil
        if c.has(3) && ax == nil || c.has(4) && st == nil { return nil }
        return (s, e, ax, st)
    }

    static let slice: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        guard let p = sliceParameters(c) else { return [TensorType(c.dtype(0), Shape(Array(repeating: .unknown, count: x.rank)))] }
        let axes = try (p.axes ?? Array(0..<p.starts.count)).map { try c.axis($0, rank: x.rank) }
        guard p.ends.count == p.starts.count, axes.count == p.starts.count else { throw c.mismatch("starts, ends and axes differ in length") }
        var dims = x.dims
        for (k, a) in axes.enumerated() {
            let step = p.steps?[k] ?? 1
            guard step != 0 else { throw c.mismatch("step 0") }
            if let n = x.dims[a].value {
                dims[a] = .known(sliceRange(start: p.starts[k], end: p.ends[k], step: step, extent: n).1)
            } else if p.starts[k] == 0, step == 1, p.ends[k] >= Int(Int32.max) {
                dims[a] = x.dims[a]
            } else {
                dims[a] = .unknown
            }
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    /// Split sizes along the axis (attribute, input, or even split into num outputs).
    public static func splitSizes(_ c: InferenceContext, extent: Int?) -> [Int]? {
        if let s = c.node.ints("split") { return s }
        if c.has(1) { return c.constInts(1) }  // sizes given at run time: unknown here
        guard let n = extent else { return nil }
        let parts = c.node.outputs.count
        let chunk = (n + parts - 1) / parts
        return (0..<parts).map { min(chunk, max(0, n - $0 * chunk)) }
    }

    static let split: Rule = { c in
        guard let x = c.shape(0) else { return Array(repeating: TensorType(c.dtype(0), nil), count: c.node.outputs.count) }
        let axis = try c.axis(c.node.int("axis", 0), rank: x.rank)
        guard let sizes = splitSizes(c, extent: x.dims[axis].value) else {
            return Array(repeating: TensorType(c.dtype(0), nil), count: c.node.outputs.count)
        }
        guard sizes.count == c.node.outputs.count else { throw c.mismatch("\(sizes.count) split sizes for \(c.node.outputs.count) outputs") }
        if let n = x.dims[axis].value, sizes.reduce(0, +) != n { throw c.mismatch("split sizes \(sizes) do not sum to \(n)") }
        return sizes.map { s in
            var d = x.dims
            d[axis] = .known(s)
            return TensorType(c.dtype(0), Shape(d))
        }
    }

    /// Thrown inside a rule when the output shape depends on a runtime value; the rule's
    /// caller turns it into "shape unknown".
    struct RuntimeDependent: Error {}

    /// The reduced axes of a Reduce* node (nil means all, or none with noop_with_empty_axes).
    public static func reduceAxes(_ c: InferenceContext, rank: Int) throws -> [Int]? {
        if let a = c.node.ints("axes") { return try a.map { try c.axis($0, rank: rank) } }
        if c.has(1) {
            guard let a = c.constInts(1) else { throw RuntimeDependent() }
            if a.isEmpty { return c.node.int("noop_with_empty_axes", 0) != 0 ? [] : nil }
            return try a.map { try c.axis($0, rank: rank) }
        }
        return c.node.int("noop_with_empty_axes", 0) != 0 ? [] : nil
    }

    static let reduce: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(c.dtype(0), nil)] }
        let reduced: [Int]?
        do { reduced = try reduceAxes(c, rank: x.rank) } catch is RuntimeDependent {
            // Axes known only at run time: the rank is known only with keepdims.
            return [TensorType(c.dtype(0), c.node.int("keepdims", 1) != 0 ? Shape(Array(repeating: .unknown, count: x.rank)) : nil)]
        }
        let axes = Set(reduced ?? Array(0..<x.rank))
        let keep = c.node.int("keepdims", 1) != 0
        var dims: [Dim] = []
        for (i, d) in x.dims.enumerated() {
            if axes.contains(i) { if keep { dims.append(.known(1)) } } else { dims.append(d) }
        }
        return [TensorType(c.dtype(0), Shape(dims))]
    }

    static let argReduce: Rule = { c in
        guard let x = c.shape(0) else { return [TensorType(.int64, nil)] }
        let axis = try c.axis(c.node.int("axis", 0), rank: x.rank)
        var dims = x.dims
        if c.node.int("keepdims", 1) != 0 { dims[axis] = .known(1) } else { dims.remove(at: axis) }
        return [TensorType(.int64, Shape(dims))]
    }
}
