import ChipArch
import GraphIR
import OpCost

/// What a fused group chains together.
public enum FusionKind: String, Sendable, Hashable {
    /// Convolutions (and the pooling or activations between them), run depth-first in strips
    /// of output rows, each strip needing a halo of rows of the value before it.
    case convChain = "conv-chain"
    /// A GEMM and the LayerNorm/RMSNorm before or after it: the norm streams the GEMM's rows.
    case normGemm = "norm-gemm"
    /// graph-opt's Attention node as one group: Q·Kᵀ, softmax and ·V per block of query rows
    /// (the flash-attention schedule), the scores never leaving the chip.
    case attention
}

/// A value passed between two members of a fused group: it stays on chip, never written to DRAM.
public struct FusedValue: Sendable, Hashable {
    public var name: String
    /// The whole tensor.
    public var bytes: Double
    /// What one depth-first tile keeps of it (halo rows included).
    public var tileBytes: Double
}

/// How a chain of operators runs as one group (Docs/tile.md, "Fusion").
///
/// Cost model: every member keeps the mapping the search chose for it alone; fused, each
/// intermediate's compulsory DRAM write (by its producer) and read (by its consumer) is taken
/// off the backing level and the member's latency recomputed with the shorter port time; what
/// depth-first tiling adds is charged: weights re-read from DRAM once per tile when they do not
/// all stay on chip (K and V once per query block for attention). Halo rows are cached (a line
/// buffer: each intermediate row is computed once), so MACs are those of the members alone and
/// the halo costs SRAM, counted in the footprint, not compute.
public struct FusedPlan: Sendable {
    public var kind: FusionKind
    /// Each member as planned alone (its own mapping), in order.
    public var members: [GroupPlan]
    public var intermediates: [FusedValue]
    /// Rows of the last output per depth-first tile (attention: query rows per block).
    public var tileRows: Int
    public var tileCount: Int
    /// On-chip bytes one tile needs (input, intermediate and output strips, halos included).
    public var footprintBytes: Double
    /// Of the on-chip level holding activations, all instances together.
    public var capacityBytes: Double
    /// Whether every member's weights stay on chip across tiles (else re-read once per tile).
    public var weightsResident: Bool
    /// DRAM bytes the fused group does not move (intermediates written and read, less re-reads).
    public var dramBytesSaved: Double
    public var cycles: Double
    public var computeCycles: Double
    public var stallCycles: Double
    public var fillDrainCycles: Double
    public var energyPj: Double
    public var macEnergyPj: Double
    public var levels: [LevelTraffic]
    public var bound: LowerBound
    /// MACs of the array members.
    public var macs: Double
}

/// A member's figures as the fusion cost model adjusts them.
struct MemberCost {
    var compute: Double
    var fillDrain: Double
    var energy: Double
    var macPj: Double
    var levels: [LevelTraffic]
    var macs: Double

    init?(_ g: GroupPlan) {
        switch g.unit {
        case .array(let p, let r):
            (compute, fillDrain, energy, macPj, levels, macs) = (r.cost.computeCycles, r.cost.fillDrainCycles, r.cost.energyPj,
                                                                 r.cost.macEnergyPj, r.cost.levels, p.loops.macs)
        case .vector(let v):
            (compute, fillDrain, energy, macPj, levels, macs) = (v.computeCycles, v.fillDrainCycles, v.energyPj, 0, v.levels, 0)
        default: return nil
        }
    }

    /// Latency (eq. 8): max(compute, longest overlapped port time) + serial port time + fill/drain.
    var body: Double { max(compute, levels.map(\.overlappedCycles).max() ?? 0) + levels.reduce(0) { $0 + $1.serialCycles } }
    var cycles: Double { body + fillDrain }

