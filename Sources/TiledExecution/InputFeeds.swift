import GraphIR
import GraphInterp

/// Seeded inputs for a graph's inputs, so that a check runs on real numbers and repeats
/// exactly. Symbolic dimensions take the extents given (tile-plan's `--dim`), else 1.
public enum InputFeeds {
    /// Floats uniform in [-1, 1); integers uniform in 0..<8 (valid token ids and positions for
    /// any vocabulary of 8 or more); booleans 0 or 1.
    public static func random(_ graph: Graph, seed: UInt64 = 14, symbols: [String: Int] = [:]) throws -> [String: Tensor] {
        var state = seed
        func next() -> UInt64 {
            // SplitMix64: small, fast and the same on every platform.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var feeds: [String: Tensor] = [:]
        for id in graph.inputs where graph.values[id].constant == nil {
            let v = graph.values[id]
            guard let type = v.type, let shape = type.shape else { throw TiledExecutionError.mismatch("graph input '\(v.name)' has no shape") }
            let dims = try shape.dims.map { d -> Int in
                switch d {
                case .known(let n): return n
                case .symbol(let s): return symbols[s] ?? 1
                default: throw TiledExecutionError.mismatch("graph input '\(v.name)' has an unknown dimension")
                }
            }
            let n = dims.reduce(1, *)
            if type.dtype.isFloat {
                feeds[v.name] = Tensor(dtype: type.dtype, shape: dims, f: (0..<n).map { _ in Float(next() >> 40) / Float(1 << 23) - 1 })
            } else {
                let range: UInt64 = type.dtype == .bool ? 2 : 8
                feeds[v.name] = Tensor(dtype: type.dtype, shape: dims, i: (0..<n).map { _ in Int64(next() % range) })
            }
        }
        return feeds
    }
}
