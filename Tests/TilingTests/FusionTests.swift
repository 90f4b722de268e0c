import ChipArch
import GraphIR
import OpCost
import Testing
@testable import Tiling

/// The fusion pass: which chains fuse, what the fused group costs against its members alone,
/// the halo'd strips that must fit on chip, and `fuse = false` giving one group per node.
@Suite struct FusionTests {
    /// x → Conv 3×3 → Relu → Conv 3×3 (stride `stride`) → y, `c` channels of `h`×`h`.
    func convChain(c: Int = 16, h: Int = 32, stride: Int = 1) -> Graph {
        var g = Graph(name: "chain")
        let oh = (h + 2 - 3) / stride + 1
        let x = g.addValue("x", type: TensorType(.float32, Shape(known: [1, c, h, h])))
        let w1 = g.addValue("w1", type: TensorType(.float32, Shape(known: [c, c, 3, 3])))
        let w2 = g.addValue("w2", type: TensorType(.float32, Shape(known: [c, c, 3, 3])))
        let a = g.addValue("a", type: TensorType(.float32, Shape(known: [1, c, h, h])))
        let r = g.addValue("r", type: TensorType(.float32, Shape(known: [1, c, h, h])))
        let y = g.addValue("y", type: TensorType(.float32, Shape(known: [1, c, oh, oh])))
        g.inputs = [x, w1, w2]
        g.nodes = [Node(name: "conv1", op: "Conv", inputs: [x, w1], outputs: [a], attributes: ["pads": .ints([1, 1, 1, 1])]),
                   Node(name: "relu", op: "Relu", inputs: [a], outputs: [r]),
                   Node(name: "conv2", op: "Conv", inputs: [r, w2], outputs: [y],
                        attributes: ["pads": .ints([1, 1, 1, 1]), "strides": .ints([Int64(stride), Int64(stride)])])]
        g.outputs = [y]
        return g
    }

    func plan(_ g: Graph, _ arch: ChipArch = .tpuLike, fuse: Bool, objective: Objective = .energy) throws -> GraphPlan {
        var options = PlanOptions()
        options.objective = objective
        options.fuse = fuse
        options.limits = SearchLimits(maxVisits: 3000, seconds: nil)
        return try Planner.plan(g, on: arch, options)
    }

    @Test func noFuseIsOneGroupPerNode() throws {
        let p = try plan(convChain(), fuse: false)
        #expect(p.groups.map(\.nodes) == [[0], [1], [2]])
        #expect(p.edges.map { [$0.from, $0.to] } == [[0, 1], [1, 2]])
    }

