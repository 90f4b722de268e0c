import ChipArch
import Placement

/// `--report`: the placement for people — segments, every core's memory table, the loaded
/// links, and the gaps to the lower bounds.
enum PlaceReport {
    static func text(_ r: PlacementResult, _ input: TilesInput, feedback: [FeedbackChange] = []) -> String {
        let topo = Topology(arch: input.arch)
        let groups = input.program.groups
        var out: [String] = []
        func f(_ x: Double) -> String { x >= 100 ? String(Int(x.rounded())) : String(format: "%.2f", x) }
        func kb(_ x: Double) -> String { String(format: "%.1f KiB", x / 1024) }
        func node(_ v: Int) -> String { v >= 0 ? "core \(v) (\(v / topo.cols),\(v % topo.cols))" : "dram \(-1 - v)" }
        out.append("placement of \(groups.count) groups on \(input.arch.name) (\(topo.serpentine.count) cores), mode \(r.mode.rawValue)")
        out.append("makespan \(f(r.makespan)) cycles (compute \(f(r.computeCycles)); layer by layer \(f(r.layerByLayerCycles)); work/cores bound \(f(r.stageBound)))")
        out.append("max link load \(f(r.maxLinkBytesPerCycle)) B/cycle (cut bound \(f(r.cutBoundBytesPerCycle)), link \(f(r.linkBytesPerCycle)))")
        out.append("multicast: \(r.multicast ? "\(r.multicastTrees) tree(s)" : input.arch.noc.multicast ? "off (--no-multicast)" : "the NoC has none"); broadcasts \(r.multicast ? "as trees" : "as one unicast per destination")")
        out.append("router: \(r.router.iterations) passes, overused per pass \(r.router.overusedPerIteration), \(r.router.converged ? "converged" : "stopped (the cap, or 6 passes without progress); overused links \(r.router.overusedLinks)")")
        if !feedback.isEmpty {
            out.append("")
            out.append("feedback to tiling (re-mapped where a core's SRAM overflowed):")
            out.append("  group\tname\tcore\tshort by\tcap\ttile bytes old -> new\tcycles old -> new")
            for c in feedback {
                out.append("  \(c.group)\t\(c.name)\t\(node(c.core))\t\(kb(c.shortBytes))\t\(String(format: "%.3f", c.fraction))\t\(Int(c.oldTileBytes.rounded(.up))) -> \(Int(c.newTileBytes.rounded(.up)))\t\(f(c.oldCycles)) -> \(f(c.newCycles))")
            }
        }
        out.append("")
        out.append("segments:")
        for (i, s) in r.segments.enumerated() {
            out.append("  \(i)\tgroups \(s.firstGroup)-\(s.lastGroup)\t\(s.mode)\t\(s.stages) stage(s)\t\(f(s.cycles)) cycles\t\(s.pipelineTiles) tile(s)")
        }
        out.append("")
        out.append("cores (capacity \(kb(r.sramPerCore)) each):")
        out.append("  core\tpeak\tepoch\tbuffers (group what bytes epochs)")
        for c in r.cores {
            let list = c.buffers.map { "\($0.owner) \($0.what) \(Int($0.bytes)) \($0.firstEpoch)-\($0.lastEpoch)" }
            let mark = c.overflow > 0 ? "\tOVER by \(kb(c.overflow))" : ""
            out.append("  \(node(c.core))\t\(kb(c.peak))\t\(c.peakEpoch)\t\(list.joined(separator: "; "))\(mark)")
        }
        out.append("")
        out.append("links (busiest first):")
        out.append("  link\tfrom\tto\tbytes\tpeak B/cycle\tepoch")
        for l in r.links.sorted(by: { ($0.peakBytesPerCycle, -$0.link) > ($1.peakBytesPerCycle, -$1.link) }) {
            out.append("  \(l.link)\t\(node(topo.linkFrom[l.link]))\t\(node(topo.linkTo[l.link]))\t\(Int(l.bytes))\t\(f(l.peakBytesPerCycle))\t\(l.peakEpoch)\(l.overused ? "\toverused" : "")")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
