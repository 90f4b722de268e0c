import ArgumentParser
import AvroSchemas
import ToolKit

/// `schema-migrate`: versioned Avro schemas for Sluice data — compatibility checks, a registry
/// of plain files, fingerprints. Each subcommand is a `SluiceCommand` in its own file.
public struct SchemaMigrate: SluiceCommand {
    /// Name, help text, version and the subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "schema-migrate",
        abstract: "Check, register and fingerprint versioned Avro schemas.",
        discussion: "Exit status 3 means a check ran and the schema failed it. See schema-migrate(1).",
        version: Sluice.version,
        subcommands: subcommands)

    /// Every subcommand, in the order `--help` lists them: a new subcommand is one file plus
    /// one entry here.
    static let subcommands: [ParsableCommand.Type] = [
        CompatCommand.self,
        CheckCommand.self,
        RegisterCommand.self,
        FingerprintCommand.self,
        // apply, gate, infer: the table-stream subcommands go here.
    ]

    /// The root streams nothing.
    public var common: CommonOptions { .defaults }

    /// Required by argument-parser.
    public init() {}

    /// Without a subcommand there is nothing to do: a usage error (exit 2).
    public func run(_ tool: ToolContext) throws {
        let names = Self.subcommands.compactMap { $0.configuration.commandName }.joined(separator: ", ")
        throw ToolError.usage("usage", "give a subcommand: \(names) (see 'schema-migrate --help')")
    }
}

/// The registry modes as option values (`--mode FULL_TRANSITIVE`).
extension CompatibilityMode: ExpressibleByArgument {}
