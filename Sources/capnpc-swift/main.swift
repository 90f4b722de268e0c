// capnpc-swift: a `capnp compile` plugin. Reads a CodeGeneratorRequest on stdin and writes one
// Swift file per schema file (plus SchemaRegistry.swift) into the current directory, which
// `capnp compile -oswift:DIR` sets to DIR. All logic lives in CapnpCodegen.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CapnpCodegen

do {
    let request = try PluginIO.readRequest(fileDescriptor: 0)
    let files = try CodeGenerator.generate(request)
    try PluginIO.write(files, into: ".")
    exit(0)
} catch let error as CodegenError {
    PluginIO.fail("\(error.file): \(error.message)")
} catch {
    PluginIO.fail("stdin: \(error)")
}
