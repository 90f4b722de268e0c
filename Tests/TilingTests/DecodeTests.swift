import ChipArch
import GraphIR
import OpCost
import Testing
@testable import Tiling

/// LLM decode: GEMV-shaped operators on the array, and the KV cache charged streamed from DRAM
/// or resident in SRAM (`--kv-cache`).
@Suite struct DecodeTests {
    /// One layer's cache step: past_key/past_value [1, 2, past, 16] ++ the new token's rows →
    /// present_key/present_value (graph outputs), each read by a consumer on the vector unit.
    func cacheStep(past: Int) -> Graph {
        var g = Graph(name: "decode")
        var outputs: [ValueID] = []
        for name in ["key", "value"] {
            let p = g.addValue("past_\(name)", type: TensorType(.float32, Shape(known: [1, 2, past, 16])))
            let n = g.addValue("new_\(name)", type: TensorType(.float32, Shape(known: [1, 2, 1, 16])))
            let c = g.addValue("present_\(name)", type: TensorType(.float32, Shape(known: [1, 2, past + 1, 16])))
            let y = g.addValue("y_\(name)", type: TensorType(.float32, Shape(known: [1, 2, past + 1, 16])))
            g.inputs += [p, n]
            g.nodes += [Node(name: "concat_\(name)", op: "Concat", inputs: [p, n], outputs: [c], attributes: ["axis": .int(2)]),
                        Node(name: "use_\(name)", op: "Neg", inputs: [c], outputs: [y])]
            outputs += [c, y]
        }
        g.outputs = outputs
        return g
    }

    func plan(_ g: Graph, _ mode: KVCacheMode, sram: Double? = nil, arch: ChipArch = .mesh8x8) throws -> GraphPlan {
        var options = PlanOptions()
        options.kvCache = mode
        options.kvSramBytes = sram
        options.limits = SearchLimits(maxVisits: 2000, seconds: nil)
        return try Planner.plan(g, on: arch, options)
    }

    /// DRAM bytes read and written by every group.
    /// Every group's lower bound at or below its cost, in cycles and energy.
    func expectBoundsBelowCost(_ plans: [GraphPlan]) {
        for p in plans {
            for group in p.groups {
                #expect(group.bound.cycles <= group.cycles * (1 + 1e-12), "\(group.name)")
                #expect(group.bound.energyPj <= group.energyPj * (1 + 1e-12), "\(group.name)")
            }
        }
    }

    func dramBytes(_ plan: GraphPlan) -> Double {
        plan.groups.reduce(0) { total, g in
            let levels: [LevelTraffic]
            switch g.unit {
            case .array(_, let r): levels = r.cost.levels
            case .vector(let v): levels = v.levels
            case .fused(let f): levels = f.levels
            default: return total
            }
            return total + levels.last!.readBytes + levels.last!.writeBytes
        }
    }

    @Test func gemvUnrollsTheDimensionsThatExist() throws {
        for arch in [ChipArch.tpuLike, .mesh8x8] {
            let model = CoreModel(arch: arch)
            let problem = MacProblem(loops: MacLoops([.k: 512, .c: 512, .ox: 1]), core: model.core)
            for objective in Objective.allCases {
                let r = try Mapper.map(problem, on: model, objective: objective, limits: SearchLimits(maxVisits: 20000, seconds: nil))
                // Nothing to unroll over the one row: every PE in use comes from N (K) and K (C).
                let used = r.mapping.spatial.reduce(1) { $0 * $1.factor }
                #expect(r.mapping.spatial.allSatisfy { $0.factor == 1 || $0.dim == .k || $0.dim == .c })
                // Latency wants the PEs (energy may leave them idle: idle PEs cost nothing here).
                if objective != .energy {
                    #expect(used >= arch.totalPEs / 16, "\(arch.name) \(objective): \(used) PEs of \(arch.totalPEs)")
                }
                #expect(r.bound.cycles <= r.cost.cycles * (1 + 1e-12))
                #expect(r.bound.energyPj <= r.cost.energyPj * (1 + 1e-12))
                // Memory-bound: the bound holds the compulsory weight bytes over DRAM bandwidth.
                let dram = model.core.memories.last!
                #expect(r.bound.cycles >= dram.portCycles(reads: 512 * 512 * problem.weightBytes, writes: 0))
                #expect(r.gap >= 0 && r.gap.isFinite)
            }
        }
    }

