import Foundation

/// The JSON lines op-bench sends Tools/op_bench_peer.py to time the same case in a peer
/// library (see the protocol in that script): `prepare` builds a case and runs it once
/// untimed, then `batch` requests time runs of it, alternating with op-bench's own batches.
/// Built by hand: flat objects of numbers, booleans and plain ASCII strings need no encoder.
public enum PeerRequest {
    /// The line asking the peer to build case `id` at `threads` threads and warm it up (no
    /// trailing newline).
    public static func prepare(id: Int, peer: String, threads: Int, spec: OpSpec) -> String {
        var fields: [(String, String)] = [("id", "\(id)"), ("cmd", quote("prepare")), ("peer", quote(peer)),
                                          ("threads", "\(threads)")]
        switch spec {
        case let .matmul(batch, m, n, k, tb):
            fields += [("op", quote("matmul")), ("batch", "\(batch)"), ("m", "\(m)"), ("n", "\(n)"), ("k", "\(k)"), ("transposed_b", "\(tb)")]
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            fields += [("op", quote("conv2d")), ("n", "\(n)"), ("cin", "\(cin)"), ("h", "\(h)"), ("w", "\(w)"), ("cout", "\(cout)"),
                       ("kh", "\(kh)"), ("kw", "\(kw)"), ("stride", "\(s)"), ("pad", "\(p)"), ("groups", "\(g)")]
        case let .softmax(rows, n):
            fields += [("op", quote("softmax")), ("rows", "\(rows)"), ("n", "\(n)")]
        case let .layerNorm(rows, n):
            fields += [("op", quote("layernorm")), ("rows", "\(rows)"), ("n", "\(n)")]
        case let .rmsNorm(rows, n):
            fields += [("op", quote("rmsnorm")), ("rows", "\(rows)"), ("n", "\(n)")]
        case let .unary(op, count):
            fields += [("op", quote("unary")), ("function", quote(op.rawValue)), ("count", "\(count)")]
        case let .binary(op, count):
            fields += [("op", quote("binary")), ("function", quote(op.rawValue)), ("count", "\(count)")]
        case let .attention(b, hq, hkv, sq, sk, d, causal):
            fields += [("op", quote("attention")), ("b", "\(b)"), ("hq", "\(hq)"), ("hkv", "\(hkv)"), ("sq", "\(sq)"),
                       ("sk", "\(sk)"), ("d", "\(d)"), ("causal", "\(causal)")]
        case let .maxPool(n, c, h, w, k, s, p):
            fields += [("op", quote("maxpool")), ("n", "\(n)"), ("c", "\(c)"), ("h", "\(h)"), ("w", "\(w)"),
                       ("kernel", "\(k)"), ("stride", "\(s)"), ("pad", "\(p)")]
        case let .globalAveragePool(n, c, h, w):
            fields += [("op", quote("globalavgpool")), ("n", "\(n)"), ("c", "\(c)"), ("h", "\(h)"), ("w", "\(w)")]
        case let .lowPrecisionMatmul(dtype, m, n, k):
            fields += [("op", quote("matmul-lowp")), ("dtype", quote(dtype.rawValue)), ("m", "\(m)"), ("n", "\(n)"), ("k", "\(k)")]
        case let .resize(n, c, h, w, oh, ow, linear), let .gridSample(n, c, h, w, oh, ow, linear):
            let op = if case .resize = spec { "resize" } else { "gridsample" }
            fields += [("op", quote(op)), ("n", "\(n)"), ("c", "\(c)"), ("h", "\(h)"), ("w", "\(w)"),
                       ("oh", "\(oh)"), ("ow", "\(ow)"), ("mode", quote(linear ? "linear" : "nearest"))]
        }
        return object(fields)
    }

    /// The line asking the peer to time a batch of runs of the prepared case `id`: at least
    /// `minRepetitions` runs and `minSeconds` of them, at most `maxRepetitions`.
    public static func batch(id: Int, minRepetitions: Int, maxRepetitions: Int, minSeconds: Double) -> String {
        object([("id", "\(id)"), ("cmd", quote("batch")), ("min_reps", "\(minRepetitions)"),
                ("max_reps", "\(maxRepetitions)"), ("min_seconds", "\(minSeconds)")])
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A peer's answer to `prepare`: ready (its name, version and the code path it runs), or why
/// it has no such case.
public enum PeerReply: Equatable, Sendable {
    case ready(peer: String)
    case skipped(reason: String)
}

/// A peer that op-bench times case by case, in batches alternating with its own.
public protocol BenchPeer {
    /// Builds `c` at `threads` threads in the peer and runs it once untimed.
    func prepare(id: Int, case c: BenchCase, threads: Int) throws -> PeerReply
    /// Times a batch of runs of the prepared case `id` (see `PeerRequest.batch`).
    func batch(id: Int, minRepetitions: Int, maxRepetitions: Int, minSeconds: Double) throws -> TimingSamples
}
