import HeapModule

/// The discrete-event simulation of a placed program (Docs/sim.md, step by step).
///
/// The program becomes a graph of actions — per group, per core, per chunk: the transfers that
/// bring the chunk's data in (DRAM reads, values from producer cores), the fill of the staging
/// SRAM, the compute, the drain, the DRAM writes — each holding one or more resources (a core's
/// MAC array, vector unit or SRAM port, NoC links, DRAM channels) for a whole number of cycles.
/// An action is requested when everything it depends on has ended; requests are granted in
/// request-time order (ties by action number), each at the earliest cycle every resource it
/// holds is free, and holds them all until it ends: FIFO, non-preemptive, no resource held while
/// waiting, so nothing can deadlock and the same program gives the same trace.
///
/// A transfer holds every link of its route and its DRAM channel at once for
/// `hops × hopCycles + ⌈bytes / bandwidth(bytes)⌉` (circuit-style flow control: a whole
/// transfer, not flits, is the unit of arbitration). Its data is usable `startupCycles` later
/// (DMA set-up and packetization, which occupy the engines at the ends, not the links), plus, for
/// a DRAM read, the first-access latency: on a core's first chunk of a group, and on every
/// chunk when the staging SRAM is not double-buffered (a double-buffered stream keeps its
/// requests in flight).
public enum Simulator {
    /// Simulates `program` on `chip`. The program must be consistent — cores below `nodeCount`,
    /// links below `linkCount`, channels of `chip`, dependencies from lower to higher groups — as
    /// npu-sim's reader checks every placed stream before it gets here.
    public static func run(_ program: SimProgram, on chip: SimChip, _ options: SimOptions = SimOptions()) -> SimResult {
        var graph = ActionGraph(program, chip)
        graph.build()
        return graph.simulate()
    }

    /// Whole-cycle share `i` of `total` cut into `n`: the shares add up to `total` exactly.
    @inline(__always) static func share(_ total: UInt64, _ n: Int, _ i: Int) -> UInt64 {
        let n64 = UInt64(n), i64 = UInt64(i)
        return total * (i64 + 1) / n64 - total * i64 / n64
    }
}

/// Which kind of hardware an action holds.
enum ActionKind: UInt8 {
    case gate = 0, compute, sram, transfer
}

/// The actions and their dependencies, as flat arrays (a whole network has millions).
struct ActionGraph {
    let program: SimProgram
    let chip: SimChip
    let N: Int           // mesh nodes
    let linkBase: Int    // first link resource
    let channelBase: Int // first DRAM channel resource

    var duration: [UInt64] = []
    var delay: [UInt64] = []
    var kind: [ActionKind] = []
    var group: [UInt32] = []
    var tile: [UInt32] = []
    var bytes: [UInt64] = []
    /// The action writes the staging SRAM (a fill), rather than reading it.
    var writes: [Bool] = []
    var resFirst: [Int32] = []
    var resList: [Int32] = []
    var depFrom: [Int32] = []
    var depTo: [Int32] = []

    /// Group done: every action of the group has ended (for consumers that wait for the whole producer).
    var barrier: [Int32] = []
    /// The drain of (group, core) chunk i: the chunk's output is ready there.
    var drains: [Int: [Int32]] = [:]
    var producers: [[Int]] = []
    /// The program's multicast trees (found once, by `build`; the summary counts their bytes).
    var trees: [SimMulticastTree] = []

    init(_ program: SimProgram, _ chip: SimChip) {
        self.program = program
        self.chip = chip
        N = program.nodeCount
        linkBase = 4 * N
        channelBase = 4 * N + program.linkCount
    }

    // MARK: Building

    mutating func add(_ k: ActionKind, group g: Int, tile t: Int, bytes b: UInt64, duration d: UInt64, delay l: UInt64 = 0,
                      writes w: Bool = false, resources: [Int]) -> Int32 {
        let id = Int32(duration.count)
        duration.append(resources.isEmpty ? 0 : d)
        delay.append(l)
        kind.append(k)
        group.append(UInt32(clamping: g))
        tile.append(UInt32(clamping: t))
        bytes.append(b)
        writes.append(w)
        resFirst.append(Int32(resList.count))
        if d > 0 { for r in resources { resList.append(Int32(r)) } }
        return id
    }

    mutating func dep(_ a: Int32, _ b: Int32) {
        depFrom.append(a)
        depTo.append(b)
    }

