import GraphIR
import GraphInterp
import Kernels
import Testing
@testable import TiledExecution
import TestSupport

// Tile-by-tile execution against the interpreter on random single-layer graphs, under random
// mappings of the kind tile-plan writes (factors per level that may overshoot the extent,
// spatial unrolls on the PE array and the mesh); every fault must fail the check; integers
// must come out exact.

/// A random mapping of `extents` in tile-plan's form: three memory levels (the last is the
/// backing level, whose loops are the tiles), a PE-array unroll of C and K, a mesh unroll of
/// `meshDim`, every factor drawn so that the product covers the extent (rounding up).
func randomSchedule(_ extents: [String: Int], meshDim: String, unit: String = "array", rng: inout SplitMix64) -> GroupSchedule {
    let dims = ["G", "B", "K", "C", "OY", "OX", "FY", "FX"]
    var levels: [[GroupSchedule.Loop]] = [[], [], []]
    var spatial: [GroupSchedule.Unroll] = []
    for d in dims {
        let e = extents[d] ?? 1
        var rest = e
        func take(_ upTo: Int) -> Int {
            let f = Int.random(in: 1...max(1, min(upTo, rest)), using: &rng)
            rest = (rest + f - 1) / f
            return f
        }
        if d == "C" || d == "K" { let f = take(3); if f > 1 { spatial.append(.init(d == "C" ? "lanes" : "pes", d, f)) } }
        if d == meshDim { let f = take(4); if f > 1 { spatial.append(.init("mesh", d, f)) } }
        for level in 0..<3 {
            let f = level == 2 ? rest : take(3)
            if f > 1 { levels[level].append(.init(d, f)) }
        }
    }
    for l in levels.indices { levels[l].shuffle(using: &rng) }
    return GroupSchedule(index: 0, name: "layer", ops: [], nodes: [0], unit: unit, loops: dims.map { .init($0, extents[$0] ?? 1) },
                         spatial: spatial, levelLoops: levels)
}

func randomTensor(_ shape: [Int], _ rng: inout SplitMix64) -> [Float] {
    (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &rng) }
}

/// A one-node graph: `inputs` (name, shape, constant values or nil for a graph input).
func oneNode(_ op: String, _ inputs: [(String, [Int], [Float]?)], output: [Int], attributes: [String: Attribute] = [:], dtype: DType = .float32) -> Graph {
    var g = Graph(name: op)
    var ids: [ValueID] = []
    for (name, shape, values) in inputs {
        if let values { ids.append(g.addConstant(name, .float32(values, dims: shape))) }
        else {
            let id = g.addValue(name, type: TensorType(dtype, Shape(known: shape)))
            g.inputs.append(id)
            ids.append(id)
        }
    }
    let y = g.addValue("y", type: TensorType(dtype, Shape(known: output)))
    g.nodes.append(Node(name: "n", op: op, inputs: ids, outputs: [y], attributes: attributes))
    g.outputs = [y]
    return g
}

struct ConvCase: CustomStringConvertible {
    var n = 1, cin = 3, cout = 4, groups = 1, h = 7, w = 9, kh = 3, kw = 3, stride = (1, 1), dilation = (1, 1), pads = [0, 0, 0, 0]
    var fused = false
    var description: String { "N\(n) C\(cin)→\(cout) g\(groups) \(h)x\(w) k\(kh)x\(kw) s\(stride) d\(dilation) p\(pads)\(fused ? " fused" : "")" }
    var valid: Bool { h + pads[0] + pads[2] >= dilation.0 * (kh - 1) + 1 && w + pads[1] + pads[3] >= dilation.1 * (kw - 1) + 1 }
    var oh: Int { (h + pads[0] + pads[2] - dilation.0 * (kh - 1) - 1) / stride.0 + 1 }
    var ow: Int { (w + pads[1] + pads[3] - dilation.1 * (kw - 1) - 1) / stride.1 + 1 }

