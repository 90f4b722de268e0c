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

    /// `internalAccess`: declare everything `internal` (for bindings a module uses privately,
    /// like this generator's own schema.capnp bindings); no registry is generated then.
    public static func generate(_ request: Schema.Request, internalAccess: Bool = false) throws -> [GeneratedFile] {
        let context = GeneratorContext(request: request)
        try Validator(context: context).validate()
        var files: [GeneratedFile] = []
        for requested in request.requestedFiles {
            let text = try FileEmitter(context: context, file: requested.filename).emit(requested)
            files.append(GeneratedFile(path: requested.filename + ".swift", contents: internalAccess ? makeInternal(text) : text))
        }
        if !internalAccess {
            files.append(GeneratedFile(path: registryFileName, contents: try RegistryEmitter(context: context).emit()))
        }
        return files
    }

    /// Drops `public` from every declaration. Emitters write each declaration on a line that
    /// starts with optional attributes and then `public `, so this is a per-line prefix edit.
    static func makeInternal(_ text: String) -> String {
        let attributes = ["@inlinable ", "@usableFromInline ", "@discardableResult "]
        var out: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = line.drop { $0 == " " }
            let indent = line[line.startIndex..<rest.startIndex]
            var prefix = ""
            var matched = true
            while matched {
                matched = false
                for a in attributes where rest.hasPrefix(a) {
                    prefix += a
                    rest = rest.dropFirst(a.count)
                    matched = true
                }
            }
            if rest.hasPrefix("public ") {
                out.append(Substring(indent + prefix + rest.dropFirst("public ".count)))
            } else {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }
}