    func streamed(_ p: Int, _ g: Int) -> Bool {
        let a = program.groups[p], b = program.groups[g]
        return a.pipelined && b.pipelined && a.epoch == b.epoch
    }

    /// Chunk of a producer cut into `nP` that chunk `i` of `nC` needs (the producer's pieces
    /// in proportion: the consumer's i-th piece needs the producer's first (i+1)/nC of them).
    @inline(__always) func mapChunk(_ i: Int, _ nC: Int, _ nP: Int) -> Int {
        min(nP - 1, max(0, ((i + 1) * nP + nC - 1) / nC - 1))
    }

    /// The actions after which chunk `i` (of `n`) of producer `p`'s output is ready on core `a`.
    /// `local`: only what is on core `a` itself (nothing when `p` does not run there).
    func ready(_ p: Int, core a: Int, chunk i: Int, of n: Int, local: Bool) -> [Int32] {
        let gp = program.groups[p]
        guard gp.unit != nil else {
            // A view: ready when what it relabels is ready.
            return producers[p].flatMap { q in
                streamed(q, p) ? ready(q, core: a, chunk: i, of: n, local: local) : (local ? [] : [barrier[q]])
            }
        }
        if let list = drains[p * N + a] { return [list[mapChunk(i, n, list.count)]] }
        return local ? [] : [barrier[p]]
    }

    func transferDuration(_ t: SimTransfer, _ b: UInt64) -> UInt64 {
        transferDuration(links: t.links, hops: t.links.count, channel: t.channel, b)
    }

    /// A transfer of `b` bytes over `links` (at the slowest link's and the channel's bandwidth),
    /// `hops` of them on the way to the farthest destination.
    func transferDuration(links: [Int], hops: Int, channel: Int?, _ b: UInt64) -> UInt64 {
        guard b > 0 else { return 0 }
        var cap = Double.infinity
        for l in links where l >= 0 && l < chip.linkBytesPerCycle.count { cap = min(cap, chip.linkBytesPerCycle[l]) }
        if let c = channel, c >= 0, c < chip.channelBytesPerCycle.count { cap = min(cap, chip.channelBytesPerCycle[c]) }
        if !cap.isFinite { cap = chip.achieved.last?.bytesPerCycle ?? 1 }
        let bw = chip.bandwidth(b, cap: cap)
        let move = (Double(b) / bw).rounded(.up)
        return UInt64(hops * chip.hopCycles) + UInt64(max(move, 1))
    }

    func transferResources(_ t: SimTransfer) -> [Int] {
        var r = t.links.map { linkBase + $0 }
        if let c = t.channel { r.append(channelBase + c) }
        return r
    }