    /// Changes the backing level's reads and writes by `reads` and `writes` bytes (negative:
    /// traffic the fused group does not move): bytes, energy, and port time, split between the
    /// overlapped and serial sides as the member's own backing time is.
    mutating func changeBacking(reads: Double, writes: Double, _ memory: MemoryLevel, instances: Double) {
        let L = levels.count
        let r = max(reads, -levels[L - 1].readBytes), w = max(writes, -levels[L - 1].writeBytes)
        levels[L - 1].readBytes += r
        levels[L - 1].writeBytes += w
        let pj = r * memory.readPjPerByte + w * memory.writePjPerByte
        levels[L - 1].energyPj += pj
        energy += pj
        let dt = memory.portCyclesOfChange(reads: r / instances, writes: w / instances)
        let ov = levels[L - 1].overlappedCycles, se = levels[L - 1].serialCycles
        let share = ov + se > 0 ? ov / (ov + se) : 1
        levels[L - 1].overlappedCycles = max(0, ov + dt * share)
        levels[L - 1].serialCycles = max(0, se + dt * (1 - share))
    }
}

/// The fusion pass of the planner: merges runs of consecutive one-node groups into fused groups
/// where the cost model says fusing wins on the objective and one tile's footprint fits on chip.
enum Fusion {
    /// How one member maps rows of its output to rows of its (first) input.
    enum Role { case conv(stride: Int, kernel: Int, height: Int), pool(stride: Int, kernel: Int, height: Int), pointwise, gemm, norm }

    struct Member {
        var group: GroupPlan
        var role: Role
        var input: ValueID
        var output: ValueID
        var weightBytes: Double
    }

    static func role(_ g: GroupPlan) -> Role? {
        switch (g.instance, g.unit) {
        case (.conv2d(_, _, let h, _, _, let kh, _, let s, _, _), .array): return .conv(stride: s, kernel: kh, height: h)
        case (.maxPool(_, _, let h, _, let k, let s, _), .vector): return .pool(stride: s, kernel: k, height: h)
        case (.unary, .vector): return .pointwise
        case (.matmul, .array): return .gemm
        case (.layerNorm, .vector), (.rmsNorm, .vector): return .norm
        default: return nil
        }
    }

    /// Whether `next` may follow the chain whose last member is `last` (same kind of chain).
    static func links(_ last: Role, _ next: Role, _ kind: FusionKind) -> Bool {
        switch (kind, last, next) {
        case (.convChain, .conv, .conv), (.convChain, .conv, .pool), (.convChain, .conv, .pointwise),
             (.convChain, .pool, .conv), (.convChain, .pointwise, .conv), (.convChain, .pool, .pointwise), (.convChain, .pointwise, .pool):
            return true
        case (.normGemm, .gemm, .norm), (.normGemm, .norm, .gemm): return true
        default: return false
        }
    }

