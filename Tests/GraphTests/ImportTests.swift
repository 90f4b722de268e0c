import Foundation
import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import OnnxProto
import SwiftProtobuf
import Testing
import TestSupport

/// Builds ONNX models in memory with the generated protobuf types.
enum OnnxFixture {
    static func valueInfo(_ name: String, _ dims: [Int64?], elem: Int32 = 1) -> Onnx_ValueInfoProto {
        var vi = Onnx_ValueInfoProto()
        vi.name = name
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = elem
        var shape = Onnx_TensorShapeProto()
        for d in dims {
            var dim = Onnx_TensorShapeProto.Dimension()
            if let d { dim.dimValue = d } else { dim.dimParam = "batch" }
            shape.dim.append(dim)
        }
        tt.shape = shape
        var t = Onnx_TypeProto()
        t.tensorType = tt
        vi.type = t
        return vi
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "", ints: [String: [Int64]] = [:],
                     graphs: [(String, Onnx_GraphProto)] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name
        n.input = inputs
        n.output = outputs
        for (k, v) in ints.sorted(by: { $0.key < $1.key }) {
            var a = Onnx_AttributeProto()
            a.name = k
            a.type = .ints
            a.ints = v
            n.attribute.append(a)
        }
        for (k, g) in graphs {
            var a = Onnx_AttributeProto()
            a.name = k
            a.type = .graph
            a.g = g
            n.attribute.append(a)
        }
        return n
    }

    static func tensor(_ name: String, _ values: [Float], _ dims: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = 1
        t.dims = dims
        t.rawData = values.withUnsafeBytes { Data($0) }
        return t
    }

    /// x[batch,3,8,8] → Conv(w) → Relu → GlobalAveragePool → y, opset 13.
    static func smallCNN(opset: Int64 = 13, op: String = "Relu") -> Onnx_ModelProto {
        var m = Onnx_ModelProto()
        m.irVersion = 7
        var o = Onnx_OperatorSetIdProto()
        o.version = opset
        m.opsetImport = [o]
        var g = Onnx_GraphProto()
        g.name = "small"
        g.input = [valueInfo("x", [nil, 3, 8, 8])]
        g.output = [valueInfo("y", [nil, 4, 1, 1])]
        g.initializer = [tensor("w", (0..<108).map { Float($0 % 7) / 7 - 0.4 }, [4, 3, 3, 3])]
        g.node = [node("Conv", ["x", "w"], ["c"], name: "conv1", ints: ["pads": [1, 1, 1, 1]]),
                  node(op, ["c"], ["r"], name: "act1"),
                  node("GlobalAveragePool", ["r"], ["y"], name: "pool")]
        m.graph = g
        return m
    }
}

@Suite struct ImportTests {
    @Test func importsAndInfersSymbolicShapes() throws {
        let g = try OnnxImporter.decode(try OnnxFixture.smallCNN().serializedData())
        #expect(g.nodes.map(\.op) == ["Conv", "Relu", "GlobalAveragePool"])
        #expect(g.shape(g.value(named: "c")!) == Shape([.symbol("batch"), .known(4), .known(8), .known(8)]))
        #expect(g.opset == 13)
    }

    @Test func unknownOpIsKeptOpaque() throws {
        let g = try OnnxImporter.decode(try OnnxFixture.smallCNN(op: "Frobnicate").serializedData())
        let n = try #require(g.nodes.first { $0.name == "act1" })
        #expect(n.isOpaque && n.op == "Frobnicate" && n.domain.isEmpty)
        #expect(g.type(n.outputs[0]) == nil)
        // The pool after it is not guessed at; the graph output keeps its declared type.
        #expect(g.shape(g.outputs[0]) == Shape([.symbol("batch"), .known(4), .known(1), .known(1)]))
    }

