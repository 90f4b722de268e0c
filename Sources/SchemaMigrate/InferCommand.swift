import ArgumentParser
import Columns
import Migration
import ToolKit

/// `schema-migrate infer`: the Avro record schema of a table stream's rows (or of a text
/// table's, types inferred), ready to review and register as a first version.
struct InferCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Print the Avro schema (.avsc) of a table stream or a text table.",
        discussion: "Field ids, roles and time units become the sluice.id, sluice.role and sluice.unit keys; nullable fields [\"null\", T] with default null.")

    @OptionGroup var input: TableInputOptions
    @OptionGroup var inputs: InputFiles

    @Option(help: ArgumentHelp("The record name (default: the stream's subject, else Row).", valueName: "name"))
    var name: String?

    var common: CommonOptions { .defaults }

    func run(_ tool: ToolContext) throws {
        var schema: TableSchema? = nil
        try TableInput(tool: tool, options: input, format: input.inputFormat ?? .stream).read(inputs.paths, onSchema: { schema = $0 }) { _ in }
        let record = name ?? (schema!.subject.isEmpty ? "Row" : schema!.subject)
        try SchemaFile.print([AvroTable.avroJSON(schema!, name: record)], tool)
    }
}
