import ArgumentParser
import ToolKit

/// `dq-check`: data-quality profiles, checks and drift for Sluice data streams. Each
/// subcommand is a `SluiceCommand` in its own file.
public struct DQCheck: SluiceCommand {
    /// Name, help text, version and the subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "dq-check",
        abstract: "Profile, merge and align table, events and seq-blocks streams.",
        discussion: "Exit status 3 means a check ran and the data failed it. See dq-check(1).",
        version: Sluice.version,
        subcommands: subcommands)

    /// Every subcommand, in the order `--help` lists them: a new subcommand is one file plus
    /// one entry here.
    static let subcommands: [ParsableCommand.Type] = [
        ProfileCommand.self,
        MergeCommand.self,
        AlignCommand.self,
    ]

    /// The root streams nothing.
    public var common: CommonOptions { .defaults }

    /// Required by argument-parser.
    public init() {}

    /// Without a subcommand there is nothing to do: a usage error (exit 2).
    public func run(_ tool: ToolContext) throws {
        let names = Self.subcommands.compactMap { $0.configuration.commandName }.joined(separator: ", ")
        throw ToolError.usage("usage", "give a subcommand: \(names) (see 'dq-check --help')")
    }
}
