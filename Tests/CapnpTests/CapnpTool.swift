import Foundation
import Capnp
import TestSupport

/// Runs the real `capnp` tool (the interop peer) with a 10 s timeout.
enum CapnpTool {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let schema = fixtures.appendingPathComponent("runtime_test.capnp").path

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// `capnp <arguments>` with `input` on stdin (`Subprocess`: under a 10 s timeout, through
    /// files); returns stdout, throws on a non-zero exit.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        let r = try Subprocess.run(["capnp"] + arguments, input: input)
        guard r.status == 0 else {
            throw Failure(description: "capnp \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        }
        return r.stdout
    }

    /// `capnp encode` of struct-literal text to framed binary.
    static func encode(_ type: String, _ text: String, flags: [String] = []) throws -> [UInt8] {
        try run(["encode"] + flags + [schema, type], input: Array(text.utf8))
    }

    /// `capnp decode` of framed binary to text (one line per message).
    static func decode(_ type: String, _ bytes: [UInt8], flags: [String] = []) throws -> String {
        String(decoding: try run(["decode"] + flags + [schema, type], input: bytes), as: UTF8.self)
    }
}

/// Opens the first frame of `bytes` as a message owning a copy.
func openFrame(_ bytes: [UInt8], limits: ReaderLimits = .default) throws -> Message {
    try bytes.withUnsafeBytes { try Framing.decodeCopying($0, limits: limits).message }
}

/// Calls `body` with the root of the first frame of `bytes`, keeping the message alive meanwhile
/// (views hold unowned references: the message must outlive them).
func withRoot<R>(_ bytes: [UInt8], limits: ReaderLimits = .default, _ body: (StructReader) throws -> R) throws -> R {
    let message = try openFrame(bytes, limits: limits)
    return try withExtendedLifetime(message) { try body(try message.root()) }
}

/// Where two byte arrays first differ (nil when equal): keeps failure messages short.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String? {
    if a == b { return nil }
    let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    return "differ at byte \(i) of \(a.count) vs \(b.count)"
}