    static func random(_ rng: inout SplitMix64) -> ConvCase {
        var c = ConvCase()
        c.groups = [1, 1, 2, 3].randomElement(using: &rng)!
        c.cin = c.groups * Int.random(in: 1...5, using: &rng)
        c.cout = c.groups == 3 && Bool.random(using: &rng) ? c.cin : c.groups * Int.random(in: 1...4, using: &rng)
        c.n = Int.random(in: 1...2, using: &rng)
        c.h = Int.random(in: 3...13, using: &rng) | 1
        c.w = Int.random(in: 2...12, using: &rng)
        c.kh = [1, 3, 5].randomElement(using: &rng)!
        c.kw = [1, 2, 3].randomElement(using: &rng)!
        c.stride = (Int.random(in: 1...2, using: &rng), Int.random(in: 1...3, using: &rng))
        c.dilation = (Int.random(in: 1...2, using: &rng), Int.random(in: 1...2, using: &rng))
        c.pads = (0..<4).map { _ in Int.random(in: 0...2, using: &rng) }
        c.fused = Bool.random(using: &rng)
        return c
    }

    func graph(_ rng: inout SplitMix64) -> Graph {
        var attrs: [String: Attribute] = ["strides": .ints([Int64(stride.0), Int64(stride.1)]), "dilations": .ints([Int64(dilation.0), Int64(dilation.1)]),
                                          "pads": .ints(pads.map(Int64.init)), "group": .int(Int64(groups)), "kernel_shape": .ints([Int64(kh), Int64(kw)])]
        if fused { attrs["activation"] = .string("LeakyRelu"); attrs["activation_params"] = .floats([0.1]) }
        var inputs: [(String, [Int], [Float]?)] = [("x", [n, cin, h, w], nil), ("w", [cout, cin / groups, kh, kw], randomTensor([cout, cin / groups, kh, kw], &rng))]
        inputs.append(("b", [cout], randomTensor([cout], &rng)))
        var g = oneNode(fused ? "FusedConv" : "Conv", inputs, output: [n, cout, oh, ow], attributes: attrs)
        if fused { g.nodes[0].domain = Node.sluiceDomain }
        return g
    }

    var extents: [String: Int] { ["G": groups, "B": n, "K": cout / groups, "C": cin / groups, "OY": oh, "OX": ow, "FY": kh, "FX": kw] }
}

