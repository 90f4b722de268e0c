import ArgumentParser
import AvroSchemas
import SchemaRegistry
import ToolKit

/// `schema-migrate check --registry DIR --subject S [--mode M] NEW.avsc`: would NEW pass the
/// subject's compatibility mode? Nothing is written.
struct CheckCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a new schema against a subject's versions under a compatibility mode.",
        discussion: "Prints one line per incompatibility with the version and direction and exits 3 when the schema fails.")

    @OptionGroup var registry: RegistryOptions

    @Option(help: ArgumentHelp("The compatibility mode (default: the subject's config.json, else BACKWARD).", valueName: "mode"))
    var mode: CompatibilityMode?

    @Argument(help: ArgumentHelp("The new schema (.avsc); - is standard input.", valueName: "file"))
    var file: String

    var common: CommonOptions { .defaults }

    func run(_ tool: ToolContext) throws {
        let subject = try registry.loadSubject()
        let schema = try SchemaFile.load(file, tool)
        let mode = self.mode ?? subject.mode
        let failures = subject.check(schema, mode: mode)
        guard failures.isEmpty else {
            try SchemaFile.print(failures.flatMap(\.lines), tool)
            throw ToolError.checkFailed(file, "fails \(mode.rawValue) for subject \(subject.name)")
        }
        try SchemaFile.print(["compatible under \(mode.rawValue) (\(Self.compared(mode, subject)))"], tool)
    }

    /// Which versions a passing check compared with, for the report line.
    static func compared(_ mode: CompatibilityMode, _ subject: RegistrySubject) -> String {
        guard mode != .none else { return "nothing checked" }
        guard let latest = subject.latest else { return "no versions yet" }
        return mode.isTransitive ? "checked against v1-v\(latest.version)" : "checked against v\(latest.version)"
    }
}
