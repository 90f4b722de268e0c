import Foundation
import GraphIO
import GraphIR
import GraphInterp
import Testing
import TestSupport

/// The onnx package's single-operator cases (Tools/graph/node_cases.py) through import,
/// shape inference and the interpreter, for every case whose operator graph-opt supports.
/// Run by `make test-graph-nodes` with GRAPH_NODE_DIR set; skipped without it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GRAPH_NODE_DIR"] != nil, "set GRAPH_NODE_DIR to run"))
struct NodeCaseTests {
    enum Outcome: Equatable { case pass, skip(String), fail(String) }

    static func run(_ dir: String) -> Outcome {
        let g: Graph
        do { g = try OnnxImporter.load(path: dir + "/model.onnx") } catch let e as GraphError {
            switch e {
            case .unsupportedOp, .unsupported: return .skip(e.description)
            default: return .fail("import: \(e.description)")
            }
        } catch { return .fail("import: \(error)") }
        // An operator graph-opt does not support is imported as an opaque node: not run
        // (control flow runs its bodies).
        if let n = g.nodes.first(where: { $0.isOpaque && !$0.isControlFlow }) { return .skip("opaque operator \(n.qualifiedOp)") }
        var feeds: [String: Tensor] = [:]
        for (i, id) in g.inputs.enumerated() {
            guard let t = try? Tensor(OnnxImporter.loadTensor(path: "\(dir)/input_\(i).pb")) else { return .skip("input \(i) type") }
            feeds[g.values[id].name] = t
        }
        let out: [String: Tensor]
        do { out = try Interpreter.run(g, feeds: feeds, subgraphs: SubgraphBodies.loader()) } catch let e as InterpreterError {
            if case .unsupported = e { return .skip(e.description) }
            // An operator without a kernel inside a body (the expanded functions' If branches).
            if case .opaque = e { return .skip(e.description) }
            return .fail("run: \(e.description)")
        } catch { return .fail("run: \(error)") }
        for (i, id) in g.outputs.enumerated() {
            guard let ref = try? Tensor(OnnxImporter.loadTensor(path: "\(dir)/output_\(i).pb")) else { return .skip("output \(i) type") }
            guard let got = out[g.values[id].name] else { return .fail("output \(i) missing") }
            guard got.shape == ref.shape else { return .fail("output \(i) shape \(got.shape), expected \(ref.shape)") }
            // The inferred static shape must agree with what was computed.
            if let s = g.shape(id)?.knownDims, s != got.shape { return .fail("output \(i) inferred \(s), computed \(got.shape)") }
            if ref.isFloat {
                // Each op rounds to 16 bits but accumulates in Float32, the reference in its own
                // order: allow about two units in the last place of bfloat16 (three digits).
                let rel: Float = ref.dtype == .bfloat16 ? 2e-2 : ref.dtype == .float16 ? 1e-2 : 1e-3
                // NaN matches only NaN and an infinity only the same infinity (NumericCheck).
                if let j = NumericCheck.firstMismatch(got.floats, ref.floats, atol: 1e-4, rtol: rel) {
                    return .fail("output \(i)[\(j)]: \(got.floats[j]) vs \(ref.floats[j])")
                }
            } else if got.ints != ref.ints {
                return .fail("output \(i) integers differ")
            }
        }
        return .pass
    }

    /// Operators whose every exported case must run and pass (none skipped): the recurrent
    /// and quantized operators, so a regression to "unsupported" cannot hide as a skip.
    static let mustRun: Set<String> = ["LSTM", "GRU", "RNN", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
                                       "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "If", "Loop", "Scan"]

    /// The operator of a single-node case, read from its model.
    static func singleOp(_ dir: String) -> String? {
        guard let g = try? OnnxImporter.load(path: dir + "/model.onnx"), g.nodes.count == 1 else { return nil }
        return g.nodes[0].op
    }

    @Test func supportedOperatorsMatchTheOnnxReferences() throws {
        let root = ProcessInfo.processInfo.environment["GRAPH_NODE_DIR"]!
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasPrefix(".") }.sorted()
        var passed = 0, skipped = 0
        var failures: [String] = []
        var perOp: [String: (pass: Int, skip: Int)] = [:]
        for c in cases {
            let outcome = Self.run(root + "/" + c)
            if let op = Self.singleOp(root + "/" + c), Self.mustRun.contains(op) {
                if case .skip(let why) = outcome { failures.append("\(c): skipped (\(why))"); perOp[op, default: (0, 0)].skip += 1 }
                if case .pass = outcome { perOp[op, default: (0, 0)].pass += 1 }
            }
            switch outcome {
            case .pass: passed += 1
            case .skip: skipped += 1
            case .fail(let why): failures.append("\(c): \(why)")
            }
        }
        print("NodeCaseTests: \(passed) passed, \(failures.count) failed, \(skipped) skipped (unsupported op or type) of \(cases.count)")
        for op in Self.mustRun.sorted() {
            let n = perOp[op] ?? (0, 0)
            print("NodeCaseTests: \(op): \(n.pass) passed, \(n.skip) skipped")
        }
        for f in failures { print("NodeCaseTests: FAIL \(f)") }
        #expect(passed > 0)
        #expect(failures.isEmpty)
        // Every operator that must run has cases in the export (a stale export would have none).
        #expect(Self.mustRun.allSatisfy { (perOp[$0]?.pass ?? 0) > 0 })
    }
}
