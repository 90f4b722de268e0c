import ArchRecords
import Capnp
import ChipArch
import Diagnostics
import Placement
import Schemas
import Simulation
import ToolKit

/// A placed stream decoded for the timing simulation, every record checked against the arch
/// and the others: a group out of range, a route off the mesh or not connected, a core over
/// its SRAM is one error line, never a crash or a silently wrong run.
struct PlacedProgram {
    /// Most actions one simulation may build (ResNet-50 on the 8×8 mesh needs a few hundred thousand).
    static let maxActions = 20_000_000

    var arch: ChipArch
    var topology: Topology
    /// The placed stream's arch record (copied into the sim stream as it was).
    var archMessage: MessageBuilder
    var graphName: String
    var program: SimProgram
    var chip: SimChip
    /// place-route's makespan (its cost model).
    var analyticMakespan: Double
    /// Per group: its segment's mode ("layer", "pipeline", "split").
    var modes: [String]

    static func decode(_ frames: PlacedFrames, _ options: SimOptions = SimOptions()) throws -> PlacedProgram {
        let source = frames.source
        func bad(_ what: String) -> ToolError { ToolError(source, what) }
        var arch: ChipArch?
        var archMessage: MessageBuilder?
        var graphName: String?
        var groups: [TileGroup.Reader] = []
        var edges: [(from: Int, to: Int)] = []
        var plan: PlanSummary.Reader?
        var placements: [Int: GroupPlacement.Reader] = [:]
        var routes: [FlowRoute.Reader] = []
        var budgets: [Schemas.CoreBudget.Reader] = []
        for m in frames.messages {
            switch try PlacedFrame.Reader(try m.rootReader()).which() {
            case .arch(let r):
                guard arch == nil else { throw bad("holds more than one arch record") }
                do { arch = try ArchCodec.read(r) } catch let e as ArchError { throw bad("arch: \(oneLine(e.description))") }
                archMessage = m
            case .graph(let g): graphName = try g.name.string
            case .group(let g):
                guard Int(g.index) == groups.count else { throw bad("group \(groups.count) is numbered \(g.index)") }
                groups.append(g)
            case .edge(let e): edges.append((Int(e.from), Int(e.to)))
            case .plan(let p):
                guard plan == nil else { throw bad("holds more than one plan record") }
                plan = p
            case .placement(let p):
                let g = Int(p.group)
                guard placements[g] == nil else { throw bad("group \(g) is placed twice") }
                placements[g] = p
            case .route(let r): routes.append(r)
            case .core(let c): budgets.append(c)
            default: continue
            }
        }
        guard let arch, let archMessage else { throw bad("the placed stream holds no arch record") }
        guard let graphName else { throw bad("the placed stream holds no graph record") }
        guard let plan else { throw bad("the placed stream holds no plan record (is it a tiles stream that place-route has not placed?)") }
        let topo = Topology(arch: arch)
        let G = groups.count, N = topo.nodeCount
        for (i, e) in edges.enumerated() where !(e.from < e.to && e.to < G) {
            throw bad("edge \(i) (\(e.from) -> \(e.to)) names a group out of range or against graph order (\(G) groups)")
        }
        for g in placements.keys where g >= G { throw bad("a placement names group \(g); the stream has \(G) groups") }

        // SRAM: every core's buffers, live epoch by epoch, against the arch's capacity.
        let segments = try plan.segments
        let epochCount = try plan.epochs.count
        let capacity = Budget.capacityPerCore(arch)
        for b in budgets {
            let c = Int(b.core)
            guard c < N, topo.enabled[c] else { throw bad("a core budget names core \(c), which is not an enabled core of the \(topo.rows)x\(topo.cols) mesh") }
            var live = [Double](repeating: 0, count: max(epochCount, 1))
            for buffer in try b.buffers {
                let first = Int(buffer.firstEpoch), last = Int(buffer.lastEpoch)
                guard first <= last, last < max(epochCount, 1) else {
                    throw bad("core \(c): a buffer of group \(buffer.owner) lives in epochs \(first)-\(last); the plan has \(epochCount)")
                }
                for e in first...last { live[e] += Double(buffer.bytes) }
            }
            var peak = Double(b.peakBytes), at = Int(b.peakEpoch)
            for (e, x) in live.enumerated() where x > peak { peak = x; at = e }
            if peak > capacity {
                let kib = { (x: Double) in String(format: "%.1f KiB", x / 1024) }
                throw bad("core \(c) (row \(c / topo.cols), col \(c % topo.cols)) needs \(kib(peak)) of SRAM in epoch \(at), has \(kib(capacity)): short by \(kib(peak - capacity))")
            }
        }

        // Groups.
        let memories = arch.core.memories
        let onChip = Set(memories.dropLast().map(\.name))
        var simGroups: [SimGroup] = [], modes: [String] = []
        var coresOf: [Set<Int>] = []
        for (g, r) in groups.enumerated() {
            let name = oneLine(try r.name.string)
            guard let p = placements[g] else { throw bad("group \(g) '\(name)' has no placement record") }
            let cores = (try p.cores).map { Int($0) }
            for c in cores where !(c < N && topo.enabled[c]) {
                throw bad("group \(g) '\(name)' is placed on core \(c), which is not an enabled core of the \(topo.rows)x\(topo.cols) mesh")
            }
            guard Set(cores).count == cores.count else { throw bad("group \(g) '\(name)' names a core twice") }
            let segment = Int(p.segment)
            guard segment < segments.count else { throw bad("group \(g) '\(name)' is in segment \(segment); the plan has \(segments.count)") }
            guard Int(p.slot) < max(epochCount, 1) else { throw bad("group \(g) '\(name)' runs in epoch \(p.slot); the plan has \(epochCount)") }
            let mode = try segments[segment].mode.string
            let numbers = [r.cycles, r.computeCycles, r.macs, r.flops, p.startCycle, p.endCycle, p.cycles]
            guard numbers.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 1e15 }) else {
                throw bad("group \(g) '\(name)': cycles, MACs or times not finite non-negative numbers")
            }
            let unitName = try r.unit.string
            var unit: SimUnit? = unitName == "array" ? .macArray : (unitName == "vector" ? .vectorUnit : nil)
            if r.cycles <= 0 || cores.isEmpty { unit = nil }
            var mesh = 1
            for s in try r.spatial where try s.arrayDim.string == "mesh" { mesh = min(mesh * max(Int(s.factor), 1), 1 << 20) }
            let f = unit == .macArray ? min(mesh, max(arch.coreCount, 1)) : max(arch.coreCount, 1)
            let slices = (f + max(cores.count, 1) - 1) / max(cores.count, 1)
            var portCycles = 0.0, sramPj = 0.0
            for level in try r.levels where onChip.contains(try level.memory.string) {
                guard level.transferCycles.isFinite, level.energyPj.isFinite, level.transferCycles >= 0, level.energyPj >= 0 else {
                    throw bad("group \(g) '\(name)': a level's cycles or energy is not a finite non-negative number")
                }
                portCycles = max(portCycles, level.transferCycles)
                sramPj += level.energyPj
            }
            let tiles = Int(min(r.tileCount, 1 << 24)) * slices
            let pipelined = mode == "pipeline"
            let chunks = pipelined ? max(1, min(Int(segments[segment].pipelineTiles), 1024)) : max(1, min(tiles, options.maxChunks))
            simGroups.append(SimGroup(name: name, unit: unit, cores: cores, epoch: Int(p.slot), pipelined: pipelined,
                                      chunks: chunks, tiles: max(tiles, 1),
                                      computeCycles: max(r.computeCycles, portCycles) * Double(slices),
                                      macs: r.macs, vectorOps: unit == .vectorUnit ? r.flops : vectorOpsOfFused(r), sramPj: sramPj,
                                      analyticStart: p.startCycle, analyticEnd: p.endCycle,
                                      analyticCycles: max(0, p.endCycle - p.startCycle)))
            modes.append(mode)
            coresOf.append(Set(cores))
        }

        // Routes: every link on the mesh, connected from source to destination.
        let C = topo.channelCount
        var transfers: [SimTransfer] = []
        for (i, r) in routes.enumerated() {
            let from = Int(r.fromGroup), to = Int(r.toGroup), edge = Int(r.edge)
            let where_ = "route \(i)"
            guard from >= -1, from < G, to >= -1, to < G, !(from < 0 && to < 0) else {
                throw bad("\(where_) runs from group \(from) to group \(to) (\(G) groups)")
            }
            guard edge >= -1, edge < edges.count else { throw bad("\(where_) names edge \(edge) (\(edges.count) edges)") }
            if edge >= 0 {
                guard edges[edge].from == from, edges[edge].to == to else {
                    throw bad("\(where_) carries edge \(edge) (\(edges[edge].from) -> \(edges[edge].to)) but says \(from) -> \(to)")
                }
            } else if from >= 0 && to >= 0 {
                throw bad("\(where_) between two groups carries no edge")
            }
            let src = Int(r.source), dst = Int(r.destination)
            guard from >= 0 ? src < N : src < C else { throw bad("\(where_): source \(src) is not a \(from >= 0 ? "core" : "DRAM channel") of the arch") }
            guard to >= 0 ? dst < N : dst < C else { throw bad("\(where_): destination \(dst) is not a \(to >= 0 ? "core" : "DRAM channel") of the arch") }
            if from >= 0, !coresOf[from].contains(src) { throw bad("\(where_) leaves core \(src), which group \(from) is not placed on") }
            if to >= 0, !coresOf[to].contains(dst) { throw bad("\(where_) reaches core \(dst), which group \(to) is not placed on") }
            let links = (try r.links).map { Int($0) }
            var at = from >= 0 ? src : -1 - src
            let end = to >= 0 ? dst : -1 - dst
            for l in links {
                guard l < topo.linkCount, topo.exists(l) else { throw bad("\(where_) names link \(l), which is not a link of the \(topo.rows)x\(topo.cols) mesh") }
                guard topo.linkFrom[l] == at else { throw bad("\(where_) is not connected: link \(l) does not leave where the route has got to") }
                at = topo.linkTo[l]
            }
            guard at == end else { throw bad("\(where_) does not reach its destination") }
            guard r.bytes < 1 << 50 else { throw bad("\(where_) moves \(r.bytes) bytes") }
            guard r.multicast == 0 || (from >= 0 && to >= 0) else { throw bad("\(where_) is a branch of multicast tree \(r.multicast) but a DRAM transfer") }
            transfers.append(SimTransfer(dependency: edge, fromGroup: from, toGroup: to, source: src, destination: dst, bytes: r.bytes,
                                         links: links, meshHops: links.filter { $0 < 4 * N }.count, multicast: Int(r.multicast)))
        }
        // A tree's branches carry one copy of the same bytes (Formats/placed.capnp).
        for tree in SimProgram(groups: [], dependencies: [], transfers: transfers, nodeCount: N, linkCount: topo.linkCount).multicastTrees() {
            let first = transfers[tree.branches[0]]
            if let odd = tree.branches.first(where: { transfers[$0].bytes != first.bytes }) {
                throw bad("multicast tree \(first.multicast) from core \(first.source) carries \(first.bytes) bytes on one branch and \(transfers[odd].bytes) on another")
            }
        }
        // A bound on the work: a mutated piece count must not make the simulation run out of memory.
        var perCore = [Int: Int]()
        for t in transfers {
            if t.toGroup >= 0 { perCore[t.toGroup * N + t.destination, default: 0] += 1 }
            if t.fromGroup >= 0 { perCore[t.fromGroup * N + t.source, default: 0] += 1 }
        }
        var actions = 0
        for (g, sg) in simGroups.enumerated() where sg.unit != nil {
            for c in sg.cores { actions += sg.chunks * (4 + (perCore[g * N + c] ?? 0)) }
        }
        guard actions <= maxActions else {
            throw bad("the simulation would need \(actions) actions (at most \(maxActions)): the pipelines' piece counts are implausible")
        }
        let program = SimProgram(groups: simGroups, dependencies: edges.map { SimDependency(from: $0.from, to: $0.to) },
                                 transfers: transfers, nodeCount: N, linkCount: topo.linkCount)
        return PlacedProgram(arch: arch, topology: topo, archMessage: archMessage, graphName: oneLine(graphName), program: program,
                             chip: chip(arch, topo), analyticMakespan: plan.makespanCycles.isFinite ? plan.makespanCycles : 0, modes: modes)
    }

    /// The simulation's view of `arch`: the staging SRAM is the largest on-chip level that holds
    /// inputs and outputs (where NoC and DRAM data lands, as tile-plan's vector plan stages it),
    /// with the ports of all its instances in one core.
    static func chip(_ arch: ChipArch, _ topo: Topology) -> SimChip {
        let core = arch.core, memories = core.memories
        let onChip = Array(memories.indices.dropLast())
        let staging = onChip.filter { memories[$0].holds(.input) && memories[$0].holds(.output) }.max { memories[$0].bytes < memories[$1].bytes }
            ?? onChip.max { memories[$0].bytes < memories[$1].bytes } ?? memories.count - 1
        let m = memories[staging]
        let instances = Double(Budget.instancesPerCore(arch, level: staging))
        return SimChip(clockGhz: arch.clockGhz, pesPerCore: core.array.peCount, enabledCores: arch.coreCount,
                       sramReadBytesPerCycle: m.readBytesPerCycle * instances, sramWriteBytesPerCycle: m.writeBytesPerCycle * instances,
                       sramSharedPort: m.sharedPort, doubleBuffered: m.doubleBuffered, linkBytesPerCycle: topo.capacity,
                       hopCycles: arch.noc.hopCycles, startupCycles: arch.noc.startupCycles,
                       achieved: arch.noc.achieved.sorted { $0.transferBytes < $1.transferBytes }.map { ($0.transferBytes, $0.bytesPerCycle) },
                       channelBytesPerCycle: arch.dram.map(\.bytesPerCycle), channelPjPerByte: arch.dram.map(\.pjPerByte),
                       dramLatencyCycles: memories.last?.latencyCycles ?? 0, macPj: core.macPj, vectorPjPerOp: core.vector.pjPerOp,
                       pjPerByteHop: arch.noc.pjPerByteHop)
    }

    /// The vector-unit operations of a fused array group: its members' FLOPs beyond the MACs
    /// (a pooling or activation, or a norm, riding on the array's tiles); none for other groups.
    static func vectorOpsOfFused(_ r: TileGroup.Reader) -> Double {
        guard let fusion = try? r.fusion.string, !fusion.isEmpty else { return 0 }
        return max(0, r.flops - 2 * r.macs)
    }
}
