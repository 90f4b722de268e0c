import AvroSchemas
import ToolKit

/// Reading `.avsc` arguments the same way in every subcommand.
enum SchemaFile {
    /// The bytes of `path` (`-` is stdin) and the name errors use for it.
    static func read(_ path: String, _ tool: ToolContext) throws -> (bytes: [UInt8], source: String) {
        let input = try tool.openInput(path)
        return (try input.readAll(), input.name)
    }

    /// `path` parsed as an Avro schema; a malformed schema throws `SchemaError` (exit 1).
    static func load(_ path: String, _ tool: ToolContext) throws -> AvroSchema {
        let (bytes, source) = try read(path, tool)
        return try AvroSchema.parse(bytes, source: source)
    }

    /// Writes report lines to stdout and hands them to the kernel before an exit-3 error is
    /// thrown, so the details always precede the one-line verdict on stderr.
    static func print(_ lines: [String], _ tool: ToolContext) throws {
        let out = try tool.frameWriter()
        for line in lines { try out.write(text: line + "\n") }
        try out.flush()
    }
}