    /// The groups and edges with fusable runs merged; group indices renumbered, edges inside a
    /// fused group dropped, the rest pointed at the groups they now join.
    static func fuse(_ groups: [GroupPlan], _ edges: [GroupEdge], _ graph: Graph, _ shapes: ValueShapes,
                     _ model: CoreModel, _ objective: Objective) -> ([GroupPlan], [GroupEdge]) {
        let uses = graph.useCounts()
        let outputs = Set(graph.outputs)
        var result: [GroupPlan] = []
        var newIndex = [Int](repeating: 0, count: groups.count)
        var i = 0
        func member(_ k: Int) -> Member? {
            let g = groups[k]
            guard g.nodes.count == 1, let role = role(g) else { return nil }
            let node = graph.nodes[g.nodes[0]]
            guard !sharesNode(groups, k), let input = node.inputs.first, input != Graph.absent,
                  node.outputs.filter({ $0 != Graph.absent }).count == 1, let output = node.outputs.first, output != Graph.absent
            else { return nil }
            var weights = 0.0
            if case .array(let p, _) = g.unit { weights = Double(p.loops.weightElements) * Double(model.core.weightBits) / 8 }
            return Member(group: g, role: role, input: input, output: output, weightBytes: weights)
        }
        while i < groups.count {
            var fused: FusedPlan?
            var taken = 1
            if let stages = attentionRun(groups, at: i, graph, shapes) {
                fused = attention(Array(groups[i..<(i + stages.count)]), stages.whole, model, objective)
                if fused != nil { taken = stages.count }
            } else if let first = member(i), first.role.isConv || first.role.isGemm || first.role.isNorm {
                let kind: FusionKind = first.role.isConv ? .convChain : .normGemm
                var chain = [first]
                var best: FusedPlan?
                var j = i + 1
                while j < groups.count, let next = member(j), links(chain.last!.role, next.role, kind),
                      graph.nodes[next.group.nodes[0]].inputs.first == chain.last!.output,
                      uses[chain.last!.output] == 1, !outputs.contains(chain.last!.output) {
                    if case .normGemm = kind, !rowsMatch(chain.last!, next, shapes) { break }
                    guard let candidate = plan(chain + [next], kind, graph, shapes, model) else { break }
                    let alone = (best.map { ($0.cycles, $0.energyPj) } ?? (chain[0].group.cycles, chain[0].group.energyPj))
                    guard wins(candidate, cycles: alone.0 + next.group.cycles, energyPj: alone.1 + next.group.energyPj, objective) else { break }
                    chain.append(next)
                    best = candidate
                    j += 1
                }
                if let best { fused = best; taken = chain.count }
            }
            let index = result.count
            for k in i..<(i + taken) { newIndex[k] = index }
            if let fused {
                let first = fused.members[0]
                // Named as its first node (an attention group: the node, not its first stage).
                let name = fused.kind == .attention ? String(first.name.dropLast(first.name.hasSuffix("/qk") ? 3 : 0)) : first.name
                result.append(GroupPlan(index: index, nodes: Array(Set(fused.members.flatMap(\.nodes))).sorted(), name: name,
                                        ops: fused.members.flatMap(\.ops), instance: fused.members.last!.instance, unit: .fused(fused)))
            } else {
                var g = groups[i]
                g.index = index
                result.append(g)
            }
            i += taken
        }
        var seen = Set<GroupEdge>()
        var out: [GroupEdge] = []
        for var e in edges {
            e.from = newIndex[e.from]
            e.to = newIndex[e.to]
            guard e.from != e.to, seen.insert(e).inserted else { continue }
            out.append(e)
        }
        return (result, out)
    }

    /// The stage groups of one Attention node starting at `i`, with the node's whole instance.
    static func attentionRun(_ groups: [GroupPlan], at i: Int, _ graph: Graph, _ shapes: ValueShapes) -> (count: Int, whole: OpInstance)? {
        let g = groups[i]
        guard g.nodes.count == 1, let whole = OpInstance.costing(graph.nodes[g.nodes[0]], shapes), let stages = whole.attentionStages,
              i + stages.count <= groups.count, (i..<(i + stages.count)).allSatisfy({ groups[$0].nodes == g.nodes }),
              g.name.hasSuffix("/\(stages[0].stage)") else { return nil }
        for k in i..<(i + stages.count) {
            switch groups[k].unit { case .array, .vector: continue; default: return nil }
        }
        return (stages.count, whole)
    }

    /// A GEMM→norm or norm→GEMM link streams rows: the norm normalizes the last axis, which is
    /// the GEMM's N (after) or K (before).
    static func rowsMatch(_ a: Member, _ b: Member, _ shapes: ValueShapes) -> Bool {
        guard let last = shapes(a.output)?.last else { return false }
        for g in [a.group, b.group] {
            switch g.instance {
            case .layerNorm(_, let n), .rmsNorm(_, let n): if n != last { return false }
            case .matmul(_, _, let n, let k, _):
                if g.nodes == b.group.nodes, k != last { return false }   // the GEMM after: its K is the row
                if g.nodes == a.group.nodes, n != last { return false }   // the GEMM before: its N is the row
            default: return false
            }
        }
        return true
    }

