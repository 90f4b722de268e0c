import Capnp
import Pipes
import Placement
import Schemas

/// The records place-route adds to a placed stream (Formats/placed.capnp).
enum PlacedRecords {
    static func writeAll(_ r: PlacementResult, _ input: TilesInput, feedback changes: [FeedbackChange] = [], to out: RecordStreamWriter) throws {
        for m in input.passThrough {
            let frame = TilesFrame.Reader(try m.rootReader())
            try out.writeRecord { root in
                let b = PlacedFrame.Builder(root)
                switch try frame.which() {
                case .arch(let a): try b.setArch(a)
                case .graph(let g): try b.setGraph(g)
                case .group(let g): try b.setGroup(g)
                case .edge(let e): try b.setEdge(e)
                default: break
                }
            }
        }
        try out.writeRecord { plan(r, changes, PlacedFrame.Builder($0).initPlan()) }
        for s in r.slots { try out.writeRecord { slot(s, PlacedFrame.Builder($0).initPlacement()) } }
        let topo = Topology(arch: input.arch)
        var tree: UInt32 = 0
        for f in r.flows {
            guard f.isTree else { try out.writeRecord { flow(f, r.epochs[f.epoch], PlacedFrame.Builder($0).initRoute()) }; continue }
            // A tree is written as one route per destination: the branch from the source, each
            // a connected walk, all with the tree's number (the checker counts shared links once).
            tree += 1
            var reaching: [Int: Int] = [:]   // node -> the tree link that reaches it
            for l in f.links { reaching[topo.linkTo[l]] = l }
            for d in f.destinations {
                var branch: [Int] = [], at = d
                while at != f.source, let l = reaching[at] { branch.append(l); at = topo.linkFrom[l] }
                var b = f
                b.destination = d
                b.links = branch.reversed()
                let number = tree
                try out.writeRecord { root in
                    let rb = PlacedFrame.Builder(root).initRoute()
                    flow(b, r.epochs[f.epoch], rb)
                    rb.multicast = number
                }
            }
        }
        for l in r.links { try out.writeRecord { link(l, topo, PlacedFrame.Builder($0).initLink()) } }
        for c in r.cores { try out.writeRecord { core(c, PlacedFrame.Builder($0).initCore()) } }
    }

    static func plan(_ r: PlacementResult, _ changes: [FeedbackChange], _ b: PlanSummary.Builder) {
        b.setMode(r.mode.rawValue)
        // Absent, not an empty list, when nothing was re-mapped: the stream stays as it was.
        let fb = changes.isEmpty ? nil : b.initFeedback(count: changes.count)
        for (i, c) in changes.enumerated() {
            let e = fb!.structElement(at: i, as: Replanned.Builder.self)
            e.group = UInt32(c.group)
            e.setName(c.name)
            e.core = UInt32(c.core)
            e.shortBytes = c.shortBytes
            e.fraction = c.fraction
            e.oldTileBytes = c.oldTileBytes
            e.newTileBytes = c.newTileBytes
            e.oldCycles = c.oldCycles
            e.newCycles = c.newCycles
        }
        let list = b.initSegments(count: r.segments.count)
        for (i, s) in r.segments.enumerated() {
            let e = list.structElement(at: i, as: Segment.Builder.self)
            e.firstGroup = UInt32(s.firstGroup)
            e.lastGroup = UInt32(s.lastGroup)
            e.setMode(s.mode)
            e.stages = UInt32(s.stages)
            e.cycles = s.cycles
            e.pipelineTiles = UInt32(s.pipelineTiles)
        }
        b.makespanCycles = r.makespan
        b.computeCycles = r.computeCycles
        b.layerByLayerCycles = r.layerByLayerCycles
        b.slowestStageCycles = r.slowestStage
        b.stageBoundCycles = r.stageBound
        b.maxLinkBytesPerCycle = r.maxLinkBytesPerCycle
        b.cutBoundBytesPerCycle = r.cutBoundBytesPerCycle
        b.linkBytesPerCycle = r.linkBytesPerCycle
        b.routerIterations = UInt32(r.router.iterations)
        b.setOverusedPerIteration(r.router.overusedPerIteration.map { UInt32($0) })
        b.converged = r.router.converged
        b.setOverusedLinks(r.router.overusedLinks.map { UInt32($0) })
        b.refineMoves = UInt32(clamping: r.refineMoves)
        b.refineAccepted = UInt32(clamping: r.refineAccepted)
        b.seed = r.seed
        let epochs = b.initEpochs(count: r.epochs.count)
        for (i, e) in r.epochs.enumerated() {
            let eb = epochs.structElement(at: i, as: Epoch.Builder.self)
            eb.startCycle = e.start
            eb.endCycle = e.end
            eb.computeCycles = e.computeCycles
        }
        b.sramBytesPerCore = UInt64(r.sramPerCore)
        b.multicast = r.multicast
        b.multicastTrees = UInt32(clamping: r.multicastTrees)
    }

    static func slot(_ s: GroupSlot, _ b: GroupPlacement.Builder) {
        b.group = UInt32(s.group)
        b.segment = UInt32(s.segment)
        b.stage = UInt32(s.stage)
        b.slot = UInt32(s.epoch)
        b.setCores(s.cores.map { UInt32($0) })
        b.startCycle = s.start
        b.endCycle = s.end
        b.cycles = s.cycles
        b.dramBytes = UInt64(s.dramBytes.rounded())
    }

    static func flow(_ f: Flow, _ window: EpochPlan, _ b: FlowRoute.Builder) {
        b.startCycle = window.start
        b.endCycle = window.end
        b.edge = Int32(f.edge)
        b.fromGroup = Int32(f.fromGroup)
        b.toGroup = Int32(f.toGroup)
        b.source = UInt32(f.source)
        b.destination = UInt32(f.destination)
        b.bytes = UInt64(f.bytes.rounded(.up))
        b.setLinks(f.links.map { UInt32($0) })
        b.epoch = UInt32(f.epoch)
    }

    static func link(_ l: LinkUse, _ topo: Topology, _ b: LinkLoad.Builder) {
        b.link = UInt32(l.link)
        b.fromNode = Int32(topo.linkFrom[l.link])
        b.toNode = Int32(topo.linkTo[l.link])
        b.bytes = UInt64(l.bytes.rounded(.up))
        b.peakBytesPerCycle = l.peakBytesPerCycle
        b.peakEpoch = UInt32(l.peakEpoch)
        b.overused = l.overused
    }

    static func core(_ c: Placement.CoreBudget, _ b: Schemas.CoreBudget.Builder) {
        b.core = UInt32(c.core)
        b.capacityBytes = UInt64(c.capacity)
        b.peakBytes = UInt64(c.peak)
        b.peakEpoch = UInt32(c.peakEpoch)
        let list = b.initBuffers(count: c.buffers.count)
        for (i, x) in c.buffers.enumerated() {
            let e = list.structElement(at: i, as: Schemas.Buffer.Builder.self)
            e.owner = UInt32(x.owner)
            e.setWhat(x.what)
            e.bytes = UInt64(x.bytes)
            e.firstEpoch = UInt32(x.firstEpoch)
            e.lastEpoch = UInt32(x.lastEpoch)
        }
    }
}