    /// x → Conv → c → Relu → r; y = If(cond) then Identity(r) else { r' = Neg(c);
    /// If(cond) then Identity(r') else Identity(x) }: the inner r' shadows the outer r.
    static func ifModel() -> Onnx_ModelProto {
        var m = OnnxFixture.smallCNN()
        func graph(_ name: String, _ nodes: [Onnx_NodeProto], output: String) -> Onnx_GraphProto {
            var g = Onnx_GraphProto()
            g.name = name
            g.node = nodes
            g.output = [OnnxFixture.valueInfo(output, [nil, 4, 8, 8])]
            return g
        }
        func ifNode(_ out: String, then: Onnx_GraphProto, else other: Onnx_GraphProto) -> Onnx_NodeProto {
            OnnxFixture.node("If", ["cond"], [out], name: "if_" + out, graphs: [("then_branch", then), ("else_branch", other)])
        }
        let inner = ifNode("u", then: graph("it", [OnnxFixture.node("Identity", ["r"], ["iu"])], output: "iu"),
                           else: graph("ie", [OnnxFixture.node("Identity", ["x"], ["eu"])], output: "eu"))
        let outer = ifNode("z", then: graph("t", [OnnxFixture.node("Identity", ["r"], ["t_out"])], output: "t_out"),
                           else: graph("e", [OnnxFixture.node("Neg", ["c"], ["r"]), inner], output: "u"))
        m.graph.input.append(OnnxFixture.valueInfo("cond", [], elem: 9))
        m.graph.node = [OnnxFixture.node("Conv", ["x", "w"], ["c"], name: "conv1", ints: ["pads": [1, 1, 1, 1]]),
                        OnnxFixture.node("Relu", ["c"], ["r"], name: "act1"), outer,
                        OnnxFixture.node("GlobalAveragePool", ["z"], ["y"], name: "pool")]
        return m
    }

