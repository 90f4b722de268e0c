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

/// Random edits to graphs of the new operators (attributes, constant inputs of other shapes
/// and types, dropped inputs): inference and the interpreter must throw, never trap.
@Suite struct QuantizedRecurrentMutationTests {
    static func base() throws -> Graph {
        var b = GraphBuilder(opset: 19)
        let x = b.input("x", [4, 2, 3])
        let lstm = b.node("LSTM", [x, b.weight("W", [2, 16, 3]), b.weight("R", [2, 16, 4]), b.weight("B", [2, 32]),
                                   b.graph.addConstant("lens", ConstantTensor(dtype: .int32, dims: [2], storage: .bytes([4, 0, 0, 0, 2, 0, 0, 0])))],
                          outputs: 3, ["hidden_size": .int(4), "direction": .string("bidirectional")])
        let gru = b.node("GRU", [b.op("Reshape", [lstm[0], b.ints("s", [4, 2, 8])]), b.weight("Wg", [1, 9, 8]), b.weight("Rg", [1, 9, 3])],
                         outputs: 2, ["hidden_size": .int(3)])
        let q = b.op("QuantizeLinear", [gru[1], b.scalar("qs", 0.05)])
        let mi = b.op("MatMulInteger", [b.op("Reshape", [q, b.ints("s2", [2, 3])]),
                                        b.graph.addConstant("wm", ConstantTensor(dtype: .uint8, dims: [3, 2], storage: .bytes([1, 200, 3, 4, 255, 0])))])
        let dq = b.op("DequantizeLinear", [q, b.scalar("ds", 0.05)])
        func u8(_ name: String, _ dims: [Int], _ seed: UInt8) -> ValueID {
            b.graph.addConstant(name, ConstantTensor(dtype: .uint8, dims: dims, storage: .bytes((0..<dims.reduce(1, *)).map { UInt8(truncatingIfNeeded: $0 * 37) &+ seed })))
        }
        func i8(_ name: String, _ dims: [Int]) -> ValueID {
            b.graph.addConstant(name, ConstantTensor(dtype: .int8, dims: dims, storage: .bytes((0..<dims.reduce(1, *)).map { UInt8(truncatingIfNeeded: $0 * 29) })))
        }
        let img = b.op("QuantizeLinear", [b.input("img", [1, 2, 5, 5]), b.scalar("is", 0.02), u8("iz", [], 128)])
        let qc = b.op("QLinearConv", [img, b.scalar("is2", 0.02), u8("iz2", [], 128), i8("cw", [3, 2, 3, 3]), b.scalar("cs", 0.01),
                                      i8("cz", []), b.scalar("os", 0.05), u8("oz", [], 100)], ["pads": .ints([1, 1, 1, 1])])
        let qm = b.op("QLinearMatMul", [qc, b.scalar("ms", 0.05), u8("mz", [], 100), u8("mw", [5, 4], 3), b.scalar("mws", 0.01),
                                        u8("mwz", [], 128), b.scalar("mos", 0.1), u8("moz", [], 90)])
        let ci = b.op("ConvInteger", [img, u8("ciw", [2, 2, 2, 2], 5), u8("cizx", [], 128)])
        let dl = b.node("DynamicQuantizeLSTM", [x, i8("dw", [1, 3, 8]), i8("dr", [1, 2, 8]), Graph.absent, Graph.absent, Graph.absent,
                                                Graph.absent, Graph.absent, b.graph.addConstant("dws", .float32([0.01], dims: [1])), i8("dwz", [1]),
                                                b.graph.addConstant("drs", .float32([0.02], dims: [1])), i8("drz", [1])],
                        outputs: 3, ["hidden_size": .int(2)], domain: "com.microsoft")
        return try b.finish([dq, mi, lstm[1], qm, ci, dl[0]])
    }

    @Test func mutationsThrowNeverTrap() throws {
        let g0 = try Self.base()
        _ = try Interpreter.run(g0, feeds: randomFeeds(g0))  // the unmutated graph runs
        var rng = TestSeed.generator("QuantizedRecurrentMutationTests", default: 77)
        let attrs: [(String, Attribute)] = [
            ("hidden_size", .int(3)), ("hidden_size", .int(-2)), ("hidden_size", .int(1 << 50)), ("direction", .string("sideways")),
            ("direction", .string("reverse")), ("layout", .int(1)), ("layout", .int(7)), ("axis", .int(5)), ("axis", .int(-1)),
            ("block_size", .int(2)), ("activations", .strings(["Relu"])), ("activations", .strings(["Foo", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"])),
            ("clip", .float(0.5)), ("linear_before_reset", .int(1)), ("input_forget", .int(1)), ("output_dtype", .int(3)), ("output_dtype", .int(1)),
        ]
        var thrown = 0, ran = 0
        for _ in 0..<300 {
            var g = g0
            for _ in 0...rng.below(3) {
                let n = rng.below(g.nodes.count)
                switch rng.below(3) {
                case 0:
                    let (k, v) = attrs[rng.below(attrs.count)]
                    g.nodes[n].attributes[k] = v
                case 1:
                    guard !g.nodes[n].inputs.isEmpty else { continue }
                    let dims = (0..<rng.below(4)).map { _ in rng.below(5) }
                    let count = dims.reduce(1, *)
                    let dtype: DType = [.float32, .int8, .uint8, .int32, .int64][rng.below(5)]
                    let c = ConstantTensor(dtype: dtype, dims: dims, storage: .bytes((0..<(count * dtype.byteSize)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
                    g.nodes[n].inputs[rng.below(g.nodes[n].inputs.count)] = g.addConstant("m", c)
                default:
                    if g.nodes[n].inputs.count > 1 { g.nodes[n].inputs.removeLast() }
                }
            }
            do {
                try Validation.inferShapes(&g)
                _ = try Interpreter.run(g, feeds: randomFeeds(g))
                ran += 1
            } catch is GraphError { thrown += 1 } catch is InterpreterError { thrown += 1 }
        }
        #expect(thrown + ran == 300)
        #expect(thrown > 0 && ran > 0)
    }
}
