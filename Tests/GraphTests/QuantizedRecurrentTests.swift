import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import Testing
import TestSupport

/// Quantized graphs through the passes (QDQ pairs kept unless asked), the integer kernels'
/// exactness past Float32's 2²⁴, and the recurrent operators' shape checks. The ONNX node
/// cases (NodeCaseTests) cover the operators' numerics against the onnx references.
@Suite struct QuantizedRecurrentTests {
    /// X[1, 8] · DequantizeLinear(W int8 [8, 4], scale, zero point) — a QDQ weight.
    static func qdqMatMul() throws -> Graph {
        var b = GraphBuilder(opset: 19)
        let x = b.input("x", [1, 8])
        let raw = (0..<32).map { UInt8(bitPattern: Int8(truncatingIfNeeded: $0 * 7 - 100)) }
        let w = b.graph.addConstant("w_q", ConstantTensor(dtype: .int8, dims: [8, 4], storage: .bytes(raw)))
        let zp = b.graph.addConstant("w_zp", ConstantTensor(dtype: .int8, dims: [], storage: .bytes([3])))
        let dq = b.op("DequantizeLinear", [w, b.scalar("w_scale", 0.02), zp])
        // QuantizeLinear of a constant folds (its result is integer-exact).
        let q = b.op("QuantizeLinear", [b.weight("c", [1, 4]), b.scalar("c_scale", 0.01)])
        let cq = b.op("DequantizeLinear", [q, b.scalar("c_scale2", 0.01)])
        let y = b.op("Add", [b.op("MatMul", [x, dq]), cq])
        return try b.finish([y])
    }

    @Test func dequantizeOfAWeightIsKeptByDefault() throws {
        let g = try Self.qdqMatMul()
        #expect(g.type(g.nodes.first { $0.op == "QuantizeLinear" }!.outputs[0])?.dtype == .uint8)
        let after = try checkPasses(g, PassRegistry.names(level: 3))
        #expect(after.count("DequantizeLinear") == 2)
        #expect(after.count("QuantizeLinear") == 0)  // folded: integers in, integers out
        // The weight stays int8 and feeds its DequantizeLinear.
        let dq = try #require(after.nodes.first { $0.op == "DequantizeLinear" && after.constant($0.inputs[0])?.dtype == .int8 })
        #expect(after.values[dq.inputs[0]].name == "w_q")
    }

    @Test func foldQDQFoldsDequantizeIntoFloatWeights() throws {
        let g = try Self.qdqMatMul()
        var after = g
        _ = try PassManager(passes: try PassRegistry.passes(named: PassRegistry.names(level: 3)),
                            options: PassOptions(foldQDQ: true)).run(&after)
        #expect(after.count("DequantizeLinear") == 0)
        let feeds = randomFeeds(g)
        let want = try Interpreter.run(g, feeds: feeds), got = try Interpreter.run(after, feeds: feeds)
        for (name, ref) in want {
            #expect(NumericCheck.maxAbsError(try #require(got[name]).floats, ref.floats) <= 1e-5)
        }
        // The folded weight is (w − 3) · 0.02 exactly as the interpreter computes it.
        let mm = try #require(after.nodes.first { ["MatMul", "Gemm", "FusedGemm"].contains($0.op) })  // fuse-matmul-add may make it a Gemm
        let folded = try #require(after.constant(mm.inputs[1]))
        #expect(folded.dtype == .float32 && folded.dims == [8, 4])
        #expect(try folded.floats()[0] == (Float(-100) - 3) * 0.02)
    }

    @Test func integerMatMulIsExactPastTwoToTheTwentyFour() throws {
        // K = 4096 products of 255·255: sums far past 2²⁴, where Float32 accumulation rounds.
        let k = 4096
        var b = GraphBuilder(opset: 13)
        let a = b.input("a", [.known(2), .known(k)], .uint8)
        let w = b.graph.addConstant("w", ConstantTensor(dtype: .uint8, dims: [k, 3],
                                                        storage: .bytes((0..<(3 * k)).map { UInt8(truncatingIfNeeded: 255 - $0 % 3) })))
        let y = b.op("MatMulInteger", [a, w])
        let g = try b.finish([y])
        #expect(g.type(y) == TensorType(.int32, Shape(known: [2, 3])))
        let av = (0..<(2 * k)).map { Int64(255 - $0 % 2) }
        let out = try Interpreter.run(g, feeds: ["a": Tensor(dtype: .uint8, shape: [2, k], i: av)])[g.values[y].name]!
        var want = [Int64](repeating: 0, count: 6)
        for r in 0..<2 { for c in 0..<3 { for p in 0..<k { want[r * 3 + c] += av[r * k + p] * Int64(255 - (p * 3 + c) % 3) } } }
        #expect(out.i == want)
        #expect(out.dtype == .int32)
    }

    @Test func quantizeRoundsHalfToEvenAndSaturates() throws {
        var b = GraphBuilder(opset: 13)
        let x = b.input("x", [6])
        let zp = b.graph.addConstant("zp", ConstantTensor(dtype: .int8, dims: [], storage: .bytes([0])))
        let y = b.op("QuantizeLinear", [x, b.scalar("s", 1), zp])
        let g = try b.finish([y])
        let out = try Interpreter.run(g, feeds: ["x": Tensor(shape: [6], floats: [0.5, 1.5, 2.5, -0.5, 300, -300])])[g.values[y].name]!
        #expect(out.i == [0, 2, 2, 0, 127, -128])
        #expect(out.dtype == .int8)
    }

    @Test func lstmWithMismatchedWeightIsAShapeError() throws {
        var b = GraphBuilder(opset: 14)
        let x = b.input("x", [5, 2, 3])
        // hidden_size 4 needs W [1, 16, 3]; this one is [1, 12, 3].
        let w = b.weight("W", [1, 12, 3]), r = b.weight("R", [1, 16, 4])
        _ = b.node("LSTM", [x, w, r], outputs: 3, ["hidden_size": .int(4)])
        #expect(throws: GraphError.self) { _ = try b.finish([b.graph.nodes[0].outputs[0]]) }
    }

    @Test func recurrentShapesFollowLayoutAndDirection() throws {
        var b = GraphBuilder(opset: 14)
        let x = b.input("x", [2, 7, 3])   // layout 1: [batch, seq, input]
        let outs = b.node("GRU", [x, b.weight("W", [2, 15, 3]), b.weight("R", [2, 15, 5])], outputs: 2,
                          ["hidden_size": .int(5), "direction": .string("bidirectional"), "layout": .int(1)])
        let g = try b.finish(outs)
        #expect(g.shape(outs[0]) == Shape(known: [2, 7, 2, 5]))
        #expect(g.shape(outs[1]) == Shape(known: [2, 2, 5]))
        let res = try Interpreter.run(g, feeds: randomFeeds(g))
        #expect(res[g.values[outs[0]].name]?.shape == [2, 7, 2, 5])
        // The last forward step's Y equals the forward Y_h; the first reverse step's the reverse Y_h.
        let yv = res[g.values[outs[0]].name]!.f, hv = res[g.values[outs[1]].name]!.f
        for bIdx in 0..<2 {
            for j in 0..<5 {
                #expect(yv[((bIdx * 7 + 6) * 2 + 0) * 5 + j] == hv[(bIdx * 2 + 0) * 5 + j])
                #expect(yv[((bIdx * 7 + 0) * 2 + 1) * 5 + j] == hv[(bIdx * 2 + 1) * 5 + j])
            }
        }
    }
}