    @Test func controlFlowCapturesOuterValuesThroughNestedBodies() throws {
        let model = Self.ifModel()
        var g = try OnnxImporter.decode(try model.serializedData())
        let n = try #require(g.nodes.first { $0.op == "If" })
        #expect(n.isOpaque)
        #expect(n.captures.map { g.values[$0].name } == ["c", "cond", "r", "x"])
        // Only the If reads r, and only by name: every pass keeps it, under its name.
        _ = try PassManager(passes: try PassRegistry.passes(named: PassRegistry.names(level: 3))).run(&g)
        #expect(g.nodes.contains { $0.op == "Relu" && g.values[$0.outputs[0]].name == "r" })
        let renamed = g.replaceUses(of: g.value(named: "r")!, with: g.value(named: "c")!)
        #expect(!renamed)
        // Export writes the subgraphs back byte for byte.
        let back = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g))
        let written = try #require(back.graph.node.first { $0.opType == "If" })
        let original = try #require(model.graph.node.first { $0.opType == "If" })
        let bytes = { (n: Onnx_NodeProto) in try n.attribute.sorted { $0.name < $1.name }.map { try $0.serializedData() } }
        #expect(try bytes(written) == bytes(original))
        // The interpreter refuses it with one line naming the node.
        let feeds = ["x": Tensor(dtype: .float32, shape: [1, 3, 8, 8], f: Array(repeating: 0.5, count: 192)),
                     "cond": Tensor(dtype: .bool, shape: [], i: [1])]
        do { _ = try Interpreter.run(g, feeds: feeds); Issue.record("expected an error") } catch let e as InterpreterError {
            #expect(e.description == "node 'if_z': cannot run opaque operator If (kept as is, no kernel)")
        }
    }

    @Test func truncatedFilesFailCleanly() throws {
        let data = try OnnxFixture.smallCNN().serializedData()
        var failures = 0
        for cut in stride(from: 0, to: data.count - 1, by: 7) {
            do { _ = try OnnxImporter.decode(data.prefix(cut)) } catch is GraphError { failures += 1 }
        }
        // Every strict prefix either fails with a GraphError or (rarely) is itself a valid model.
        #expect(failures > data.count / 7 / 2)
    }

    @Test func randomMutationsNeverCrash() throws {
        let data = [UInt8](try OnnxFixture.smallCNN().serializedData())
        var rng = TestSeed.generator("ImportTests.randomMutationsNeverCrash", default: 1234)
        var errors = 0, accepted = 0
        for _ in 0..<400 {
            var bytes = data
            for _ in 0...rng.below(4) {
                switch rng.below(3) {
                case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count))
                default: if bytes.count > 1 { bytes.remove(at: rng.below(bytes.count)) }
                }
            }
            do {
                let g = try OnnxImporter.decode(Data(bytes))
                accepted += 1
                // Whatever was accepted must also run or fail cleanly.
                _ = try? Interpreter.run(g, feeds: randomFeeds(g))
            } catch is GraphError { errors += 1 }
        }
        #expect(errors + accepted == 400)
        #expect(errors > 0)
    }

    @Test func externalDataIsReferencedNotLoaded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graph-ext-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var model = OnnxFixture.smallCNN()
        let weights = (0..<108).map { Float($0) / 100 }
        var blob = Data(count: 16)  // the tensor starts at offset 16
        blob.append(weights.withUnsafeBytes { Data($0) })
        try blob.write(to: dir.appendingPathComponent("weights.bin"))
        var t = Onnx_TensorProto()
        t.name = "w"; t.dataType = 1; t.dims = [4, 3, 3, 3]
        t.dataLocation = .external
        for (k, v) in [("location", "weights.bin"), ("offset", "16"), ("length", "432")] {
            var e = Onnx_StringStringEntryProto(); e.key = k; e.value = v; t.externalData.append(e)
        }
        model.graph.initializer = [t]
        let path = dir.appendingPathComponent("m.onnx").path
        try model.serializedData().write(to: URL(fileURLWithPath: path))
        let g = try OnnxImporter.load(path: path)
        let w = try #require(g.constant(g.value(named: "w")!))
        #expect(w.isExternal)
        #expect(try w.floats() == weights)

        try FileManager.default.removeItem(at: dir.appendingPathComponent("weights.bin"))
        do { _ = try OnnxImporter.load(path: path); Issue.record("expected an error") } catch let e as GraphError {
            #expect(e.description == "tensor 'w': external data file 'weights.bin' not found")
        }
    }

    @Test func largeEmbeddedWeightsBecomeFileRegions() throws {
        var model = OnnxFixture.smallCNN()
        // A 256 KiB initializer feeding an Add, plus the usual small conv weight.
        let big = (0..<65536).map { Float($0 % 13) }
        model.graph.initializer.append(OnnxFixture.tensor("big", big, [65536]))
        model.graph.input = [OnnxFixture.valueInfo("x", [nil, 3, 8, 8]), OnnxFixture.valueInfo("z", [65536])]
        model.graph.node.append(OnnxFixture.node("Add", ["z", "big"], ["zz"]))
        model.graph.output.append(OnnxFixture.valueInfo("zz", [65536]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph-emb-\(getpid()).onnx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.serializedData().write(to: URL(fileURLWithPath: path))
        let g = try OnnxImporter.load(path: path)
        let c = try #require(g.constant(g.value(named: "big")!))
        #expect(c.isExternal)
        #expect(try c.floats() == big)
        #expect(g.constant(g.value(named: "w")!)?.isExternal == false)
    }

    /// Fused SiLU/GELU have no onnxruntime FusedConv/FusedGemm kernel: the export writes
    /// standard Conv/Gemm + Add + Sigmoid·Mul / Gelu, which computes the same.
    @Test func fusedSiluAndGeluExportAsStandardOps() throws {
        let g = try PassTests.siluGeluGraph()
        var opt = g
        _ = try PassManager(passes: try PassRegistry.passes(named: ["fuse-conv-add", "fuse-activation", "dce"])).run(&opt)
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(opt))
        #expect(back.nodes.allSatisfy { $0.domain.isEmpty })
        #expect(back.count("Gelu") == 2 && back.count("Conv") == 3 && back.count("Gemm") == 2)
        let feeds = randomFeeds(g)
        let a = try Interpreter.run(g, feeds: feeds), b = try Interpreter.run(back, feeds: feeds)
        for (name, ref) in a {
            let got = try #require(b[name])
            let err = NumericCheck.maxAbsError(got.f, ref.f)
            #expect(err <= 1e-5 * max(1, NumericCheck.maxMagnitude(ref.f)))
        }
    }

    /// Plain export is standard ONNX even after -O3's target fusions: a Clip-fused Conv with
    /// a residual Z and a SkipLayerNorm go back to Conv, Add, Clip and Add + LayerNormalization,
    /// and the file computes what the original does (our interpreter on both).
    @Test func standardExportDecomposesEveryFusedForm() throws {
        var b = GraphBuilder(opset: 17)
        let x = b.input("x", [1, 4, 6, 6])
        let c1 = b.op("Conv", [x, b.weight("w1", [4, 4, 3, 3]), b.weight("b1", [4])], ["pads": .ints([1, 1, 1, 1])])
        let c2 = b.op("Conv", [c1, b.weight("w2", [4, 4, 1, 1])])
        let r = b.op("Clip", [b.op("Add", [c2, x]), b.scalar("lo", 0), b.scalar("hi", 6)])
        let f = b.op("Reshape", [r, b.ints("shape", [1, 4, 36])])
        let s = b.op("Add", [f, b.op("Relu", [f])])
        let y = b.op("LayerNormalization", [s, b.weight("g", [36]), b.weight("be", [36])], ["axis": .int(-1)])
        let g = try b.finish([y])
        var opt = g
        _ = try PassManager(passes: try PassRegistry.passes(named: PassRegistry.names(level: 3))).run(&opt)
        #expect(opt.count("sluice.FusedConv") == 1 && opt.count("sluice.SkipLayerNorm") == 1)
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(opt))
        #expect(back.nodes.allSatisfy { $0.domain.isEmpty })
        #expect(back.count("Clip") == 1 && back.count("LayerNormalization") == 1 && back.count("Conv") == 2)
        let feeds = randomFeeds(g)
        let a = try Interpreter.run(g, feeds: feeds), c = try Interpreter.run(back, feeds: feeds)
        for (name, ref) in a {
            let got = try #require(c[name])
            #expect(NumericCheck.maxAbsError(got.f, ref.f) <= 1e-5 * max(1, NumericCheck.maxMagnitude(ref.f)))
        }
        // For onnxruntime the same graph keeps its contrib ops.
        let ort = try OnnxImporter.decode(try OnnxExporter.serialize(opt, target: .onnxruntime))
        #expect(ort.count("com.microsoft.FusedConv") == 1 && ort.count("com.microsoft.SkipLayerNormalization") == 1)
    }

    /// `--for onnxruntime`: SiLU and GELU, fused or standing alone, become onnxruntime's
    /// QuickGelu (alpha 1), Gelu and FastGelu; a GELU after a bias Add becomes BiasGelu.
    @Test func onnxruntimeExportWritesGeluAndSiluContribOps() throws {
        var opt = try PassTests.siluGeluGraph()
        _ = try PassManager(passes: try PassRegistry.passes(named: ["fuse-conv-add", "fuse-activation", "dce"])).run(&opt)
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(opt, target: .onnxruntime))
        #expect(back.count("com.microsoft.QuickGelu") == 3)  // two fused, one standing alone
        #expect(back.count("com.microsoft.Gelu") == 1 && back.count("com.microsoft.FastGelu") == 1)
        #expect(back.count("Sigmoid") == 0 && back.count("com.microsoft.FusedConv") == 0)
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(opt, target: .onnxruntime))
        let quick = proto.graph.node.filter { $0.opType == "QuickGelu" }
        #expect(quick.allSatisfy { $0.domain == "com.microsoft" && $0.attribute.map(\.name) == ["alpha"] && $0.attribute[0].f == 1 })
        #expect(proto.opsetImport.contains { $0.domain == "com.microsoft" && $0.version == 1 })

        var b = GraphBuilder(opset: 20)
        let x = b.input("x", [2, 3, 8])
        let h = b.op("Add", [b.op("MatMul", [x, b.weight("w", [8, 8])]), b.weight("bias", [8])])
        let y = b.op("Gelu", [h])
        let z = b.op("Gelu", [b.op("Add", [y, b.weight("bias2", [8])])], ["approximate": .string("tanh")])
        let g = try b.finish([z])
        let ort = try OnnxImporter.decode(try OnnxExporter.serialize(g, target: .onnxruntime))
        #expect(ort.nodes.map(\.qualifiedOp) == ["MatMul", "com.microsoft.BiasGelu", "com.microsoft.FastGelu"])
        #expect(try OnnxImporter.decode(try OnnxExporter.serialize(g)).nodes.allSatisfy { $0.domain.isEmpty })
    }

    /// MatMul of a Transpose that swaps only the last two axes becomes FusedMatMul with transB
    /// (transA); a Transpose that moves other axes, or is read elsewhere, stays.
    @Test func onnxruntimeExportFoldsTransposeIntoFusedMatMul() throws {
        var b = GraphBuilder(opset: 17)
        let q = b.input("q", [2, 3, 4, 8]), k = b.input("k", [2, 3, 4, 8])
        let s = b.op("MatMul", [q, b.op("Transpose", [k], ["perm": .ints([0, 1, 3, 2])])])
        let other = b.op("Transpose", [k], ["perm": .ints([0, 2, 3, 1])])  // [2, 4, 8, 3]: not the last two alone
        let t = b.op("MatMul", [b.op("Reshape", [s, b.ints("s", [2, 4, 3, 4])]), b.op("Reshape", [other, b.ints("s2", [2, 4, 4, 6])])])
        let g = try b.finish([t])
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g, target: .onnxruntime))
        let fused = proto.graph.node.filter { $0.opType == "FusedMatMul" }
        #expect(fused.count == 1 && fused[0].domain == "com.microsoft" && fused[0].input == ["q", "k"])
        #expect(fused.first.map { Dictionary(uniqueKeysWithValues: $0.attribute.map { ($0.name, $0.i) })["transB"] } == 1)
        #expect(proto.graph.node.filter { $0.opType == "Transpose" }.count == 1 && proto.graph.node.filter { $0.opType == "MatMul" }.count == 1)
    }

    @Test func exportRoundTripsThroughOurImporter() throws {
        let g = try OnnxImporter.decode(try OnnxFixture.smallCNN().serializedData())
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(g))
        #expect(back.nodes.map(\.op) == g.nodes.map(\.op))
        let feeds = randomFeeds(g)
        let a = try Interpreter.run(g, feeds: feeds)["y"]!, b = try Interpreter.run(back, feeds: feeds)["y"]!
        #expect(a.f == b.f)
        #expect(back.shape(back.inputs[0])?.dims[0] == .symbol("batch"))
    }

    /// Loading from a file cuts large raw_data out before protobuf decoding and maps it: the
    /// weights become file regions holding exactly the bytes the in-memory decode sees.
    @Test func largeEmbeddedWeightsBecomeRegionsOfTheModelFile() throws {
        var model = OnnxFixture.smallCNN()
        let values = (0..<20_000).map { Float($0 % 13) / 13 - 0.5 }   // 80,000 bytes: over the 64 KiB threshold
        model.graph.initializer.append(OnnxFixture.tensor("table", values, [100, 200]))
        let bytes = try model.serializedData()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strip-\(getpid()).onnx").path
        try bytes.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try OnnxImporter.load(path: path), inMemory = try OnnxImporter.decode(bytes)
        let mappedID = try #require(loaded.value(named: "table")), copiedID = try #require(inMemory.value(named: "table"))
        let mapped = try #require(loaded.constant(mappedID)), copied = try #require(inMemory.constant(copiedID))
        #expect(mapped.isExternal && !copied.isExternal)
        #expect(try mapped.rawBytes() == copied.rawBytes())
        #expect(try mapped.floats() == values)
        // The small weight stays inline either way.
        let w = try #require(loaded.value(named: "w"))
        #expect(loaded.constant(w)?.isExternal == false)
    }

    /// `write` (large initializers as separate merged `graph` fields, bytes not copied) gives a
    /// file that parses to the same model as `serialize`, whatever the threshold.
    @Test(arguments: [0, 64, 1 << 20]) func chunkedWriteParsesToTheSameModel(_ setAsideAbove: Int) throws {
        let g = try OnnxImporter.decode(try OnnxFixture.smallCNN().serializedData())
        var chunked = Data()
        try OnnxExporter.write(g, setAsideAbove: setAsideAbove) { chunked.append(contentsOf: $0) }
        let whole = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g))
        let parsed = try Onnx_ModelProto(serializedBytes: chunked)
        let byName = { (m: Onnx_ModelProto) in Dictionary(uniqueKeysWithValues: m.graph.initializer.map { ($0.name, $0) }) }
        #expect(byName(parsed) == byName(whole))
        #expect(!whole.graph.initializer.isEmpty)
        var a = parsed.graph, b = whole.graph
        a.initializer = []; b.initializer = []
        #expect(a == b)
        #expect(parsed.opsetImport == whole.opsetImport && parsed.irVersion == whole.irVersion)
    }
}