    @Test func residentAndStreamedDifferByTheCacheBytes() throws {
        let g = cacheStep(past: 511)
        let copy = try plan(g, .copy), streamed = try plan(g, .streamed), resident = try plan(g, .resident)
        let cache = 2.0 * (2 * 512 * 16)   // present K and V, int8 on mesh-8x8
        let pastBytes = 2.0 * (2 * 511 * 16)
        #expect(copy.kvCache == nil)
        #expect(streamed.kvCache?.entries.count == 2)
        #expect(resident.kvCache?.residentBytes == cache)
        // The append neither reads nor writes the past rows again.
        #expect(abs(dramBytes(copy) - dramBytes(streamed) - 2 * pastBytes) < 1e-6)
        #expect(abs(dramBytes(streamed) - dramBytes(resident) - cache) < 1e-6)
        #expect(resident.groups.reduce(0) { $0 + $1.residentBytes } == cache)
        #expect(resident.energyPj < streamed.energyPj)
        expectBoundsBelowCost([streamed, resident])
    }

    @Test func aCacheThatDoesNotFitStreams() throws {
        let g = cacheStep(past: 511)
        // Room for one of the two 16 KiB tensors: the key is pinned, the value streams.
        let one = try plan(g, .resident, sram: 20_000)
        #expect(one.kvCache?.entries.map(\.resident) == [true, false])
        let none = try plan(g, .resident, sram: 0)
        #expect(none.kvCache?.residentBytes == 0)
        #expect(abs(dramBytes(none) - dramBytes(try plan(g, .streamed))) < 1e-6)
        #expect(throws: PlanError.self) { try plan(g, .resident, sram: 1e12) }
    }

    @Test func pinnedSramIsTakenFromTheTiles() throws {
        let model = CoreModel(arch: .mesh8x8)
        let g = cacheStep(past: 4095)
        let shapes = ValueShapes(graph: g, symbols: [:])
        let kv = try KVCache.find(g, shapes, model, mode: .resident, setAside: nil)
        let (level, capacity) = try #require(KVCache.level(model))
        #expect(kv.setAsideBytes == capacity / 2)
        let reserved = CoreModel(arch: KVCache.reserve(.mesh8x8, kv, model))
        let left = Double(reserved.core.memories[level].usableBytes) * reserved.instancesOf(level)
        #expect(left <= capacity - kv.residentBytes)
        #expect(left > capacity - kv.residentBytes - reserved.instancesOf(level))
    }

    @Test func attentionReadsTheResidentCacheInTheRightStage() throws {
        var g = Graph(name: "attend")
        let q = g.addValue("q", type: TensorType(.float32, Shape(known: [1, 2, 1, 16])))
        var present: [ValueID] = []
        for name in ["key", "value"] {
            let p = g.addValue("past_\(name)", type: TensorType(.float32, Shape(known: [1, 2, 255, 16])))
            let n = g.addValue("new_\(name)", type: TensorType(.float32, Shape(known: [1, 2, 1, 16])))
            let c = g.addValue("present_\(name)", type: TensorType(.float32, Shape(known: [1, 2, 256, 16])))
            g.inputs += [p, n]
            g.nodes.append(Node(name: "concat_\(name)", op: "Concat", inputs: [p, n], outputs: [c], attributes: ["axis": .int(2)]))
            present.append(c)
        }
        let y = g.addValue("y", type: TensorType(.float32, Shape(known: [1, 2, 1, 16])))
        g.inputs.append(q)
        g.nodes.append(Node(name: "att", op: "Attention", domain: Node.sluiceDomain, inputs: [q] + present, outputs: [y]))
        g.outputs = present + [y]
        let tensor = 2.0 * 256 * 16
        var options = PlanOptions()
        options.kvCache = .resident
        options.limits = SearchLimits(maxVisits: 2000, seconds: nil)
        options.fuse = false
        let alone = try Planner.plan(g, on: .mesh8x8, options)
        #expect(alone.groups.filter { $0.name.hasPrefix("att/") }.map(\.residentBytes) == [tensor, 0, tensor])
        options.fuse = true
        let fused = try Planner.plan(g, on: .mesh8x8, options)
        let att = try #require(fused.groups.first { $0.name == "att" })
        #expect(att.residentBytes == 2 * tensor)
        expectBoundsBelowCost([alone, fused])
    }

    @Test func decodePlanIsTheSameEveryTime() throws {
        let g = cacheStep(past: 127)
        let a = try plan(g, .resident), b = try plan(g, .resident)
        #expect(a.groups.map(\.cycles) == b.groups.map(\.cycles))
        #expect(a.groups.map(\.energyPj) == b.groups.map(\.energyPj))
        #expect(a.groups.map(\.residentBytes) == b.groups.map(\.residentBytes))
    }
}
