import Foundation
import GraphIO
import GraphIR
import GraphPasses
import OnnxProto
import Testing

/// Folding, CSE and DCE inside If/Loop/Scan bodies (`SubgraphBodies`), outer values captured
/// by name respected. onnxruntime runs the result in `make test-graph-seqquant` (if-body).
@Suite struct SubgraphBodyTests {
    /// y = If(cond) then { a = Relu(r); b = Relu(r); dead = Neg(c); Add(a, b) } else { Identity(x) }.
    static func model() -> Onnx_ModelProto {
        var m = OnnxFixture.smallCNN()
        func graph(_ name: String, _ nodes: [Onnx_NodeProto], output: String) -> Onnx_GraphProto {
            var g = Onnx_GraphProto()
            g.name = name
            g.node = nodes
            g.output = [OnnxFixture.valueInfo(output, [nil, 4, 8, 8])]
            return g
        }
        let then = graph("t", [OnnxFixture.node("Relu", ["r"], ["a"]), OnnxFixture.node("Relu", ["r"], ["b"]),
                               OnnxFixture.node("Neg", ["c"], ["dead"]), OnnxFixture.node("Add", ["a", "b"], ["t_out"])], output: "t_out")
        let other = graph("e", [OnnxFixture.node("Identity", ["c"], ["e_out"])], output: "e_out")
        m.graph.input.append(OnnxFixture.valueInfo("cond", [], elem: 9))
        m.graph.node = [OnnxFixture.node("Conv", ["x", "w"], ["c"], name: "conv1", ints: ["pads": [1, 1, 1, 1]]),
                        OnnxFixture.node("Relu", ["c"], ["r"], name: "act1"),
                        OnnxFixture.node("If", ["cond"], ["z"], name: "choose", graphs: [("then_branch", then), ("else_branch", other)]),
                        OnnxFixture.node("GlobalAveragePool", ["z"], ["y"], name: "pool")]
        return m
    }

