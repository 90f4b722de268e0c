import Capnp
import CapnpCodegen
import Foundation
import TestSupport

/// The real peers the tests compare against: the `capnp` tool (always under `timeout`) and
/// frames of Swift-built messages.
enum Peers {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var everything: String { fixtures.appendingPathComponent("everything.capnp").path }

    /// Runs `timeout 10 <arguments>` with `input` on stdin (`Subprocess`: through files, so
    /// large inputs and outputs cannot deadlock on pipe buffers).
    static func run(_ arguments: [String], input: [UInt8] = [], directory: URL? = nil) throws -> Subprocess.Result {
        try Subprocess.run(arguments, input: input, directory: directory)
    }

    /// `capnp encode` of text messages into standard framing (optionally packed or with a
    /// small segment size to force multi-segment messages and far pointers).
    static func encode(_ text: String, type: String = "Everything", schema: String = everything,
                       packed: Bool = false, segmentSize: Int? = nil) throws -> [UInt8] {
        var args = ["capnp", "encode", "-I", fixtures.path]
        if packed { args.append("--packed") }
        if let segmentSize { args.append("--segment-size=\(segmentSize)") }
        let r = try run(args + [schema, type], input: Array(text.utf8))
        guard r.status == 0 else { throw PeerError(message: "capnp encode failed: \(r.stderr)") }
        return r.stdout
    }

    /// `capnp decode` of framed messages (pretty by default, `--short` for one line each).
    static func decode(_ bytes: [UInt8], type: String = "Everything", schema: String = everything,
                       short: Bool = false, packed: Bool = false) throws -> String {
        var args = ["capnp", "decode", "-I", fixtures.path]
        if short { args.append("--short") }
        if packed { args.append("--packed") }
        let r = try run(args + [schema, type], input: bytes)
        guard r.status == 0, !r.stderr.contains("ERROR") else {
            throw PeerError(message: "capnp decode failed (\(r.status)): \(r.stderr)")
        }
        return r.text
    }

    /// The CodeGeneratorRequest `capnp compile` hands a plugin, for in-process generation.
    static func request(for schemaFiles: [String], importPath: String) throws -> Schema.Request {
        let r = try run(["capnp", "compile", "--no-standard-import", "-I", importPath, "--src-prefix=\(importPath)", "-o-"] + schemaFiles)
        guard r.status == 0 else { throw PeerError(message: "capnp compile failed: \(r.stderr)") }
        return try PluginIO.decodeRequest(r.stdout)
    }
}

struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Messages read from a buffer of standard frames; keeps the bytes alive.
final class Frames {
    let storage: UnsafeMutableRawBufferPointer
    private(set) var messages: [Message] = []

    init(_ bytes: [UInt8], limits: ReaderLimits = .default) throws {
        storage = .allocate(byteCount: max(bytes.count, 8), alignment: 8)
        storage.copyBytes(from: bytes)
        var offset = 0
        while offset < bytes.count {
            let (m, n) = try Framing.decode(UnsafeRawBufferPointer(rebasing: storage[offset..<bytes.count]), limits: limits)
            messages.append(m)
            offset += n
        }
    }

    deinit { storage.deallocate() }

    func root<T: StructView>(_ i: Int = 0, as: T.Type = T.self) throws -> T { try messages[i].root(as: T.self) }
}

/// Renders every message of a stream the way `capnp decode` prints a stream.
func renderStream<T: StructView & CapnpRenderable>(_ frames: Frames, as: T.Type, style: TextRenderer.Style) throws -> String {
    var r = TextRenderer(style: style)
    for m in frames.messages {
        try m.root(as: T.self).render(into: &r)
        r.endMessage()
    }
    return r.output
}