/// Hostile values where random byte flips rarely reach: huge dims, pads and sizes must end
/// in a clean error (or a valid result), never a trap or an exhausted machine.
@Suite struct AdversarialInputTests {
    @Test func hugeValuesFailCleanly() throws {
        // Declared dimension beyond any real tensor.
        var m = OnnxFixture.smallCNN()
        m.graph.input = [OnnxFixture.valueInfo("x", [Int64.max, 3, 8, 8])]
        #expect(throws: GraphError.self) { _ = try OnnxImporter.decode(try m.serializedData()) }

        // Pads and strides at Int64 extremes.
        var p = OnnxFixture.smallCNN()
        p.graph.node[0] = OnnxFixture.node("Conv", ["x", "w"], ["c"], name: "conv1",
                                            ints: ["pads": [Int64.max, Int64.min, 1, 1], "strides": [Int64.max, 1]])
        do { _ = try OnnxImporter.decode(try p.serializedData()) } catch is GraphError {}

        // A ConstantOfShape asking for 2^60 elements: shape inference is fine, running it is not.
        var b = GraphBuilder()
        let x = b.input("x", [1])
        let big = b.op("ConstantOfShape", [b.ints("s", [1 << 30, 1 << 30])])
        let y = b.op("Add", [x, b.op("ReduceSum", [big], ["keepdims": .int(0)])])
        var g = try b.finish([y])
        #expect(throws: InterpreterError.self) { _ = try Interpreter.run(g, feeds: randomFeeds(g)) }
        // Folding keeps it a splat and never materializes it.
        _ = try PassManager(passes: try PassRegistry.passes(named: ["fold-constants", "dce"])).run(&g)

        // Resize by a NaN or enormous scale.
        for scale: Float in [.nan, 1e30] {
            var r = GraphBuilder()
            let i = r.input("i", [1, 1, 2, 2])
            let o = r.op("Resize", [i, Graph.absent, r.graph.addConstant("sc", .float32([1, 1, scale, scale], dims: [4]))])
            let rg = try r.finish([o])
            #expect(throws: InterpreterError.self) { _ = try Interpreter.run(rg, feeds: randomFeeds(rg)) }
        }
    }
}