    /// Rows and bytes per row of a value: images [N, C, H, W] are cut along H, matrices along
    /// every axis but the last.
    static func rows(_ v: ValueID, _ shapes: ValueShapes, bytesPerElement: Double) -> (height: Int, rowBytes: Double)? {
        guard let s = shapes(v), !s.isEmpty else { return nil }
        let elements = s.reduce(1, *)
        guard elements > 0 else { return nil }
        let height = s.count == 4 ? s[2] : elements / max(s.last!, 1)
        return (height, Double(elements / max(height, 1)) * bytesPerElement)
    }

    /// Rows of a member's input one strip of `r` output rows needs (the halo).
    static func inputRows(_ role: Role, _ r: Int) -> Int {
        switch role {
        case .conv(let s, let k, let h), .pool(let s, let k, let h): return min((r - 1) * s + k, h)
        case .pointwise, .gemm, .norm: return r
        }
    }

    /// On-chip capacity for activations: the largest on-chip level holding inputs and outputs,
    /// all instances together; and for weights the largest on-chip level holding weights.
    static func capacities(_ model: CoreModel) -> (activations: Double, weights: Double) {
        let memories = model.core.memories
        let onChip = 0..<(memories.count - 1)
        let act = onChip.filter { memories[$0].holds(.input) && memories[$0].holds(.output) }
            .map { Double(memories[$0].usableBytes) * model.instancesOf($0) }.max() ?? 0
        let wt = onChip.filter { memories[$0].holds(.weight) }.map { Double(memories[$0].usableBytes) * model.instancesOf($0) }.max() ?? 0
        return (act, wt)
    }

    /// The fused plan of a conv chain or a norm/GEMM pair; nil when no tile height fits on chip.
    static func plan(_ chain: [Member], _ kind: FusionKind, _ graph: Graph, _ shapes: ValueShapes, _ model: CoreModel) -> FusedPlan? {
        let core = model.core
        let inB = Double(core.inputBits) / 8, outB = Double(core.outputBits) / 8
        let values = [chain[0].input] + chain.map(\.output)
        let geometry = values.enumerated().map { rows($0.element, shapes, bytesPerElement: $0.offset == 0 ? inB : outB) }
        guard geometry.allSatisfy({ $0 != nil }) else { return nil }
        let rowsOf = geometry.map { $0! }
        let (capacity, weightCapacity) = capacities(model)
        let weights = chain.reduce(0) { $0 + $1.weightBytes }
        let resident = weights <= weightCapacity
        let height = rowsOf.last!.height
        // The tallest strip that fits: fewer tiles, fewer weight re-reads when weights stream.
        var r = height
        var chosen: (rows: Int, footprint: Double, strips: [Double])?
        while true {
            var need = [Int](repeating: 0, count: values.count)
            need[values.count - 1] = r
            for k in stride(from: chain.count - 1, through: 0, by: -1) { need[k] = inputRows(chain[k].role, need[k + 1]) }
            let strips = need.enumerated().map { Double(min($0.element, rowsOf[$0.offset].height)) * rowsOf[$0.offset].rowBytes }
            let footprint = strips.reduce(0, +)
            if footprint <= capacity { chosen = (r, footprint, strips); break }
            if r == 1 { break }
            r = (r + 1) / 2
        }
        guard let chosen else { return nil }
        let tiles = (height + chosen.rows - 1) / chosen.rows
        var intermediates: [FusedValue] = []
        for k in 1..<(values.count - 1) {
            let bytes = Double(rowsOf[k].height) * rowsOf[k].rowBytes
            intermediates.append(FusedValue(name: graph.values[values[k]].name, bytes: bytes, tileBytes: chosen.strips[k]))
        }
        var extra = [Double](repeating: 0, count: chain.count)
        if !resident, tiles > 1 { for k in chain.indices { extra[k] = Double(tiles - 1) * chain[k].weightBytes } }
        return assemble(kind, chain.map(\.group), intermediates, extraReads: extra, tileRows: chosen.rows, tileCount: tiles,
                        footprint: chosen.footprint, capacity: capacity, resident: resident, model)
    }

