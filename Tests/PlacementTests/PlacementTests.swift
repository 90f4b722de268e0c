import ChipArch
import Testing
@testable import Placement

/// Placement, routing and budgets on synthetic programs and meshes.
@Suite struct PlacementTests {
    /// The 8×8 preset with `rows × cols` nodes and a slower NoC when asked (to congest it).
    static func mesh(_ rows: Int, _ cols: Int, link: Double = 32, torus: Bool = false, disabled: [MeshNode] = []) -> ChipArch {
        var a = ChipArch.mesh8x8
        a.mesh = Mesh(rows: rows, cols: cols, disabled: disabled)
        a.noc.linkBytesPerCycle = link
        a.noc.topology = torus ? "torus2d" : "mesh2d"
        a.dram = (0..<rows).filter { $0 % 3 == 1 }.flatMap { r in
            [DramChannel(row: r, col: -1, bytesPerCycle: 48, pjPerByte: 56, bytes: 1 << 30),
             DramChannel(row: r, col: cols, bytesPerCycle: 48, pjPerByte: 56, bytes: 1 << 30)]
        }
        return a
    }

    /// A chain of `n` groups, each mapped over `factor` cores, with `bytes` between neighbours.
    static func chain(_ n: Int, factor: Int, cycles: Double = 10_000, bytes: Double = 1_048_576, weights: Double = 4096) -> Program {
        let groups = (0..<n).map { i in
            ProgramGroup(name: "g\(i)", cycles: cycles * Double(1 + i % 3), meshFactor: factor, streamUnits: 16, weightBytes: weights,
                         compulsoryBytes: weights + 2 * bytes, tileBytes: TileFootprint(weights: 1024, inputs: 2048, outputs: 2048))
        }
        return Program(groups: groups, edges: (1..<n).map { ProgramEdge(from: $0 - 1, to: $0, bytes: bytes) })
    }

