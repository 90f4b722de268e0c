import GraphIR
import Testing

@Suite struct ShapeInferenceTests {
    @Test func convPoolGemmChain() throws {
        var b = GraphBuilder()
        let x = b.input("x", [.symbol("batch"), .known(3), .known(32), .known(32)])
        let w = b.weight("w", [8, 3, 3, 3])
        let c = b.op("Conv", [x, w], ["pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2])])
        let p = b.op("MaxPool", [c], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])])
        let g = b.op("GlobalAveragePool", [p])
        let f = b.op("Flatten", [g])
        let fw = b.weight("fw", [10, 8])
        let y = b.op("Gemm", [f, fw], ["transB": .int(1)])
        let graph = try b.finish([y])
        #expect(graph.shape(c) == Shape([.symbol("batch"), .known(8), .known(16), .known(16)]))
        #expect(graph.shape(p) == Shape([.symbol("batch"), .known(8), .known(8), .known(8)]))
        #expect(graph.shape(g) == Shape([.symbol("batch"), .known(8), .known(1), .known(1)]))
        // Flatten of a symbolic batch keeps no false precision.
        #expect(graph.shape(f)?.dims[1] == .known(8))
        #expect(graph.shape(y)?.dims[1] == .known(10))
    }

    @Test func symbolicDimsSurviveBroadcastAndMatMul() throws {
        var b = GraphBuilder()
        let x = b.input("x", [.symbol("batch"), .symbol("seq"), .known(64)])
        let w = b.weight("w", [64, 128])
        let m = b.op("MatMul", [x, w])
        let bias = b.weight("bias", [128])
        let a = b.op("Add", [m, bias])
        let t = b.op("Transpose", [a], ["perm": .ints([0, 2, 1])])
        let graph = try b.finish([t])
        #expect(graph.shape(a) == Shape([.symbol("batch"), .symbol("seq"), .known(128)]))
        #expect(graph.shape(t) == Shape([.symbol("batch"), .known(128), .symbol("seq")]))
    }

    /// Expand to a computed shape (BERT's token-type ids: Shape/Gather/Concat of the input's
    /// dims) keeps the rank its length gives, so what follows keeps ranks too.
    @Test func expandToAComputedShapeKeepsTheRank() throws {
        var b = GraphBuilder()
        let ids = b.input("ids", [.symbol("batch"), .symbol("seq")], .int64)
        let x = b.input("x", [2, 1])
        let e = b.op("Expand", [x, b.op("Concat", [b.op("Shape", [ids]), b.ints("one", [5])], ["axis": .int(0)])])
        let y = b.op("Add", [e, b.weight("w", [5])])
        let graph = try b.finish([y])
        #expect(graph.shape(e) == Shape([.unknown, .known(2), .unknown]))
        #expect(graph.shape(y) == Shape([.unknown, .known(2), .known(5)]))
    }

    @Test func reshapeSliceConcatGatherUnsqueeze() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2, 3, 4])
        let r = b.op("Reshape", [x, b.ints("s", [0, -1])])
        let s = b.op("Slice", [x, b.ints("st", [1]), b.ints("en", [100]), b.ints("ax", [2])])
        let c = b.op("Concat", [x, x], ["axis": .int(1)])
        let g = b.op("Gather", [x, b.ints("i", [0, 1])], ["axis": .int(2)])
        let u = b.op("Unsqueeze", [x, b.ints("ua", [0, -1])])
        let graph = try b.finish([r, s, c, g, u])
        #expect(graph.shape(r) == Shape(known: [2, 12]))
        #expect(graph.shape(s) == Shape(known: [2, 3, 3]))
        #expect(graph.shape(c) == Shape(known: [2, 6, 4]))
        #expect(graph.shape(g) == Shape(known: [2, 3, 2]))
        #expect(graph.shape(u) == Shape(known: [1, 2, 3, 4, 1]))
    }

    @Test func mismatchesAreReported() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2, 3])
        let y = b.input("y", [4, 5])
        let m = b.op("MatMul", [x, y])
        #expect(throws: GraphError.self) { _ = try b.finish([m]) }
        do { _ = try b.finish([m]) } catch let e as GraphError {
            #expect(e.description.contains("inner dimensions differ: 3 vs 4"))
        }

        var c = GraphBuilder()
        let a = c.input("a", [2, 3]), d = c.input("d", [4, 3])
        let s = c.op("Add", [a, d])
        #expect(throws: GraphError.self) { _ = try c.finish([s]) }

        var r = GraphBuilder()
        let z = r.input("z", [2, 3])
        let bad = r.op("Reshape", [z, r.ints("s", [4, 2])])
        #expect(throws: GraphError.self) { _ = try r.finish([bad]) }
    }
}

