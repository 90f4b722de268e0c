import ArgumentParser
import ToolKit

/// `dq-check`: data-quality gates on table, events and seq-blocks streams — profiles and their
/// merges, modality alignment, rule checks, exact drift statistics, root causes of a change,
/// the HTML report. Each subcommand is a `SluiceCommand` in its own file.
public struct DQCheck: SluiceCommand {
    /// Name, help text, version and the subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "dq-check",
        abstract: "Profile, check, compare and explain table, events and seq-blocks streams.",
        discussion: "Exit status 3 means a check ran and the data failed it. See dq-check(1).",
        version: Sluice.version,
        subcommands: subcommands)

    /// Every subcommand, in the order `--help` lists them: a new subcommand is one file plus
    /// one entry here.
    static let subcommands: [ParsableCommand.Type] = [
        ProfileCommand.self,
        MergeCommand.self,
        AlignCommand.self,
        CheckCommand.self,
        DriftCommand.self,
        ExplainCommand.self,
        ReportCommand.self,
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
