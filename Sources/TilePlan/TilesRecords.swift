import Capnp
import ChipArch
import OpCost
import Schemas
import Tiling

/// The `group`, `edge` and `graph` records of a tiles stream (Formats/tiles.capnp).
enum TilesRecords {
    static func writeSummary(_ plan: GraphPlan, name: String, nodeCount: Int, into b: GraphSummary.Builder) {
        b.setName(name)
        b.nodeCount = UInt32(nodeCount)
        b.setObjective(plan.objective.rawValue)
        b.totalCycles = plan.cycles
        b.totalEnergyPj = plan.energyPj
        b.lowerBoundCycles = plan.boundCycles
        b.lowerBoundEnergyPj = plan.boundEnergyPj
        if let kv = plan.kvCache {
            b.setKvCache(kv.mode.rawValue)
            b.kvCacheBytes = kv.entries.reduce(0) { $0 + $1.bytes }
            b.kvResidentBytes = kv.residentBytes
            b.kvSetAsideBytes = kv.setAsideBytes
            b.setKvSramLevel(kv.level)
        }
    }

    static func writeEdge(_ e: GroupEdge, _ plan: GraphPlan, into b: TileEdge.Builder) {
        b.from = UInt32(e.from)
        b.to = UInt32(e.to)
        b.setValue(e.value)
        b.bytes = UInt64(e.bytes)
        let producer = plan.groups[e.from]
        b.bytesPerTile = UInt64((e.bytes + producer.tileCount - 1) / max(producer.tileCount, 1))
        if case .array(_, let r) = producer.unit, let outer = r.mapping.orders.last {
            b.setTileOrder(outer.reversed().map(\.description).joined(separator: " "))
        } else {
            b.setTileOrder("rows")
        }
    }

    static func loops(_ list: ListBuilder, _ items: [(String, Int)]) {
        for (i, (d, n)) in items.enumerated() {
            let e = list.structElement(at: i, as: LoopExtent.Builder.self)
            e.setDim(d)
            e.extent = UInt64(n)
        }
    }

    static func writeGroup(_ g: GroupPlan, _ arch: ChipArch, _ objective: Objective, into b: TileGroup.Builder) {
        b.index = UInt32(g.index)
        b.setName(g.name)
        b.setOps(g.ops)
        let nodes = b.initNodes(count: g.nodes.count)
        for (i, n) in g.nodes.enumerated() { nodes.setScalar(UInt32(n), at: i) }
        b.flops = g.instance.flops
        let model = CoreModel(arch: arch)
        let memories = arch.core.memories
        let bound = g.bound
        b.lowerBoundCycles = bound.cycles
        b.lowerBoundEnergyPj = bound.energyPj
        b.lowerBound = bound.value(objective)
        b.cycles = g.cycles
        b.energyPj = g.energyPj
        let value = objective.value(cycles: g.cycles, energyPj: g.energyPj)
        b.objectiveValue = value
        b.gap = bound.value(objective) > 0 ? value / bound.value(objective) - 1 : 0
        b.tileCount = UInt64(g.tileCount)
        b.residentBytes = g.residentBytes
        switch g.unit {
        case .array(let problem, let r):
            b.setUnit("array")
            writeArrayShape(b, problem, r, model, memories)
            writeLevels(b, memories, r.cost.levels, orders: r.mapping.orders, temporal: r.mapping.temporal)
            b.macs = problem.loops.macs
            b.compulsoryBytes = problem.totalElements(.weight) * problem.weightBytes + problem.totalElements(.input) * problem.inputBytes
                + problem.totalElements(.output) * problem.outputBytes
            b.computeCycles = r.cost.computeCycles
            b.stallCycles = r.cost.stallCycles
            b.fillDrainCycles = r.cost.fillDrainCycles
            b.macEnergyPj = r.cost.macEnergyPj
            b.utilization = problem.loops.macs / (r.cost.cycles * Double(arch.totalPEs))
            b.searchVisited = UInt64(r.visited)
            b.searchPruned = UInt64(r.pruned)
            b.searchComplete = r.complete
            if !r.complete { b.setNote("search stopped at its limit: the mapping is the best found, the gap still holds") }
        case .fused(let f):
            writeFused(f, g, arch, objective, into: b)
        case .vector(let v):
            b.setUnit("vector")
            loops(b.initLoops(count: 2), [("ELEMENTS", g.instance.outputElements), ("OPS", Int(g.instance.flops))])
            writeLevels(b, memories, v.levels, orders: nil, temporal: nil)
            loops(b.initTileShape(count: 1), [("ELEMENTS", v.tileElements)])
            b.compulsoryBytes = Double(g.instance.inputElements) * Double(arch.core.inputBits) / 8
                + Double(g.instance.outputElements) * Double(arch.core.outputBits) / 8
            b.computeCycles = v.computeCycles
            b.stallCycles = v.stallCycles
            b.fillDrainCycles = v.fillDrainCycles
            b.macEnergyPj = 0
            b.searchComplete = true
            b.setNote("vector unit: \(arch.core.vector.lanes) lanes per core")
        case .unplanned(let why):
            b.setUnit("unplanned")
            b.searchComplete = false
            b.setNote(why)
        case .view:
            b.setUnit("none")
            b.searchComplete = true
            b.setNote("relabels a tensor: no data moves")
        }
    }