@Suite struct ValidationTests {
    @Test func danglingInputIsNamed() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2])
        let ghost = b.graph.addValue("ghost")
        let y = b.op("Add", [x, ghost])
        do { _ = try b.finish([y]); Issue.record("expected an error") } catch let e as GraphError {
            #expect(e == .danglingInput(node: "Add_0", value: "ghost"))
        }
    }

    @Test func cycleIsDetected() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2])
        let loopback = b.graph.addValue("loop")
        let a = b.op("Add", [x, loopback])
        b.graph.nodes.append(Node(name: "back", op: "Relu", inputs: [a], outputs: [loopback]))
        do { _ = try b.finish([a]); Issue.record("expected an error") } catch let e as GraphError {
            guard case .cycle(let nodes) = e else { Issue.record("wrong error \(e)"); return }
            #expect(Set(nodes) == ["Add_0", "back"])
        }
    }

    @Test func unknownOpsAreOpaque() throws {
        var b = GraphBuilder(opset: 13)
        let x = b.input("x", [2])
        let w = b.weight("w", [1, 1, 1, 1])
        let y = b.op("FrobnicateV2", [x])
        let z = b.op("Relu", [y])
        // FusedConv outside the sluice domain is an unknown standard op, not the fusion.
        let f = b.op("FusedConv", [x, w])
        let g = try b.finish([z, f])
        #expect(g.nodes.filter(\.isOpaque).map(\.op).sorted() == ["FrobnicateV2", "FusedConv"])
        // Nothing is guessed downstream of an untyped opaque output.
        #expect(g.type(y) == nil && g.type(z) == nil && g.type(f) == nil)
    }

    @Test func topologicalSortRepairsOrder() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2])
        let a = b.op("Relu", [x])
        let c = b.op("Neg", [a])
        b.graph.nodes.reverse()
        let g = try b.finish([c])
        #expect(g.nodes.map(\.op) == ["Relu", "Neg"])
    }
}

/// `Graph.fixInputShapes` (graph-opt --input-shape).
@Suite struct InputShapeTests {
    /// A Conv on a symbolic batch and an unknown spatial size, then Shape → Gather → a
    /// Reshape target: fixing the input makes every downstream shape known.
    func model() throws -> (Graph, ValueID, ValueID) {
        var b = GraphBuilder()
        let x = b.input("x", [.symbol("batch"), .known(3), .unknown, .unknown])
        let c = b.op("Conv", [x, b.weight("w", [4, 3, 3, 3])], ["pads": .ints([1, 1, 1, 1])])
        let f = b.op("Flatten", [c])
        return (try b.finish([f]), c, f)
    }

    @Test func fixedInputShapesPropagate() throws {
        var (graph, c, f) = try model()
        #expect(graph.shape(c)?.dims[2] == .unknown)
        try graph.fixInputShapes(["x": [2, 3, 16, 20]])
        try Validation.inferShapes(&graph)
        #expect(graph.shape(c) == Shape(known: [2, 4, 16, 20]))
        #expect(graph.shape(f) == Shape(known: [2, 4 * 16 * 20]))
    }

    @Test func refusesWhatDoesNotFit() throws {
        let (graph, _, _) = try model()
        let cases: [([String: [Int]], String)] = [
            (["y": [1, 3, 8, 8]], "input 'y': not a graph input (inputs: x)"),
            (["w": [4, 3, 3, 3]], "input 'w': not a graph input (inputs: x)"),
            (["x": [1, 3, 8]], "input 'x': declared with rank 4 [batch,3,?,?], given 3 dimensions"),
            (["x": [1, 4, 8, 8]], "input 'x': dimension 1 is 3 in the model, given 4"),
            (["x": [1, 3, 0, 8]], "input 'x': every dimension must be at least 1"),
        ]
        for (shapes, message) in cases {
            var g = graph
            #expect(throws: GraphError.inputShape(input: shapes.keys.first!, detail: String(message.split(separator: ":", maxSplits: 1)[1].dropFirst()))) {
                try g.fixInputShapes(shapes)
            }
        }
    }
}