    /// graph-opt's Attention as one group with the flash schedule: blocks of Br query rows of
    /// every head at once, K and V in blocks of Bc rows; the scores and probabilities of a block
    /// stay on chip. K and V are read again for every query block unless a whole head's fit.
    static func attention(_ stages: [GroupPlan], _ whole: OpInstance, _ model: CoreModel, _ objective: Objective) -> FusedPlan? {
        guard case let .attention(b, hq, hkv, sq, sk, d, _) = whole else { return nil }
        let core = model.core
        let inB = Double(core.inputBits) / 8, outB = Double(core.outputBits) / 8
        let heads = Double(b * hq)
        let (capacity, _) = capacities(model)
        func footprint(_ br: Int, _ bc: Int) -> Double {
            heads * (Double(br * d) * inB + 2 * Double(bc * d) * inB + 2 * Double(br * bc) * outB + Double(br * d) * outB)
        }
        let kvBytes = Double(b * hkv * sk * d) * 2 * inB
        var best: (br: Int, bc: Int, extra: Double)?
        var br = sq
        while true {
            var bc = sk
            while true {
                if footprint(br, bc) <= capacity {
                    let extra = bc < sk ? Double((sq + br - 1) / br - 1) * kvBytes : 0
                    if best == nil || extra < best!.extra { best = (br, bc, extra) }
                    break
                }
                if bc == 1 { break }
                bc = (bc + 1) / 2
            }
            if best?.extra == 0 || br == 1 { break }
            br = (br + 1) / 2
        }
        guard let best else { return nil }
        var intermediates: [FusedValue] = []
        for k in 0..<(stages.count - 1) {
            let bytes = Double(stages[k].instance.outputElements) * outB
            intermediates.append(FusedValue(name: stages[k].name, bytes: bytes, tileBytes: heads * Double(best.br * best.bc) * outB))
        }
        var extra = [Double](repeating: 0, count: stages.count)
        extra[0] = best.extra / 2
        extra[stages.count - 1] = best.extra / 2
        let plan = assemble(.attention, stages, intermediates, extraReads: extra, tileRows: best.br,
                            tileCount: b * hq * ((sq + best.br - 1) / best.br), footprint: footprint(best.br, best.bc),
                            capacity: capacity, resident: best.bc == sk, model)
        guard let plan else { return nil }
        return wins(plan, cycles: stages.reduce(0) { $0 + $1.cycles }, energyPj: stages.reduce(0) { $0 + $1.energyPj }, objective) ? plan : nil
    }

    /// Whether the fused plan beats running its members alone (`cycles`, `energyPj` summed):
    /// a lower objective, or the same objective (latency unchanged where compute bounds every
    /// member) for less energy.
    static func wins(_ plan: FusedPlan, cycles: Double, energyPj: Double, _ objective: Objective) -> Bool {
        let fused = objective.value(cycles: plan.cycles, energyPj: plan.energyPj)
        let alone = objective.value(cycles: cycles, energyPj: energyPj)
        if fused < alone * (1 - 1e-12) { return true }
        return fused <= alone * (1 + 1e-12) && plan.energyPj < energyPj * (1 - 1e-12)
    }

