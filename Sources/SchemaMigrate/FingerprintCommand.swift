import ArgumentParser
import AvroSchemas
import ToolKit

/// `schema-migrate fingerprint [--canonical] FILE...`: Avro's CRC-64 of the canonical form.
struct FingerprintCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint",
        abstract: "Print the CRC-64-AVRO fingerprint of each schema's Parsing Canonical Form.",
        discussion: "The fingerprint is 16 hex digits, least significant byte first, as avro and fastavro print it. With several files each line starts with the file name.")

    @Flag(help: "Print the Parsing Canonical Form instead of the fingerprint.")
    var canonical = false

    @OptionGroup var inputs: InputFiles

    var common: CommonOptions { .defaults }

    func run(_ tool: ToolContext) throws {
        let paths = inputs.paths
        var lines: [String] = []
        for path in paths {
            let schema = try SchemaFile.load(path, tool)
            let text = canonical ? schema.canonicalForm : schema.fingerprintHex
            lines.append(paths.count > 1 ? "\(path): \(text)" : text)
        }
        try SchemaFile.print(lines, tool)
    }
}
