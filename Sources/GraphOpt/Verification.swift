import GraphIO
import GraphIR
import GraphInterp
import ToolKit

/// Numerical checks with the reference interpreter: optimized vs original (`--verify`) and
/// original vs a reference output file (`--reference`).
enum Verification {
    /// Largest relative difference (to the reference's magnitude) accepted by `--verify`.
    static let tolerance: Float = 1e-4

    /// Deterministic inputs: the ONNX backend tests' ramp, arange(n)/n, for float inputs
    /// (symbolic dims bound to 1); integer inputs get zeros.
    static func feeds(_ g: Graph) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for id in g.inputs {
            let v = g.values[id]
            guard let t = v.type, let shape = t.shape else { throw ToolError("verify", "input '\(v.name)' has no known shape") }
            let dims = shape.dims.map { $0.value ?? 1 }
            let n = dims.reduce(1, *)
            if t.dtype.isFloat {
                feeds[v.name] = Tensor(dtype: t.dtype, shape: dims, f: (0..<n).map { Float(Double($0) / Double(max(n, 1))) })
            } else {
                feeds[v.name] = Tensor(dtype: t.dtype, shape: dims, i: Array(repeating: 0, count: n))
            }
        }
        return feeds
    }

    static func run(_ g: Graph, _ what: String, source: String) throws -> [String: Tensor] {
        do { return try Interpreter.run(g, feeds: try feeds(g), subgraphs: SubgraphBodies.loader()) }
        catch let e as InterpreterError { throw ToolError(source, "verify (\(what) graph): \(e.description)") }
    }

    /// Relative difference: max |a - b| over max |b| (at least 1e-6).
    static func difference(_ a: Tensor, _ b: Tensor) -> Float? {
        guard a.shape == b.shape else { return nil }
        let x = a.floats, y = b.floats
        var diff: Float = 0, mag: Float = 1e-6
        for k in 0..<x.count {
            let d = abs(x[k] - y[k])
            if d.isNaN { return .infinity }
            diff = max(diff, d)
            mag = max(mag, abs(y[k]))
        }
        return diff / mag
    }

    static func compare(_ original: Graph, _ optimized: Graph, source: String) throws {
        let a = try run(original, "original", source: source), b = try run(optimized, "optimized", source: source)
        for (name, ref) in a {
            guard let got = b[name] else { throw ToolError(source, "verify: output '\(name)' is missing after optimization") }
            guard let d = difference(got, ref) else { throw ToolError(source, "verify: output '\(name)' changed shape \(ref.shape) -> \(got.shape)") }
            guard d <= tolerance else { throw ToolError(source, "verify: output '\(name)' differs after optimization (relative \(d))") }
        }
    }

    static func checkReference(_ g: Graph, referencePath: String, source: String) throws {
        let ref: Tensor
        do { ref = try Tensor(OnnxImporter.loadTensor(path: referencePath)) }
        catch let e as GraphError { throw ToolError(referencePath, e.description) }
        let out = try run(g, "original", source: source)
        guard let first = g.outputs.first, let got = out[g.values[first].name] else { throw ToolError(source, "reference: no output") }
        guard let d = difference(got, ref) else { throw ToolError(referencePath, "reference has shape \(ref.shape), the model computes \(got.shape)") }
        guard d <= tolerance else { throw ToolError(referencePath, "the interpreter's output differs from the reference (relative \(d))") }
    }
}
