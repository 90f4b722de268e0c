import ArgumentParser
import AvroSchemas
import Columns
import Migration
import SchemaRegistry
import ToolKit

/// `--schema FILE.avsc`, or `--registry DIR --subject S --version V`: the schema rows are read
/// or stamped with (optional).
struct TargetSchemaOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the rows as this Avro record schema (.avsc).", valueName: "file"))
    var schema: String?

    @Option(help: ArgumentHelp("Read the rows as a registry version: the registry directory (with --subject and --version).", valueName: "dir"))
    var registry: String?

    @Option(help: ArgumentHelp("The registry subject.", valueName: "name"))
    var subject: String?

    // Not `--version`: that is every tool's flag for its own version.
    @Option(help: ArgumentHelp("The registry version (default: the latest).", valueName: "n"))
    var schemaVersion: Int?

    func validate() throws {
        if schema != nil && registry != nil { throw ValidationError("--schema and --registry exclude each other") }
        if (registry == nil) != (subject == nil) { throw ValidationError("--registry and --subject go together") }
        if schemaVersion != nil && registry == nil { throw ValidationError("--schema-version goes with --registry and --subject") }
    }

    /// The table schema (and resolution facts) named by the options; nil when none is.
    func load(_ tool: ToolContext) throws -> MigrationTarget? {
        if let path = schema {
            let avro = try SchemaFile.load(path, tool)
            return try columns { try AvroTable.target(avro, subject: "", version: 0) }
        }
        guard let dir = registry, let name = subject else { return nil }
        let s = try SchemaRegistry(directory: dir).subject(name)
        let registered: RegisteredSchema
        if let v = schemaVersion {
            guard let r = s.version(v) else { throw ToolError("--schema-version", "subject \(name) has no version \(v) (it has \(s.versions.count))") }
            registered = r
        } else {
            guard let r = s.latest else { throw ToolError("--subject", "subject \(name) has no versions yet") }
            registered = r
        }
        return try columns { try AvroTable.target(registered.schema, subject: name, version: registered.version) }
    }
}

/// A `ColumnsError` from schema conversion as a one-line tool error (exit 1).
func columns<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ColumnsError { throw ToolError("schema", e.message) }
}
