import Placement
import Simulation
import ToolKit

/// `--trace`: the events as Chrome trace JSON (the "JSON Object Format" ui.perfetto.dev and
/// chrome://tracing load): one process per core with a thread per unit (MAC array, vector
/// unit, SRAM port), one process "NoC links" with a thread per link, one "DRAM channels" with
/// a thread per channel. Complete events ("ph":"X"); times in microseconds of the arch's clock.
enum TraceJSON {
    /// Writes the JSON in pieces to `sink` (a few MB at a time: a whole network has millions of events).
    static func write(_ r: SimResult, _ input: PlacedProgram, _ sink: ([UInt8]) throws -> Void) throws {
        let topo = input.topology
        let N = topo.nodeCount
        let linkPid = N + 1, dramPid = N + 2
        var out: [UInt8] = []
        out.reserveCapacity(1 << 22)
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        func flushIfBig() throws { if out.count > 1 << 22 { try sink(out); out.removeAll(keepingCapacity: true) } }
        put("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"graph\":\(JSONText.string(input.graphName)),\"arch\":\(JSONText.string(input.arch.name)),")
        put("\"clockGhz\":\(input.arch.clockGhz),\"makespanCycles\":\(r.makespan),\"analyticCycles\":\(input.analyticMakespan)},\"traceEvents\":[\n")
        var first = true
        func meta(_ pid: Int, _ tid: Int?, _ name: String, sort: Int) {
            if !first { put(",\n") }
            first = false
            if let tid {
                put("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":\(pid),\"tid\":\(tid),\"args\":{\"name\":\(JSONText.string(name))}}")
                put(",\n{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":\(pid),\"tid\":\(tid),\"args\":{\"sort_index\":\(sort)}}")
            } else {
                put("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":\(pid),\"args\":{\"name\":\(JSONText.string(name))}}")
                put(",\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":\(pid),\"args\":{\"sort_index\":\(sort)}}")
            }
        }
        // Tracks that have events only.
        var coreUnits = Set<Int>(), links = Set<Int>(), channels = Set<Int>()
        let ev = r.events
        for k in 0..<ev.count {
            let res = Int(ev.resource[k])
            switch ev.unit[k] {
            case 3: links.insert(res)
            case 4: channels.insert(res)
            default: coreUnits.insert(res * 3 + Int(ev.unit[k]))
            }
        }
        let unitNames = ["MAC array", "vector unit", "SRAM port"]
        for c in Set(coreUnits.map { $0 / 3 }).sorted() {
            meta(c + 1, nil, "core \(c) (\(c / topo.cols),\(c % topo.cols))", sort: c)
            for u in 0..<3 where coreUnits.contains(c * 3 + u) { meta(c + 1, u, unitNames[u], sort: u) }
        }
        if !links.isEmpty {
            meta(linkPid, nil, "NoC links", sort: N + 1)
            for l in links.sorted() { meta(linkPid, l, "link \(l): \(node(topo.linkFrom[l], topo)) -> \(node(topo.linkTo[l], topo))", sort: l) }
        }
        if !channels.isEmpty {
            meta(dramPid, nil, "DRAM channels", sort: N + 2)
            for c in channels.sorted() { meta(dramPid, c, "channel \(c)", sort: c) }
        }
        let names = input.program.groups.map { JSONText.string($0.name) }
        let perMicro = input.arch.clockGhz * 1000
        for k in 0..<ev.count {
            let res = Int(ev.resource[k]), unit = Int(ev.unit[k])
            let (pid, tid) = unit == 3 ? (linkPid, res) : (unit == 4 ? (dramPid, res) : (res + 1, unit))
            let g = Int(ev.group[k])
            put(",\n{\"name\":\(g < names.count ? names[g] : "\"?\""),\"ph\":\"X\",\"pid\":\(pid),\"tid\":\(tid)")
            put(",\"ts\":\(micro(ev.start[k], perMicro)),\"dur\":\(micro(ev.end[k] - ev.start[k], perMicro))")
            put(",\"args\":{\"group\":\(g),\"tile\":\(ev.tile[k])\(ev.bytes[k] > 0 ? ",\"bytes\":\(ev.bytes[k])" : "")}}")
            try flushIfBig()
        }
        put("\n]}\n")
        try sink(out)
    }

    static func node(_ v: Int, _ topo: Placement.Topology) -> String {
        v >= 0 ? "core \(v)" : "DRAM \(-1 - v)"
    }

    /// Cycles in microseconds, as JSON (exact for a 1 GHz clock: cycles / 1000 in decimal).
    static func micro(_ cycles: UInt64, _ perMicro: Double) -> String {
        if perMicro == 1000 {
            let whole = cycles / 1000, frac = cycles % 1000
            if frac == 0 { return String(whole) }
            var f = String(frac)
            while f.count < 3 { f = "0" + f }
            while f.hasSuffix("0") { f.removeLast() }
            return "\(whole).\(f)"
        }
        return "\(Double(cycles) / perMicro)"
    }
}