@Suite struct TiledConvTests {
    @Test func randomLayersMatchTheInterpreter() throws {
        var rng = TestSeed.generator("TiledConvTests.randomLayers", default: 0x5117)
        var checked = 0
        while checked < 60 {
            let c = ConvCase.random(&rng)
            guard c.valid else { continue }
            let graph = c.graph(&rng)
            let group = randomSchedule(c.extents, meshDim: ["OY", "K", "OX", "B", "C"].randomElement(using: &rng)!, rng: &rng)
            let feeds = ["x": GraphInterp.Tensor(shape: [c.n, c.cin, c.h, c.w], floats: randomTensor([c.n, c.cin, c.h, c.w], &rng))]
            let results = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds)
            #expect(results.count == 1)
            #expect(results[0].passed && results[0].note.isEmpty, "\(c) under \(group.levelLoops) \(group.spatial): \(results[0])")
            checked += 1
        }
    }

    /// The tiled output against the Kernels reference convolution within the rigorous bound of
    /// reassociating a length-n fp32 sum: |Δ| ≤ 2·γₙ·Σ|x·w| (both sides err by at most γₙ·Σ|x·w|).
    @Test func withinTheReassociationBound() throws {
        var rng = TestSeed.generator("TiledConvTests.bound", default: 0xB0B)
        var checked = 0
        while checked < 25 {
            var c = ConvCase.random(&rng)
            c.fused = false
            guard c.valid else { continue }
            let graph = c.graph(&rng)
            let group = randomSchedule(c.extents, meshDim: "C", rng: &rng)
            let x = randomTensor([c.n, c.cin, c.h, c.w], &rng)
            let w = try GraphInterp.Tensor(graph.values[graph.nodes[0].inputs[1]].constant!).f
            let tiled = try ConvTiling.run(graph.nodes[0], inputs: [GraphInterp.Tensor(shape: [c.n, c.cin, c.h, c.w], floats: x), GraphInterp.Tensor(shape: [c.cout, c.cin / c.groups, c.kh, c.kw], floats: w)],
                                           group: group, fault: nil, interpreter: Interpreter(opset: 17))
            let p = Conv2dParams(strides: c.stride, pads: (c.pads[0], c.pads[1], c.pads[2], c.pads[3]), dilations: c.dilation, groups: c.groups)
            let kx = try Kernels.Tensor(shape: [c.n, c.cin, c.h, c.w], data: x), kw = try Kernels.Tensor(shape: [c.cout, c.cin / c.groups, c.kh, c.kw], data: w)
            let exact = Reference.conv2d(kx, weight: kw, bias: nil, params: p).scalars
            let magnitude = Reference.conv2d(try Kernels.Tensor(shape: kx.shape, data: x.map(abs)), weight: try Kernels.Tensor(shape: kw.shape, data: w.map(abs)),
                                             bias: nil, params: p).scalars
            let n = Double(c.cin / c.groups * c.kh * c.kw), u = Double(Float.ulpOfOne) / 2
            let gamma = n * u / (1 - n * u)
            for i in exact.indices {
                #expect(abs(Double(tiled.f[i]) - Double(exact[i])) <= 2 * gamma * Double(magnitude[i]) + 1e-30, "\(c) element \(i)")
            }
            checked += 1
        }
    }

    /// A 3x3 conv cut into 3 row tiles and 4 C partial sums: every fault must fail the check.
    @Test(arguments: Fault.Kind.allCases) func faultsFail(_ kind: Fault.Kind) throws {
        var rng = SplitMix64(seed: 7)
        let c = ConvCase(n: 1, cin: 8, cout: 5, h: 12, w: 7, pads: [1, 1, 1, 1])
        let graph = c.graph(&rng)
        let group = GroupSchedule(index: 0, name: "conv", ops: ["Conv"], nodes: [0], unit: "array", loops: ["G", "B", "K", "C", "OY", "OX", "FY", "FX"].map { .init($0, c.extents[$0]!) },
                                  spatial: [.init("lanes", "C", 2), .init("mesh", "OY", 2)],
                                  levelLoops: [[.init("FY", 3), .init("FX", 3), .init("K", 5), .init("OX", 7)], [.init("C", 4), .init("OY", 2)], [.init("OY", 3)]])
        let feeds = ["x": GraphInterp.Tensor(shape: [1, 8, 12, 7], floats: randomTensor([1, 8, 12, 7], &rng))]
        let run = TiledRun(graph: graph, groups: [group])
        #expect(try run.check(feeds: feeds).allSatisfy(\.passed))
        let faulted = try run.check(feeds: feeds, fault: Fault(kind: kind, group: "conv"))
        #expect(!faulted[0].passed, "\(kind): \(faulted[0])")
    }

    @Test func loopNestOrdersPartialSumsAsScheduled() {
        // C over two levels (outer 2 at the tiles, inner 3 on chip) and 2 lanes: chunk k covers
        // C = 2·(3·outer + inner) ..< +2, in that order; FX between them in the nest.
        let group = GroupSchedule(index: 0, name: "g", ops: [], nodes: [0], unit: "array",
                                  loops: [.init("C", 12), .init("FX", 2), .init("K", 4)], spatial: [.init("lanes", "C", 2)],
                                  levelLoops: [[.init("C", 3)], [.init("FX", 2)], [.init("C", 2), .init("K", 4)]])
        let chunks = LoopNest(group).reductionChunks()
        #expect(chunks.count == 12)
        #expect(chunks.prefix(4).map { [$0["C"]!.lowerBound, $0["FX"]!.lowerBound] } == [[0, 0], [2, 0], [4, 0], [0, 1]])
        #expect(chunks.map { $0["C"]!.count }.allSatisfy { $0 == 2 })
        #expect(LoopNest(group).outputBlocks().count == 4)
    }
}