    @Test func xyRoutesAreConnectedAndMinimal() {
        for torus in [false, true] {
            let t = Topology(arch: Self.mesh(5, 7, torus: torus))
            for a in 0..<t.nodeCount { for b in 0..<t.nodeCount {
                for links in [t.xyRoute(a, b), t.yxRoute(a, b)] {
                    #expect(links.count == t.hops(a, b))
                    var at = a
                    for l in links { #expect(t.linkFrom[l] == at); at = t.linkTo[l] }
                    #expect(at == b)
                }
            } }
        }
    }

    @Test func boundsNeverExceedWhatIsAchieved() {
        for (mode, factor) in [(ExecutionMode.auto, 4), (.pipeline, 2), (.layer, 64)] {
            let r = Placer.place(Self.chain(10, factor: factor), on: Self.mesh(8, 8), PlaceOptions(mode: mode))
            #expect(r.makespan >= r.stageBound * (1 - 1e-9))
            #expect(r.computeCycles >= r.stageBound * (1 - 1e-9))
            #expect(r.maxLinkBytesPerCycle >= r.cutBoundBytesPerCycle * (1 - 1e-9))
            #expect(r.makespan >= r.computeCycles * (1 - 1e-9))
        }
    }

    @Test func pipeliningBeatsLayersWhenMappingsUseFewCores() {
        // Groups whose mappings use 4 of 64 cores: one at a time leaves 60 idle.
        let p = Self.chain(8, factor: 4)
        let layer = Placer.place(p, on: Self.mesh(8, 8), PlaceOptions(mode: .layer))
        let auto = Placer.place(p, on: Self.mesh(8, 8), PlaceOptions(mode: .auto))
        #expect(auto.computeCycles < layer.computeCycles)
        #expect(auto.segments.contains { $0.mode == "pipeline" })
        // And stages of a pipelined segment never share a core.
        for e in auto.epochs.indices {
            let slots = auto.slots.filter { $0.epoch == e && p.groups[$0.group].hasWork }
            let all = slots.flatMap(\.cores)
            #expect(Set(all).count == all.count)
        }
    }

    @Test func disabledCoresGetNoWork() {
        let off = [MeshNode(row: 0, col: 0), MeshNode(row: 3, col: 4), MeshNode(row: 7, col: 7)]
        let arch = Self.mesh(8, 8, disabled: off)
        let r = Placer.place(Self.chain(12, factor: 2), on: arch, PlaceOptions())
        let offIDs = Set(off.map { $0.row * 8 + $0.col })
        for s in r.slots { #expect(offIDs.isDisjoint(with: s.cores)) }
        #expect(r.cores.count == 61)
    }

    @Test func congestedRouterConvergesOrStopsAtTheCap() {
        // A slow NoC (2 B/cycle) and heavy transfers between pipelined stages.
        let arch = Self.mesh(6, 6, link: 2)
        for cap in [0, 3, 40] {
            var o = PlaceOptions(mode: .pipeline)
            o.maxIterations = cap
            let r = Placer.place(Self.chain(9, factor: 2, bytes: 8_388_608), on: arch, o)
            #expect(r.router.iterations <= cap)
            #expect(r.router.overusedPerIteration.count <= cap + 1)
            if !r.router.converged { #expect(!r.router.overusedLinks.isEmpty) }
            // Every link fits its bandwidth over the (stretched) epoch.
            for e in r.epochs.indices {
                var use = [Double](repeating: 0, count: Topology(arch: arch).linkCount)
                for f in r.flows where f.epoch == e { for l in f.links { use[l] += f.bytes } }
                let length = r.epochs[e].end - r.epochs[e].start
                for (l, u) in use.enumerated() { #expect(u <= Topology(arch: arch).capacity[l] * length * (1 + 1e-9)) }
            }
        }
    }

    @Test func negotiationReducesOverusedLinks() {
        let arch = Self.mesh(6, 6, link: 4)
        var o = PlaceOptions(mode: .pipeline)
        o.maxIterations = 30
        let r = Placer.place(Self.chain(9, factor: 2, bytes: 4_194_304), on: arch, o)
        let first = r.router.overusedPerIteration.first ?? 0
        let last = r.router.overusedPerIteration.last ?? 0
        #expect(first > 0, "the test must start congested")
        #expect(last <= first)
    }

    @Test func sameInputSameResult() {
        let p = Self.chain(14, factor: 3)
        let a = Placer.place(p, on: Self.mesh(8, 8, torus: true), PlaceOptions())
        let b = Placer.place(p, on: Self.mesh(8, 8, torus: true), PlaceOptions())
        #expect(a.flows == b.flows)
        #expect(a.slots == b.slots)
        #expect(a.cores == b.cores)
    }

    @Test func forcedPipelineOfHugeWeightsOverflowsACore() {
        let p = Self.chain(4, factor: 1, weights: 67_108_864)
        let r = Placer.place(p, on: Self.mesh(4, 4), PlaceOptions(mode: .pipeline))
        let worst = try! #require(r.worstOverflow)
        #expect(worst.overflow > 0)
        #expect(worst.buffers.contains { $0.what == "weights" })
        // Auto refuses such a pipeline: it runs layer by layer, tiles only.
        #expect(Placer.place(p, on: Self.mesh(4, 4), PlaceOptions(mode: .auto)).worstOverflow == nil)
    }
}

/// The cut bounds' fast sweeps against brute force over every cut, on random transfers.
@Suite struct CutBoundTests {
    @Test func sweepsEqualBruteForce() {
        var rng = SplitMix64(seed: 42)
        for torus in [false, true] {
            let topo = Topology(arch: PlacementTests.mesh(5, 6, torus: torus))
            for _ in 0..<20 {
                let flows = (0..<25).map { _ in
                    Flow(edge: 0, fromGroup: 0, toGroup: 1, source: rng.below(30), destination: rng.below(30),
                         bytes: Double(1 + rng.below(1000)), epoch: 0, links: [])
                }
                let fast = Bounds.cut(flows, topo).bytes
                // Brute force: node cuts as Bounds has them, then every column/row set the sweep covers.
                var best = Bounds.cut([], topo).bytes
                let pairs = flows.filter { $0.source != $0.destination }
                for axis in 0..<2 {
                    let n = axis == 0 ? topo.cols : topo.rows, across = axis == 0 ? topo.rows : topo.cols
                    func coord(_ v: Int) -> Int { axis == 0 ? v % topo.cols : v / topo.cols }
                    if torus {
                        for s0 in 0..<n { for len in 1..<n {
                            let inArc = { (x: Int) in (x - s0 + n) % n < len }
                            let b = pairs.filter { !inArc(coord($0.source)) && inArc(coord($0.destination)) }.reduce(0) { $0 + $1.bytes }
                            best = max(best, b / Double(2 * across))
                        } }
                    } else {
                        for c in 0..<(n - 1) {
                            let f = pairs.filter { coord($0.source) <= c && coord($0.destination) > c }.reduce(0) { $0 + $1.bytes }
                            let g = pairs.filter { coord($0.source) > c && coord($0.destination) <= c }.reduce(0) { $0 + $1.bytes }
                            best = max(best, f / Double(across), g / Double(across))
                        }
                    }
                }
                var out = [Double](repeating: 0, count: 30), inn = [Double](repeating: 0, count: 30)
                for f in pairs { out[f.source] += f.bytes; inn[f.destination] += f.bytes }
                for v in 0..<30 {
                    let links = (0..<4).filter { topo.exists(4 * v + $0) }.count + topo.channelNode.filter { $0 == v }.count
                    best = max(best, out[v] / Double(links), inn[v] / Double(links))
                }
                #expect(abs(fast - best) <= 1e-9 * max(1, best))
            }
        }
    }
}

/// Multicast: a consumer split over output channels needs its whole input on every core.
@Suite struct MulticastTests {
    /// A chain whose groups after the first replicate their input over 16 cores each.
    static func broadcastChain() -> Program {
        var p = PlacementTests.chain(4, factor: 16)
        for i in 1..<p.groups.count { p.groups[i].replicatesInput = true }
        return p
    }

    static func meshBytes(_ r: PlacementResult, _ topo: Topology) -> Double {
        r.links.filter { $0.link < 4 * topo.nodeCount }.reduce(0) { $0 + $1.bytes }
    }

    @Test func treesCarryLessThanUnicasts() {
        let arch = PlacementTests.mesh(8, 8)
        #expect(arch.noc.multicast)
        let topo = Topology(arch: arch)
        var off = PlaceOptions(mode: .pipeline)
        off.multicast = false
        let trees = Placer.place(Self.broadcastChain(), on: arch, PlaceOptions(mode: .pipeline))
        let unicasts = Placer.place(Self.broadcastChain(), on: arch, off)
        #expect(trees.multicast && trees.multicastTrees > 0)
        #expect(!unicasts.multicast && unicasts.multicastTrees == 0 && !unicasts.flows.contains { $0.isTree })
        // The same broadcasts: fewer bytes over the mesh links, and no busier link.
        #expect(Self.meshBytes(trees, topo) < 0.5 * Self.meshBytes(unicasts, topo))
        #expect(trees.maxLinkBytesPerCycle <= unicasts.maxLinkBytesPerCycle * (1 + 1e-9))
        for r in [trees, unicasts] {
            #expect(r.maxLinkBytesPerCycle >= r.cutBoundBytesPerCycle * (1 - 1e-9))
        }
    }

    @Test func everyTreeReachesItsDestinationsOverConnectedLinks() {
        let arch = PlacementTests.mesh(8, 8, torus: true)
        let topo = Topology(arch: arch)
        let r = Placer.place(Self.broadcastChain(), on: arch, PlaceOptions(mode: .pipeline))
        let trees = r.flows.filter(\.isTree)
        #expect(!trees.isEmpty)
        for t in trees {
            var reached: Set<Int> = [t.source]
            for l in t.links {
                #expect(reached.contains(topo.linkFrom[l]))
                #expect(reached.insert(topo.linkTo[l]).inserted)   // a tree: no node reached twice
            }
            #expect(Set(t.destinations).isSubset(of: reached))
            #expect(!t.destinations.contains(t.source))
        }
    }

    @Test func withoutMulticastInTheArchBroadcastsAreUnicasts() {
        var arch = PlacementTests.mesh(8, 8)
        arch.noc.multicast = false
        let r = Placer.place(Self.broadcastChain(), on: arch, PlaceOptions(mode: .pipeline))
        #expect(!r.multicast && r.multicastTrees == 0)
        #expect(r.flows.contains { $0.edge >= 0 })
    }
}

extension PlaceOptions {
    init(mode: ExecutionMode) { self.init(); self.mode = mode }
}
