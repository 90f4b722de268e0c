/// A schema the generator refuses, or a request it cannot read. `file` is the schema file the
/// problem is in, so the plugin can print `capnpc-swift: file.capnp: message`.
public struct CodegenError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
