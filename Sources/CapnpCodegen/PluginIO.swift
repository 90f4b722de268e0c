import Capnp
import Foundation

/// The plugin's I/O: read the request message from a file descriptor, write generated files
/// (each atomically, all only after generation succeeded), report errors as one line.
public enum PluginIO {
    /// Reads one standard-framed CodeGeneratorRequest and decodes it into the model.
    public static func readRequest(fileDescriptor fd: Int32) throws -> Schema.Request {
        let bytes = try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()
        return try decodeRequest(Array(bytes))
    }

    /// Decodes a standard-framed CodeGeneratorRequest held in memory.
    public static func decodeRequest(_ bytes: [UInt8]) throws -> Schema.Request {
        // Copy into 8-byte-aligned storage: the runtime reads words in place.
        var words = [UInt64](repeating: 0, count: (bytes.count + 7) / 8)
        words.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: src) }
        }
        return try words.withUnsafeBytes { raw in
            // Schema requests can be large (every node of every imported file): no traversal cap,
            // but the usual nesting bound keeps recursive decoding of types shallow.
            let limits = ReaderLimits(traversalLimitWords: Int.max / 16, nestingLimit: 128, segmentLimit: 1 << 16)
            let (message, _) = try Framing.decode(UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]), limits: limits)
            return try RequestDecoder.decode(try message.root(), file: "stdin")
        }
    }

    /// Writes every file under `directory` (creating subdirectories), each via a temporary
    /// file renamed into place so a failure never leaves a half-written file.
    public static func write(_ files: [GeneratedFile], into directory: String) throws {
        let fm = FileManager.default
        for f in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(f.path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(f.contents.utf8).write(to: url, options: .atomic)
            } catch {
                throw CodegenError(file: f.path, message: "cannot write: \(error.localizedDescription)")
            }
        }
    }

    /// The `--help` text (the long form is capnpc-swift(1)).
    public static let usage = """
        usage: capnp compile -oswift:OUTDIR [-I DIR] [--src-prefix=PREFIX] FILE.capnp...

        capnpc-swift is a capnp compiler plugin: capnp runs it with a CodeGeneratorRequest on
        stdin. It writes FILE.capnp.swift for every schema file and SchemaRegistry.swift into
        OUTDIR. Set CAPNPC_SWIFT_ACCESS=internal to declare the generated types internal.
        See capnpc-swift(1).
        """

    /// Prints `capnpc-swift: <message>` and the usage line on stderr and exits 2.
    public static func usageError(_ message: String) -> Never {
        FileHandle.standardError.write(Data("capnpc-swift: \(message)\n\(usage.split(separator: "\n")[0])\n".utf8))
        exit(2)
    }

    /// Prints `capnpc-swift: <message>` on stderr and exits 1.
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("capnpc-swift: \(message)\n".utf8))
        exit(1)
    }
}