    /// The fused figures from the members' own: intermediates off the backing level, extra
    /// reads on it, latencies recomputed, everything summed; the lower bound is the members'
    /// less what no fused mapping moves.
    static func assemble(_ kind: FusionKind, _ members: [GroupPlan], _ intermediates: [FusedValue], extraReads: [Double],
                         tileRows: Int, tileCount: Int, footprint: Double, capacity: Double, resident: Bool,
                         _ model: CoreModel) -> FusedPlan? {
        let memories = model.core.memories
        let L = memories.count
        let backing = memories[L - 1]
        let instances = model.instancesOf(L - 1)
        var costs = members.compactMap(MemberCost.init)
        guard costs.count == members.count else { return nil }
        var saved = 0.0
        for (k, v) in intermediates.enumerated() {
            let before = (costs[k].levels[L - 1].writeBytes, costs[k + 1].levels[L - 1].readBytes)
            costs[k].changeBacking(reads: 0, writes: -v.bytes, backing, instances: instances)
            costs[k + 1].changeBacking(reads: -v.bytes, writes: 0, backing, instances: instances)
            saved += before.0 - costs[k].levels[L - 1].writeBytes + before.1 - costs[k + 1].levels[L - 1].readBytes
        }
        for (k, e) in extraReads.enumerated() where e > 0 {
            costs[k].changeBacking(reads: e, writes: 0, backing, instances: instances)
            saved -= e
        }
        var levels = [LevelTraffic](repeating: LevelTraffic(), count: L)
        for c in costs {
            for m in 0..<L {
                levels[m].readBytes += c.levels[m].readBytes
                levels[m].writeBytes += c.levels[m].writeBytes
                levels[m].energyPj += c.levels[m].energyPj
                levels[m].overlappedCycles += c.levels[m].overlappedCycles
                levels[m].serialCycles += c.levels[m].serialCycles
                for o in 0..<3 { levels[m].tileBytes[o] = max(levels[m].tileBytes[o], c.levels[m].tileBytes[o]) }
            }
        }
        // The strips of the intermediates live in the activation level (per instance).
        if let staging = (0..<(L - 1)).filter({ memories[$0].holds(.input) && memories[$0].holds(.output) })
            .max(by: { memories[$0].bytes < memories[$1].bytes }) {
            levels[staging].tileBytes[Operand.output.rawValue] += intermediates.reduce(0) { $0 + $1.tileBytes } / model.instancesOf(staging)
        }
        let cycles = costs.reduce(0) { $0 + $1.cycles }
        let compute = costs.reduce(0) { $0 + $1.compute }
        let fill = costs.reduce(0) { $0 + $1.fillDrain }
        // Bound: every member's bound holds each intermediate's one DRAM write and read, which
        // no fused mapping pays; taking off their energy and port time keeps it a bound.
        var boundCycles = members.reduce(0) { $0 + $1.bound.cycles }
        var boundEnergy = members.reduce(0) { $0 + $1.bound.energyPj }
        for v in intermediates {
            boundEnergy -= v.bytes * (backing.readPjPerByte + backing.writePjPerByte)
            boundCycles -= backing.portCycles(reads: v.bytes / instances, writes: 0) + backing.portCycles(reads: 0, writes: v.bytes / instances)
        }
        return FusedPlan(kind: kind, members: members, intermediates: intermediates, tileRows: tileRows, tileCount: tileCount,
                         footprintBytes: footprint, capacityBytes: capacity, weightsResident: resident, dramBytesSaved: saved,
                         cycles: cycles, computeCycles: compute, stallCycles: cycles - compute - fill, fillDrainCycles: fill,
                         energyPj: costs.reduce(0) { $0 + $1.energy }, macEnergyPj: costs.reduce(0) { $0 + $1.macPj }, levels: levels,
                         bound: LowerBound(cycles: max(boundCycles, 0), energyPj: max(boundEnergy, 0)), macs: costs.reduce(0) { $0 + $1.macs })
    }
}

extension Fusion.Role {
    var isConv: Bool { if case .conv = self { return true } else { return false } }
    var isGemm: Bool { if case .gemm = self { return true } else { return false } }
    var isNorm: Bool { if case .norm = self { return true } else { return false } }
}

extension Fusion {
    /// Whether group `k` is one of several groups of the same node (an unfused Attention's stages).
    static func sharesNode(_ groups: [GroupPlan], _ k: Int) -> Bool {
        let n = groups[k].nodes
        return (k > 0 && groups[k - 1].nodes == n) || (k + 1 < groups.count && groups[k + 1].nodes == n)
    }
}
