import Benchmarking
import ToolKit

/// The peer runner as a `BenchPeer`: requests built by `PeerRequest`, failures as tool errors.
struct PeerAdapter: BenchPeer {
    let process: PeerProcess
    let peer: String

    func prepare(id: Int, case c: BenchCase, threads: Int) throws -> PeerReply {
        try failing { try process.prepare(PeerRequest.prepare(id: id, peer: peer, threads: threads, spec: c.spec), id: id) }
    }

    func batch(id: Int, minRepetitions: Int, maxRepetitions: Int, minSeconds: Double) throws -> TimingSamples {
        try failing {
            try process.batch(PeerRequest.batch(id: id, minRepetitions: minRepetitions, maxRepetitions: maxRepetitions,
                                                minSeconds: minSeconds), id: id)
        }
    }

    private func failing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as PeerProcess.Failure { throw ToolError("--compare \(peer)", e.description) }
    }
}
