import Testing
@testable import Simulation

/// The timing simulation on small hand-built programs: the trace adds up to the summary,
/// contention and double buffering behave, runs are deterministic, pipelining overlaps.
@Suite struct SimulationTests {
    /// A 2×2 mesh without wrap-around (links 4·node + direction), one DRAM channel at node 0
    /// (links 16 in, 17 out), 32 B/cycle links, a 100-cycle DRAM latency.
    static func chip(doubleBuffered: Bool = true, achieved: [(bytes: Int, bytesPerCycle: Double)] = []) -> SimChip {
        SimChip(clockGhz: 1, pesPerCore: 64, enabledCores: 4, sramReadBytesPerCycle: 32, sramWriteBytesPerCycle: 32,
                sramSharedPort: false, doubleBuffered: doubleBuffered, linkBytesPerCycle: [Double](repeating: 32, count: 18),
                hopCycles: 1, startupCycles: 10, achieved: achieved, channelBytesPerCycle: [16], channelPjPerByte: [50],
                dramLatencyCycles: 100, macPj: 0.1, vectorPjPerOp: 0.2, pjPerByteHop: 0.5)
    }

    static func group(_ name: String, cores: [Int], epoch: Int = 0, pipelined: Bool = false, chunks: Int = 4,
                      compute: Double = 1000, unit: SimUnit? = .macArray) -> SimGroup {
        SimGroup(name: name, unit: unit, cores: cores, epoch: epoch, pipelined: pipelined, chunks: chunks, tiles: chunks * 2,
                 computeCycles: compute, macs: compute * 64 * Double(cores.count), sramPj: 10, analyticCycles: compute)
    }

    /// DRAM read from channel 0 (node 0) to `core` on a 2×2 mesh: 16, then XY links.
    static func read(_ g: Int, core: Int, bytes: UInt64) -> SimTransfer {
        SimTransfer(dependency: -1, fromGroup: -1, toGroup: g, source: 0, destination: core, bytes: bytes,
                    links: [16] + route(0, core), meshHops: route(0, core).count)
    }

    static func write(_ g: Int, core: Int, bytes: UInt64) -> SimTransfer {
        SimTransfer(dependency: -1, fromGroup: g, toGroup: -1, source: core, destination: 0, bytes: bytes,
                    links: route(core, 0) + [17], meshHops: route(core, 0).count)
    }

    /// XY route on the 2×2 mesh.
    static func route(_ a: Int, _ b: Int) -> [Int] {
        var links: [Int] = [], r = a / 2, c = a % 2
        while c != b % 2 { let d = b % 2 > c ? 0 : 1; links.append(4 * (r * 2 + c) + d); c += d == 0 ? 1 : -1 }
        while r != b / 2 { let d = b / 2 > r ? 2 : 3; links.append(4 * (r * 2 + c) + d); r += d == 2 ? 1 : -1 }
        return links
    }

    static func noc(_ dep: Int, from: Int, to: Int, _ a: Int, _ b: Int, bytes: UInt64) -> SimTransfer {
        SimTransfer(dependency: dep, fromGroup: from, toGroup: to, source: a, destination: b, bytes: bytes, links: route(a, b),
                    meshHops: route(a, b).count)
    }

    /// A layer-by-layer chain of `n` groups on all four cores, through DRAM.
    static func layerChain(_ n: Int, bytes: UInt64 = 4096) -> SimProgram {
        var groups: [SimGroup] = [], deps: [SimDependency] = [], transfers: [SimTransfer] = []
        for g in 0..<n {
            groups.append(group("g\(g)", cores: [0, 1, 2, 3], epoch: g))
            if g > 0 { deps.append(SimDependency(from: g - 1, to: g)) }
            for c in 0..<4 {
                transfers.append(read(g, core: c, bytes: bytes))
                transfers.append(write(g, core: c, bytes: bytes / 2))
            }
        }
        return SimProgram(groups: groups, dependencies: deps, transfers: transfers, nodeCount: 4, linkCount: 18)
    }

    /// Two pipelined stages (cores 0,1 then 2,3) streaming 8 chunks core to core, with a view
    /// between them and a vector group after, layer by layer.
    static func pipeline() -> SimProgram {
        let groups = [group("a", cores: [0, 1], pipelined: true, chunks: 8),
                      group("view", cores: [0, 1], pipelined: true, chunks: 8, unit: nil),
                      group("b", cores: [2, 3], pipelined: true, chunks: 8),
                      group("v", cores: [0, 1, 2, 3], epoch: 1, chunks: 2, compute: 300, unit: .vectorUnit)]
        let deps = [SimDependency(from: 0, to: 1), SimDependency(from: 1, to: 2), SimDependency(from: 2, to: 3)]
        var transfers = [read(0, core: 0, bytes: 8192), read(0, core: 1, bytes: 8192),
                         noc(1, from: 1, to: 2, 0, 2, bytes: 16384), noc(1, from: 1, to: 2, 1, 3, bytes: 16384),
                         write(2, core: 2, bytes: 2048), write(2, core: 3, bytes: 2048)]
        for c in 0..<4 { transfers.append(read(3, core: c, bytes: 1024)); transfers.append(write(3, core: c, bytes: 1024)) }
        return SimProgram(groups: groups, dependencies: deps, transfers: transfers, nodeCount: 4, linkCount: 18)
    }

