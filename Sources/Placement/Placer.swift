import ChipArch
import Foundation

/// Lays a program out over the mesh: splits the group sequence into segments run layer by
/// layer or pipelined (a dynamic program over segment ends, each pipelined segment costed by
/// balancing its stages' cores), refines the pipelined regions with seeded annealing, routes
/// every transfer, and budgets every core's SRAM.
public enum Placer {
    /// The placement of `program` on `arch`. Never throws for a program that does not fit in
    /// SRAM: `PlacementResult.worstOverflow` says which core and by how much.
    public static func place(_ program: Program, on arch: ChipArch, cost: GroupCost = MeshScaling(),
                             _ options: PlaceOptions = PlaceOptions()) -> PlacementResult {
        let topo = Topology(arch: arch)
        let order = topo.serpentine
        let n = max(order.count, 1)
        let sram = Budget.capacityPerCore(arch)
        let groups = program.groups
        let work = groups.indices.filter { groups[$0].hasWork }
        let staging = Budget.stagingBytes(arch)

        // 1. Segments over the groups that do work (dynamic program over where segments end).
        func layerCost(_ g: Int) -> Double { cost.cycles(groups[g], cores: n) }
        // Cores a pipelined stage needs so that its resident weights fit beside its other buffers
        // (the `fits` test below, solved for k; at most its mesh factor: more cores hold no slice).
        func minimumCores(_ g: ProgramGroup) -> Int {
            let room = sram - (g.tileBytes.total - g.tileBytes.weights) - 2 * staging
            guard g.weightBytes > 0, room > 0 else { return 1 }
            return max(1, min(Int((g.weightBytes / room).rounded(.up)), max(g.meshFactor, 1)))
        }
        func pipeline(_ i: Int, _ j: Int) -> (cycles: Double, alloc: [Int], tiles: Int)? {
            let stages = Array(work[i...j])
            guard stages.count <= n else { return nil }
            var k = stages.map { minimumCores(groups[$0]) }
            guard k.reduce(0, +) <= n else { return nil }
            var t = zip(stages, k).map { cost.cycles(groups[$0], cores: $1) }
            for _ in 0..<(n - k.reduce(0, +)) {
                var worst = 0
                for s in 1..<stages.count where t[s] > t[worst] { worst = s }
                k[worst] += 1
                t[worst] = cost.cycles(groups[stages[worst]], cores: k[worst])
            }
            let tiles = max(1, min(64, stages.map { max(groups[$0].streamUnits, 1) }.min()!))
            let slow = t.max()!, sum = t.reduce(0, +)
            return (slow + (sum - slow) / Double(tiles), k, tiles)
        }
        func fits(_ i: Int, _ alloc: [Int]) -> Bool {
            for (s, k) in alloc.enumerated() {
                let g = groups[work[i + s]]
                let need = g.weightBytes / Double(k) + g.tileBytes.total - g.tileBytes.weights + 2 * staging
                if need > sram { return false }
            }
            return true
        }
        var cuts: [(i: Int, j: Int, pipelined: Bool)] = []
        let m = work.count
        let longest = max(1, min(options.maxStages, n))   // a pipeline needs a core per stage
        switch options.mode {
        case .layer, .split:
            cuts = (0..<m).map { ($0, $0, false) }
        case .pipeline:
            var i = 0
            while i < m {
                // As many stages as there are cores for, each with the cores its weights need.
                var j = min(m - 1, i + longest - 1)
                while j > i && pipeline(i, j) == nil { j -= 1 }
                cuts.append((i, j, j > i)); i = j + 1
            }
        case .auto:
            var best = [Double](repeating: .infinity, count: m + 1), from = [Int](repeating: 0, count: m + 1)
            var piped = [Bool](repeating: false, count: m + 1)
            best[0] = 0
            for j in 0..<m {
                best[j + 1] = best[j] + layerCost(work[j]); from[j + 1] = j; piped[j + 1] = false
                for i in stride(from: j - 1, through: max(0, j - longest + 1), by: -1) {
                    guard let p = pipeline(i, j), fits(i, p.alloc) else { continue }
                    if best[i] + p.cycles < best[j + 1] { best[j + 1] = best[i] + p.cycles; from[j + 1] = i; piped[j + 1] = true }
                }
            }
            var j = m
            while j > 0 { cuts.append((from[j], j - 1, piped[j])); j = from[j] }
            cuts.reverse()
        }

        // 2. Epochs, stages, regions and times (before link stretching).
        var slots = [GroupSlot?](repeating: nil, count: groups.count)
        var segments: [SegmentPlan] = []
        var regions: [[[Int]]] = []        // per epoch, per stage: its cores
        var stageGroups: [[Int]] = []      // per epoch, the work group of each stage
        var epochCompute: [Double] = []
        var tilesOf: [Int] = []
        var slowest = 0.0
        for (si, cut) in cuts.enumerated() {
            let e = si
            if cut.pipelined, let p = pipeline(cut.i, cut.j) {
                var region: [[Int]] = [], at = 0
                for k in p.alloc { region.append(Array(order[at..<(at + k)])); at += k }
                regions.append(region)
                stageGroups.append(Array(work[cut.i...cut.j]))
                epochCompute.append(p.cycles)
                tilesOf.append(p.tiles)
                let times = zip(work[cut.i...cut.j], p.alloc).map { cost.cycles(groups[$0], cores: $1) }
                slowest = max(slowest, times.max()!)
            } else {
                regions.append([order])
                stageGroups.append([work[cut.i]])
                epochCompute.append(layerCost(work[cut.i]))
                tilesOf.append(1)
            }
            _ = e
        }
        // Refinement of each pipelined segment's regions: fewer bytes × hops between stages.
        var moves = 0, accepted = 0
        var rng = SplitMix64(seed: options.seed)
        let edgesByPair = program.edges
        for e in regions.indices where regions[e].count > 1 {
            let r = Refiner.refine(regions[e], stageGroups[e], edgesByPair, topo,
                                   moves: min(options.refineMovesPerCore * n, options.maxRefineMoves), rng: &rng)
            regions[e] = r.regions; moves += r.moves; accepted += r.accepted
        }
        // Every group to its epoch and stage; groups without work join the stage before them.
        var epochOf = [Int](repeating: 0, count: groups.count), stageOf = [Int](repeating: 0, count: groups.count)
        var workEpoch: [Int: (Int, Int)] = [:]
        for (e, list) in stageGroups.enumerated() { for (s, g) in list.enumerated() { workEpoch[g] = (e, s) } }
        var current = (0, 0)
        if let first = work.first { current = workEpoch[first]! }
        for g in groups.indices {
            if let w = workEpoch[g] { current = w }
            epochOf[g] = current.0; stageOf[g] = current.1
        }
        // Segments as runs of epochs over the groups they cover.
        var firstGroupOfEpoch = [Int](repeating: Int.max, count: regions.count), lastGroupOfEpoch = [Int](repeating: -1, count: regions.count)
        for g in groups.indices where !regions.isEmpty {
            firstGroupOfEpoch[epochOf[g]] = min(firstGroupOfEpoch[epochOf[g]], g)
            lastGroupOfEpoch[epochOf[g]] = max(lastGroupOfEpoch[epochOf[g]], g)
        }

        // 3. Transfers: core to core inside a pipelined segment, DRAM otherwise.
        var flows: [Flow] = []
        let multicast = options.multicast ?? arch.noc.multicast
        var trees = 0
        var dramOf = [Double](repeating: 0, count: groups.count)
        func coresOf(_ g: Int) -> [Int] { regions.isEmpty ? [] : regions[epochOf[g]][stageOf[g]] }
        for g in groups.indices where groups[g].hasWork {
            let e = epochOf[g]
            let inside = program.edges.enumerated().filter { $0.element.to == g && epochOf[$0.element.from] == e && regions[e].count > 1 }
            let outsideOut = program.edges.filter { $0.from == g && !(epochOf[$0.to] == e && regions[e].count > 1) }
            let insideOut = program.edges.filter { $0.from == g && epochOf[$0.to] == e && regions[e].count > 1 }
            let internalIn = inside.reduce(0) { $0 + $1.element.bytes }
            let internalOut = insideOut.map(\.bytes).max() ?? 0
            let dram = max(0, groups[g].compulsoryBytes - internalIn - internalOut)
            dramOf[g] = dram
            let writes = min(dram, outsideOut.map(\.bytes).max() ?? 0)
            let reads = dram - writes
            let mine = coresOf(g)
            guard topo.channelCount > 0 else { continue }
            for piece in Placer.spreadOverChannels(mine, topo) {
                let c = piece.core, ch = piece.channel
                if reads > 0 {
                    flows.append(Flow(edge: -1, fromGroup: -1, toGroup: g, source: ch, destination: c, bytes: reads / Double(mine.count) * piece.share,
                                      epoch: e, links: [topo.channelIn(ch)] + topo.xyRoute(topo.channelNode[ch], c)))
                }
                if writes > 0 {
                    flows.append(Flow(edge: -1, fromGroup: g, toGroup: -1, source: c, destination: ch, bytes: writes / Double(mine.count) * piece.share,
                                      epoch: e, links: topo.xyRoute(c, topo.channelNode[ch]) + [topo.channelOut(ch)]))
                }
            }
            for (index, edge) in inside where groups[g].replicatesInput && stageOf[edge.from] != stageOf[g] && mine.count > 1 {
                // Every core of the consumer needs the whole value: each producer core sends its
                // share to all of them, as one multicast tree where the NoC has multicast.
                let a = coresOf(edge.from), share = edge.bytes / Double(a.count)
                for src in a {
                    let dests = mine.filter { $0 != src }
                    if multicast && dests.count > 1 {
                        flows.append(Flow(edge: index, fromGroup: edge.from, toGroup: g, source: src, destination: dests[0], bytes: share,
                                          epoch: e, links: topo.xyTree(src, dests), destinations: dests))
                        trees += 1
                    } else {
                        for d in dests {
                            flows.append(Flow(edge: index, fromGroup: edge.from, toGroup: g, source: src, destination: d, bytes: share,
                                              epoch: e, links: topo.xyRoute(src, d)))
                        }
                    }
                }
            }
            for (index, edge) in inside where !(groups[g].replicatesInput && stageOf[edge.from] != stageOf[g] && mine.count > 1) {
                let a = coresOf(edge.from), b = mine
                let count = max(a.count, b.count)
                for k in 0..<count where a[k % a.count] != b[k % b.count] {
                    flows.append(Flow(edge: index, fromGroup: edge.from, toGroup: g, source: a[k % a.count], destination: b[k % b.count],
                                      bytes: edge.bytes / Double(count), epoch: e, links: topo.xyRoute(a[k % a.count], b[k % b.count])))
                }
            }
        }

        // 4. Epoch lengths: compute, at least the time the busiest cut needs; route; stretch.
        let epochCount = regions.count
        var cutBound = [Double](repeating: 0, count: epochCount)
        var flowsOf = [[Int]](repeating: [], count: epochCount)
        for (i, f) in flows.enumerated() { flowsOf[f.epoch].append(i) }
        var target = epochCompute
        for e in 0..<epochCount {
            let b = Bounds.cut(flowsOf[e].map { flows[$0] }, topo)
            cutBound[e] = b.bytes
            target[e] = max(target[e], b.cycles)
        }
        let router = Router.route(&flows, flowsOf, topo, budget: target, maxIterations: options.maxIterations)
        var linkBytes = [[Double]](repeating: [], count: epochCount)
        var epochs: [EpochPlan] = []
        var clock = 0.0, maxRate = 0.0, boundRate = 0.0
        for e in 0..<epochCount {
            var use = [Double](repeating: 0, count: topo.linkCount)
            for i in flowsOf[e] { for l in flows[i].links { use[l] += flows[i].bytes } }
            var length = target[e]
            for l in 0..<topo.linkCount where use[l] > 0 { length = max(length, use[l] / topo.capacity[l]) }
            linkBytes[e] = use
            epochs.append(EpochPlan(start: clock, end: clock + length, computeCycles: epochCompute[e]))
            if length > 0 {
                maxRate = max(maxRate, (use.max() ?? 0) / length)
                boundRate = max(boundRate, cutBound[e] / length)
            }
            clock += length
        }
        var links: [LinkUse] = []
        for l in 0..<topo.linkCount {
            var total = 0.0, peak = 0.0, at = 0
            for e in 0..<epochCount where linkBytes[e][l] > 0 {
                total += linkBytes[e][l]
                let length = epochs[e].end - epochs[e].start
                let rate = length > 0 ? linkBytes[e][l] / length : 0
                if rate > peak { peak = rate; at = e }
            }
            if total > 0 { links.append(LinkUse(link: l, bytes: total, peakBytesPerCycle: peak, peakEpoch: at, overused: router.overusedLinks.contains(l))) }
        }

        // 5. Times of every group inside its epoch.
        for g in groups.indices where !regions.isEmpty {
            let e = epochOf[g], s = stageOf[g]
            let start = epochs[e].start
            let stageTimes = zip(stageGroups[e], regions[e]).map { cost.cycles(groups[$0.0], cores: $0.1.count) }
            let T = Double(tilesOf[e])
            let offset = stageTimes[..<s].reduce(0, +) / T
            let slow = stageTimes.max() ?? 0
            // A pipelined stage starts when the first tile reaches it and ends a tile after the
            // slowest stage has streamed every tile; a group without work shares its stage's window.
            let tail: Double = (T - 1) / T * slow
            let pipelinedEnd: Double = start + offset + stageTimes[s] / T + tail
            let end: Double = regions[e].count > 1 ? pipelinedEnd : start + stageTimes[s]
            let mine = coresOf(g)
            let busy: Double = groups[g].hasWork ? cost.cycles(groups[g], cores: mine.count) : 0
            slots[g] = GroupSlot(group: g, segment: e, stage: s, epoch: e, cores: mine, start: start + offset, end: end,
                                 cycles: busy, dramBytes: dramOf[g])
        }
        for (e, r) in regions.enumerated() {
            let piped = r.count > 1
            let g0 = stageGroups[e][0]
            segments.append(SegmentPlan(firstGroup: firstGroupOfEpoch[e], lastGroup: lastGroupOfEpoch[e],
                                        mode: piped ? "pipeline" : (groups[g0].meshFactor > 1 ? "split" : "layer"),
                                        stages: r.count, cycles: epochs[e].end - epochs[e].start, pipelineTiles: tilesOf[e]))
        }

        // 6. SRAM.
        let budgets = Budget.cores(program, slots: slots.compactMap { $0 }, flows: flows, topo: topo, capacity: sram,
                                   pipelined: regions.map { $0.count > 1 }, staging: staging)
        let totalWork = work.reduce(0.0) { $0 + cost.cycles(groups[$1], cores: 1) }
        return PlacementResult(mode: options.mode, segments: segments, slots: slots.compactMap { $0 }, flows: flows, epochs: epochs,
                               links: links, cores: budgets, router: router, makespan: clock,
                               computeCycles: epochCompute.reduce(0, +),
                               layerByLayerCycles: work.reduce(0.0) { $0 + layerCost($1) },
                               slowestStage: slowest, stageBound: totalWork / Double(n),
                               maxLinkBytesPerCycle: maxRate, cutBoundBytesPerCycle: boundRate,
                               linkBytesPerCycle: arch.noc.linkBytesPerCycle, refineMoves: moves, refineAccepted: accepted,
                               seed: options.seed, sramPerCore: sram, multicast: multicast, multicastTrees: trees)
    }
}

