import GraphPasses

/// The `--list-passes` text: each pass, the lowest level that runs it, and what it does.
enum PassListing {
    static func render() -> String {
        var lines: [String] = []
        // The name column fits the longest name, so a long name never runs into its level.
        let nameWidth = (PassRegistry.all.map { $0.name.count }.max() ?? 0) + 2
        for p in PassRegistry.all {
            let level = (1...3).first { PassRegistry.names(level: $0).contains(p.name) }.map { "-O\($0)" } ?? "--passes"
            lines.append(p.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + level.padding(toLength: 10, withPad: " ", startingAt: 0) + p.summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
