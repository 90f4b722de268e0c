import ArgumentParser
import AvroSchemas
import ToolKit

/// `schema-migrate compat --reader R --writer W`: can R read data written with W?
struct CompatCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Check that a reader schema can read data written with a writer schema.",
        discussion: "Prints 'compatible', or one line 'path: reason' per incompatibility (paths are in the reader) and exits 3.")

    @Option(help: ArgumentHelp("The schema that reads the data (.avsc).", valueName: "file"))
    var reader: String

    @Option(help: ArgumentHelp("The schema the data was written with (.avsc).", valueName: "file"))
    var writer: String

    var common: CommonOptions { .defaults }

    func validate() throws {
        if reader == "-" && writer == "-" { throw ValidationError("--reader and --writer cannot both be standard input") }
    }

    func run(_ tool: ToolContext) throws {
        let readerSchema = try SchemaFile.load(reader, tool)
        let writerSchema = try SchemaFile.load(writer, tool)
        let found = CompatibilityChecker.incompatibilities(reader: readerSchema, writer: writerSchema)
        guard !found.isEmpty else { return try SchemaFile.print(["compatible"], tool) }
        try SchemaFile.print(found.map(\.description), tool)
        throw ToolError.checkFailed(reader, "cannot read data written with \(writer): \(Self.count(found.count, "incompatibility", "incompatibilities"))")
    }

    static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}
