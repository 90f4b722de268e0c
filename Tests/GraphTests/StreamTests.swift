import Capnp
import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import Schemas
import Testing
import TestSupport

@Suite struct GraphStreamTests {
    /// Encodes into standalone messages and decodes them back, frame by frame.
    func roundTrip(_ g: Graph, encoder: GraphStreamEncoder = GraphStreamEncoder(batchSize: 3)) throws -> Graph {
        var decoder = GraphStreamDecoder()
        var frames = 0
        try encoder.encode(g) { build in
            let builder = MessageBuilder()
            let root = builder.initRoot(dataWords: GraphFrame.dataWordCount, pointerCount: GraphFrame.pointerCount)
            try build(root)
            let message = try Message(segments: builder.segmentsForWriting)
            try decoder.consume(GraphFrame.Reader(try message.root()))
            frames += 1
        }
        #expect(frames > 2)
        return try decoder.finish()
    }

    @Test func opaqueNodesSurviveTheStream() throws {
        var b = GraphBuilder()
        let x = b.input("x", [.known(2)])
        let r = b.op("Relu", [x])
        let y = b.op("Frobnicate", [x], ["body": .opaque([8, 5, 0x3a, 1, 0x61]), "k": .int(3)])
        var g = try b.finish([y])
        let k = g.nodes.firstIndex { $0.op == "Frobnicate" }!
        g.nodes[k].domain = "example.custom"
        g.nodes[k].captures = [r]
        let back = try roundTrip(g)
        let n = try #require(back.nodes.first { $0.op == "Frobnicate" })
        #expect(n.domain == "example.custom" && n.captures == [r])
        guard case .opaque(let bytes)? = n.attributes["body"] else { Issue.record("attribute lost"); return }
        #expect(bytes == [8, 5, 0x3a, 1, 0x61])
    }

    @Test func optimizedGraphSurvivesTheStream() throws {
        var b = GraphBuilder()
        let x = b.input("x", [.symbol("batch"), .known(3), .known(6), .known(6)])
        let c = b.op("Conv", [x, b.weight("w", [4, 3, 3, 3]), b.weight("cb", [4])], ["pads": .ints([1, 1, 1, 1])])
        let big = b.op("ConstantOfShape", [b.ints("s", [4, 6, 6])], ["value": .tensor(.float32([0.5], dims: [1]))])
        let y = b.op("Relu", [b.op("Add", [c, big])])
        var g = try b.finish([y])
        _ = try PassManager(passes: try PassRegistry.passes(named: PassRegistry.names(level: 3))).run(&g)
        let back = try roundTrip(g)
        #expect(back.nodes.map(\.qualifiedOp) == g.nodes.map(\.qualifiedOp))
        #expect(back.values.map(\.name) == g.values.map(\.name))
        #expect(back.shape(back.inputs[0])?.dims[0] == .symbol("batch"))
        let feeds = randomFeeds(g)
        #expect(try Interpreter.run(back, feeds: feeds)[g.values[g.outputs[0]].name]!.f
                == Interpreter.run(g, feeds: feeds)[g.values[g.outputs[0]].name]!.f)
    }

    /// int8/uint8/int32 values and constants keep their types through the stream and ONNX
    /// export, and the graph computes the same integers afterwards.
    @Test func quantizedGraphSurvivesTheStreamAndExport() throws {
        var b = GraphBuilder(opset: 19)
        let x = b.input("x", [2, 4])
        let q = b.op("QuantizeLinear", [x, b.scalar("s", 0.01), b.graph.addConstant("z", ConstantTensor(dtype: .int8, dims: [], storage: .bytes([250])))])
        let w = b.graph.addConstant("w", ConstantTensor(dtype: .int8, dims: [4, 3], storage: .bytes((0..<12).map { UInt8($0 * 21) })))
        let mi = b.op("MatMulInteger", [q, w])
        let y = b.op("DequantizeLinear", [q, b.scalar("s2", 0.01), b.graph.addConstant("z2", ConstantTensor(dtype: .int8, dims: [], storage: .bytes([250])))])
        let g = try b.finish([mi, y, q])
        let feeds = randomFeeds(g)
        let want = try Interpreter.run(g, feeds: feeds)
        for back in [try roundTrip(g), try OnnxImporter.decode(try OnnxExporter.serialize(g))] {
            #expect(back.outputs.map { back.type($0)?.dtype } == [.int32, .float32, .int8])
            #expect(back.constant(back.value(named: "w")!)?.dtype == .int8)
            let got = try Interpreter.run(back, feeds: feeds)
            for (name, t) in want { #expect(got[name]?.i == t.i && got[name]?.f == t.f && got[name]?.dtype == t.dtype) }
        }
    }

    @Test func truncatedStreamIsRejected() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2])
        let g = try b.finish([b.op("Relu", [x])])
        var decoder = GraphStreamDecoder()
        var first = true
        try GraphStreamEncoder().encode(g) { build in
            guard first else { return }  // deliver only the info record
            first = false
            let builder = MessageBuilder()
            try build(builder.initRoot(dataWords: GraphFrame.dataWordCount, pointerCount: GraphFrame.pointerCount))
            // Readers do not own their message: keep it alive while decoding.
            let message = try Message(segments: builder.segmentsForWriting)
            try decoder.consume(GraphFrame.Reader(try message.root()))
        }
        #expect(throws: GraphError.self) { _ = try decoder.finish() }
    }
}

@Suite struct GraphStreamFuzzTests {
    /// Flipped bytes in every frame of a real graph stream: the decoder throws or yields a
    /// valid graph, never traps.
    @Test func mutatedFramesNeverCrash() throws {
        var b = GraphBuilder()
        let x = b.input("x", [.symbol("batch"), .known(3), .known(6), .known(6)])
        let c = b.op("Conv", [x, b.weight("w", [4, 3, 3, 3]), b.weight("cb", [4])], ["pads": .ints([1, 1, 1, 1])])
        let g = try b.finish([b.op("Relu", [c])])
        var frames: [[UInt64]] = []
        try GraphStreamEncoder().encode(g) { build in
            let builder = MessageBuilder()
            try build(builder.initRoot(dataWords: GraphFrame.dataWordCount, pointerCount: GraphFrame.pointerCount))
            precondition(builder.segmentsForWriting.count == 1)
            let seg = builder.segmentsForWriting[0]
            frames.append((0..<(seg.count / 8)).map { seg.load(fromByteOffset: $0 * 8, as: UInt64.self) })
        }
        var rng = TestSeed.generator("StreamTests.mutatedFramesNeverCrash", default: 99)
        var outcomes = [0, 0]
        for _ in 0..<300 {
            var mutated = frames
            for _ in 0...rng.below(3) {
                let f = rng.below(mutated.count), w = rng.below(mutated[f].count)
                mutated[f][w] ^= 1 << UInt64(rng.below(64))
            }
            var decoder = GraphStreamDecoder()
            do {
                for words in mutated {
                    try words.withUnsafeBytes { raw in
                        let message = try Message(segments: [raw])
                        try decoder.consume(GraphFrame.Reader(try message.root()))
                    }
                }
                _ = try decoder.finish()
                outcomes[0] += 1
            } catch {
                outcomes[1] += 1
            }
        }
        #expect(outcomes[1] > 0)
    }
}
