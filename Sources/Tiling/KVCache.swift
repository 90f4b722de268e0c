import ChipArch
import GraphIR
import OpCost

/// How a decode step's KV cache is charged (`tile-plan --kv-cache`, Docs/tile.md "Decode").
public enum KVCacheMode: String, Sendable, CaseIterable {
    /// As the graph says: each Concat copies the whole cache (reads the past, writes the present).
    case copy
    /// The cache lives in DRAM and grows in place: the Concat writes only the new token's rows;
    /// every consumer reads the whole cache from DRAM each step.
    case streamed
    /// As `streamed`, but a layer's cache that fits the SRAM set aside for caches stays on chip
    /// across steps: its consumers read it from that SRAM, not from DRAM.
    case resident
}

/// One cache tensor of a decode step, found by the rule of `KVCache.find`: a graph input (the
/// past) that feeds a Concat whose output (the present) is a graph output.
public struct KVCacheEntry: Sendable, Hashable {
    public var past: String
    public var present: String
    /// Bytes of the present cache (past and new rows) at the step's length.
    public var bytes: Double
    /// Bytes of the past rows: what an in-place append does not copy.
    public var pastBytes: Double
    /// Whether it stays in SRAM (resident mode, and it fit).
    public var resident: Bool
}

/// The KV cache of a plan: which cache tensors there are, which stay on chip and the SRAM set aside.
public struct KVCachePlan: Sendable {
    public var mode: KVCacheMode
    public var entries: [KVCacheEntry]
    /// The on-chip level the resident caches are pinned in (the largest one holding weights:
    /// attention reads K and V as its weight operand), "" when the core has none.
    public var level: String
    /// SRAM set aside for caches, all instances of `level` together.
    public var setAsideBytes: Double
    public var residentBytes: Double { entries.filter(\.resident).reduce(0) { $0 + $1.bytes } }
    public var streamedBytes: Double { entries.filter { !$0.resident }.reduce(0) { $0 + $1.bytes } }
}

/// The KV-cache pass of the planner.
///
/// Rule: a cache tensor is a graph input that feeds a Concat whose output is a graph output
/// (how decoder-with-past models are exported: past_key_L ++ new key → present_key_L). In
/// `streamed` and `resident` mode that Concat is an in-place append: its DRAM reads and writes of
/// the past rows are taken off (the new rows are still written). In `resident` mode, caches are
/// taken in graph order while their bytes fit the set-aside SRAM; every group that reads a
/// resident present tensor (through views: Unsqueeze, Reshape) reads those bytes from that SRAM
/// instead of DRAM, and the SRAM they pin is taken from the level before any group is planned.
enum KVCache {
    /// Index of the on-chip level resident caches are pinned in, and its bytes over all instances.
    static func level(_ model: CoreModel) -> (index: Int, capacity: Double)? {
        let memories = model.core.memories
        return (0..<(memories.count - 1)).filter { memories[$0].holds(.weight) }
            .map { ($0, Double(memories[$0].usableBytes) * model.instancesOf($0)) }
            .max { $0.1 < $1.1 }
    }

    /// The cache tensors of `graph` and, in resident mode, which of them fit `setAside` bytes
    /// (default: half the pinning level). Throws when `setAside` exceeds the level.
    static func find(_ graph: Graph, _ shapes: ValueShapes, _ model: CoreModel, mode: KVCacheMode, setAside: Double?) throws -> KVCachePlan {
        let bytesPerElement = Double(model.core.inputBits) / 8
        let inputs = Set(graph.inputs), outputs = Set(graph.outputs)
        let pin = level(model)
        let capacity = pin?.capacity ?? 0
        if let setAside, setAside > capacity {
            let name = pin.map { model.core.memories[$0.index].name } ?? "no on-chip weight memory"
            throw PlanError(node: "--kv-sram", reason: "\(Int(setAside)) bytes is more than the \(Int(capacity)) bytes of \(name) over the whole chip")
        }
        let budget = setAside ?? capacity / 2
        var entries: [KVCacheEntry] = []
        var pinned = 0.0
        for node in graph.nodes where node.qualifiedOp == "Concat" && node.outputs.count == 1 && outputs.contains(node.outputs[0]) {
            guard let past = node.inputs.first(where: { inputs.contains($0) }),
                  let whole = shapes(node.outputs[0]), let part = shapes(past) else { continue }
            let bytes = Double(whole.reduce(1, *)) * bytesPerElement
            let resident = mode == .resident && pinned + bytes <= budget
            if resident { pinned += bytes }
            entries.append(KVCacheEntry(past: graph.values[past].name, present: graph.values[node.outputs[0]].name, bytes: bytes,
                                        pastBytes: Double(part.reduce(1, *)) * bytesPerElement, resident: resident))
        }
        return KVCachePlan(mode: mode, entries: entries, level: pin.map { model.core.memories[$0.index].name } ?? "",
                           setAsideBytes: mode == .resident ? budget : 0)
    }

