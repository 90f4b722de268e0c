/// Layout changes.
public enum Layout {
    /// The tensor with axes permuted, materialised contiguously (ONNX Transpose). The common
    /// swap of the last two axes goes through cache-sized square tiles so that both the reads
    /// and the writes stay within a few cache lines at a time.
    public static func transpose(_ x: Tensor, permutation: [Int]) throws -> Tensor {
        let view = try x.permuted(permutation)
        let r = x.rank
        guard r >= 2, permutation == Array(0..<(r - 2)) + [r - 1, r - 2] else { return view.contiguous() }
        let source = x.contiguous()
        let rows = x.shape[r - 2], cols = x.shape[r - 1]
        let batches = rows * cols == 0 ? 0 : x.count / (rows * cols)
        var out = Tensor(shape: view.shape)
        let tileSize = 32
        source.withUnsafeBase { src in
            out.withUnsafeMutableBase { dst in
                for b in 0..<batches {
                    let s = src + b * rows * cols, d = dst + b * rows * cols
                    for i0 in stride(from: 0, to: rows, by: tileSize) {
                        for j0 in stride(from: 0, to: cols, by: tileSize) {
                            for i in i0..<min(rows, i0 + tileSize) {
                                for j in j0..<min(cols, j0 + tileSize) { d[j * rows + i] = s[i * cols + j] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
