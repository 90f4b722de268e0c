import Capnp
import Pipes
import Schemas
import Simulation
import TiledExecution

/// The records of a mesh-mode sim stream (Formats/sim.capnp): arch, summary, groups, cores,
/// links, the trace in batches, then the checks.
enum SimRecords {
    /// Rows per `events` record: 64 Ki keeps one frame near 2.4 MB.
    static let batchRows = 1 << 16

    static func writeAll(_ r: SimResult, _ input: PlacedProgram, checks: [TensorCheckResult]?, fault: String?,
                         to out: RecordStreamWriter) throws {
        let archRoot = PlacedFrame.Reader(try input.archMessage.rootReader())
        if case .arch(let a) = try archRoot.which() { try out.writeRecord { try SimFrame.Builder($0).setArch(a) } }
        try out.writeRecord { summary(r, input, checks: checks, fault: fault, SimFrame.Builder($0).initSummary()) }
        for t in r.groups { try out.writeRecord { group(t, input, SimFrame.Builder($0).initGroup()) } }
        for c in r.cores where input.topology.enabled[c.core] { try out.writeRecord { core(c, SimFrame.Builder($0).initCore()) } }
        for l in r.links { try out.writeRecord { link(l, input, SimFrame.Builder($0).initLink()) } }
        let ev = r.events
        var at = 0
        while at < ev.count {
            let end = min(ev.count, at + batchRows)
            try out.writeRecord { root in
                let b = SimFrame.Builder(root).initEvents()
                b.setUnit(Array(ev.unit[at..<end]))
                b.setResource(Array(ev.resource[at..<end]))
                b.setGroup(Array(ev.group[at..<end]))
                b.setTile(Array(ev.tile[at..<end]))
                b.setStartCycle(Array(ev.start[at..<end]))
                b.setEndCycle(Array(ev.end[at..<end]))
                b.setBytes(Array(ev.bytes[at..<end]))
            }
            at = end
        }
        for c in checks ?? [] { try out.writeRecord { CheckStage.fill(SimFrame.Builder($0).initCheck(), c) } }
    }

    static func summary(_ r: SimResult, _ input: PlacedProgram, checks: [TensorCheckResult]?, fault: String?, _ b: SimSummary.Builder) {
        b.setModel("mesh")
        b.setGraph(input.graphName)
        b.makespanCycles = r.makespan
        b.analyticCycles = input.analyticMakespan
        b.macUtilization = r.macUtilization
        b.energyPj = r.energyPj
        b.macPj = r.macPj
        b.sramPj = r.sramPj
        b.nocPj = r.nocPj
        b.dramPj = r.dramPj
        b.dramBytes = r.dramBytes
        b.nocByteHops = r.nocByteHops
        b.events = UInt64(r.events.count)
        b.contentionCycles = r.contentionCycles
        b.checked = checks != nil
        b.checksFailed = UInt32(clamping: (checks ?? []).filter { !$0.passed }.count)
        b.setFault(fault ?? "")
        b.setChannelBusyCycles(r.channels.map(\.busyCycles))
        b.setChannelBytes(r.channels.map(\.bytes))
    }

    static func group(_ t: SimGroupTiming, _ input: PlacedProgram, _ b: GroupTiming.Builder) {
        let g = input.program.groups[t.group]
        b.group = UInt32(t.group)
        b.setName(g.name)
        b.setCores(g.cores.map { UInt32($0) })
        b.startCycle = t.start
        b.endCycle = t.end
        b.computeCycles = t.computeCycles
        b.waitCycles = t.waitCycles
        b.analyticCycles = t.analyticCycles
        b.error = t.error
    }

    static func core(_ c: SimCoreStats, _ b: CoreStats.Builder) {
        b.core = UInt32(c.core)
        b.macBusyCycles = c.macBusyCycles
        b.vectorBusyCycles = c.vectorBusyCycles
        b.sramBusyCycles = c.sramBusyCycles
        b.sramReadBytes = c.sramReadBytes
        b.sramWriteBytes = c.sramWriteBytes
        b.macs = c.macs
        b.utilization = c.utilization
        b.energyPj = c.energyPj
    }

    static func link(_ l: SimLinkStats, _ input: PlacedProgram, _ b: LinkStats.Builder) {
        b.link = UInt32(l.index)
        b.fromNode = Int32(input.topology.linkFrom[l.index])
        b.toNode = Int32(input.topology.linkTo[l.index])
        b.bytes = l.bytes
        b.busyCycles = l.busyCycles
        b.utilization = l.utilization
        b.contentionCycles = l.contentionCycles
    }
}
