/// One output file: a path relative to the output directory, and its contents.
public struct GeneratedFile: Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// The generator's entry point: a request in, Swift files out (one per schema file, plus
/// `SchemaRegistry.swift`). Pure: no I/O, so it can be driven by tests directly.
public enum CodeGenerator {
    /// Name of the generated registry file and type (see `RegistryEmitter`).
    public static let registryFileName = "SchemaRegistry.swift"

    public static func generate(_ request: Schema.Request) throws -> [GeneratedFile] {
        let context = GeneratorContext(request: request)
        try Validator(context: context).validate()
        var files: [GeneratedFile] = []
        for requested in request.requestedFiles {
            let text = try FileEmitter(context: context, file: requested.filename).emit(requested)
            files.append(GeneratedFile(path: requested.filename + ".swift", contents: text))
        }
        files.append(GeneratedFile(path: registryFileName, contents: try RegistryEmitter(context: context).emit()))
        return files
    }
}