    /// `arch` with the resident caches' bytes taken from the pinning level (per instance): what
    /// the tiles of every group may use.
    static func reserve(_ arch: ChipArch, _ plan: KVCachePlan, _ model: CoreModel) -> ChipArch {
        guard plan.residentBytes > 0, let pin = level(model) else { return arch }
        var arch = arch
        let t = arch.mesh.coreType
        var m = arch.coreTypes[t].memories[pin.index]
        let perInstance = (plan.residentBytes / model.instancesOf(pin.index)).rounded(.up)
        let usable = max(0, Double(m.usableBytes) - perInstance)
        m.bytes = Int(m.doubleBuffered ? 2 * usable : usable)
        arch.coreTypes[t].memories[pin.index] = m
        return arch
    }

    /// The groups with the cache traffic of `plan` applied (see the type's comment).
    static func apply(_ groups: inout [GroupPlan], _ plan: KVCachePlan, _ graph: Graph, _ model: CoreModel) {
        guard plan.mode != .copy else { return }
        // A node's groups: one, or an unfused Attention's three stages (Q·Kᵀ reads K, ·V reads V).
        var groupsOf: [Int: [Int]] = [:]
        for g in groups { for n in g.nodes { groupsOf[n, default: []].append(g.index) } }
        func groupOf(_ n: Int, reading v: ValueID? = nil) -> Int? {
            guard let all = groupsOf[n] else { return nil }
            if all.count > 1, let v, graph.nodes[n].inputs.firstIndex(of: v) == 1 { return all.first }
            return all.last
        }
        let pin = level(model)
        for e in plan.entries {
            guard let present = graph.values.firstIndex(where: { $0.name == e.present }),
                  let concat = graph.nodes.firstIndex(where: { $0.outputs.contains(present) }), let g = groupOf(concat) else { continue }
            // The append: the past rows are neither read nor written again.
            groups[g].changeTraffic(reads: -e.pastBytes, writes: -e.pastBytes, sramReads: 0, sram: nil, reading: nil, graph, model)
            guard e.resident, let pin else { continue }
            // Consumers of the present tensor, through views.
            var frontier = [present], seen = Set<Int>()
            while let v = frontier.popLast() {
                for (n, node) in graph.nodes.enumerated() where node.inputs.contains(v) && n != concat {
                    guard let c = groupOf(n, reading: v), seen.insert(n).inserted else { continue }
                    if case .view = groups[c].unit {
                        frontier.append(contentsOf: node.outputs)
                        continue
                    }
                    if case .unplanned = groups[c].unit { continue }
                    groups[c].changeTraffic(reads: -e.bytes, writes: 0, sramReads: e.bytes, sram: pin.index, reading: (n, v), graph, model)
                    groups[c].residentBytes += e.bytes
                }
            }
        }
    }
}