@Suite struct TiledMatMulTests {
    @Test func randomProductsMatchTheInterpreter() throws {
        var rng = TestSeed.generator("TiledMatMulTests.random", default: 0x3A7)
        for _ in 0..<40 {
            let m = Int.random(in: 1...13, using: &rng), k = Int.random(in: 1...17, using: &rng), n = Int.random(in: 1...11, using: &rng)
            let graph: Graph, feeds: [String: GraphInterp.Tensor], extents: [String: Int]
            if Bool.random(using: &rng) {
                let ta = Bool.random(using: &rng), tb = Bool.random(using: &rng)
                let aShape = ta ? [k, m] : [m, k], bShape = tb ? [n, k] : [k, n]
                graph = oneNode("Gemm", [("a", aShape, nil), ("b", bShape, randomTensor(bShape, &rng)), ("c", [n], randomTensor([n], &rng))], output: [m, n],
                                attributes: ["transA": .int(ta ? 1 : 0), "transB": .int(tb ? 1 : 0), "alpha": .float(0.5), "beta": .float(2)])
                feeds = ["a": GraphInterp.Tensor(shape: aShape, floats: randomTensor(aShape, &rng))]
                extents = ["K": n, "C": k, "OX": m]
            } else {
                let batch = Int.random(in: 1...3, using: &rng)
                graph = oneNode("MatMul", [("a", [batch, 1, m, k], nil), ("b", [2, k, n], randomTensor([2, k, n], &rng))], output: [batch, 2, m, n])
                feeds = ["a": GraphInterp.Tensor(shape: [batch, 1, m, k], floats: randomTensor([batch, 1, m, k], &rng))]
                extents = ["B": batch * 2, "K": n, "C": k, "OX": m]
            }
            let group = randomSchedule(extents, meshDim: ["OX", "K", "C"].randomElement(using: &rng)!, rng: &rng)
            let r = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds)
            #expect(r[0].passed && r[0].note.isEmpty, "\(graph.nodes[0].op) \(extents) under \(group.levelLoops) \(group.spatial): \(r[0])")
        }
    }

    /// Integer products are exact in fp32 while |partial sums| < 2²⁴, so a tiled int8 product
    /// must equal the interpreter's bit for bit; a one-off difference must fail.
    @Test func int8IsExact() throws {
        var rng = SplitMix64(seed: 8)
        let (m, k, n) = (9, 40, 7)
        var g = Graph(name: "int8")
        let a = g.addValue("a", type: TensorType(.int8, Shape(known: [m, k])))
        let b = g.addValue("b", type: TensorType(.int8, Shape(known: [k, n])))
        let y = g.addValue("y", type: TensorType(.int8, Shape(known: [m, n])))
        g.inputs = [a, b]
        g.outputs = [y]
        g.nodes = [Node(name: "mm", op: "MatMul", inputs: [a, b], outputs: [y])]
        let ints = { (c: Int) in (0..<c).map { _ in Int64.random(in: -128...127, using: &rng) } }
        let feeds = ["a": GraphInterp.Tensor(dtype: .int8, shape: [m, k], i: ints(m * k)), "b": GraphInterp.Tensor(dtype: .int8, shape: [k, n], i: ints(k * n))]
        let group = GroupSchedule(index: 0, name: "mm", ops: ["MatMul"], nodes: [0], unit: "array",
                                  loops: [.init("K", n), .init("C", k), .init("OX", m)], spatial: [.init("lanes", "C", 8)],
                                  levelLoops: [[.init("C", 5), .init("K", 7), .init("OX", 3)], [], [.init("OX", 3)]])
        let r = try TiledRun(graph: g, groups: [group]).check(feeds: feeds)
        #expect(r[0].elementType == "int8" && r[0].passed && r[0].maxAbsError == 0 && r[0].absTolerance == 0)
        let faulted = try TiledRun(graph: g, groups: [group]).check(feeds: feeds, fault: Fault(kind: .partialSum, group: "0"))
        #expect(!faulted[0].passed)
        var off = try Interpreter(opset: 17).evaluate(g.nodes[0], [feeds["a"], feeds["b"]])[0]
        let ref = off
        off.i[3] += 1
        #expect(!Comparison().check(value: "y", group: 0, tiled: off, reference: ref).passed)
    }
}

