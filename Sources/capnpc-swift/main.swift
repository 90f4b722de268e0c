// capnpc-swift: a `capnp compile` plugin. Reads a CodeGeneratorRequest on stdin and writes one
// Swift file per schema file (plus SchemaRegistry.swift) into the current directory, which
// `capnp compile -oswift:DIR` sets to DIR. All logic lives in CapnpCodegen.
// CAPNPC_SWIFT_ACCESS=internal declares the generated types internal (no registry file).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CapnpCodegen

let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print(PluginIO.usage)
    exit(0)
}
if !arguments.isEmpty || isatty(0) != 0 {
    // capnp runs the plugin without arguments and with the request on stdin.
    PluginIO.usageError(arguments.first.map { "unexpected argument \($0)" } ?? "stdin is a terminal; run me through capnp compile")
}

do {
    let request = try PluginIO.readRequest(fileDescriptor: 0)
    let internalAccess = getenv("CAPNPC_SWIFT_ACCESS").map { String(cString: $0) == "internal" } ?? false
    let files = try CodeGenerator.generate(request, internalAccess: internalAccess)
    try PluginIO.write(files, into: ".")
    exit(0)
} catch let error as CodegenError {
    PluginIO.fail("\(error.file): \(error.message)")
} catch {
    PluginIO.fail("stdin: \(error)")
}
