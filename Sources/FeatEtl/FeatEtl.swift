import ArgumentParser
import ToolKit

/// `feat-etl`: features into training tensors — fit statistics in one pass, merge the fits of
/// shards, transform table/events/seq-blocks streams into a tensors stream, export the fit for
/// serving code. Each subcommand is a `SluiceCommand` in its own file.
public struct FeatEtl: SluiceCommand {
    /// Name, help text, version and the subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "feat-etl",
        abstract: "Fit, merge, apply and export feature transforms: table streams in, training tensors out.",
        discussion: "See feat-etl(1) for the spec file and the tensors stream (sluice-formats(5)).",
        version: Sluice.version,
        subcommands: subcommands)

    /// Every subcommand, in the order `--help` lists them.
    static let subcommands: [ParsableCommand.Type] = [
        FitCommand.self,
        MergeFitCommand.self,
        TransformCommand.self,
        ExportCommand.self,
    ]

    /// The root streams nothing.
    public var common: CommonOptions { .defaults }

    /// Required by argument-parser.
    public init() {}

    /// Without a subcommand there is nothing to do: a usage error (exit 2).
    public func run(_ tool: ToolContext) throws {
        let names = Self.subcommands.compactMap { $0.configuration.commandName }.joined(separator: ", ")
        throw ToolError.usage("usage", "give a subcommand: \(names) (see 'feat-etl --help')")
    }
}