    mutating func build() {
        let groups = program.groups
        let G = groups.count
        producers = [[Int]](repeating: [], count: G)
        for d in program.dependencies where d.to >= 0 && d.to < G && d.from >= 0 && d.from < G { producers[d.to].append(d.from) }
        barrier = (0..<G).map { g in add(.gate, group: g, tile: 0, bytes: 0, duration: 0, resources: []) }
        // A multicast tree moves each chunk once for all its destinations: one action holding
        // every link of the tree once, which each destination's fill waits for (and which waits
        // for every destination's free buffer: the NoC copies at the forks as it goes).
        trees = program.multicastTrees()
        var treeOf: [Int: Int] = [:]
        for (i, tree) in trees.enumerated() { for k in tree.branches { treeOf[k] = i } }
        var treeActions = [[Int32]](repeating: [], count: trees.count)
        var inbound: [Int: [Int]] = [:], outbound: [Int: [Int]] = [:]
        for (k, t) in program.transfers.enumerated() {
            if t.toGroup >= 0 { inbound[t.toGroup * N + t.destination, default: []].append(k) }
            if t.fromGroup >= 0 { outbound[t.fromGroup * N + t.source, default: []].append(k) }
        }
        var lastCompute = [Int32](repeating: -1, count: N)
        var recentDrains = [[Int32]](repeating: [], count: N)
        let sramRead = { (c: Int) in 4 * c + 2 }
        let writePort = chip.sramSharedPort ? 2 : 3
        let sramWrite = { (c: Int) in 4 * c + writePort }
        let dramLatency = UInt64(max(chip.dramLatencyCycles, 0))
        let startup = UInt64(max(chip.startupCycles, 0))
        for g in 0..<G {
            let gr = groups[g]
            guard let unit = gr.unit else {
                for q in producers[g] { dep(barrier[q], barrier[g]) }
                continue
            }
            let n = max(gr.chunks, 1)
            let gate = add(.gate, group: g, tile: 0, bytes: 0, duration: 0, resources: [])
            for q in producers[g] where !streamed(q, g) { dep(barrier[q], gate) }
            let computeTotal = UInt64(max(gr.computeCycles, 0).rounded(.up))
            let computeRes = unit == .vectorUnit ? 1 : 0
            for c in gr.cores where c >= 0 && c < N {
                let ins = inbound[g * N + c] ?? [], outs = outbound[g * N + c] ?? []
                var myDrains: [Int32] = []
                myDrains.reserveCapacity(n)
                for i in 0..<n {
                    let firstTile = i * max(gr.tiles, 1) / n
                    let recent = recentDrains[c]
                    let free: Int32? = chip.doubleBuffered ? (recent.count >= 2 ? recent[recent.count - 2] : nil) : recent.last
                    // Data in: DRAM reads and values from producer cores.
                    var fillBytes: UInt64 = 0
                    var arrivals: [Int32] = []
                    for k in ins {
                        let t = program.transfers[k]
                        let b = Simulator.share(t.bytes, n, i)
                        let x: Int32
                        if let tr = treeOf[k] {
                            if treeActions[tr].isEmpty { treeActions[tr] = [Int32](repeating: -1, count: n) }
                            if treeActions[tr][i] < 0 {
                                let tree = trees[tr]
                                let a = add(.transfer, group: g, tile: firstTile, bytes: b,
                                            duration: transferDuration(links: tree.links, hops: tree.longestBranchHops, channel: nil, b),
                                            delay: b == 0 ? 0 : startup, resources: tree.links.map { linkBase + $0 })
                                dep(gate, a)
                                for r in ready(t.fromGroup, core: t.source, chunk: i, of: n, local: false) { dep(r, a) }
                                treeActions[tr][i] = a
                            }
                            x = treeActions[tr][i]
                            if let free { dep(free, x) }
                        } else {
                            x = add(.transfer, group: g, tile: firstTile, bytes: b, duration: transferDuration(t, b),
                                    delay: b == 0 ? 0 : startup + (t.isDramRead && (i == 0 || !chip.doubleBuffered) ? dramLatency : 0),
                                    resources: transferResources(t))
                            dep(gate, x)
                            if let free { dep(free, x) }
                            if t.fromGroup >= 0 {
                                for r in ready(t.fromGroup, core: t.source, chunk: i, of: n, local: false) { dep(r, x) }
                            }
                        }
                        fillBytes += b
                        arrivals.append(x)
                    }
                    let fill = add(.sram, group: g, tile: firstTile, bytes: fillBytes,
                                   duration: (Double(fillBytes) / chip.sramWriteBytesPerCycle).rounded(.up).asCycles,
                                   writes: true, resources: fillBytes > 0 ? [sramWrite(c)] : [])
                    dep(gate, fill)
                    if let free { dep(free, fill) }
                    for x in arrivals { dep(x, fill) }
                    // Values a producer left in this core's SRAM (same core, same pipeline).
                    for q in producers[g] where streamed(q, g) {
                        for r in ready(q, core: c, chunk: i, of: n, local: true) { dep(r, fill) }
                    }
                    let compute = add(.compute, group: g, tile: firstTile, bytes: 0, duration: Simulator.share(computeTotal, n, i),
                                      resources: [4 * c + computeRes])
                    dep(fill, compute)
                    if lastCompute[c] >= 0 { dep(lastCompute[c], compute) }
                    var drainBytes: UInt64 = 0
                    for k in outs { drainBytes += Simulator.share(program.transfers[k].bytes, n, i) }
                    let drain = add(.sram, group: g, tile: firstTile, bytes: drainBytes,
                                    duration: (Double(drainBytes) / chip.sramReadBytesPerCycle).rounded(.up).asCycles,
                                    resources: drainBytes > 0 ? [sramRead(c)] : [])
                    dep(compute, drain)
                    // Data out to DRAM (values to other cores are the consumers' arrivals).
                    for k in outs where program.transfers[k].isDramWrite {
                        let t = program.transfers[k]
                        let b = Simulator.share(t.bytes, n, i)
                        let x = add(.transfer, group: g, tile: firstTile, bytes: b, duration: transferDuration(t, b),
                                    delay: b == 0 ? 0 : startup, resources: transferResources(t))
                        dep(drain, x)
                        dep(x, barrier[g])
                    }
                    if i == n - 1 { dep(drain, barrier[g]) }
                    myDrains.append(drain)
                    lastCompute[c] = compute
                    recentDrains[c] = Array((recent + [drain]).suffix(2))
                }
                drains[g * N + c] = myDrains
            }
            dep(gate, barrier[g])
        }
    }