    /// A seeded random program: layer and pipelined epochs, views, branches, DRAM and NoC.
    static func random(_ seed: UInt64) -> SimProgram {
        var state = seed
        func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
        var groups: [SimGroup] = [], deps: [SimDependency] = [], transfers: [SimTransfer] = []
        var epoch = 0
        while groups.count < 12 {
            if next(2) == 0 {
                let g = groups.count
                let unit: SimUnit? = next(5) == 0 ? nil : (next(3) == 0 ? .vectorUnit : .macArray)
                groups.append(group("l\(g)", cores: [0, 1, 2, 3], epoch: epoch, chunks: 1 + next(4), compute: Double(1 + next(3000)), unit: unit))
                if g > 0 { deps.append(SimDependency(from: next(g), to: g)) }
                if unit != nil { for c in 0..<4 { transfers.append(read(g, core: c, bytes: UInt64(next(20000)))); transfers.append(write(g, core: c, bytes: UInt64(next(5000)))) } }
            } else {
                let a = groups.count, chunks = 1 + next(16)
                groups.append(group("p\(a)", cores: [0, 3], epoch: epoch, pipelined: true, chunks: chunks, compute: Double(1 + next(2000))))
                groups.append(group("q\(a + 1)", cores: [1, 2], epoch: epoch, pipelined: true, chunks: chunks, compute: Double(1 + next(2000))))
                if a > 0 { deps.append(SimDependency(from: next(a), to: a)) }
                deps.append(SimDependency(from: a, to: a + 1))
                transfers.append(read(a, core: 0, bytes: UInt64(next(9000))))
                transfers.append(read(a, core: 3, bytes: UInt64(next(9000))))
                transfers.append(noc(deps.count - 1, from: a, to: a + 1, 0, 1, bytes: UInt64(next(30000))))
                transfers.append(noc(deps.count - 1, from: a, to: a + 1, 3, 2, bytes: UInt64(next(30000))))
                transfers.append(write(a + 1, core: 1, bytes: UInt64(next(9000))))
            }
            epoch += 1
        }
        return SimProgram(groups: groups, dependencies: deps, transfers: transfers, nodeCount: 4, linkCount: 18)
    }

