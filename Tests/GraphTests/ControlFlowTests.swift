import Foundation
import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import OnnxProto
import SwiftProtobuf
import Testing
import TestSupport

/// If, Loop and Scan in the interpreter (bodies decoded by `SubgraphBodies.loader()`), and
/// `fold-control-flow`: a constant If inlined, a zero-trip Loop removed. The onnx node cases
/// (test_if, test_loop11, test_scan*, the Range expansions) run in `make test-graph-nodes`.
@Suite struct ControlFlowTests {
    static func scalar(_ name: String, int64 v: Int64) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name; t.dataType = 7; t.int64Data = [v]
        return t
    }

    static func bool(_ name: String, _ v: Bool) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name; t.dataType = 9; t.int32Data = [v ? 1 : 0]
        return t
    }

    static func ramp(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { Float($0) / Float(n) * scale - 0.3 } }

    static func run(_ g: Graph, _ feeds: [String: Tensor]) throws -> [String: Tensor] {
        try Interpreter.run(g, feeds: feeds, subgraphs: SubgraphBodies.loader())
    }

    static func optimize(_ g: inout Graph, level: Int = 3) throws {
        let passes = try PassRegistry.passes(named: PassRegistry.names(level: level))
        _ = try PassManager(passes: passes, options: PassOptions(subgraphs: SubgraphBodies.loader())).run(&g)
    }

    // MARK: If

    @Test func ifRunsTheBranchTheConditionPicksWithShadowedNames() throws {
        let g = try OnnxImporter.decode(try ImportTests.ifModel().serializedData())
        let x = Tensor(dtype: .float32, shape: [1, 3, 8, 8], f: Self.ramp(192))
        let yes = try Self.run(g, ["x": x, "cond": Tensor(dtype: .bool, shape: [], i: [1])])["y"]!
        // then: GlobalAveragePool(Relu(Conv(x))), the plain CNN.
        let cnn = try OnnxImporter.decode(try OnnxFixture.smallCNN().serializedData())
        let ref = try Interpreter.run(cnn, feeds: ["x": x])["y"]!
        #expect(yes.shape == ref.shape && yes.f == ref.f)
        // else: the inner If (same condition) takes its else branch, Identity(x): the inner
        // scope's own r (Neg(c)) shadows the outer one and is not what it returns.
        let no = try Self.run(g, ["x": x, "cond": Tensor(dtype: .bool, shape: [], i: [0])])["y"]!
        #expect(no.shape == [1, 3, 1, 1])
        for c in 0..<3 {
            let mean = x.f[(c * 64)..<((c + 1) * 64)].reduce(0, +) / 64
            #expect(abs(no.f[c] - mean) < 1e-6)
        }
    }

    @Test func constantIfIsInlinedAndComputesTheSame() throws {
        var model = ImportTests.ifModel()
        model.graph.input.removeAll { $0.name == "cond" }
        model.graph.initializer.append(Self.bool("cond", true))
        let original = try OnnxImporter.decode(try model.serializedData())
        var g = original
        try Self.optimize(&g, level: 2)  // standard ONNX only, so the export runs here too
        #expect(!g.nodes.contains { $0.op == "If" })
        #expect(g.nodes.map(\.op).filter { $0 != "Identity" }.count <= 3)
        let x = Tensor(dtype: .float32, shape: [2, 3, 8, 8], f: Self.ramp(384))
        let a = try Self.run(original, ["x": x])["y"]!, b = try Self.run(g, ["x": x])["y"]!
        #expect(a.shape == b.shape && a.f == b.f)
        // Written and read back: a plain graph, outputs unchanged in name.
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(g))
        #expect(back.values[back.outputs[0]].name == "y")
        #expect(try Self.run(back, ["x": x])["y"]!.f == a.f)
    }

    @Test func constantIfWhoseNestedBodyReadsAShadowedNameStays() throws {
        // The else branch defines its own r, which its nested If reads by name: inlining it
        // would have to rename r (the outer graph has one), so the If is kept.
        var model = ImportTests.ifModel()
        model.graph.input.removeAll { $0.name == "cond" }
        model.graph.initializer.append(Self.bool("cond", false))
        let original = try OnnxImporter.decode(try model.serializedData())
        var g = original
        try Self.optimize(&g)
        #expect(g.nodes.filter { $0.op == "If" }.count == 1)
        let x = Tensor(dtype: .float32, shape: [1, 3, 8, 8], f: Self.ramp(192))
        #expect(try Self.run(original, ["x": x])["y"]!.f == Self.run(g, ["x": x])["y"]!.f)
    }

    // MARK: Loop

    /// y, s = Loop(M, cond, x): body v' = Add(v, x) (x read by name), cond' = cond,
    /// scan output v'. Also `iters`: the iteration counter summed through a second carried value.
    static func loopModel(trips: Int64?, cond: Bool?) -> Onnx_ModelProto {
        var m = Onnx_ModelProto()
        m.irVersion = 7
        var o = Onnx_OperatorSetIdProto(); o.version = 13
        m.opsetImport = [o]
        var body = Onnx_GraphProto()
        body.name = "body"
        body.input = [OnnxFixture.valueInfo("i", [], elem: 7), OnnxFixture.valueInfo("c_in", [], elem: 9),
                      OnnxFixture.valueInfo("v", [2, 3]), OnnxFixture.valueInfo("n", [], elem: 7)]
        body.node = [OnnxFixture.node("Add", ["v", "x"], ["v_out"]), OnnxFixture.node("Identity", ["c_in"], ["c_out"]),
                     OnnxFixture.node("Add", ["n", "i"], ["n_out"]), OnnxFixture.node("Identity", ["v_out"], ["s_out"])]
        body.output = [OnnxFixture.valueInfo("c_out", [], elem: 9), OnnxFixture.valueInfo("v_out", [2, 3]),
                       OnnxFixture.valueInfo("n_out", [], elem: 7), OnnxFixture.valueInfo("s_out", [2, 3])]
        var g = Onnx_GraphProto()
        g.name = "loop"
        g.input = [OnnxFixture.valueInfo("x", [2, 3])]
        if let trips { g.initializer.append(scalar("M", int64: trips)) }
        if let cond { g.initializer.append(bool("cond", cond)) }
        g.initializer.append(scalar("zero", int64: 0))
        g.node = [OnnxFixture.node("Loop", [trips == nil ? "" : "M", cond == nil ? "" : "cond", "x", "zero"], ["y", "iters", "s"],
                                   name: "loop", graphs: [("body", body)])]
        g.output = [OnnxFixture.valueInfo("y", [2, 3]), OnnxFixture.valueInfo("iters", [], elem: 7), OnnxFixture.valueInfo("s", [nil, 2, 3])]
        m.graph = g
        return m
    }

    @Test func loopCarriesValuesAndStacksScanOutputs() throws {
        let g = try OnnxImporter.decode(try Self.loopModel(trips: 3, cond: true).serializedData())
        let x = Tensor(dtype: .float32, shape: [2, 3], f: [1, 2, 3, 4, 5, 6])
        let out = try Self.run(g, ["x": x])
        #expect(out["y"]!.f == x.f.map { 4 * $0 })
        #expect(out["iters"]!.i == [0 + 1 + 2])
        #expect(out["s"]!.shape == [3, 2, 3])
        #expect(out["s"]!.f == x.f.map { 2 * $0 } + x.f.map { 3 * $0 } + x.f.map { 4 * $0 })
    }

    @Test func loopWithoutTripCountOrConditionIsRefusedNotRun() throws {
        let g = try OnnxImporter.decode(try Self.loopModel(trips: nil, cond: nil).serializedData())
        let x = Tensor(dtype: .float32, shape: [2, 3], f: [1, 2, 3, 4, 5, 6])
        do { _ = try Self.run(g, ["x": x]); Issue.record("expected an error") } catch let e as InterpreterError {
            #expect(e.description.contains("endless loop"))
        }
    }

    @Test func zeroTripLoopIsRemovedWhenItsScanOutputIsUnread() throws {
        for (trips, cond) in [(Int64(0), true), (5, false)] as [(Int64, Bool)] {
            var model = Self.loopModel(trips: trips, cond: cond)
            model.graph.output.removeLast()  // the scan output, whose empty shape only the body knows
            let original = try OnnxImporter.decode(try model.serializedData())
            var g = original
            try Self.optimize(&g)
            #expect(!g.nodes.contains { $0.op == "Loop" })
            let x = Tensor(dtype: .float32, shape: [2, 3], f: [1, 2, 3, 4, 5, 6])
            let a = try Self.run(original, ["x": x]), b = try Self.run(g, ["x": x])
            #expect(a["y"]!.f == x.f && b["y"]!.f == x.f)
            #expect(a["iters"]!.i == [0] && b["iters"]!.i == [0])
        }
        // Read scan output: the Loop stays (and still runs zero times).
        var g = try OnnxImporter.decode(try Self.loopModel(trips: 0, cond: true).serializedData())
        try Self.optimize(&g)
        #expect(g.nodes.contains { $0.op == "Loop" })
        let s = try Self.run(g, ["x": Tensor(dtype: .float32, shape: [2, 3], f: [1, 2, 3, 4, 5, 6])])["s"]!
        #expect(s.shape == [0, 2, 3])
    }

    // MARK: Scan

    @Test func scanRunsReversedAlongAnAxisAndStacksOnTheOutputAxis() throws {
        // state' = state + slice; output element = state'. x [2, 3] scanned along axis 1 from
        // the end; the outputs stacked on axis 1 of [2, 3].
        var body = Onnx_GraphProto()
        body.name = "body"
        body.input = [OnnxFixture.valueInfo("acc", [2]), OnnxFixture.valueInfo("col", [2])]
        body.node = [OnnxFixture.node("Add", ["acc", "col"], ["acc_out"]), OnnxFixture.node("Identity", ["acc_out"], ["elt"])]
        body.output = [OnnxFixture.valueInfo("acc_out", [2]), OnnxFixture.valueInfo("elt", [2])]
        var node = OnnxFixture.node("Scan", ["init", "x"], ["final", "ys"], name: "scan",
                                    ints: ["scan_input_axes": [1], "scan_input_directions": [1], "scan_output_axes": [1]],
                                    graphs: [("body", body)])
        var a = Onnx_AttributeProto(); a.name = "num_scan_inputs"; a.type = .int; a.i = 1
        node.attribute.append(a)
        var m = Onnx_ModelProto()
        m.irVersion = 7
        var o = Onnx_OperatorSetIdProto(); o.version = 16
        m.opsetImport = [o]
        m.graph.name = "scan"
        m.graph.input = [OnnxFixture.valueInfo("init", [2]), OnnxFixture.valueInfo("x", [2, 3])]
        m.graph.node = [node]
        m.graph.output = [OnnxFixture.valueInfo("final", [2]), OnnxFixture.valueInfo("ys", [2, 3])]
        let g = try OnnxImporter.decode(try m.serializedData())
        let out = try Self.run(g, ["init": Tensor(shape: [2], floats: [100, 200]),
                                   "x": Tensor(shape: [2, 3], floats: [1, 2, 3, 10, 20, 30])])
        #expect(out["final"]!.f == [106, 260])
        // Reversed input: columns visited 2, 1, 0; outputs in visiting order on axis 1.
        #expect(out["ys"]!.shape == [2, 3])
        #expect(out["ys"]!.f == [103, 105, 106, 230, 250, 260])
    }

    // MARK: Bad input

    /// Random byte edits of a Loop model (and of an If model): whatever imports runs, or fails
    /// with an InterpreterError, through the interpreter and through fold-control-flow; never traps.
    @Test func randomMutationsOfControlFlowNeverCrash() throws {
        let sources = [[UInt8](try Self.loopModel(trips: 3, cond: true).serializedData()),
                       [UInt8](try ImportTests.ifModel().serializedData())]
        var rng = TestSeed.generator("ControlFlowTests.randomMutationsOfControlFlowNeverCrash", default: 99)
        var imported = 0, ran = 0
        for k in 0..<400 {
            var bytes = sources[k % 2]
            for _ in 0...rng.below(3) {
                switch rng.below(3) {
                case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count))
                default: if bytes.count > 1 { bytes.remove(at: rng.below(bytes.count)) }
                }
            }
            guard var g = try? OnnxImporter.decode(Data(bytes)) else { continue }
            imported += 1
            // A trip count edited into the millions would run (bounded, but slowly): not here.
            if let m = g.value(named: "M"), let trips = try g.constant(m)?.int64s().first, trips > 1000 { continue }
            var feeds: [String: Tensor] = [:]
            for id in g.inputs {
                guard let t = g.values[id].type, let dims = t.shape?.dims.map({ $0.value ?? 1 }), dims.allSatisfy({ $0 >= 0 && $0 < 64 }) else { continue }
                let n = dims.reduce(1, *)
                feeds[g.values[id].name] = t.dtype.isFloat ? Tensor(dtype: t.dtype, shape: dims, f: Self.ramp(n))
                                                           : Tensor(dtype: t.dtype, shape: dims, i: Array(repeating: 1, count: n))
            }
            do { _ = try Self.run(g, feeds); ran += 1 } catch is InterpreterError {}
            _ = try? Self.optimize(&g, level: 1)
        }
        #expect(imported > 0)
        #expect(ran > 0)
    }
}
