import ArgumentParser
import SchemaRegistry

/// `--registry DIR --subject S`, shared by the subcommands that use a registry.
struct RegistryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The registry directory (DIR/<subject>/v<N>.avsc, config.json).", valueName: "dir"))
    var registry: String

    @Option(help: ArgumentHelp("The subject (a directory in the registry).", valueName: "name"))
    var subject: String

    /// The subject, loaded.
    func loadSubject() throws -> RegistrySubject {
        try SchemaRegistry(directory: registry).subject(subject)
    }
}
