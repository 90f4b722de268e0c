import Foundation
import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import Testing
import TestSupport

/// Whole-model checks on the onnx wheel's light zoo, run by `make test-graph-models` with
/// GRAPH_LIGHT_DIR pointing at the extracted models (Tools/graph/light_models.py). Skipped
/// (and reported as skipped) without it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GRAPH_LIGHT_DIR"] != nil, "set GRAPH_LIGHT_DIR to run"))
struct LightModelTests {
    static var dir: String { ProcessInfo.processInfo.environment["GRAPH_LIGHT_DIR"] ?? "." }
    static var models: [String] {
        (ProcessInfo.processInfo.environment["GRAPH_LIGHT_MODELS"] ?? "squeezenet shufflenet")
            .split(separator: " ").map(String.init)
    }

    /// The interpreter on the original model matches the onnx reference output.
    @Test(arguments: models) func interpreterMatchesReference(_ name: String) throws {
        let g = try OnnxImporter.load(path: "\(Self.dir)/light_\(name).onnx")
        let ref = try Tensor(OnnxImporter.loadTensor(path: "\(Self.dir)/light_\(name)_output_0.pb"))
        let out = try Interpreter.run(g, feeds: rampFeeds(g))[g.values[g.outputs[0]].name]!
        #expect(out.count == ref.count)
        let err = NumericCheck.maxAbsError(out.floats, ref.floats)
        #expect(err <= 1e-4 * max(1, NumericCheck.maxMagnitude(ref.floats)))
    }

    /// -O3 on the randomized-weight variant computes the same outputs.
    @Test(arguments: models) func optimizedRandomizedModelIsUnchanged(_ name: String) throws {
        let g = try OnnxImporter.load(path: "\(Self.dir)/light_\(name)-rand.onnx")
        var opt = g
        _ = try PassManager(passes: try PassRegistry.passes(named: PassRegistry.names(level: 3))).run(&opt)
        #expect(opt.nodes.count < g.nodes.count)
        let feeds = rampFeeds(g)
        let a = try Interpreter.run(g, feeds: feeds), b = try Interpreter.run(opt, feeds: feeds)
        for (k, ref) in a {
            let got = try #require(b[k])
            let scale = max(1e-6, NumericCheck.maxMagnitude(ref.floats))
            let err = NumericCheck.maxAbsError(got.floats, ref.floats)
            #expect(err / scale <= 1e-4, "\(name): relative error \(err / scale)")
        }
    }

    /// The ONNX backend tests' input: arange(n)/n.
    func rampFeeds(_ g: Graph) -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for id in g.inputs {
            let dims = g.values[id].type!.shape!.dims.map { $0.value ?? 1 }
            let n = dims.reduce(1, *)
            feeds[g.values[id].name] = Tensor(shape: dims, floats: (0..<n).map { Float(Double($0) / Double(n)) })
        }
        return feeds
    }
}