    /// The summary is the trace's sums: makespan, every busy figure, every byte count.
    static func expectAddsUp(_ p: SimProgram, _ chip: SimChip) {
        let r = Simulator.run(p, on: chip)
        let ev = r.events
        #expect(ev.count > 0)
        #expect(r.makespan == ev.end.max()!)
        var mac = [UInt64](repeating: 0, count: 4), vec = mac, sram = mac, sramBytes = mac
        var link = [UInt64](repeating: 0, count: p.linkCount), linkBytes = link, channel: UInt64 = 0, channelBytes: UInt64 = 0
        for k in 0..<ev.count {
            let len = ev.end[k] - ev.start[k], r = Int(ev.resource[k])
            #expect(ev.end[k] > ev.start[k])
            if k > 0 { #expect(ev.start[k - 1] <= ev.start[k]) }
            switch SimUnit(rawValue: ev.unit[k])! {
            case .macArray: mac[r] += len
            case .vectorUnit: vec[r] += len
            case .sramPort: sram[r] += len; sramBytes[r] += ev.bytes[k]
            case .nocLink: link[r] += len; linkBytes[r] += ev.bytes[k]
            case .dramChannel: channel += len; channelBytes += ev.bytes[k]
            }
        }
        for c in 0..<4 {
            #expect(r.cores[c].macBusyCycles == mac[c])
            #expect(r.cores[c].vectorBusyCycles == vec[c])
            #expect(r.cores[c].sramBusyCycles == sram[c])
            #expect(r.cores[c].sramReadBytes + r.cores[c].sramWriteBytes == sramBytes[c])
        }
        for l in r.links {
            #expect(l.busyCycles == link[l.index])
            #expect(l.bytes == linkBytes[l.index])
        }
        #expect(r.links.map(\.busyCycles).reduce(0, +) == link.reduce(0, +))
        #expect(r.channels[0].busyCycles == channel)
        #expect(r.channels[0].bytes == channelBytes)
        // Every byte the program moves is in the trace once per link and channel it crosses.
        let dram = p.transfers.filter { $0.channel != nil }.map(\.bytes).reduce(0, +)
        #expect(channelBytes == dram)
        #expect(r.dramBytes == dram)
        // Every group's compute is in the trace: its cores' MAC/vector cycles add up to its share.
        for (g, gr) in p.groups.enumerated() where gr.unit != nil {
            let busy = (0..<ev.count).filter { Int(ev.group[$0]) == g && ev.unit[$0] <= 1 }.map { ev.end[$0] - ev.start[$0] }.reduce(0, +)
            #expect(busy == UInt64(gr.computeCycles.rounded(.up)) * UInt64(gr.cores.count))
            #expect(r.groups[g].start < r.groups[g].end)
        }
    }

    @Test func traceAddsUpToTheSummary() {
        Self.expectAddsUp(Self.layerChain(5), Self.chip())
        Self.expectAddsUp(Self.pipeline(), Self.chip())
        Self.expectAddsUp(Self.pipeline(), Self.chip(doubleBuffered: false, achieved: [(256, 8), (2048, 24), (16384, 30)]))
        for seed in 1...12 as ClosedRange<UInt64> { Self.expectAddsUp(Self.random(seed), Self.chip()) }
    }

    @Test func twoTransfersOnOneLinkTakeLongerThanOne() {
        // One group on cores 1 and 3: both DRAM reads cross channel 0's link and link 0 (0 -> 1).
        func run(_ cores: [Int]) -> SimResult {
            let g = Self.group("g", cores: cores, chunks: 1, compute: 10)
            let t = cores.map { Self.read(0, core: $0, bytes: 64_000) }
            return Simulator.run(SimProgram(groups: [g], dependencies: [], transfers: t, nodeCount: 4, linkCount: 18), on: Self.chip())
        }
        let one = run([1]), two = run([1, 3])
        #expect(two.makespan > one.makespan)
        #expect(one.contentionCycles == 0)
        #expect(two.contentionCycles > 0)
        // The second waited exactly as long as the first held the shared channel: FIFO, whole transfers.
        let channelEvents = (0..<two.events.count).filter { two.events.unit[$0] == SimUnit.dramChannel.rawValue }
        #expect(channelEvents.count == 2)
        #expect(two.events.start[channelEvents[1]] == two.events.end[channelEvents[0]])
        #expect(two.channels[0].contentionCycles == two.contentionCycles)
    }

    @Test func doubleBufferingOverlapsLoadsWithCompute() {
        // One core whose loads take about as long as its compute: overlapping them nearly halves the time.
        let p = SimProgram(groups: [Self.group("g", cores: [3], chunks: 4, compute: 4000)], dependencies: [],
                           transfers: [Self.read(0, core: 3, bytes: 64_000), Self.write(0, core: 3, bytes: 4000)], nodeCount: 4, linkCount: 18)
        let double = Simulator.run(p, on: Self.chip(doubleBuffered: true))
        let single = Simulator.run(p, on: Self.chip(doubleBuffered: false))
        #expect(double.makespan < single.makespan)
        // With double buffering some DRAM read runs while the same core computes.
        let ev = double.events
        let computes = (0..<ev.count).filter { ev.unit[$0] == SimUnit.macArray.rawValue && ev.resource[$0] == 3 }
        let reads = (0..<ev.count).filter { ev.unit[$0] == SimUnit.nocLink.rawValue && ev.resource[$0] == 16 }
        let overlaps = computes.contains { c in reads.contains { r in ev.start[r] < ev.end[c] && ev.start[c] < ev.end[r] } }
        #expect(overlaps)
        // Without it, a core's chunks never overlap their own loads.
        let s = single.events
        for c in 0..<4 {
            let mine = (0..<s.count).filter { s.resource[$0] == UInt32(c) && s.unit[$0] <= 2 }.sorted { s.start[$0] < s.start[$1] }
            for (a, b) in zip(mine, mine.dropFirst()) where s.unit[a] == 0 && s.unit[b] == 0 { #expect(s.end[a] <= s.start[b]) }
        }
    }

    @Test func deterministic() {
        for seed in [3, 9] as [UInt64] {
            let a = Simulator.run(Self.random(seed), on: Self.chip()), b = Simulator.run(Self.random(seed), on: Self.chip())
            #expect(a.events == b.events)
            #expect(a.makespan == b.makespan)
            #expect(a.groups == b.groups)
        }
    }

    @Test func pipelinedStagesOverlapLayerByLayerOnesDoNot() {
        let piped = Simulator.run(Self.pipeline(), on: Self.chip())
        // The consumer stage starts before the producer stage ends: they stream chunk by chunk.
        #expect(piped.groups[2].start < piped.groups[0].end)
        // The same program with the stages in separate layer-by-layer epochs: the consumer waits for all of the producer.
        var layered = Self.pipeline()
        for g in layered.groups.indices { layered.groups[g].pipelined = false; layered.groups[g].epoch = g }
        let layer = Simulator.run(layered, on: Self.chip())
        #expect(layer.groups[2].start >= layer.groups[0].end)
        #expect(layer.makespan > piped.makespan)
        // The vector group after the pipeline waits for the whole of its producer either way.
        #expect(piped.groups[3].start >= piped.groups[2].end)
        // The view has no events of its own.
        #expect(piped.groups[1].end == 0)
    }

    @Test func achievedBandwidthFollowsTransferSize() {
        let c = Self.chip(achieved: [(256, 8), (2048, 24), (16384, 30)])
        #expect(c.bandwidth(100, cap: 32) == 8)
        #expect(c.bandwidth(2048, cap: 32) == 24)
        #expect(c.bandwidth(1 << 20, cap: 32) == 30)
        #expect(c.bandwidth(1 << 20, cap: 16) == 16)
        let mid = c.bandwidth(724, cap: 32)   // half way between 256 and 2048 in log size
        #expect(mid > 15 && mid < 17)
    }

    @Test func sharesAddUp() {
        for total in [0, 1, 7, 1000, 123_457] as [UInt64] {
            for n in 1...9 { #expect((0..<n).map { Simulator.share(total, n, $0) }.reduce(0, +) == total) }
        }
    }

    @Test func energyFromTheArchFigures() {
        let p = Self.layerChain(2)
        let r = Simulator.run(p, on: Self.chip())
        let dram = Double(p.transfers.filter { $0.channel != nil }.map(\.bytes).reduce(0, +))
        #expect(r.dramPj == dram * 50)
        let byteHops = p.transfers.map { $0.bytes * UInt64($0.meshHops) }.reduce(0, +)
        #expect(r.nocByteHops == byteHops)
        #expect(r.nocPj == Double(byteHops) * 0.5)
        #expect(r.macPj == p.groups.map { $0.macs * 0.1 }.reduce(0, +))
        #expect(r.energyPj == r.macPj + r.sramPj + r.nocPj + r.dramPj)
    }

    /// Group 0 on core 0 broadcasts its 8 KiB output to group 1 on cores 1, 2 and 3: as one
    /// multicast tree, or (tree 0) as three unicasts.
    static func broadcast(tree: Int) -> SimProgram {
        let groups = [group("a", cores: [0], chunks: 2), group("b", cores: [1, 2, 3], epoch: 1, chunks: 2)]
        var transfers = [read(0, core: 0, bytes: 4096)]
        for c in 1...3 {
            var t = noc(0, from: 0, to: 1, 0, c, bytes: 8192)
            t.multicast = tree
            transfers.append(t)
        }
        return SimProgram(groups: groups, dependencies: [SimDependency(from: 0, to: 1)], transfers: transfers, nodeCount: 4, linkCount: 18)
    }

    /// A tree carries its bytes once over each of its links (0→1 and 0→2 are its links; 0→3 runs
    /// over 0→1 then 1→3), so it moves fewer link bytes and byte-hops than three unicasts, is no
    /// slower, and every destination still gets the whole value.
    @Test func multicastTreeCarriesSharedLinksOnce() {
        let chip = Self.chip()
        let tree = Simulator.run(Self.broadcast(tree: 1), on: chip)
        let unicast = Simulator.run(Self.broadcast(tree: 0), on: chip)
        let treeLinks = Self.broadcast(tree: 1).multicastTrees()
        #expect(treeLinks.count == 1)
        #expect(Set(treeLinks[0].links) == Set(Self.route(0, 1) + Self.route(0, 2) + Self.route(0, 3)))
        #expect(treeLinks[0].links.count == 3)
        // Per link: the tree's bytes once; the unicasts' 0→1 link carries two destinations' bytes.
        let firstLink = Self.route(0, 1)[0]
        #expect(tree.links.first { $0.index == firstLink }?.bytes == 8192)
        #expect(unicast.links.first { $0.index == firstLink }?.bytes == 2 * 8192)
        #expect(tree.nocByteHops == 8192 * 3)
        #expect(unicast.nocByteHops == 8192 * 4)
        #expect(tree.makespan <= unicast.makespan)
        // Every destination fills its whole share.
        for c in 1...3 { #expect(tree.cores[c].sramWriteBytes == 8192) }
        Self.expectAddsUp(Self.broadcast(tree: 1), chip)
    }
}
