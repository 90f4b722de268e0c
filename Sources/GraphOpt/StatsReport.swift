import GraphPasses

/// The `--stats` report: op counts by type before and after, and where the time went.
struct StatsReport {
    var source: String
    var before: [String: Int]
    var after: [String: Int]
    var passes: [PassStat]
    var importSeconds: Double
    var optimizeSeconds: Double
    var writeSeconds: Double

    func render() -> String {
        var out = "graph-opt: stats: \(source)\n"
        let ops = Set(before.keys).union(after.keys).sorted()
        let width = max(12, (ops.map(\.count) + passes.map(\.name.count)).max() ?? 0) + 2
        func row(_ a: String, _ b: String, _ c: String) -> String {
            "  " + a.padding(toLength: width, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(0, 8 - b.count)) + b
                + String(repeating: " ", count: max(0, 8 - c.count)) + c + "\n"
        }
        out += row("op", "before", "after")
        for op in ops { out += row(op, String(before[op] ?? 0), String(after[op] ?? 0)) }
        out += row("total", String(before.values.reduce(0, +)), String(after.values.reduce(0, +)))
        out += row("pass", "rewrites", "ms")
        for p in passes { out += row(p.name, String(p.rewrites), String(format: "%.2f", p.seconds * 1000)) }
        out += String(format: "  import %.2f ms, optimize %.2f ms, write %.2f ms\n", importSeconds * 1000, optimizeSeconds * 1000, writeSeconds * 1000)
        return out
    }
}