extension Placer {
    /// Each core's DRAM channels for one group, as (core, channel, share of the core's bytes)
    /// pieces: nearest channels first, but every channel serves exactly `cores / channels` cores'
    /// worth of traffic, so a core on a quota boundary splits its share over two channels. Whole
    /// cores per channel (⌈cores / channels⌉ each) left one channel up to 12.5% over the DRAM cut
    /// bound on 8×8 (64 cores over 6 channels); exact shares put every channel at the bound.
    /// Cores that lose most hops by not getting their nearest channel choose first; ties go to
    /// the lower number.
    static func spreadOverChannels(_ cores: [Int], _ topo: Topology) -> [(core: Int, channel: Int, share: Double)] {
        let C = topo.channelCount
        guard C > 0, !cores.isEmpty else { return [] }
        let quota = Double(cores.count) / Double(C)
        let ranked = cores.map { c in (c, (0..<C).sorted { (topo.hops(topo.channelNode[$0], c), $0) < (topo.hops(topo.channelNode[$1], c), $1) }) }
        func regret(_ r: (Int, [Int])) -> Int {
            r.1.count < 2 ? 0 : topo.hops(topo.channelNode[r.1[1]], r.0) - topo.hops(topo.channelNode[r.1[0]], r.0)
        }
        var left = [Double](repeating: quota, count: C)
        var out: [(core: Int, channel: Int, share: Double)] = []
        for r in ranked.sorted(by: { (regret($0), -$0.0) > (regret($1), -$1.0) }) {
            var need = 1.0
            for ch in r.1 where need > 1e-9 && left[ch] > 1e-9 {
                let take = min(need, left[ch])
                out.append((r.0, ch, take)); left[ch] -= take; need -= take
            }
            // Rounding may leave a sliver: it goes to the nearest channel.
            if need > 1e-9 { out.append((r.0, r.1[0], need)) }
        }
        return out.sorted { ($0.core, $0.channel) < ($1.core, $1.channel) }
    }
}

/// A small deterministic generator (SplitMix64): the refinement's moves depend on the seed only.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
