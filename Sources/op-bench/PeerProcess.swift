import Foundation
import OpBench

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

    init(python: String, script: String) throws {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw Failure.start("\(script) not found (run from the repository root or pass --peer-script)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script]
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        do { try process.run() } catch { throw Failure.start("\(python): \(error.localizedDescription)") }
    }

    /// Times `spec` in the peer and waits for its answer.
    func measure(_ request: String, id: Int) throws -> PeerReply {
        toPeer.fileHandleForWriting.write((request + "\n").data(using: .utf8)!)
        let line = try readLine()
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw Failure.protocolError("unreadable reply '\(String(decoding: line, as: UTF8.self))'")
        }
        guard (object["id"] as? Int) == id else { throw Failure.protocolError("reply for the wrong case") }
        if let reason = object["skip"] as? String { return .skipped(reason: reason) }
        guard let name = object["peer"] as? String, let median = object["median"] as? Double,
              let low = object["min"] as? Double, let high = object["max"] as? Double else {
            throw Failure.protocolError("reply without timings")
        }
        var timing = Timing(samples: [low, median, high])
        timing.repetitions = 0
        return .timing(peer: name, timing: timing)
    }

    private func readLine() throws -> Data {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffered[buffered.startIndex..<newline]
                buffered = Data(buffered[(newline + 1)...])
                return Data(line)
            }
            let chunk = fromPeer.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure.protocolError("exited early (status \(process.isRunning ? -1 : Int(process.terminationStatus)))") }
            buffered += chunk
        }
    }

    deinit {
        try? toPeer.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
