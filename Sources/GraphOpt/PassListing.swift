import GraphPasses

/// The `--list-passes` text: each pass, the lowest level that runs it, and what it does.
enum PassListing {
    static func render() -> String {
        var lines: [String] = []
        for p in PassRegistry.all {
            let level = (1...3).first { PassRegistry.names(level: $0).contains(p.name) }.map { "-O\($0)" } ?? "--passes"
            lines.append(p.name.padding(toLength: 18, withPad: " ", startingAt: 0) + level.padding(toLength: 6, withPad: " ", startingAt: 0) + p.summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