    // MARK: Running

    func simulate() -> SimResult {
        let A = duration.count
        // Dependents as compressed rows.
        var remaining = [Int32](repeating: 0, count: A)
        var rowStart = [Int32](repeating: 0, count: A + 1)
        for (a, b) in zip(depFrom, depTo) { rowStart[Int(a) + 1] += 1; remaining[Int(b)] += 1 }
        for i in 0..<A { rowStart[i + 1] += rowStart[i] }
        var fillAt = rowStart
        var dependents = [Int32](repeating: 0, count: depTo.count)
        for (a, b) in zip(depFrom, depTo) { dependents[Int(fillAt[Int(a)])] = b; fillAt[Int(a)] += 1 }

        let resourceCount = channelBase + chip.channelBytesPerCycle.count
        var freeAt = [UInt64](repeating: 0, count: resourceCount)
        var waited = [UInt64](repeating: 0, count: resourceCount)
        var request = [UInt64](repeating: 0, count: A)
        var heap = Heap<Request>()
        for a in 0..<A where remaining[a] == 0 { heap.insert(Request(cycle: 0, action: Int32(a))) }
        var ev = SimEvents()
        var fills: [Bool] = []
        var contention: UInt64 = 0
        var granted = 0
        while let next = heap.popMin() {
            let t = next.cycle, a = Int(next.action)
            granted += 1
            let r0 = Int(resFirst[a]), r1 = a + 1 < A ? Int(resFirst[a + 1]) : resList.count
            var start = t
            for k in r0..<r1 { start = max(start, freeAt[Int(resList[k])]) }
            let end = start + duration[a]
            if kind[a] == .transfer, start > t { contention += start - t }
            for k in r0..<r1 {
                let r = Int(resList[k])
                if kind[a] == .transfer, freeAt[r] > t { waited[r] += freeAt[r] - t }
                freeAt[r] = end
                let (u, index) = unitOf(r)
                ev.unit.append(u.rawValue)
                ev.resource.append(UInt32(index))
                ev.group.append(group[a])
                ev.tile.append(tile[a])
                ev.start.append(start)
                ev.end.append(end)
                ev.bytes.append(kind[a] == .compute ? 0 : bytes[a])
                fills.append(writes[a])
            }
            let release = end + delay[a]
            for k in Int(rowStart[a])..<Int(rowStart[a + 1]) {
                let d = Int(dependents[k])
                request[d] = max(request[d], release)
                remaining[d] -= 1
                if remaining[d] == 0 { heap.insert(Request(cycle: request[d], action: Int32(d))) }
            }
        }
        precondition(granted == A, "the action graph has a cycle")
        let order = ev.start.indices.sorted { (ev.start[$0], $0) < (ev.start[$1], $1) }
        return Summary.make(program, chip, sorted(ev, order), fills: order.map { fills[$0] }, waited: waited, contention: contention, trees: trees,
                            linkBase: linkBase, channelBase: channelBase)
    }

    func unitOf(_ r: Int) -> (SimUnit, Int) {
        if r < linkBase {
            switch r % 4 {
            case 0: return (.macArray, r / 4)
            case 1: return (.vectorUnit, r / 4)
            default: return (.sramPort, r / 4)
            }
        }
        if r < channelBase { return (.nocLink, r - linkBase) }
        return (.dramChannel, r - channelBase)
    }

    /// The events in start order (stable: ties keep grant order).
    func sorted(_ ev: SimEvents, _ order: [Int]) -> SimEvents {
        var out = SimEvents()
        out.unit = order.map { ev.unit[$0] }
        out.resource = order.map { ev.resource[$0] }
        out.group = order.map { ev.group[$0] }
        out.tile = order.map { ev.tile[$0] }
        out.start = order.map { ev.start[$0] }
        out.end = order.map { ev.end[$0] }
        out.bytes = order.map { ev.bytes[$0] }
        return out
    }
}

extension Double {
    /// A non-negative whole number of cycles.
    var asCycles: UInt64 { self > 0 && isFinite ? UInt64(self) : 0 }
}

/// A request in the event loop's queue: earliest cycle first, ties by action number.
struct Request: Comparable {
    var cycle: UInt64
    var action: Int32
    static func < (a: Request, b: Request) -> Bool { (a.cycle, a.action) < (b.cycle, b.action) }
}
