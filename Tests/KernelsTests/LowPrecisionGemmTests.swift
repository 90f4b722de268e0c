import Kernels
import Testing
import TestSupport

/// A matrix stored with arbitrary strides inside a larger buffer, and its row-major copy for
/// the reference.
struct StridedOperand<T> {
    var storage: [T], rows: Int, cols: Int, rowStride: Int, colStride: Int
    var rowMajor: [T] { (0..<rows).flatMap { i in (0..<cols).map { j in storage[i * rowStride + j * colStride] } } }

    /// `layout`: "row" (row-major), "col" (column-major, i.e. a transposed view), "gap"
    /// (every other row and third column: neither stride is 1).
    init(rows: Int, cols: Int, layout: String, _ value: () -> T) {
        self.rows = rows; self.cols = cols
        switch layout {
        case "col": (rowStride, colStride) = (1, rows)
        case "gap": (rowStride, colStride) = (2 * 3 * cols, 3)
        default: (rowStride, colStride) = (cols, 1)
        }
        let count = max(1, (rows - 1) * rowStride + (cols - 1) * colStride + 1)
        storage = (0..<count).map { _ in value() }
    }
}

@Suite struct LowPrecisionGemmTests {
    // Odd sizes around both register tiles (fp32 8×48 / 6×16, int8 8×32 / 4×16) and the int8
    // K slice (1024), plus empty K.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 17), (7, 1, 17), (17, 7, 1), (7, 17, 1000), (13, 33, 300), (19, 50, 1100), (290, 70, 26), (3, 5, 0),
    ]

    @Test(arguments: [1, 2])
    func int8IsExact(threads: Int) throws {
        var rng = SplitMix64(seed: 31)
        func i8() -> Int8 { Int8(truncatingIfNeeded: rng.next()) }   // the full range, −128 included
        for (m, n, k) in Self.shapes {
            for (la, lb) in [("row", "row"), ("col", "col"), ("gap", "gap")] {
                let a = StridedOperand(rows: m, cols: k, layout: la, i8), b = StridedOperand(rows: k, cols: n, layout: lb, i8)
                var c = [Int32](repeating: 7, count: m * n)
                a.storage.withUnsafeBufferPointer { pa in b.storage.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    Gemm.i8gemm(m: m, n: n, k: k, a: pa.baseAddress!, rowStrideA: a.rowStride, colStrideA: a.colStride,
                                b: pb.baseAddress!, rowStrideB: b.rowStride, colStrideB: b.colStride,
                                c: pc.baseAddress!, ldc: n, threading: Threading(threads: threads))
                } } }
                #expect(c == Reference.i8gemm(m: m, n: n, k: k, a: a.rowMajor, b: b.rowMajor), "\(m)x\(n)x\(k) \(la)/\(lb)")
            }
        }
    }

    @Test func int8ExtremesAndWrapping() {
        // −128·−128 summed 1100 times: 18,022,400, exact; and a sum past 2^31 wraps like int32.
        for (k, value) in [(1100, Int8.min), (140_000, Int8.min)] {
            let a = [Int8](repeating: value, count: 2 * k), b = [Int8](repeating: value, count: k * 3)
            var c = [Int32](repeating: 0, count: 6)
            Gemm.i8gemm(m: 2, n: 3, k: k, a: a, rowStrideA: k, colStrideA: 1, b: b, rowStrideB: 3, colStrideB: 1, c: &c, ldc: 3)
            #expect(c == [Int32](repeating: Int32(truncatingIfNeeded: Int64(k) * 16384), count: 6), "k \(k)")
        }
    }

    // bf16 inputs widen to fp32 exactly and their products (8-bit × 8-bit significands) are
    // exact in fp32, so the only error is fp32 accumulation: the SGEMM bound 2·K·u·Σ|a||b|.
    @Test(arguments: [1, 2])
    func bf16MatchesReference(threads: Int) throws {
        var rng = SplitMix64(seed: 32)
        func bf() -> UInt16 { BFloat16.bits(rng.uniform()) }
        for (m, n, k) in Self.shapes {
            for (la, lb) in [("row", "row"), ("col", "col"), ("gap", "gap")] {
                let a = StridedOperand(rows: m, cols: k, layout: la, bf), b = StridedOperand(rows: k, cols: n, layout: lb, bf)
                var c = [Float](repeating: .nan, count: m * n)
                a.storage.withUnsafeBufferPointer { pa in b.storage.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    Gemm.bf16gemm(m: m, n: n, k: k, a: pa.baseAddress!, rowStrideA: a.rowStride, colStrideA: a.colStride,
                                  b: pb.baseAddress!, rowStrideB: b.rowStride, colStrideB: b.colStride,
                                  c: pc.baseAddress!, ldc: n, threading: Threading(threads: threads))
                } } }
                let (ra, rb) = (a.rowMajor, b.rowMajor)
                let want = Reference.bf16gemm(m: m, n: n, k: k, a: ra, b: rb)
                let scale = Reference.bf16gemm(m: m, n: n, k: k, a: ra.map { $0 & 0x7FFF }, b: rb.map { $0 & 0x7FFF })
                for i in 0..<(m * n) where !(Swift.abs(c[i] - want[i]) <= scale[i] * gemmTolerance(k: k) + 1e-30) {
                    Issue.record("\(m)x\(n)x\(k) \(la)/\(lb): element \(i) \(c[i]) vs \(want[i])")
                    break
                }
            }
        }
    }

    @Test func bf16ConversionAndSpecialValues() {
        #expect(BFloat16.bits(1) == 0x3F80 && BFloat16.float(0x3F80) == 1)
        #expect(BFloat16.bits(1 + 0x1p-8) == 0x3F80)            // tie: to even (down)
        #expect(BFloat16.bits(1 + 0x1p-7 + 0x1p-8) == 0x3F82)    // tie: to even (up)
        #expect(BFloat16.bits(.greatestFiniteMagnitude) == 0x7F80) // overflows to +∞
        #expect(BFloat16.float(BFloat16.bits(.nan)).isNaN && BFloat16.float(BFloat16.bits(-.infinity)) == -.infinity)
        // NaN and ∞ propagate through the products: row 0 of A holds NaN, column 1 of B holds ∞.
        let (m, n, k) = (3, 50, 9)
        var a = [UInt16](repeating: BFloat16.bits(0.5), count: m * k), b = [UInt16](repeating: BFloat16.bits(0.25), count: k * n)
        a[4] = BFloat16.bits(.nan)
        b[2 * n + 1] = BFloat16.bits(.infinity)
        var c = [Float](repeating: 0, count: m * n)
        Gemm.bf16gemm(m: m, n: n, k: k, a: a, rowStrideA: k, colStrideA: 1, b: b, rowStrideB: n, colStrideB: 1, c: &c, ldc: n)
        #expect(c[0].isNaN && c[5].isNaN && c[n + 1] == .infinity && c[n] == 9 * 0.125)
    }
}
