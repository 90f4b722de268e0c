import Foundation
import Simulation

/// `--report`: per group, place-route's analytic cycles against the simulated ones — where
/// the cost model was wrong and by how much — then the run's totals.
enum SimReport {
    static func text(_ r: SimResult, _ input: PlacedProgram) -> String {
        func pct(_ x: Double) -> String { String(format: "%+.1f%%", 100 * x) }
        func num(_ x: Double) -> String { String(Int(x.rounded())) }
        var out: [String] = []
        let err = r.makespan > 0 ? input.analyticMakespan / Double(r.makespan) - 1 : 0
        out.append("\(input.graphName) on \(input.arch.name): simulated \(r.makespan) cycles, place-route's cost model \(num(input.analyticMakespan)) (error \(pct(err)))")
        out.append("events \(r.events.count), MAC utilization \(String(format: "%.2f%%", 100 * r.macUtilization)), contention \(r.contentionCycles) cycles, energy \(String(format: "%.1f", r.energyPj / 1e6)) uJ (MAC \(String(format: "%.1f", r.macPj / 1e6)), SRAM \(String(format: "%.1f", r.sramPj / 1e6)), NoC \(String(format: "%.1f", r.nocPj / 1e6)), DRAM \(String(format: "%.1f", r.dramPj / 1e6)))")
        out.append("")
        out.append("group\tname\tmode\tcores\tanalytic\tsimulated\terror\tcompute\twait")
        for t in r.groups {
            let g = input.program.groups[t.group]
            guard g.unit != nil else { continue }
            out.append("\(t.group)\t\(g.name)\t\(input.modes[t.group])\t\(g.cores.count)\t\(num(t.analyticCycles))\t\(t.simulatedCycles)\t\(t.simulatedCycles > 0 ? pct(t.error) : "-")\t\(t.computeCycles)\t\(t.waitCycles)")
        }
        let worst = r.groups.filter { $0.simulatedCycles > 0 }.sorted { (abs($0.error), -$0.group) > (abs($1.error), -$1.group) }.prefix(3)
        if !worst.isEmpty {
            out.append("")
            out.append("largest errors: " + worst.map { "group \($0.group) \(input.program.groups[$0.group].name) \(pct($0.error))" }.joined(separator: "; "))
        }
        return out.joined(separator: "\n") + "\n"
    }
}
