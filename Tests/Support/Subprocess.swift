import Foundation

/// Runs a real peer program (the `capnp` tool, python3) for interop tests: always under
/// `timeout`, with stdin, stdout and stderr going through temporary files so that no size of
/// input or output can deadlock on a full pipe, and a hung peer fails the test instead of
/// hanging it.
public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// `timeout <seconds> <arguments>` with `input` on stdin, in `directory` if given.
    public static func run(_ arguments: [String], input: [UInt8] = [], directory: URL? = nil,
                           timeoutSeconds: Int = 10) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inFile = dir.appendingPathComponent("stdin")
        let outFile = dir.appendingPathComponent("stdout")
        let errFile = dir.appendingPathComponent("stderr")
        try Data(input).write(to: inFile)
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = [String(timeoutSeconds)] + arguments
        if let directory { p.currentDirectoryURL = directory }
        p.standardInput = try FileHandle(forReadingFrom: inFile)
        p.standardOutput = try FileHandle(forWritingTo: outFile)
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: Array(try Data(contentsOf: outFile)),
                      stderr: String(decoding: try Data(contentsOf: errFile), as: UTF8.self))
    }
}