    /// The loop nest, spatial unrolling and on-chip tile of an array mapping.
    static func writeArrayShape(_ b: TileGroup.Builder, _ problem: MacProblem, _ r: MapResult, _ model: CoreModel, _ memories: [ArchMemory]) {
        loops(b.initLoops(count: 8), LoopDim.allCases.map { ($0.description, problem.loops[$0]) })
        let sp = b.initSpatial(count: r.mapping.spatial.count)
        for (i, s) in r.mapping.spatial.enumerated() {
            let e = sp.structElement(at: i, as: SpatialUnroll.Builder.self)
            e.setArrayDim(model.spatialDims[i].name)
            e.setDim(s.dim.description)
            e.factor = UInt32(s.factor)
        }
        // The tile held on chip: everything inside the backing level.
        var shape = [Int](repeating: 1, count: 8)
        for m in 0..<(memories.count - 1) { for d in 0..<8 { shape[d] *= r.mapping.temporal[m][d] } }
        for s in r.mapping.spatial { shape[s.dim.rawValue] *= s.factor }
        loops(b.initTileShape(count: 8), LoopDim.allCases.map { ($0.description, shape[$0.rawValue]) })
    }

    /// A fused group: the chain's figures, the shape of its last MAC member (what placement
    /// and the simulator read: its loops, its spread over the mesh), and every member's own
    /// record (numbered as the fused group, so a check names the group its values come from).
    static func writeFused(_ f: FusedPlan, _ g: GroupPlan, _ arch: ChipArch, _ objective: Objective, into b: TileGroup.Builder) {
        let model = CoreModel(arch: arch)
        let memories = arch.core.memories
        let list = b.initMembers(count: f.members.count)
        var compulsory = 0.0, flops = 0.0, visited: UInt64 = 0, pruned: UInt64 = 0, complete = true
        for (i, m) in f.members.enumerated() {
            let mb = list.structElement(at: i, as: TileGroup.Builder.self)
            var member = m
            member.index = g.index
            writeGroup(member, arch, objective, into: mb)
            compulsory += mb.compulsoryBytes
            flops += mb.flops
            visited += mb.searchVisited
            pruned += mb.searchPruned
            complete = complete && mb.searchComplete
        }
        let lead = f.members.last { if case .array = $0.unit { return true } else { return false } }
        if let lead, case .array(let problem, let r) = lead.unit {
            b.setUnit("array")
            writeArrayShape(b, problem, r, model, memories)
        } else {
            b.setUnit("vector")
            loops(b.initLoops(count: 2), [("ELEMENTS", g.instance.outputElements), ("OPS", Int(flops))])
            loops(b.initTileShape(count: 1), [("ELEMENTS", max(1, g.instance.outputElements / max(f.tileCount, 1)))])
        }
        writeLevels(b, memories, f.levels, orders: nil, temporal: nil)
        let kept = f.intermediates.reduce(0) { $0 + $1.bytes }
        b.flops = flops
        b.macs = f.macs
        // Each intermediate is an output of one member and an input of the next: fused, neither moves.
        b.compulsoryBytes = max(0, compulsory - 2 * kept)
        b.computeCycles = f.computeCycles
        b.stallCycles = f.stallCycles
        b.fillDrainCycles = f.fillDrainCycles
        b.macEnergyPj = f.macEnergyPj
        b.utilization = f.cycles > 0 ? f.macs / (f.cycles * Double(arch.totalPEs)) : 0
        b.searchVisited = visited
        b.searchPruned = pruned
        b.searchComplete = complete
        b.setFusion(f.kind.rawValue)
        b.tileRows = UInt64(f.tileRows)
        b.intermediateBytes = kept
        b.footprintBytes = f.footprintBytes
        b.dramBytesSaved = f.dramBytesSaved
        let halo = f.kind == .attention ? "\(f.tileRows) query rows per block" : "\(f.tileRows) output rows per tile, halo rows cached"
        b.setNote("fused \(f.kind.rawValue) of \(f.members.count): \(halo); \(f.weightsResident ? "weights stay on chip" : "weights re-read per tile")")
    }

    static func writeLevels(_ b: TileGroup.Builder, _ memories: [ArchMemory], _ traffic: [LevelTraffic],
                            orders: [[LoopDim]]?, temporal: [[Int]]?) {
        let list = b.initLevels(count: memories.count)
        for (m, mem) in memories.enumerated() {
            let lb = list.structElement(at: m, as: LevelMapping.Builder.self)
            lb.setMemory(mem.name)
            if let orders, let temporal {
                loops(lb.initLoops(count: orders[m].count), orders[m].reversed().map { ($0.description, temporal[m][$0.rawValue]) })
            }
            let held = ArchOperand.allCases.filter { traffic[m].tileBytes[$0.rawValue] > 0 }
            lb.setOperands(held.map { Schemas.Operand(rawValue: UInt16($0.rawValue)) })
            let tb = lb.initTileBytes(count: held.count)
            for (i, o) in held.enumerated() { tb.setScalar(UInt64(traffic[m].tileBytes[o.rawValue].rounded(.up)), at: i) }
            lb.readBytes = traffic[m].readBytes
            lb.writeBytes = traffic[m].writeBytes
            lb.energyPj = traffic[m].energyPj
            lb.transferCycles = traffic[m].overlappedCycles + traffic[m].serialCycles
        }
    }
}