@Suite struct TiledAttentionTests {
    /// Grouped-query attention with a mask, its three stages under random mappings; a dropped
    /// partial sum in either product must fail, the softmax stage takes the order fault.
    @Test func stagesMatchTheInterpreter() throws {
        var rng = TestSeed.generator("TiledAttentionTests.stages", default: 0xA77)
        for trial in 0..<12 {
            // The first trial is large enough for every fault to show (one key would make the
            // softmax 1 whatever the scores, and a lost Q·Kᵀ partial sum invisible).
            let (heads, kv, sq, skv, d) = trial == 0 ? (4, 2, 5, 7, 6)
                : (4, [1, 2, 4].randomElement(using: &rng)!, Int.random(in: 1...9, using: &rng), Int.random(in: 1...11, using: &rng), Int.random(in: 1...8, using: &rng))
            var g = Graph(name: "attention")
            let q = g.addValue("q", type: TensorType(.float32, Shape(known: [1, heads, sq, d])))
            let k = g.addConstant("k", .float32(randomTensor([1, kv, skv, d], &rng), dims: [1, kv, skv, d]))
            let v = g.addConstant("v", .float32(randomTensor([1, kv, skv, d], &rng), dims: [1, kv, skv, d]))
            let mask = g.addConstant("mask", .float32((0..<(sq * skv)).map { $0 % 3 == 2 ? -.infinity : 0 }, dims: [sq, skv]))
            let y = g.addValue("y", type: TensorType(.float32, Shape(known: [1, heads, sq, d])))
            g.inputs = [q]
            g.outputs = [y]
            g.nodes = [Node(name: "att", op: "Attention", domain: Node.sluiceDomain, inputs: [q, k, v, mask], outputs: [y])]
            var qk = randomSchedule(["B": heads, "K": skv, "C": d, "OX": sq], meshDim: "OX", rng: &rng)
            var pv = randomSchedule(["B": heads, "K": d, "C": skv, "OX": sq], meshDim: "K", rng: &rng)
            qk.index = 0; qk.name = "att/qk"
            pv.index = 2; pv.name = "att/pv"
            let softmax = GroupSchedule(index: 1, name: "att/softmax", ops: ["sluice.Attention"], nodes: [0], unit: "vector",
                                        loops: [.init("ELEMENTS", heads * sq * skv)], tileShape: [.init("ELEMENTS", skv)])
            let run = TiledRun(graph: g, groups: [qk, softmax, pv])
            let feeds = ["q": GraphInterp.Tensor(shape: [1, heads, sq, d], floats: randomTensor([1, heads, sq, d], &rng))]
            let r = try run.check(feeds: feeds)
            #expect(r.count == 1 && r[0].passed && r[0].note.isEmpty && r[0].group == 2, "trial \(trial): \(r)")
            if trial == 0 {
                for (stage, kind) in [("0", Fault.Kind.partialSum), ("2", .partialSum), ("1", .order)] {
                    let f = try run.check(feeds: feeds, fault: Fault(kind: kind, group: stage))
                    #expect(!f[0].passed, "\(kind) in stage \(stage)")
                }
            }
        }
    }
}

