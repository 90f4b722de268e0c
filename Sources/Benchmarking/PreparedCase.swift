import Kernels
#if canImport(Glibc)
import Glibc
#endif

/// An fp32 buffer filled with seeded noise in [-1, 1); the pages are touched here so that
/// timing never includes first-touch page faults. Buffers of 4 MiB and more are 2 MiB-aligned
/// and advised as transparent huge pages, as numpy does for its large arrays: streaming
/// kernels are otherwise measured against TLB misses the peer does not have.
final class NoiseBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int, seed: UInt64) {
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Float>.stride
        let alignment = bytes >= 4 << 20 ? 2 << 20 : 64
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, bytes) == 0, let raw else { fatalError("op-bench: out of memory for \(bytes) bytes") }
        #if os(Linux)
        if alignment == 2 << 20 { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #endif
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        var state = seed
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            pointer[i] = Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
        }
    }

    deinit { free(pointer) }
}

/// Owns an int32 output buffer for as long as the timed closure lives.
final class IntBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>
    init(_ pointer: UnsafeMutablePointer<Int32>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

/// Builds a closure that runs one operator once on preallocated, pre-touched operands, so the
/// timed region is the kernel alone.
public enum PreparedCase {
    /// Allocates and fills the operands of `spec`, runs it once to check it, and returns the
    /// closure to time.
    public static func make(_ spec: OpSpec, threading: Threading) throws -> () -> Void {
        switch spec {
        case let .matmul(batch, m, n, k, transposedB):
            let a = NoiseBuffer(batch * m * k, seed: 1), b = NoiseBuffer(batch * k * n, seed: 2)
            let c = NoiseBuffer(batch * m * n, seed: 3)
            return {
                for i in 0..<batch {
                    Gemm.sgemm(m: m, n: n, k: k, a: a.pointer + i * m * k, rowStrideA: k, colStrideA: 1,
                               b: b.pointer + i * k * n, rowStrideB: transposedB ? 1 : n, colStrideB: transposedB ? k : 1,
                               c: c.pointer + i * m * n, ldc: n, threading: threading)
                }
            }
        case let .conv2d(n, cin, h, w, cout, kh, kw, stride, pad, groups):
            let x = tensor([n, cin, h, w], seed: 1)
            let weight = tensor([cout, cin / groups, kh, kw], seed: 2), bias = tensor([cout], seed: 3)
            let params = Conv2dParams(stride: stride, padding: pad, groups: groups)
            // Weights packed once, like an inference session (and onnxruntime) does at load time.
            let packed = try ConvWeights(weight, groups: groups)
            _ = try Convolution.conv2d(x, weights: packed, bias: bias, params: params, threading: threading)
            return { _ = try! Convolution.conv2d(x, weights: packed, bias: bias, params: params, threading: threading) }
        case let .softmax(rows, n):
            let x = NoiseBuffer(rows * n, seed: 1), y = NoiseBuffer(rows * n, seed: 2)
            return { Normalization.softmaxRows(x.pointer, y.pointer, rows: rows, length: n, threading: threading) }
        case let .layerNorm(rows, n):
            let x = NoiseBuffer(rows * n, seed: 1), y = NoiseBuffer(rows * n, seed: 2)
            let g = NoiseBuffer(n, seed: 3), b = NoiseBuffer(n, seed: 4)
            return { Normalization.layerNormRows(x.pointer, y.pointer, scale: g.pointer, bias: b.pointer, rows: rows, length: n, threading: threading) }
        case let .rmsNorm(rows, n):
            let x = NoiseBuffer(rows * n, seed: 1), y = NoiseBuffer(rows * n, seed: 2), g = NoiseBuffer(n, seed: 3)
            return { Normalization.rmsNormRows(x.pointer, y.pointer, scale: g.pointer, rows: rows, length: n, threading: threading) }
        case let .unary(op, count):
            let x = NoiseBuffer(count, seed: 1), y = NoiseBuffer(count, seed: 2)
            return { Elementwise.unary(op, x.pointer, y.pointer, count: count, threading: threading) }
        case let .binary(op, count):
            let a = NoiseBuffer(count, seed: 1), b = NoiseBuffer(count, seed: 2), y = NoiseBuffer(count, seed: 3)
            return { Elementwise.binary(op, a.pointer, b.pointer, y.pointer, count: count, threading: threading) }
        case let .attention(b, hq, hkv, sq, sk, d, causal):
            let q = tensor([b, hq, sq, d], seed: 1), k = tensor([b, hkv, sk, d], seed: 2), v = tensor([b, hkv, sk, d], seed: 3)
            _ = try Attention.attention(q: q, k: k, v: v, causal: causal, threading: threading)
            return { _ = try! Attention.attention(q: q, k: k, v: v, causal: causal, threading: threading) }
        case let .maxPool(n, c, h, w, kernel, stride, pad):
            let x = tensor([n, c, h, w], seed: 1)
            let params = Conv2dParams(stride: stride, padding: pad)
            _ = try Pooling.pool2d(x, kind: .max, kernel: (kernel, kernel), params: params, threading: threading)
            return { _ = try! Pooling.pool2d(x, kind: .max, kernel: (kernel, kernel), params: params, threading: threading) }
        case let .globalAveragePool(n, c, h, w):
            let x = tensor([n, c, h, w], seed: 1)
            return { _ = try! Pooling.global(x, kind: .average, threading: threading) }
        case let .lowPrecisionMatmul(dtype, m, n, k):
            let noiseA = NoiseBuffer(m * k, seed: 1), noiseB = NoiseBuffer(k * n, seed: 2)
            if dtype == .bf16 {
                let a = (0..<(m * k)).map { BFloat16.bits(noiseA.pointer[$0]) }, b = (0..<(k * n)).map { BFloat16.bits(noiseB.pointer[$0]) }
                let c = NoiseBuffer(m * n, seed: 3)
                return { Gemm.bf16gemm(m: m, n: n, k: k, a: a, rowStrideA: k, colStrideA: 1, b: b, rowStrideB: n, colStrideB: 1,
                                       c: c.pointer, ldc: n, threading: threading) }
            }
            let a = (0..<(m * k)).map { Int8(noiseA.pointer[$0] * 127) }, b = (0..<(k * n)).map { Int8(noiseB.pointer[$0] * 127) }
            let c = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, m * n))
            c.initialize(repeating: 0, count: max(1, m * n))
            let owner = IntBuffer(c)
            return { Gemm.i8gemm(m: m, n: n, k: k, a: a, rowStrideA: k, colStrideA: 1, b: b, rowStrideB: n, colStrideB: 1,
                                 c: owner.pointer, ldc: n, threading: threading) }
        case let .resize(n, c, h, w, oh, ow, linear):
            // Into a preallocated output, as a runtime's memory plan does.
            let x = tensor([n, c, h, w], seed: 1), y = NoiseBuffer(n * c * oh * ow, seed: 2)
            let mode: Resize.Mode = linear ? .linear : .nearest
            try Resize.resize2d(x, .sizes(oh, ow), mode: mode, into: y.pointer, threading: threading)
            return { try! Resize.resize2d(x, .sizes(oh, ow), mode: mode, into: y.pointer, threading: threading) }
        case let .gridSample(n, c, h, w, oh, ow, linear):
            // Noise in [−1, 1): every location inside the image, as a BEV projection mostly is.
            let x = tensor([n, c, h, w], seed: 1), grid = tensor([n, oh, ow, 2], seed: 2)
            let y = NoiseBuffer(n * c * oh * ow, seed: 3)
            let mode: GridSample.Mode = linear ? .linear : .nearest
            try GridSample.gridSample(x, grid: grid, mode: mode, into: y.pointer, threading: threading)
            return { try! GridSample.gridSample(x, grid: grid, mode: mode, into: y.pointer, threading: threading) }
        }
    }

    static func tensor(_ shape: [Int], seed: UInt64) -> Tensor {
        let noise = NoiseBuffer(shape.reduce(1, *), seed: seed)
        return try! Tensor(shape: shape, data: Array(UnsafeBufferPointer(start: noise.pointer, count: noise.count)))
    }
}
