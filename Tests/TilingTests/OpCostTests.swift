import ChipArch
import GraphIR
import OpCost
import Testing
@testable import Tiling

/// OpCost's counts and loop nests, and the planner over a small hand-built graph.
@Suite struct OpCostTests {
    @Test func convolutionAsLoopsAndCounts() throws {
        // ResNet-18 layer1.0.conv1: 64→64 channels, 56×56, 3×3, stride 1, padding 1.
        let conv = OpInstance.conv2d(n: 1, cin: 64, h: 56, w: 56, cout: 64, kh: 3, kw: 3, stride: 1, pad: 1, groups: 1)
        let loops = try #require(conv.macLoops)
        #expect(loops.extents == [1, 1, 64, 64, 56, 56, 3, 3])
        #expect(loops.macs == 115_605_504)
        #expect(conv.flops == 2 * loops.macs)
        #expect(conv.bytes == 4 * Double(64 * 56 * 56 + 64 * 64 * 9 + 64 * 56 * 56))
        // The stored input: the zero padding is not read.
        #expect(loops.inputElements == 64 * 56 * 56)
        #expect(loops.touchedInputElements == 64 * 56 * 56)
        // A stride-2 1×1 touches every other row and column only.
        let down = try #require(OpInstance.conv2d(n: 1, cin: 64, h: 56, w: 56, cout: 128, kh: 1, kw: 1, stride: 2, pad: 0, groups: 1).macLoops)
        #expect(down.touchedInputElements == 64 * 28 * 28)
    }

    @Test func attentionRunsAsItsStages() throws {
        let attention = OpInstance.attention(b: 1, hq: 8, hkv: 8, sq: 128, sk: 128, d: 64, causal: false)
        let stages = try #require(attention.attentionStages)
        #expect(stages.map(\.stage) == ["qk", "softmax", "pv"])
        let macs = stages.compactMap { $0.op.macLoops?.macs }.reduce(0, +)
        #expect(2 * macs == attention.flops)
    }

    func graph(batch: Dim) -> Graph {
        var g = Graph(name: "t")
        let x = g.addValue("x", type: TensorType(.float32, Shape([batch, .known(8), .known(6), .known(6)])))
        let w = g.addValue("w", type: TensorType(.float32, Shape(known: [16, 8, 3, 3])))
        let y = g.addValue("y", type: TensorType(.float32, Shape([batch, .known(16), .known(6), .known(6)])))
        let r = g.addValue("r", type: TensorType(.float32, Shape([batch, .known(16), .known(6), .known(6)])))
        let f = g.addValue("f", type: TensorType(.float32, Shape([batch, .known(576)])))
        g.inputs = [x, w]
        g.nodes = [Node(name: "conv", op: "Conv", inputs: [x, w], outputs: [y], attributes: ["pads": .ints([1, 1, 1, 1])]),
                   Node(name: "relu", op: "Relu", inputs: [y], outputs: [r]),
                   Node(name: "flat", op: "Flatten", inputs: [r], outputs: [f])]
        g.outputs = [f]
        return g
    }

    @Test func plannerMapsEveryNode() throws {
        var options = PlanOptions()
        options.objective = .energy
        options.fuse = false   // one group per node (FusionTests covers the fused plan)
        let plan = try Planner.plan(graph(batch: .known(2)), on: .tpuLike, options)
        #expect(plan.groups.count == 3)
        guard case .array(_, let conv) = plan.groups[0].unit, case .vector = plan.groups[1].unit, case .view = plan.groups[2].unit else {
            Issue.record("units: \(plan.groups.map(\.unit))")
            return
        }
        #expect(conv.complete && conv.gap >= 0)
        #expect(plan.edges.map { [$0.from, $0.to] } == [[0, 1], [1, 2]])
        #expect(plan.energyPj >= plan.boundEnergyPj)
    }

    @Test func symbolicDimensionNamesTheFlag() throws {
        #expect(throws: PlanError.self) { try Planner.plan(graph(batch: .symbol("batch")), on: .tpuLike, PlanOptions()) }
        do {
            _ = try Planner.plan(graph(batch: .symbol("batch")), on: .tpuLike, PlanOptions())
        } catch let e as PlanError {
            #expect(e.description == "node 0 'conv' (Conv): shape has symbolic dimension batch (give --dim batch=N)")
        }
        var options = PlanOptions()
        options.symbols = ["batch": 1]
        options.fuse = false
        #expect(try Planner.plan(graph(batch: .symbol("batch")), on: .tpuLike, options).groups.count == 3)
    }

    @Test func planIsTheSameEveryTime() throws {
        let a = try Planner.plan(graph(batch: .known(1)), on: .eyerissLike, PlanOptions())
        let b = try Planner.plan(graph(batch: .known(1)), on: .eyerissLike, PlanOptions())
        for (x, y) in zip(a.groups, b.groups) {
            #expect(x.cycles == y.cycles && x.energyPj == y.energyPj)
            if case .array(_, let p) = x.unit, case .array(_, let q) = y.unit { #expect(p.mapping == q.mapping) }
        }
    }
}
