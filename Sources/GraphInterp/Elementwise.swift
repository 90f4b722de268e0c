import Foundation
import GraphIR
import Kernels

/// Unary and broadcasting binary element-wise kernels.
public enum Elementwise {
    /// A float unary function by ONNX op name with its attributes, or nil if unknown.
    static func unary(_ op: String, _ attr: (String, Float) -> Float, opsetString: (String) -> String?) -> ((Float) -> Float)? {
        switch op {
        case "Relu": return { max($0, 0) }
        case "Sigmoid": return { 1 / (1 + exp(-$0)) }
        case "Tanh": return { tanh($0) }
        case "Exp": return { exp($0) }
        case "Log": return { log($0) }
        case "Sqrt": return { sqrt($0) }
        case "Neg": return { -$0 }
        case "Abs": return { abs($0) }
        case "Erf": return { erf($0) }
        case "Reciprocal": return { 1 / $0 }
        case "Floor": return { floor($0) }
        case "Ceil": return { ceil($0) }
        case "Round": return { $0.rounded(.toNearestOrEven) }
        case "Sign": return { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case "Sin": return { sin($0) }
        case "Cos": return { cos($0) }
        case "Softplus": return { log1p(exp($0)) }
        case "Softsign": return { $0 / (1 + abs($0)) }
        case "Mish": return { $0 * tanh(log1p(exp($0))) }
        case "LeakyRelu":
            let a = attr("alpha", 0.01)
            return { $0 >= 0 ? $0 : a * $0 }
        case "Elu":
            let a = attr("alpha", 1)
            return { $0 >= 0 ? $0 : a * (exp($0) - 1) }
        case "Celu":
            let a = attr("alpha", 1)
            return { max(0, $0) + min(0, a * (exp($0 / a) - 1)) }
        case "Selu":
            let a = attr("alpha", 1.67326319217681884765625), g = attr("gamma", 1.05070102214813232421875)
            return { $0 > 0 ? g * $0 : g * (a * exp($0) - a) }
        case "HardSigmoid":
            let a = attr("alpha", 0.2), b = attr("beta", 0.5)
            return { max(0, min(1, a * $0 + b)) }
        case "HardSwish": return { $0 * max(0, min(1, $0 / 6 + 0.5)) }
        case "ThresholdedRelu":
            let a = attr("alpha", 1)
            return { $0 > a ? $0 : 0 }
        case "Gelu":
            if opsetString("approximate") == "tanh" {
                return { 0.5 * $0 * (1 + tanh(0.7978845608028654 * ($0 + 0.044715 * $0 * $0 * $0))) }
            }
            return { 0.5 * $0 * (1 + erf($0 / 1.4142135623730951)) }
        case "Silu": return { $0 / (1 + exp(-$0)) }
        default: return nil
        }
    }

    /// Applies `fn` to every element in place.
    static func map(_ t: inout Tensor, _ fn: (Float) -> Float) {
        t.f.withUnsafeMutableBufferPointer { p in
            for k in 0..<p.count { p[k] = fn(p[k]) }
        }
    }

    /// Broadcast output shape (numpy rules); nil when the shapes are incompatible.
    public static func broadcastShape(_ shapes: [[Int]]) -> [Int]? {
        var out: [Int] = []
        for s in shapes {
            let r = max(out.count, s.count)
            let a = [Int](repeating: 1, count: r - out.count) + out
            let b = [Int](repeating: 1, count: r - s.count) + s
            var o: [Int] = []
            for (x, y) in zip(a, b) {
                if x == y || y == 1 { o.append(x) } else if x == 1 { o.append(y) } else { return nil }
            }
            out = o
        }
        return out
    }

    /// For each output element, the flat index into an input of shape `s` broadcast to `out`.
    public static func broadcastIndex(_ s: [Int], to out: [Int]) -> [Int] {
        let n = out.reduce(1, *)
        if s == out { return Array(0..<n) }
        let padded = [Int](repeating: 1, count: out.count - s.count) + s
        let inStrides = Tensor.strides(padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        var idx: [Int] = []
        idx.reserveCapacity(n)
        Kernels.Tensor.forEachOffset(shape: out, strides: inStrides) { idx.append($0) }
        return idx
    }

    /// Broadcasting binary op on floats.
    static func binaryFloat(_ a: Tensor, _ b: Tensor, out: [Int], _ fn: (Float, Float) -> Float) -> [Float] {
        let af = a.floats, bf = b.floats
        let n = out.reduce(1, *)
        var r = [Float](repeating: 0, count: n)
        if a.shape == out && b.shape == out {
            for k in 0..<n { r[k] = fn(af[k], bf[k]) }
        } else if a.shape == out && bf.count == 1 {
            let y = bf[0]
            for k in 0..<n { r[k] = fn(af[k], y) }
        } else {
            let ia = broadcastIndex(a.shape, to: out), ib = broadcastIndex(b.shape, to: out)
            for k in 0..<n { r[k] = fn(af[ia[k]], bf[ib[k]]) }
        }
        return r
    }

    /// Broadcasting binary op on integers.
    static func binaryInt(_ a: Tensor, _ b: Tensor, out: [Int], _ fn: (Int64, Int64) -> Int64) -> [Int64] {
        let ai = a.ints, bi = b.ints
        let ia = broadcastIndex(a.shape, to: out), ib = broadcastIndex(b.shape, to: out)
        return (0..<out.reduce(1, *)).map { fn(ai[ia[$0]], bi[ib[$0]]) }
    }

    /// Runs a binary or variadic element-wise node.
    static func binary(_ op: String, _ xs: [Tensor], node: String) throws -> Tensor {
        guard var acc = xs.first else { throw InterpreterError.badInput(node: node, detail: "no inputs") }
        if xs.count == 1 { return acc }
        for (k, y) in xs.dropFirst().enumerated() {
            guard let out = broadcastShape([acc.shape, y.shape]) else {
                throw InterpreterError.badInput(node: node, detail: "cannot broadcast \(acc.shape) with \(y.shape)")
            }
            acc = try apply(op, acc, y, out: out, node: node, last: k == xs.count - 2)
        }
        if op == "Mean" { Elementwise.map(&acc) { $0 / Float(xs.count) } }
        return acc
    }

    static func apply(_ op: String, _ a: Tensor, _ b: Tensor, out: [Int], node: String, last: Bool) throws -> Tensor {
        let compare: ((Float, Float) -> Bool)?
        switch op {
        case "Equal": compare = { $0 == $1 }
        case "Less": compare = { $0 < $1 }
        case "Greater": compare = { $0 > $1 }
        case "LessOrEqual": compare = { $0 <= $1 }
        case "GreaterOrEqual": compare = { $0 >= $1 }
        default: compare = nil
        }
        if let compare {
            if !a.isFloat && !b.isFloat {
                let r = binaryInt(a, b, out: out) { compare(Float($0), Float($1)) && (op != "Equal" || $0 == $1) ? 1 : 0 }
                return Tensor(dtype: .bool, shape: out, i: r)
            }
            let r = binaryFloat(a, b, out: out) { compare($0, $1) ? 1 : 0 }
            return Tensor(dtype: .bool, shape: out, i: r.map { Int64($0) })
        }
        switch op {
        case "And", "Or", "Xor":
            let r = binaryInt(a, b, out: out) { x, y in
                let p = x != 0, q = y != 0
                return (op == "And" ? p && q : op == "Or" ? p || q : p != q) ? 1 : 0
            }
            return Tensor(dtype: .bool, shape: out, i: r)
        default: break
        }
        if a.isFloat {
            let fn: (Float, Float) -> Float
            switch op {
            case "Add", "Sum", "Mean": fn = { $0 + $1 }
            case "Sub": fn = { $0 - $1 }
            case "Mul": fn = { $0 * $1 }
            case "Div": fn = { $0 / $1 }
            case "Pow": fn = { pow($0, $1) }
            case "Max": fn = { max($0, $1) }
            case "Min": fn = { min($0, $1) }
            case "PRelu": fn = { $0 >= 0 ? $0 : $0 * $1 }
            // Mod with fmod=0 on floats (allowed from opset 28) is Python's: the sign of the divisor.
            case "Mod": fn = { a, b in
                let r = fmod(a, b)
                return r != 0 && (r < 0) != (b < 0) ? r + b : r
            }
            case "Fmod": fn = { fmod($0, $1) }
            default: throw InterpreterError.unsupported(op: op, node: node, detail: "")
            }
            return Tensor(dtype: a.dtype, shape: out, f: binaryFloat(a, b, out: out, fn))
        }
        let fn: (Int64, Int64) -> Int64
        switch op {
        case "Add", "Sum", "Mean": fn = { $0 &+ $1 }
        case "Sub": fn = { $0 &- $1 }
        case "Mul": fn = { $0 &* $1 }
        case "Div": fn = { $1 == 0 ? 0 : $0 / $1 }
        case "Pow": fn = { saturatingInt64(Float(pow(Double($0), Double($1)))) }
        case "Max": fn = { max($0, $1) }
        case "Min": fn = { min($0, $1) }
        case "Mod": fn = { y, m in m == 0 ? 0 : ((y % m) + m) % m }
        case "Fmod": fn = { y, m in m == 0 ? 0 : y % m }
        default: throw InterpreterError.unsupported(op: op, node: node, detail: "integer inputs")
        }
        return Tensor(dtype: a.dtype, shape: out, i: binaryInt(a, b, out: out, fn))
    }

    static func whereOp(_ c: Tensor, _ x: Tensor, _ y: Tensor, node: String) throws -> Tensor {
        guard let out = broadcastShape([c.shape, x.shape, y.shape]) else {
            throw InterpreterError.badInput(node: node, detail: "cannot broadcast Where inputs")
        }
        let ic = broadcastIndex(c.shape, to: out), ix = broadcastIndex(x.shape, to: out), iy = broadcastIndex(y.shape, to: out)
        let cv = c.ints
        if x.isFloat {
            let xf = x.f, yf = y.floats
            return Tensor(dtype: x.dtype, shape: out, f: (0..<ic.count).map { cv[ic[$0]] != 0 ? xf[ix[$0]] : yf[iy[$0]] })
        }
        let xi = x.i, yi = y.ints
        return Tensor(dtype: x.dtype, shape: out, i: (0..<ic.count).map { cv[ic[$0]] != 0 ? xi[ix[$0]] : yi[iy[$0]] })
    }
}