@Suite struct TiledVectorTests {
    @Test func poolingWithHalosMatchesTheInterpreter() throws {
        var rng = TestSeed.generator("TiledVectorTests.pool", default: 0x9001)
        var checked = 0
        while checked < 40 {
            let (n, c, h, w) = (Int.random(in: 1...2, using: &rng), Int.random(in: 1...5, using: &rng), Int.random(in: 3...15, using: &rng), Int.random(in: 3...11, using: &rng))
            let k = (Int.random(in: 1...3, using: &rng), Int.random(in: 1...3, using: &rng))
            let s = (Int.random(in: 1...2, using: &rng), Int.random(in: 1...2, using: &rng))
            let pads = [Int.random(in: 0...(k.0 - 1), using: &rng), Int.random(in: 0...(k.1 - 1), using: &rng), Int.random(in: 0...(k.0 - 1), using: &rng), Int.random(in: 0...(k.1 - 1), using: &rng)]
            let oh = (h + pads[0] + pads[2] - k.0) / s.0 + 1, ow = (w + pads[1] + pads[3] - k.1) / s.1 + 1
            guard oh > 0, ow > 0 else { continue }
            let op = Bool.random(using: &rng) ? "MaxPool" : "AveragePool"
            let graph = oneNode(op, [("x", [n, c, h, w], nil)], output: [n, c, oh, ow],
                                attributes: ["kernel_shape": .ints([Int64(k.0), Int64(k.1)]), "strides": .ints([Int64(s.0), Int64(s.1)]),
                                             "pads": .ints(pads.map(Int64.init)), "count_include_pad": .int(Int64(Int.random(in: 0...1, using: &rng)))])
            let tile = Int.random(in: 1...(n * c * oh * ow), using: &rng)
            let group = GroupSchedule(index: 0, name: "pool", ops: [op], nodes: [0], unit: "vector", loops: [.init("ELEMENTS", n * c * oh * ow)],
                                      tileShape: [.init("ELEMENTS", tile)])
            let feeds = ["x": GraphInterp.Tensor(shape: [n, c, h, w], floats: randomTensor([n, c, h, w], &rng))]
            let r = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds)
            #expect(r[0].passed && r[0].maxAbsError < 1e-6, "\(op) \(n)x\(c)x\(h)x\(w) k\(k) s\(s) p\(pads) tile \(tile): \(r[0])")
            if tile < ow * oh { // a tile boundary inside a plane: the halo fault must show
                let f = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds, fault: Fault(kind: .halo, group: "pool"))
                #expect(!f[0].passed || h <= 1)
            }
            checked += 1
        }
    }

    @Test func rowOperatorsMatchTheInterpreter() throws {
        var rng = SplitMix64(seed: 11)
        let x = GraphInterp.Tensor(shape: [3, 5, 7], floats: randomTensor([3, 5, 7], &rng))
        let cases: [(Graph, [String: GraphInterp.Tensor])] = [
            (oneNode("Softmax", [("x", [3, 5, 7], nil)], output: [3, 5, 7], attributes: ["axis": .int(-1)]), ["x": x]),
            (oneNode("LayerNormalization", [("x", [3, 5, 7], nil), ("s", [7], randomTensor([7], &rng)), ("b", [7], randomTensor([7], &rng))], output: [3, 5, 7]), ["x": x]),
            (oneNode("Add", [("x", [3, 5, 7], nil), ("b", [7], randomTensor([7], &rng))], output: [3, 5, 7]), ["x": x]),
            (oneNode("Concat", [("x", [3, 5, 7], nil), ("c", [3, 2, 7], randomTensor([3, 2, 7], &rng))], output: [3, 7, 7], attributes: ["axis": .int(1)]), ["x": x]),
            (oneNode("GlobalAveragePool", [("x", [3, 5, 7], nil)], output: [3, 5, 1]), ["x": x]),
        ]
        for (graph, feeds) in cases {
            let total = try Interpreter.run(graph, feeds: feeds)["y"]!.count
            let group = GroupSchedule(index: 0, name: "v", ops: [graph.nodes[0].op], nodes: [0], unit: "vector", loops: [.init("ELEMENTS", total)],
                                      tileShape: [.init("ELEMENTS", 5)])
            let r = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds)
            #expect(r[0].passed && r[0].note.isEmpty, "\(graph.nodes[0].op): \(r[0])")
            let f = try TiledRun(graph: graph, groups: [group]).check(feeds: feeds, fault: Fault(kind: .order, group: "0"))
            #expect(!f[0].passed, "\(graph.nodes[0].op) order fault")
        }
    }

    @Test func untileableGroupsRunWholeAndSaySo() throws {
        var rng = SplitMix64(seed: 12)
        let graph = oneNode("ReduceMean", [("x", [3, 4], nil)], output: [3, 1], attributes: ["axes": .ints([1])])
        let group = GroupSchedule(index: 0, name: "r", ops: ["ReduceMean"], nodes: [0], unit: "vector", loops: [.init("ELEMENTS", 3)], tileShape: [.init("ELEMENTS", 1)])
        let r = try TiledRun(graph: graph, groups: [group]).check(feeds: ["x": GraphInterp.Tensor(shape: [3, 4], floats: randomTensor([3, 4], &rng))])
        #expect(r[0].passed && r[0].note.hasPrefix("run untiled"))
        #expect(throws: TiledExecutionError.self) { try TiledRun(graph: graph, groups: [group]).check(feeds: ["x": GraphInterp.Tensor(shape: [3, 4], floats: randomTensor([3, 4], &rng))], fault: Fault(kind: .halo, group: "r")) }
    }
}

@Suite struct FaultTests {
    @Test func parsing() {
        #expect(Fault(parsing: "halo:3") == Fault(kind: .halo, group: "3"))
        #expect(Fault(parsing: "partial-sum:conv1") == Fault(kind: .partialSum, group: "conv1"))
        #expect(Fault(parsing: "order:0")?.kind == .order)
        for bad in ["halo", "halo:", "flip:1", ":1", ""] { #expect(Fault(parsing: bad) == nil, "\(bad)") }
        let groups = [GroupSchedule(index: 0, name: "a", ops: [], nodes: [0], unit: "array"), GroupSchedule(index: 1, name: "b", ops: [], nodes: [1], unit: "array")]
        #expect(Fault(kind: .halo, group: "b").groupIndex(in: groups) == 1)
        #expect(Fault(kind: .halo, group: "1").groupIndex(in: groups) == 1)
        #expect(Fault(kind: .halo, group: "7").groupIndex(in: groups) == nil)
    }
}
