import ArgumentParser
import AvroSchemas
import SchemaRegistry
import ToolKit

/// `schema-migrate register --registry DIR --subject S NEW.avsc`: check under the subject's
/// mode and write the next version.
struct RegisterCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a new version of a subject if it passes the subject's compatibility mode.",
        discussion: "Writes DIR/<subject>/v<N+1>.avsc with the file's exact bytes. A schema whose canonical form is already registered is not written again. Exits 3, writing nothing, when the schema fails the mode.")

    @OptionGroup var registry: RegistryOptions

    @Argument(help: ArgumentHelp("The new schema (.avsc); - is standard input.", valueName: "file"))
    var file: String

    var common: CommonOptions { .defaults }

    func run(_ tool: ToolContext) throws {
        let subject = try registry.loadSubject()
        let (bytes, source) = try SchemaFile.read(file, tool)
        switch try subject.register(bytes, source: source) {
        case .existing(let version):
            try SchemaFile.print(["already registered as v\(version.version) \(AvroFingerprint.hex(version.fingerprint))"], tool)
        case .registered(let version):
            try SchemaFile.print(["registered v\(version.version) \(AvroFingerprint.hex(version.fingerprint))"], tool)
        case .rejected(let failures):
            try SchemaFile.print(failures.flatMap(\.lines), tool)
            throw ToolError.checkFailed(file, "fails \(subject.mode.rawValue) for subject \(subject.name); not registered")
        }
    }
}