    @Test func bodiesAreOptimizedAndCapturesFollow() throws {
        let model = Self.model()
        var g = try OnnxImporter.decode(try model.serializedData())
        let k = try #require(g.nodes.firstIndex { $0.op == "If" })
        #expect(g.nodes[k].captures.map { g.values[$0].name } == ["c", "r"])
        let passes = try PassRegistry.passes(named: ["fold-constants", "cse", "dce"])
        let n = try SubgraphBodies.optimize(&g) { body in try PassManager(passes: passes).run(&body).reduce(0) { $0 + $1.rewrites } }
        #expect(n >= 2)  // one CSE merge, one dead node
        let back = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g))
        let node = try #require(back.graph.node.first { $0.opType == "If" })
        let then = try #require(node.attribute.first { $0.name == "then_branch" }).g
        #expect(then.node.map(\.opType) == ["Relu", "Add"])
        #expect(then.input.isEmpty)  // outer values stay outer: no placeholder inputs written
        #expect(then.output.map(\.name) == ["t_out"])
        // The unchanged else branch keeps its exact bytes.
        let original = try #require(model.graph.node.first { $0.opType == "If" })
        let bytes = { (n: Onnx_NodeProto, name: String) in try n.attribute.first { $0.name == name }!.serializedData() }
        #expect(try bytes(node, "else_branch") == bytes(original, "else_branch"))
        // Both branches still read c or r by name, so both stay captured and computed.
        #expect(g.nodes[k].captures.map { g.values[$0].name } == ["c", "r"])
        let again = try OnnxImporter.decode(try back.serializedData())
        #expect(again.nodes.map(\.op) == ["Conv", "Relu", "If", "GlobalAveragePool"])
    }

    /// An outer constant read by a body is lent to it as a constant, so folding reaches
    /// through it: ReduceSum/ReduceMax of the outer weight become the bodies' own constants.
    /// Where the weight is still read (the else branch's Conv) it stays the outer value, read
    /// by name and captured, never copied into the body.
    @Test func outerConstantsFoldInsideBodies() throws {
        var model = Self.model()
        var then = Onnx_GraphProto()
        then.name = "t"
        then.node = [OnnxFixture.node("ReduceSum", ["w"], ["ws"]), OnnxFixture.node("Mul", ["r", "ws"], ["t_out"])]
        then.output = [OnnxFixture.valueInfo("t_out", [nil, 4, 8, 8])]
        var other = Onnx_GraphProto()
        other.name = "e"
        other.node = [OnnxFixture.node("ReduceMax", ["w"], ["wm"]), OnnxFixture.node("Conv", ["x", "w"], ["cv"], ints: ["pads": [1, 1, 1, 1]]),
                      OnnxFixture.node("Add", ["cv", "wm"], ["e_out"])]
        other.output = [OnnxFixture.valueInfo("e_out", [nil, 4, 8, 8])]
        model.graph.node[2].attribute = model.graph.node[2].attribute.map { a in
            var a = a
            a.g = a.name == "then_branch" ? then : other
            return a
        }
        var g = try OnnxImporter.decode(try model.serializedData())
        let k = try #require(g.nodes.firstIndex { $0.op == "If" })
        #expect(g.nodes[k].captures.map { g.values[$0].name } == ["r", "w", "x"])
        let passes = try PassRegistry.passes(named: ["fold-constants", "cse", "dce"])
        _ = try SubgraphBodies.optimize(&g) { body in try PassManager(passes: passes).run(&body).reduce(0) { $0 + $1.rewrites } }
        let back = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g))
        let node = try #require(back.graph.node.first { $0.opType == "If" })
        let bodies = try ["then_branch", "else_branch"].map { name in try #require(node.attribute.first { $0.name == name }).g }
        #expect(bodies.map { $0.node.map(\.opType) } == [["Mul"], ["Conv", "Add"]])
        #expect(bodies.allSatisfy { !$0.initializer.contains { $0.name == "w" } && $0.input.isEmpty })
        #expect(g.nodes[k].captures.map { g.values[$0].name } == ["r", "w", "x"])
        #expect(try OnnxImporter.decode(try back.serializedData()).nodes.map(\.op) == ["Conv", "Relu", "If", "GlobalAveragePool"])
    }

    /// An If output the model leaves untyped takes its branches' declared type (dims they
    /// disagree on unknown), so what reads it is inferred too.
    @Test func untypedIfOutputTakesItsBranchesType() throws {
        var model = Self.model()
        let g = try OnnxImporter.decode(try model.serializedData())
        let z = try #require(g.value(named: "z"))
        #expect(g.type(z) == TensorType(.float32, Shape([.symbol("batch"), .known(4), .known(8), .known(8)])))
        #expect(g.shape(try #require(g.value(named: "y")))?.dims.suffix(3) == [.known(4), .known(1), .known(1)])
        // Branches disagreeing on a dim: that dim is unknown; on the element type: untyped.
        model.graph.node[2].attribute = model.graph.node[2].attribute.map { a in
            var a = a
            if a.name == "else_branch" { a.g.output = [OnnxFixture.valueInfo("e_out", [nil, 4, 8, 9])] }
            return a
        }
        let h = try OnnxImporter.decode(try model.serializedData())
        #expect(h.type(try #require(h.value(named: "z")))?.shape == Shape([.symbol("batch"), .known(4), .known(8), .unknown]))
        model.graph.node[2].attribute = model.graph.node[2].attribute.map { a in
            var a = a
            if a.name == "else_branch" { a.g.output = [OnnxFixture.valueInfo("e_out", [nil, 4, 8, 8], elem: 11)] }
            return a
        }
        let k = try OnnxImporter.decode(try model.serializedData())
        #expect(k.type(try #require(k.value(named: "z"))) == nil)
    }

    @Test func deadReadOfAnOuterValueIsDroppedFromCaptures() throws {
        var model = Self.model()
        // The else branch now reads only x: c is read by the then branch's dead Neg alone.
        var other = Onnx_GraphProto()
        other.name = "e"
        other.node = [OnnxFixture.node("Relu", ["r"], ["e_out"])]
        other.output = [OnnxFixture.valueInfo("e_out", [nil, 4, 8, 8])]
        let k = model.graph.node.firstIndex { $0.opType == "If" }!
        let e = model.graph.node[k].attribute.firstIndex { $0.name == "else_branch" }!
        model.graph.node[k].attribute[e].g = other
        var g = try OnnxImporter.decode(try model.serializedData())
        let i = try #require(g.nodes.firstIndex { $0.op == "If" })
        #expect(g.nodes[i].captures.map { g.values[$0].name } == ["c", "r"])
        let passes = try PassRegistry.passes(named: ["dce"])
        _ = try SubgraphBodies.optimize(&g) { body in try PassManager(passes: passes).run(&body).reduce(0) { $0 + $1.rewrites } }
        #expect(g.nodes[i].captures.map { g.values[$0].name } == ["r"])
    }
}