    @Test func convChainFusesAndSavesTheIntermediates() throws {
        let alone = try plan(convChain(), fuse: false)
        let fused = try plan(convChain(), fuse: true)
        #expect(fused.groups.count == 1)
        guard case .fused(let f) = try #require(fused.groups.first).unit else {
            Issue.record("not fused: \(fused.groups.map(\.unit))")
            return
        }
        #expect(f.kind == .convChain)
        #expect(f.members.map(\.nodes) == [[0], [1], [2]])
        #expect(fused.edges.isEmpty)
        // Two intermediates (the conv's output and the Relu's), 16×32×32 one-byte elements each.
        let image: Double = 16 * 32 * 32
        #expect(f.intermediates.map(\.bytes) == [image, image])
        // The members keep their own mappings; what changes is the DRAM traffic: each
        // intermediate's write and read, at DRAM energy, less any weight re-reads.
        let dram = ChipArch.tpuLike.core.memories.last!
        let intermediates = f.intermediates.reduce(0) { $0 + $1.bytes }
        let rereads = 2 * intermediates - f.dramBytesSaved
        #expect(rereads >= 0)
        let perByte: Double = dram.readPjPerByte + dram.writePjPerByte
        let expected: Double = alone.energyPj - intermediates * perByte + rereads * dram.readPjPerByte
        #expect(abs(f.energyPj - expected) <= 1e-6 * expected)
        #expect(f.energyPj < alone.energyPj)
        var macs = 0.0
        for g in alone.groups { if case .array(let p, _) = g.unit { macs += p.loops.macs } }
        #expect(f.macs == macs)
        // The certificate still holds.
        #expect(f.bound.energyPj <= f.energyPj && f.bound.cycles <= f.cycles)
        #expect(f.footprintBytes <= f.capacityBytes)
    }

    @Test func haloRowsFollowTheStrides() throws {
        // A strip of R output rows of a 3×3 stride-2 conv needs 2R+1 rows of its input, which a
        // pointwise Relu passes up unchanged, and the first 3×3 conv needs two more.
        var arch = ChipArch.tpuLike
        let sram = arch.core.memories.firstIndex { $0.name.hasPrefix("sram") }!
        // Room for a few rows only: the strip, not the whole image, must fit.
        arch.coreTypes[arch.mesh.coreType].memories[sram].bytes = 8 * 1024
        let p = try plan(convChain(c: 16, h: 32, stride: 2), arch, fuse: true)
        guard let g = p.groups.first(where: { if case .fused = $0.unit { return true } else { return false } }),
              case .fused(let f) = g.unit else {
            Issue.record("nothing fused: \(p.groups.map(\.name))")
            return
        }
        let r = f.tileRows
        #expect(f.members.count == 3)
        #expect(r < 16)
        #expect(f.tileCount == (16 + r - 1) / r)
        let rowBytes = 16.0 * 32
        let strip: Double = Double(min(2 * r + 1, 32)) * rowBytes
        #expect(f.intermediates.map(\.tileBytes) == [strip, strip])
        #expect(f.footprintBytes <= f.capacityBytes)
    }

    @Test func noRoomMeansNoFusion() throws {
        var arch = ChipArch.tpuLike
        let sram = arch.core.memories.firstIndex { $0.name.hasPrefix("sram") }!
        arch.coreTypes[arch.mesh.coreType].memories[sram].bytes = 2048   // not even one halo'd strip of every value
        let p = try plan(convChain(c: 64, h: 32), arch, fuse: true)
        for g in p.groups { if case .fused(let f) = g.unit { Issue.record("fused with footprint \(f.footprintBytes) of \(f.capacityBytes)") } }
    }

    @Test func attentionIsOneGroup() throws {
        var g = Graph(name: "attention")
        let q = g.addValue("q", type: TensorType(.float32, Shape(known: [1, 4, 128, 32])))
        let k = g.addValue("k", type: TensorType(.float32, Shape(known: [1, 4, 128, 32])))
        let v = g.addValue("v", type: TensorType(.float32, Shape(known: [1, 4, 128, 32])))
        let y = g.addValue("y", type: TensorType(.float32, Shape(known: [1, 4, 128, 32])))
        g.inputs = [q, k, v]
        g.outputs = [y]
        g.nodes = [Node(name: "att", op: "Attention", domain: Node.sluiceDomain, inputs: [q, k, v], outputs: [y])]
        let alone = try plan(g, fuse: false)
        #expect(alone.groups.map(\.name) == ["att/qk", "att/softmax", "att/pv"])
        let fused = try plan(g, fuse: true)
        #expect(fused.groups.count == 1)
        guard case .fused(let f) = fused.groups[0].unit else { Issue.record("not fused"); return }
        #expect(f.kind == .attention)
        #expect(f.members.map(\.name) == ["att/qk", "att/softmax", "att/pv"])
        // Scores and probabilities: 4 heads × 128 × 128, never in DRAM.
        let scores: Double = 4 * 128 * 128
        #expect(f.intermediates.map(\.bytes) == [scores, scores])
        #expect(f.energyPj < alone.energyPj)
        #expect(f.bound.energyPj <= f.energyPj)
    }

    @Test func normStreamsTheGemmRows() throws {
        var g = Graph(name: "gemm-norm")
        let x = g.addValue("x", type: TensorType(.float32, Shape(known: [1, 64, 128])))
        let w = g.addValue("w", type: TensorType(.float32, Shape(known: [128, 256])))
        let s = g.addValue("s", type: TensorType(.float32, Shape(known: [256])))
        let m = g.addValue("m", type: TensorType(.float32, Shape(known: [1, 64, 256])))
        let y = g.addValue("y", type: TensorType(.float32, Shape(known: [1, 64, 256])))
        g.inputs = [x, w, s]
        g.outputs = [y]
        g.nodes = [Node(name: "proj", op: "MatMul", inputs: [x, w], outputs: [m]),
                   Node(name: "norm", op: "RMSNormalization", inputs: [m, s], outputs: [y])]
        let alone = try plan(g, fuse: false)
        let fused = try plan(g, fuse: true)
        #expect(fused.groups.count == 1)
        guard case .fused(let f) = fused.groups[0].unit else { Issue.record("not fused: \(fused.groups.map(\.name))"); return }
        #expect(f.kind == .normGemm)
        let rows: Double = 64 * 256
        #expect(f.intermediates.map(\.bytes) == [rows])
        #expect(f.energyPj < alone.energyPj)
    }

    @Test func aSharedIntermediateDoesNotFuse() throws {
        // conv1's output also leaves the graph: it must reach DRAM, so conv1 stays alone.
        var g = convChain()
        g.outputs.append(g.nodes[0].outputs[0])
        let p = try plan(g, fuse: true)
        #expect(p.groups.first?.nodes == [0])
        if case .fused = p.groups[0].unit { Issue.record("fused a value the graph outputs") }
    }
}
