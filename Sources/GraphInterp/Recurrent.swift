import Foundation
import GraphIR

/// LSTM, GRU and RNN (ONNX semantics): forward, reverse and bidirectional, per-batch
/// `sequence_lens`, initial states, LSTM peepholes and input_forget, GRU's
/// linear_before_reset, layout 0 ([S, B, …]) and 1 ([B, S, …]), `clip`, and the activation
/// functions the operators list.
///
/// The input projection X·Wᵀ of every time step is one SGEMM per direction and each step's
/// recurrent term H·Rᵀ another (Kernels, through `Linear.gemm`); gate arithmetic is scalar.
enum Recurrent {
    /// One activation with its alpha/beta.
    struct Activation {
        let fn: (Float) -> Float

        /// The activations the recurrent operators list, by lower-cased name, spelled as
        /// the element-wise operators of the same name (whose functions they reuse).
        static let names: [String: String] = Dictionary(uniqueKeysWithValues: [
            "Sigmoid", "Tanh", "Relu", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu",
            "Softsign", "Softplus",
        ].map { ($0.lowercased(), $0) })

        /// `name` with the next values of `alphas`/`betas` for the functions that take them.
        init(_ name: String, alphas: inout ArraySlice<Float>, betas: inout ArraySlice<Float>, node: Node) throws {
            func next(_ list: inout ArraySlice<Float>, _ d: Float) -> Float { list.isEmpty ? d : list.removeFirst() }
            guard let canonical = Self.names[name.lowercased()] else {
                throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "activation '\(name)'")
            }
            switch canonical {
            case "Affine":
                let a = next(&alphas, 1), b = next(&betas, 0)
                fn = { a * $0 + b }
            case "ScaledTanh":
                let a = next(&alphas, 1), b = next(&betas, 1)
                fn = { a * tanh(b * $0) }
            default:
                // The element-wise operator asks for each parameter it uses, alpha before beta.
                let f = Elementwise.unary(canonical, { key, d in key == "alpha" ? next(&alphas, d) : key == "beta" ? next(&betas, d) : d },
                                          opsetString: { _ in nil })
                guard let f else { throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "activation '\(name)'") }
                fn = f
            }
        }
    }

    /// Runs an LSTM, GRU or RNN node. `ins` are the ONNX inputs in order (nil when omitted).
    static func run(_ node: Node, _ ins: [Tensor?], quantized: QuantizedWeights? = nil) throws -> [Tensor] {
        func bad(_ d: String) -> InterpreterError { .badInput(node: node.name, detail: d) }
        func opt(_ i: Int) -> Tensor? { i < ins.count ? ins[i] : nil }
        guard let x = opt(0), let w = opt(1), let r = opt(2) else { throw bad("X, W and R are required") }
        let op = node.op
        let gates = ShapeRules.recurrentGates(op)
        let dirs = ShapeRules.recurrentDirections(node)
        let direction = node.string("direction", "forward")
        let layout = node.int("layout", 0)
        guard x.shape.count == 3, w.shape.count == 3, r.shape.count == 3 else { throw bad("X, W and R must be 3-D") }
        let (seq, batch, inputSize) = layout == 0 ? (x.shape[0], x.shape[1], x.shape[2]) : (x.shape[1], x.shape[0], x.shape[2])
        let hidden = node.int("hidden_size", r.shape[2])
        let gh = gates * hidden
        guard w.shape == [dirs, gh, inputSize] else { throw bad("W has shape \(w.shape), expected \([dirs, gh, inputSize])") }
        guard r.shape == [dirs, gh, hidden] else { throw bad("R has shape \(r.shape), expected \([dirs, gh, hidden])") }
        let bias = opt(3)
        if let bias, bias.shape != [dirs, 2 * gh] { throw bad("B has shape \(bias.shape), expected \([dirs, 2 * gh])") }
        var lengths = [Int](repeating: seq, count: batch)
        if let l = opt(4) {
            guard l.count == batch else { throw bad("sequence_lens has \(l.count) entries for batch \(batch)") }
            lengths = l.ints.map { Int(clamping: $0) }
            guard lengths.allSatisfy({ (0...seq).contains($0) }) else { throw bad("sequence_lens \(lengths) outside 0...\(seq)") }
        }
        let stateShape = layout == 0 ? [dirs, batch, hidden] : [batch, dirs, hidden]
        let initialH = opt(5), initialC = op == "LSTM" ? opt(6) : nil
        if let h = initialH, h.shape != stateShape { throw bad("initial_h has shape \(h.shape), expected \(stateShape)") }
        if let c = initialC, c.shape != stateShape { throw bad("initial_c has shape \(c.shape), expected \(stateShape)") }
        let peep = op == "LSTM" ? opt(7) : nil
        if let p = peep, p.shape != [dirs, 3 * hidden] { throw bad("P has shape \(p.shape), expected \([dirs, 3 * hidden])") }

        // Activations: per direction f, g, h (LSTM), f, g (GRU), f (RNN).
        let perDir = op == "LSTM" ? 3 : op == "GRU" ? 2 : 1
        let defaults = op == "LSTM" ? ["Sigmoid", "Tanh", "Tanh"] : op == "GRU" ? ["Sigmoid", "Tanh"] : ["Tanh"]
        let names = node.attributes["activations"].flatMap { if case .strings(let s) = $0 { return s }; return nil }
            ?? (0..<dirs).flatMap { _ in defaults }
        guard names.count == perDir * dirs else { throw bad("\(names.count) activations, expected \(perDir * dirs)") }
        var alphas = ArraySlice(node.attributes["activation_alpha"]?.floats ?? [])
        var betas = ArraySlice(node.attributes["activation_beta"]?.floats ?? [])
        let acts = try names.map { try Activation($0, alphas: &alphas, betas: &betas, node: node) }
        let clip = node.attributes["clip"]?.float
        let inputForget = node.int("input_forget", 0) != 0
        let linearBeforeReset = node.int("linear_before_reset", 0) != 0

        // X as [S, B, I] whatever the layout.
        var xs = x.floats
        if layout == 1 {
            var t = [Float](repeating: 0, count: xs.count)
            for b in 0..<batch { for s in 0..<seq { for i in 0..<inputSize { t[(s * batch + b) * inputSize + i] = xs[(b * seq + s) * inputSize + i] } } }
            xs = t
        }
        let ws = w.floats, rs = r.floats, bs = bias?.floats, ps = peep?.floats
        let h0 = initialH?.floats, c0 = initialC?.floats
        var y = [Float](repeating: 0, count: seq * dirs * batch * hidden)   // [S, D, B, H]
        var lastH = [Float](repeating: 0, count: dirs * batch * hidden)    // [D, B, H]
        var lastC = [Float](repeating: 0, count: dirs * batch * hidden)

        for d in 0..<dirs {
            let reverse = direction == "reverse" || d == 1
            let act = Array(acts[(d * perDir)..<((d + 1) * perDir)])
            // XW[s, b, :] = X[s, b, :] · W[d]ᵀ + Wb (+ Rb for the gates where it adds directly).
            var xw = [Float](repeating: 0, count: max(1, seq * batch * gh))
            if let quantized, seq * batch > 0 {
                xw = try quantized.project(node, xs, rows: seq * batch, input: true, direction: d)
            } else if seq * batch > 0 && inputSize > 0 {
                xs.withUnsafeBufferPointer { xp in ws.withUnsafeBufferPointer { wp in xw.withUnsafeMutableBufferPointer { op in
                    Linear.gemm(m: seq * batch, n: gh, k: inputSize, a: xp.baseAddress!, lda: inputSize, aTrans: false,
                                b: wp.baseAddress! + d * gh * inputSize, ldb: inputSize, bTrans: true, alpha: 1, beta: 0, c: op.baseAddress!)
                } } }
            }
            // Bias: Wb always; Rb too, except GRU's h gate with linear_before_reset (inside r ⊙ (…)).
            var wb = [Float](repeating: 0, count: gh), rb = [Float](repeating: 0, count: gh)
            if let bs {
                for k in 0..<gh { wb[k] = bs[d * 2 * gh + k]; rb[k] = bs[d * 2 * gh + gh + k] }
            }
            // State [B, H] in row-major, read from the initial tensors in either layout.
            var h = [Float](repeating: 0, count: batch * hidden), c = [Float](repeating: 0, count: batch * hidden)
            for b in 0..<batch {
                for j in 0..<hidden {
                    let src = layout == 0 ? (d * batch + b) * hidden + j : (b * dirs + d) * hidden + j
                    if let h0 { h[b * hidden + j] = h0[src] }
                    if let c0 { c[b * hidden + j] = c0[src] }
                }
            }
            var hr = [Float](repeating: 0, count: max(1, batch * gh))   // H · Rᵀ for this step
            var rh = [Float](repeating: 0, count: max(1, batch * hidden)) // GRU: r ⊙ H
            let rOffset = d * gh * hidden
            func recurrentTerm(_ state: [Float], rows: Int, n: Int, rStart: Int, into out: inout [Float]) throws {
                guard batch > 0, hidden > 0 else { return }
                if let quantized {
                    out = try quantized.project(node, state, rows: rows, input: false, direction: d)
                    return
                }
                state.withUnsafeBufferPointer { sp in rs.withUnsafeBufferPointer { rp in out.withUnsafeMutableBufferPointer { op in
                    Linear.gemm(m: rows, n: n, k: hidden, a: sp.baseAddress!, lda: hidden, aTrans: false,
                                b: rp.baseAddress! + rOffset + rStart * hidden, ldb: hidden, bTrans: true, alpha: 1, beta: 0, c: op.baseAddress!)
                } } }
            }
            @inline(__always) func clipped(_ v: Float) -> Float { clip.map { min(max(v, -$0), $0) } ?? v }
            let maxLen = lengths.max() ?? 0
            // GRU without linear_before_reset needs r before the h gate's recurrent term, so its
            // first GEMM covers the z and r gates only (rows of stride 2H).
            for step in 0..<maxLen {
                try recurrentTerm(h, rows: batch, n: op == "GRU" && !linearBeforeReset ? 2 * hidden : gh, rStart: 0, into: &hr)
                var newH = h, newC = c
                for b in 0..<batch where step < lengths[b] {
                    let t = reverse ? lengths[b] - 1 - step : step
                    let xrow = (t * batch + b) * gh
                    let hrStride = op == "GRU" && !linearBeforeReset ? 2 * hidden : gh
                    let hrow = b * hrStride
                    switch op {
                    case "LSTM":
                        for j in 0..<hidden {
                            let cPrev = c[b * hidden + j]
                            func pre(_ g: Int) -> Float { xw[xrow + g * hidden + j] + hr[hrow + g * hidden + j] + wb[g * hidden + j] + rb[g * hidden + j] }
                            let pi = ps.map { $0[d * 3 * hidden + j] } ?? 0
                            let po = ps.map { $0[d * 3 * hidden + hidden + j] } ?? 0
                            let pf = ps.map { $0[d * 3 * hidden + 2 * hidden + j] } ?? 0
                            let i = act[0].fn(clipped(pre(0) + pi * cPrev))
                            let f = inputForget ? 1 - i : act[0].fn(clipped(pre(2) + pf * cPrev))
                            let g = act[1].fn(clipped(pre(3)))
                            let cNew = f * cPrev + i * g
                            let o = act[0].fn(clipped(pre(1) + po * cNew))
                            newC[b * hidden + j] = cNew
                            newH[b * hidden + j] = o * act[2].fn(cNew)
                        }
                    case "GRU":
                        for j in 0..<hidden {
                            let rg = act[0].fn(clipped(xw[xrow + hidden + j] + hr[hrow + hidden + j] + wb[hidden + j] + rb[hidden + j]))
                            if linearBeforeReset {
                                let z = act[0].fn(clipped(xw[xrow + j] + hr[hrow + j] + wb[j] + rb[j]))
                                let hh = act[1].fn(clipped(xw[xrow + 2 * hidden + j] + wb[2 * hidden + j]
                                                           + rg * (hr[hrow + 2 * hidden + j] + rb[2 * hidden + j])))
                                newH[b * hidden + j] = (1 - z) * hh + z * h[b * hidden + j]
                            } else {
                                rh[b * hidden + j] = rg * h[b * hidden + j]
                            }
                        }
                    default:
                        for j in 0..<hidden {
                            newH[b * hidden + j] = act[0].fn(clipped(xw[xrow + j] + hr[hrow + j] + wb[j] + rb[j]))
                        }
                    }
                }
                if op == "GRU" && !linearBeforeReset {
                    // h gate: (r ⊙ H) · Rhᵀ, one GEMM over the batch, then the update.
                    var hh = [Float](repeating: 0, count: max(1, batch * hidden))
                    try recurrentTerm(rh, rows: batch, n: hidden, rStart: 2 * hidden, into: &hh)
                    for b in 0..<batch where step < lengths[b] {
                        let t = reverse ? lengths[b] - 1 - step : step
                        let xrow = (t * batch + b) * gh
                        for j in 0..<hidden {
                            let z = act[0].fn(clipped(xw[xrow + j] + hr[b * 2 * hidden + j] + wb[j] + rb[j]))
                            let cand = act[1].fn(clipped(xw[xrow + 2 * hidden + j] + hh[b * hidden + j] + wb[2 * hidden + j] + rb[2 * hidden + j]))
                            newH[b * hidden + j] = (1 - z) * cand + z * h[b * hidden + j]
                        }
                    }
                }
                h = newH
                c = newC
                for b in 0..<batch where step < lengths[b] {
                    let t = reverse ? lengths[b] - 1 - step : step
                    for j in 0..<hidden { y[((t * dirs + d) * batch + b) * hidden + j] = h[b * hidden + j] }
                }
            }
            for k in 0..<(batch * hidden) {
                lastH[d * batch * hidden + k] = h[k]
                lastC[d * batch * hidden + k] = c[k]
            }
        }

        let dtype = x.dtype
        var yT = Tensor(dtype: dtype, shape: [seq, dirs, batch, hidden], f: y)
        var hT = Tensor(dtype: dtype, shape: [dirs, batch, hidden], f: lastH)
        var cT = Tensor(dtype: dtype, shape: [dirs, batch, hidden], f: lastC)
        if layout == 1 {
            yT = permuted(yT, [2, 0, 1, 3])
            hT = permuted(hT, [1, 0, 2])
            cT = permuted(cT, [1, 0, 2])
        }
        return op == "LSTM" ? [yT, hT, cT] : [yT, hT]
    }

    /// com.microsoft.DynamicQuantizeLSTM: W [D, I, 4H] and R [D, H, 4H] as integers with
    /// scales and zero points per direction ([D]) or per gate column ([D, 4H]) in inputs
    /// 8-11. Runs as the float LSTM on the dequantized weights: onnxruntime also quantizes the
    /// activations at run time, so its results differ from these by that rounding.
    static func dynamicQuantizeLSTM(_ node: Node, _ ins: [Tensor?]) throws -> [Tensor] {
        func bad(_ d: String) -> InterpreterError { .badInput(node: node.name, detail: d) }
        func opt(_ i: Int) -> Tensor? { i < ins.count ? ins[i] : nil }
        func dequantized(_ q: Int, _ s: Int, _ z: Int) throws -> Tensor {
            guard let t = opt(q), t.shape.count == 3, !t.isFloat, let scale = opt(s) else { throw bad("quantized weight \(q) and its scale are required") }
            let (dirs, rows, cols) = (t.shape[0], t.shape[1], t.shape[2])
            let sc = scale.floats, zp = opt(z)?.ints
            guard sc.count == dirs || sc.count == dirs * cols, zp == nil || zp!.count == sc.count else {
                throw bad("scale of \(sc.count) elements for weight \(t.shape)")
            }
            var out = [Float](repeating: 0, count: t.count)
            for d in 0..<dirs {
                for r in 0..<rows {
                    for c in 0..<cols {
                        let p = sc.count == dirs ? d : d * cols + c
                        // Transposed to LSTM's [D, 4H, rows].
                        out[(d * cols + c) * rows + r] = (Float(t.i[(d * rows + r) * cols + c]) - Float(zp?[p] ?? 0)) * sc[p]
                    }
                }
            }
            return Tensor(dtype: .float32, shape: [dirs, cols, rows], f: out)
        }
        var lstm = node
        lstm.op = "LSTM"
        lstm.domain = ""
        var inputs: [Tensor?] = (0..<8).map { opt($0) }
        inputs[1] = try dequantized(1, 8, 9)
        inputs[2] = try dequantized(2, 10, 11)
        let weights = QuantizedWeights(w: opt(1)!, wScale: opt(8)!.floats, wZero: opt(9)?.ints,
                                       r: opt(2)!, rScale: opt(10)!.floats, rZero: opt(11)?.ints)
        return try run(lstm, inputs, quantized: weights)
    }

    /// DynamicQuantizeLSTM's integer weights, in its layout [D, rows, 4H]. Each projection
    /// quantizes its activations the way onnxruntime does at run time (per call, uint8, the
    /// DynamicQuantizeLinear rule), multiplies exactly in integers and scales back by
    /// activation scale × weight scale.
    struct QuantizedWeights {
        let w: Tensor, wScale: [Float], wZero: [Int64]?
        let r: Tensor, rScale: [Float], rZero: [Int64]?

        /// a [rows, k] · weight[direction] [k, 4H] → [rows, 4H] in Float.
        func project(_ node: Node, _ a: [Float], rows: Int, input: Bool, direction d: Int) throws -> [Float] {
            let q = input ? w : r, scale = input ? wScale : rScale, zero = input ? wZero : rZero
            let k = q.shape[1], cols = q.shape[2], dirs = q.shape[0]
            let perColumn = scale.count == dirs * cols
            let aq = try Quantized.dynamicQuantizeLinear(node, x: Tensor(dtype: .float32, shape: [rows, k], f: a))
            let aScale = aq[1].f[0], aZero = aq[2].i[0]
            let ac = Tensor(dtype: .int64, shape: [rows, k], i: aq[0].i.map { $0 - aZero })
            let base = d * k * cols
            var b = [Int64](repeating: 0, count: k * cols)
            for row in 0..<k {
                for c in 0..<cols {
                    b[row * cols + c] = q.i[base + row * cols + c] - (zero?[perColumn ? d * cols + c : d] ?? 0)
                }
            }
            let product = try Quantized.exactProduct(node, ac, Tensor(dtype: .int64, shape: [k, cols], i: b), reduction: k) {
                try Linear.matmul(node, $0, $1)
            }
            let mult = (0..<cols).map { aScale * scale[perColumn ? d * cols + $0 : d] }
            return product.enumerated().map { Float($0.element) * mult[$0.offset % cols] }
        }
    }

    /// A float tensor transposed by `perm`.
    static func permuted(_ t: Tensor, _ perm: [Int]) -> Tensor {
        let shape = perm.map { t.shape[$0] }
        let inStrides = Tensor.strides(t.shape), outStrides = Tensor.strides(shape)
        var out = [Float](repeating: 0, count: t.count)
        for k in 0..<t.count {
            var rem = k, src = 0
            for a in 0..<shape.count {
                let c = rem / outStrides[a]
                rem %= outStrides[a]
                src += c * inStrides[perm[a]]
            }
            out[k] = t.f[src]
        }
        return Tensor(dtype: t.dtype, shape: shape, f: out)
    }
}
