import Foundation
import GraphIR
import GraphInterp
import GraphPasses
import Testing
import TestSupport

/// Builds small graphs for tests.
struct GraphBuilder {
    var graph = Graph(name: "test")
    var rng = SplitMix64(seed: 42)

    init(opset: Int = 17) { graph.opsets = ["": opset] }

    mutating func input(_ name: String, _ dims: [Dim], _ dtype: DType = .float32) -> ValueID {
        let id = graph.addValue(name, type: TensorType(dtype, Shape(dims)))
        graph.inputs.append(id)
        return id
    }
    mutating func input(_ name: String, _ dims: [Int]) -> ValueID { input(name, dims.map { .known($0) }) }

    mutating func weight(_ name: String, _ dims: [Int], _ lo: Float = -1, _ hi: Float = 1) -> ValueID {
        graph.addConstant(name, .float32(rng.uniforms(dims.reduce(1, *), lo, hi), dims: dims))
    }
    mutating func ints(_ name: String, _ values: [Int64]) -> ValueID {
        graph.addConstant(name, .int64(values, dims: [values.count]))
    }
    mutating func scalar(_ name: String, _ v: Float) -> ValueID { graph.addConstant(name, .float32([v], dims: [])) }

    @discardableResult
    mutating func node(_ op: String, _ inputs: [ValueID], outputs: Int = 1, _ attrs: [String: Attribute] = [:], domain: String = "") -> [ValueID] {
        let name = "\(op)_\(graph.nodes.count)"
        let outs = (0..<outputs).map { graph.addValue("\(name)_out\($0)") }
        graph.nodes.append(Node(name: name, op: op, domain: domain, inputs: inputs, outputs: outs, attributes: attrs))
        return outs
    }
    mutating func op(_ op: String, _ inputs: [ValueID], _ attrs: [String: Attribute] = [:]) -> ValueID {
        node(op, inputs, attrs)[0]
    }

    /// Marks outputs, validates and infers shapes.
    mutating func finish(_ outputs: [ValueID]) throws -> Graph {
        graph.outputs = outputs
        try Validation.check(&graph)
        try Validation.inferShapes(&graph)
        return graph
    }
}

/// Random feeds for every graph input (symbolic dims bound to 2).
func randomFeeds(_ g: Graph, seed: UInt64 = 7) -> [String: Tensor] {
    var rng = SplitMix64(seed: seed)
    var feeds: [String: Tensor] = [:]
    for id in g.inputs {
        let t = g.values[id].type!
        let dims = t.shape!.dims.map { $0.value ?? 2 }
        let n = dims.reduce(1, *)
        if t.dtype.isFloat { feeds[g.values[id].name] = Tensor(dtype: t.dtype, shape: dims, f: rng.uniforms(n)) }
        else { feeds[g.values[id].name] = Tensor(dtype: t.dtype, shape: dims, i: (0..<n).map { _ in Int64(rng.below(2)) }) }
    }
    return feeds
}

/// Runs `pass` (or passes) on `graph`, checks outputs are numerically unchanged, returns the result.
@discardableResult
func checkPasses(_ graph: Graph, _ names: [String], tolerance: Float = 1e-4, sourceLocation: SourceLocation = #_sourceLocation) throws -> Graph {
    var g = graph
    _ = try PassManager(passes: try PassRegistry.passes(named: names)).run(&g)
    let feeds = randomFeeds(graph)
    let before = try Interpreter.run(graph, feeds: feeds), after = try Interpreter.run(g, feeds: feeds)
    for (name, ref) in before {
        let got = try #require(after[name], sourceLocation: sourceLocation)
        #expect(got.shape == ref.shape, sourceLocation: sourceLocation)
        let scale = max(1, NumericCheck.maxMagnitude(ref.floats))
        let err = NumericCheck.maxAbsError(got.floats, ref.floats)
        #expect(err / scale <= tolerance, "output \(name) differs by \(err)", sourceLocation: sourceLocation)
    }
    return g
}

extension Graph {
    func count(_ op: String) -> Int { nodes.filter { $0.qualifiedOp == op }.count }
}
