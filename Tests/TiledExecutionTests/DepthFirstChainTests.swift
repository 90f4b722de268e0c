import GraphIR
import GraphInterp
import Testing
@testable import TiledExecution
import TestSupport

/// A fused conv chain run depth-first in strips against the interpreter run whole: random
/// chains (3×3 and 1×1 convs, strides 1 and 2, a Relu, a MaxPool), every strip height.
@Suite struct DepthFirstChainTests {
    /// x → Conv(k1, s1) → Relu → Conv(k2, s2) → MaxPool 2×2/2 (when `pool`), c channels of h×w.
    func chain(c: Int, h: Int, w: Int, k1: Int, s1: Int, k2: Int, s2: Int, pool: Bool, rng: inout SplitMix64) -> Graph {
        var g = Graph(name: "chain")
        let x = g.addValue("x", type: TensorType(.float32, Shape(known: [1, c, h, w])))
        let w1 = g.addConstant("w1", .float32(randomTensor([c, c, k1, k1], &rng), dims: [c, c, k1, k1]))
        let w2 = g.addConstant("w2", .float32(randomTensor([c, c, k2, k2], &rng), dims: [c, c, k2, k2]))
        let b2 = g.addConstant("b2", .float32(randomTensor([c], &rng), dims: [c]))
        let a = g.addValue("a")
        let r = g.addValue("r")
        let y = g.addValue("y")
        let p1 = Int64(k1 / 2), p2 = Int64(k2 / 2)
        g.inputs = [x]
        g.nodes = [Node(name: "conv1", op: "Conv", inputs: [x, w1], outputs: [a],
                        attributes: ["pads": .ints([p1, p1, p1, p1]), "strides": .ints([Int64(s1), Int64(s1)])]),
                   Node(name: "relu", op: "Relu", inputs: [a], outputs: [r]),
                   Node(name: "conv2", op: "Conv", inputs: [r, w2, b2], outputs: [y],
                        attributes: ["pads": .ints([p2, p2, p2, p2]), "strides": .ints([Int64(s2), Int64(s2)])])]
        g.outputs = [y]
        if pool {
            let z = g.addValue("z")
            g.nodes.append(Node(name: "pool", op: "MaxPool", inputs: [y], outputs: [z],
                                attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]))
            g.outputs = [z]
        }
        return g
    }

    /// The chain's members with their inputs, and the last output, by the interpreter node by node.
    func members(_ g: Graph, _ x: GraphInterp.Tensor) throws -> ([DepthFirstChain.Member], GraphInterp.Tensor) {
        var env: [ValueID: GraphInterp.Tensor] = [g.inputs[0]: x]
        let interpreter = Interpreter(opset: g.opset)
        var out: [DepthFirstChain.Member] = []
        for node in g.nodes {
            let ins: [GraphInterp.Tensor?] = try node.inputs.map { v in try env[v] ?? g.values[v].constant.map { try Tensor($0) } }
            out.append(DepthFirstChain.Member(node: node, inputs: ins))
            env[node.outputs[0]] = try interpreter.evaluate(node, ins)[0]
        }
        return (out, env[g.outputs[0]]!)
    }

    @Test func stripsMatchTheWholeRun() throws {
        var rng = TestSeed.generator("DepthFirstChainTests.strips", default: 0xDF)
        for trial in 0..<10 {
            let (h, w) = (Int.random(in: 6...17, using: &rng), Int.random(in: 3...9, using: &rng))
            let g = chain(c: 3, h: h, w: w, k1: [1, 3].randomElement(using: &rng)!, s1: trial % 3 == 0 ? 2 : 1,
                          k2: [1, 3].randomElement(using: &rng)!, s2: [1, 2].randomElement(using: &rng)!, pool: trial % 2 == 0, rng: &rng)
            let x = GraphInterp.Tensor(shape: [1, 3, h, w], floats: randomTensor([1, 3, h, w], &rng))
            let (m, whole) = try members(g, x)
            for rows in 1...whole.shape[2] {
                let strips = try DepthFirstChain.run(m, tileRows: rows, interpreter: Interpreter(opset: g.opset))
                #expect(strips.shape == whole.shape, "trial \(trial) rows \(rows)")
                let err = zip(strips.f, whole.f).map { abs($0 - $1) }.max() ?? 0
                #expect(err <= 1e-4, "trial \(trial), \(rows) rows per strip: max error \(err)")
            }
        }
    }

    @Test func aWrongHaloIsCaught() throws {
        // The same chain with the second conv's padding forgotten in the strips: the border
        // rows must come out wrong (the check can fail).
        var rng = TestSeed.generator("DepthFirstChainTests.halo", default: 0xDF2)
        let g = chain(c: 2, h: 8, w: 5, k1: 3, s1: 1, k2: 3, s2: 1, pool: false, rng: &rng)
        let x = GraphInterp.Tensor(shape: [1, 2, 8, 5], floats: randomTensor([1, 2, 8, 5], &rng))
        var (m, whole) = try members(g, x)
        // A chain built from a graph whose conv2 has no row padding makes fewer rows.
        m[2].node.attributes["pads"] = .ints([0, 1, 0, 1])
        let strips = try DepthFirstChain.run(m, tileRows: 3, interpreter: Interpreter(opset: g.opset))
        #expect(strips.shape != whole.shape)
    }

    @Test func fusedGroupRunsDepthFirstInTheCheck() throws {
        var rng = TestSeed.generator("DepthFirstChainTests.check", default: 0xDF3)
        let g = chain(c: 3, h: 12, w: 6, k1: 3, s1: 1, k2: 3, s2: 2, pool: false, rng: &rng)
        func schedule(_ node: Int, _ e: [String: Int]) -> GroupSchedule {
            var s = randomSchedule(e, meshDim: "OY", rng: &rng)
            s.nodes = [node]
            s.name = g.nodes[node].name
            return s
        }
        let relu = GroupSchedule(index: 0, name: "relu", ops: ["Relu"], nodes: [1], unit: "vector",
                                 loops: [.init("ELEMENTS", 3 * 12 * 6)], tileShape: [.init("ELEMENTS", 36)])
        var fused = GroupSchedule(index: 0, name: "conv1", ops: ["Conv", "Relu", "Conv"], nodes: [0, 1, 2], unit: "array")
        fused.fusion = "conv-chain"
        fused.tileRows = 2
        fused.members = [schedule(0, ["B": 1, "K": 3, "C": 3, "OY": 12, "OX": 6, "FY": 3, "FX": 3]), relu,
                         schedule(2, ["B": 1, "K": 3, "C": 3, "OY": 6, "OX": 3, "FY": 3, "FX": 3])]
        let feeds = ["x": GraphInterp.Tensor(shape: [1, 3, 12, 6], floats: randomTensor([1, 3, 12, 6], &rng))]
        let r = try TiledRun(graph: g, groups: [fused]).check(feeds: feeds)
        #expect(r.count == 3 && r.allSatisfy(\.passed), "\(r)")
        #expect(r.last?.note == "fused conv-chain: depth-first, 2 rows per tile with halos")
        #expect(r.allSatisfy { $0.group == 0 })
    }
}