extension GroupPlan {
    /// Changes the DRAM traffic of this group by `reads` and `writes` bytes (negative: not moved)
    /// and adds `sramReads` bytes read from on-chip level `sram` instead: bytes, energy, port time
    /// and latency as eq. 8 recomputes them, and the lower bound by the same compulsory bytes.
    /// In a fused group the member that reads value `reading.1` of node `reading.0` takes the
    /// change (attention: Q·Kᵀ reads K, ·V reads V), else the first member.
    mutating func changeTraffic(reads: Double, writes: Double, sramReads: Double, sram: Int?, reading: (Int, ValueID)?,
                                _ graph: Graph, _ model: CoreModel) {
        let memories = model.core.memories
        let L = memories.count
        let backing = memories[L - 1]
        let dramInstances = model.instancesOf(L - 1)
        func boundDelta(_ r: Double, _ w: Double) -> LowerBound {
            var pj = r * backing.readPjPerByte + w * backing.writePjPerByte
            let cycles = backing.portCyclesOfChange(reads: r / dramInstances, writes: w / dramInstances)
            if let sram, sramReads > 0 { pj += sramReads * memories[sram].readPjPerByte }
            return LowerBound(cycles: cycles, energyPj: pj)
        }
        func apply(_ b: inout LowerBound, _ d: LowerBound) {
            b = LowerBound(cycles: max(0, b.cycles + min(0, d.cycles)), energyPj: max(0, b.energyPj + d.energyPj))
        }
        switch unit {
        case .array(let p, var r):
            guard var c = MemberCost(self) else { return }
            let (rr, ww) = c.change(reads: reads, writes: writes, sramReads: sramReads, sram: sram, model)
            r.cost.levels = c.levels
            r.cost.energyPj = c.energy
            r.cost.cycles = c.cycles
            r.cost.stallCycles = c.cycles - c.compute - c.fillDrain
            apply(&r.bound, boundDelta(rr, ww))
            unit = .array(p, r)
        case .vector(var v):
            guard var c = MemberCost(self) else { return }
            let (rr, ww) = c.change(reads: reads, writes: writes, sramReads: sramReads, sram: sram, model)
            v.levels = c.levels
            v.energyPj = c.energy
            v.cycles = c.cycles
            v.stallCycles = c.cycles - c.compute - c.fillDrain
            apply(&v.bound, boundDelta(rr, ww))
            unit = .vector(v)
        case .fused(var f):
            var k = 0
            if let (n, v) = reading, f.kind == .attention, let at = graph.nodes[n].inputs.firstIndex(of: v) {
                k = at == 2 ? f.members.count - 1 : 0
            } else if let (n, _) = reading, let at = f.members.firstIndex(where: { $0.nodes.contains(n) }) {
                k = at
            }
            let before = f.members[k]
            var after = before
            after.changeTraffic(reads: reads, writes: writes, sramReads: sramReads, sram: sram, reading: reading, graph, model)
            f.members[k] = after
            let dc = after.cycles - before.cycles
            f.cycles += dc
            f.stallCycles += dc
            f.energyPj += after.energyPj - before.energyPj
            if let old = MemberCost(before)?.levels, let new = MemberCost(after)?.levels {
                for m in 0..<L {
                    f.levels[m].readBytes += new[m].readBytes - old[m].readBytes
                    f.levels[m].writeBytes += new[m].writeBytes - old[m].writeBytes
                    f.levels[m].energyPj += new[m].energyPj - old[m].energyPj
                    f.levels[m].overlappedCycles += new[m].overlappedCycles - old[m].overlappedCycles
                    f.levels[m].serialCycles += new[m].serialCycles - old[m].serialCycles
                }
            }
            apply(&f.bound, LowerBound(cycles: after.bound.cycles - before.bound.cycles, energyPj: after.bound.energyPj - before.bound.energyPj))
            unit = .fused(f)
        case .view, .unplanned:
            return
        }
    }
}

extension MemberCost {
    /// `changeBacking`, then `sramReads` bytes read at level `sram` (overlapped with compute, as
    /// the PEs' own reads are); returns the backing change actually made (never below zero bytes).
    mutating func change(reads: Double, writes: Double, sramReads: Double, sram: Int?, _ model: CoreModel) -> (Double, Double) {
        let L = levels.count
        let memories = model.core.memories
        let before = (levels[L - 1].readBytes, levels[L - 1].writeBytes)
        changeBacking(reads: reads, writes: writes, memories[L - 1], instances: model.instancesOf(L - 1))
        if let sram, sramReads > 0 {
            let m = memories[sram]
            levels[sram].readBytes += sramReads
            let pj = sramReads * m.readPjPerByte
            levels[sram].energyPj += pj
            energy += pj
            levels[sram].overlappedCycles += m.portCycles(reads: sramReads / model.instancesOf(sram), writes: 0)
        }
        return (levels[L - 1].readBytes - before.0, levels[L - 1].writeBytes - before.1)
    }
}
