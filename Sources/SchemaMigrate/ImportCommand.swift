import ArgumentParser
import Columns
import Migration
import TableRecords
import ToolKit

/// `schema-migrate import`: rows from text tables, events or seq-blocks streams as a table
/// stream, under a registry version's schema or one inferred from the rows.
struct ImportCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read TSV/CSV tables (or events / seq-blocks streams) and write a table stream.",
        discussion: "Text columns are parsed as the registry version (--registry, --subject, --version) or the --schema file says, else their types are inferred from the first 65536 rows. Stream inputs convert losslessly.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var input: TableInputOptions
    @OptionGroup var inputs: InputFiles
    @OptionGroup var target: TargetSchemaOptions

    @Option(help: ArgumentHelp("Rows per batch record.", valueName: "n"))
    var batchRows = 65_536

    func validate() throws {
        guard batchRows >= 1 && batchRows <= 1 << 24 else { throw ValidationError("--batch-rows must be 1...16777216") }
        try target.validate()
    }

    func run(_ tool: ToolContext) throws {
        let format = input.inputFormat ?? .text
        var reader = TableInput(tool: tool, options: input, format: format)
        let stamp = try target.load(tool)
        if format == .text { reader.schema = stamp?.schema }
        var out: TableStreamWriter? = nil
        try reader.read(inputs.paths, onSchema: { s in
            var schema = s
            if let stamp, format == .stream {
                // Stream rows keep their values; they must already have the version's columns.
                guard TableInput.sameColumns(stamp.schema, s) else {
                    throw ToolError("input", "its columns (\(Self.describe(s))) are not \(stamp.schema.subject) v\(stamp.schema.version)'s (\(Self.describe(stamp.schema)))")
                }
                schema = stamp.schema
            }
            out = TableStreamWriter(try tool.streamWriter(kind: .table), schema: schema, maxRows: batchRows)
        }) { batch in try out!.write(batch) }
        try out!.finish()
    }

    static func describe(_ s: TableSchema) -> String {
        s.fields.map { "\($0.name) \($0.typeDescription)" }.joined(separator: ", ")
    }
}
