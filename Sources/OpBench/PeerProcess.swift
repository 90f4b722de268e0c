import Foundation
import Benchmarking

/// The peer runner (Tools/op_bench_peer.py) as a long-lived child process: one JSON request
/// line in, one JSON reply line out, so numpy/onnxruntime start once per op-bench run.
final class PeerProcess {
    enum Failure: Error, CustomStringConvertible {
        case start(String), protocolError(String)
        var description: String {
            switch self {
            case .start(let m): return "cannot start the peer runner: \(m)"
            case .protocolError(let m): return "peer runner: \(m)"
            }
        }
    }

    private let process = Process()
    private let toPeer = Pipe()
    private let fromPeer = Pipe()
    private var buffered = Data()

    /// Where the peer runner is when --peer-script is not given: the source tree's Tools/
    /// (from the repository root, or beside a .build/<config>/ binary), else PATH.
    static func defaultScript() -> String {
        let name = "op_bench_peer.py"
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = ["Tools/" + name,
                          executable.appendingPathComponent("../../Tools/" + name).path,
                          executable.appendingPathComponent("../../../Tools/" + name).path]
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(String(directory) + "/" + name)
        }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) } ?? "Tools/" + name
    }

    init(python: String, script: String) throws {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw Failure.start("\(script) not found (run from the repository root or pass --peer-script)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script]
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure.start("\(python): \(error.localizedDescription)") }
        // Handshake before any frame is written: a missing interpreter or numpy fails here.
        do {
            try send("{\"id\": -1, \"peer\": \"ping\"}")
            let reply = try readLine()
            guard String(decoding: reply, as: UTF8.self).contains("\"ready\"") else {
                throw Failure.start("unexpected handshake '\(String(decoding: reply, as: UTF8.self))'")
            }
        } catch let failure as Failure {
            throw Failure.start("\(python) \(script) did not answer (\(failure.description)); are python3 and numpy installed?")
        }
    }

    private func send(_ line: String) throws {
        do {
            try toPeer.fileHandleForWriting.write(contentsOf: Array((line + "\n").utf8))
        } catch {
            throw Failure.protocolError("cannot write to the peer runner (it exited)")
        }
    }

    /// Sends one request and waits for the reply to case `id`.
    private func request(_ line: String, id: Int) throws -> [String: Any] {
        try send(line)
        let reply = try readLine()
        guard let object = try? JSONSerialization.jsonObject(with: reply) as? [String: Any] else {
            throw Failure.protocolError("unreadable reply '\(String(decoding: reply, as: UTF8.self))'")
        }
        guard (object["id"] as? Int) == id else { throw Failure.protocolError("reply for the wrong case") }
        return object
    }

    /// Has the peer build and warm up a case: its name (with the code path it runs), or why not.
    func prepare(_ line: String, id: Int) throws -> PeerReply {
        let object = try request(line, id: id)
        if let reason = object["skip"] as? String { return .skipped(reason: reason) }
        guard let name = object["peer"] as? String else { throw Failure.protocolError("prepare reply without a peer name") }
        return .ready(peer: name)
    }

    /// Has the peer time a batch of runs of the prepared case.
    func batch(_ line: String, id: Int) throws -> TimingSamples {
        let object = try request(line, id: id)
        if let error = object["skip"] as? String { throw Failure.protocolError("batch failed: \(error)") }
        guard let samples = object["samples"] as? [Double], !samples.isEmpty, let cpu = object["cpu"] as? Double else {
            throw Failure.protocolError("batch reply without timings")
        }
        return TimingSamples(samples: samples, cpuSeconds: cpu)
    }

    private func readLine() throws -> Data {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffered[buffered.startIndex..<newline]
                buffered = Data(buffered[(newline + 1)...])
                return Data(line)
            }
            let chunk = fromPeer.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure.protocolError("the peer runner exited early") }
            buffered += chunk
        }
    }

    deinit {
        try? toPeer.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
