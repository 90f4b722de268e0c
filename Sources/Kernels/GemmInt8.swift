// int8 GEMM with int32 accumulation (ONNX MatMulInteger without zero points, the inner loop of
// quantised inference). Same BLIS structure as SGEMM, with its own register tile: B is packed
// into NR-column int8 micro-panels, A into MR-row int8 micro-panels; the tile sign-extends one
// B vector of int8 to int32 lanes (vpmovsxbd on x86) and adds the broadcast A value times it
// (vpmulld + vpaddd). Plain Swift SIMD, so it compiles on any target.

#if SLUICE_AVX512
typealias Int8Lanes = SIMD16<Int8>
#else
typealias Int8Lanes = SIMD8<Int8>
#endif

enum Int8Kernel {
    typealias Acc = VecBits
    static let lanes = Acc.scalarCount
#if SLUICE_AVX512
    /// 8 rows × 2 vectors: 16 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers.
    static let mr = 8
#else
    /// 4 rows × 2 vectors: 8 accumulators + 2 B + 1 broadcast of 16 ymm registers.
    static let mr = 4
#endif
    static let nr = 2 * lanes
    static let kc = 1024
    static let nc = 2048 / nr * nr
    static let mc = mr * 32

    /// C[0..<MR, 0..<NR] (+)= A panel · B panel over kc; `accumulate` adds to C.
    @inline(never)
    static func tile(kc: Int, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>,
                     c: UnsafeMutablePointer<Int32>, ldc: Int, accumulate: Bool) {
        var acc = (Acc(), Acc(), Acc(), Acc(), Acc(), Acc(), Acc(), Acc())
#if SLUICE_AVX512
        var acc2 = (Acc(), Acc(), Acc(), Acc(), Acc(), Acc(), Acc(), Acc())
#endif
        let rb = UnsafeRawPointer(b)
        for p in 0..<kc {
            let b0 = Acc(truncatingIfNeeded: rb.loadUnaligned(fromByteOffset: p * nr, as: Int8Lanes.self))
            let b1 = Acc(truncatingIfNeeded: rb.loadUnaligned(fromByteOffset: p * nr + lanes, as: Int8Lanes.self))
            let ap = a + p * mr
            var s = Acc(repeating: Int32(ap[0])); acc.0 &+= s &* b0; acc.1 &+= s &* b1
            s = Acc(repeating: Int32(ap[1])); acc.2 &+= s &* b0; acc.3 &+= s &* b1
            s = Acc(repeating: Int32(ap[2])); acc.4 &+= s &* b0; acc.5 &+= s &* b1
            s = Acc(repeating: Int32(ap[3])); acc.6 &+= s &* b0; acc.7 &+= s &* b1
#if SLUICE_AVX512
            s = Acc(repeating: Int32(ap[4])); acc2.0 &+= s &* b0; acc2.1 &+= s &* b1
            s = Acc(repeating: Int32(ap[5])); acc2.2 &+= s &* b0; acc2.3 &+= s &* b1
            s = Acc(repeating: Int32(ap[6])); acc2.4 &+= s &* b0; acc2.5 &+= s &* b1
            s = Acc(repeating: Int32(ap[7])); acc2.6 &+= s &* b0; acc2.7 &+= s &* b1
#endif
        }
        func store(_ row: Int, _ lo: Acc, _ hi: Acc) {
            let out = UnsafeMutableRawPointer(c + row * ldc)
            if accumulate {
                out.storeBytes(of: out.loadUnaligned(as: Acc.self) &+ lo, as: Acc.self)
                out.storeBytes(of: out.loadUnaligned(fromByteOffset: 4 * lanes, as: Acc.self) &+ hi, toByteOffset: 4 * lanes, as: Acc.self)
            } else {
                out.storeBytes(of: lo, as: Acc.self)
                out.storeBytes(of: hi, toByteOffset: 4 * lanes, as: Acc.self)
            }
        }
        store(0, acc.0, acc.1); store(1, acc.2, acc.3); store(2, acc.4, acc.5); store(3, acc.6, acc.7)
#if SLUICE_AVX512
        store(4, acc2.0, acc2.1); store(5, acc2.2, acc2.3); store(6, acc2.4, acc2.5); store(7, acc2.6, acc2.7)
#endif
    }

    /// Packs rows m0..<m0+mc, depth k0..<k0+kc of a strided A into MR-row panels (zero-padded).
    static func packA(_ a: UnsafePointer<Int8>, _ rs: Int, _ cs: Int, m0: Int, mc: Int, k0: Int, kc: Int,
                      into dst: UnsafeMutablePointer<Int8>) {
        var panel = dst
        for i in stride(from: 0, to: mc, by: mr) {
            let h = min(mr, mc - i)
            for ii in 0..<h {
                let src = a + (m0 + i + ii) * rs + k0 * cs
                for kk in 0..<kc { panel[kk * mr + ii] = src[kk * cs] }
            }
            if h < mr { for kk in 0..<kc { for ii in h..<mr { panel[kk * mr + ii] = 0 } } }
            panel += kc * mr
        }
    }

    /// Packs depth k0..<k0+kc, columns n0..<n0+nc of a strided B into NR-column panels.
    static func packB(_ b: UnsafePointer<Int8>, _ rs: Int, _ cs: Int, k0: Int, kc: Int, n0: Int, nc: Int,
                      into dst: UnsafeMutablePointer<Int8>) {
        var panel = dst
        for j in stride(from: 0, to: nc, by: nr) {
            let w = min(nr, nc - j)
            for kk in 0..<kc {
                let src = b + (k0 + kk) * rs + (n0 + j) * cs
                if cs == 1 && w == nr {
                    (panel + kk * nr).update(from: src, count: nr)
                } else {
                    for jj in 0..<w { panel[kk * nr + jj] = src[jj * cs] }
                    for jj in w..<nr { panel[kk * nr + jj] = 0 }
                }
            }
            panel += kc * nr
        }
    }
}

extension Gemm {
    /// C[m×n] (int32, row-major, leading dimension `ldc`) = A[m×k] · B[k×n] with int8 operands
    /// strided as in `sgemm`. Sums are exact while they fit int32 (always for k ≤ 131072:
    /// |a·b| ≤ 2^14); beyond that they wrap modulo 2^32, as int32 accumulators do.
    public static func i8gemm(m: Int, n: Int, k: Int,
                              a: UnsafePointer<Int8>, rowStrideA: Int, colStrideA: Int,
                              b: UnsafePointer<Int8>, rowStrideB: Int, colStrideB: Int,
                              c: UnsafeMutablePointer<Int32>, ldc: Int, threading: Threading = .all) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            return
        }
        typealias K = Int8Kernel
        let (mr, nr) = (K.mr, K.nr)
        let slices = (k + K.kc - 1) / K.kc
        let kcMax = (k + slices - 1) / slices
        let ncMax = min((n + nr - 1) / nr * nr, K.nc)
        let mcMax = min((m + mr - 1) / mr * mr, K.mc)
        let rowTiles = (m + mr - 1) / mr
        let threads = max(1, min(threading.threads, rowTiles))
        let packedB = UnsafeMutablePointer<Int8>.allocate(capacity: kcMax * ncMax)
        defer { packedB.deallocate() }
        let packedA = UnsafeMutablePointer<Int8>.allocate(capacity: threads * kcMax * mcMax)
        defer { packedA.deallocate() }
        let work = Threading(threads: threads)
        for jc in stride(from: 0, to: n, by: K.nc) {
            let ncHere = min(K.nc, n - jc)
            let panels = (ncHere + nr - 1) / nr
            for pc in stride(from: 0, to: k, by: kcMax) {
                let kcHere = min(kcMax, k - pc)
                K.packB(b, rowStrideB, colStrideB, k0: pc, kc: kcHere, n0: jc, nc: ncHere, into: packedB)
                work.run(threads) { t in
                    let rows = (rowTiles * t / threads * mr)..<min(m, rowTiles * (t + 1) / threads * mr)
                    let aBuffer = packedA + t * kcMax * mcMax
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: K.mc) {
                        let mcHere = min(K.mc, rows.upperBound - ic)
                        K.packA(a, rowStrideA, colStrideA, m0: ic, mc: mcHere, k0: pc, kc: kcHere, into: aBuffer)
                        for jr in 0..<panels {
                            let bPanel = packedB + jr * kcHere * nr
                            let width = min(nr, ncHere - jr * nr)
                            for ir in stride(from: 0, to: mcHere, by: mr) {
                                let height = min(mr, mcHere - ir)
                                let cTile = c + (ic + ir) * ldc + jc + jr * nr
                                let aPanel = aBuffer + ir * kcHere
                                if height == mr && width == nr {
                                    K.tile(kc: kcHere, a: aPanel, b: bPanel, c: cTile, ldc: ldc, accumulate: pc > 0)
                                    continue
                                }
                                // Edge tile: full tile into a scratch tile, merge the valid part.
                                withUnsafeTemporaryAllocation(of: Int32.self, capacity: mr * nr) { tmp in
                                    let t = tmp.baseAddress!
                                    K.tile(kc: kcHere, a: aPanel, b: bPanel, c: t, ldc: nr, accumulate: false)
                                    for i in 0..<height {
                                        for j in 0..<width {
                                            cTile[i * ldc + j] = pc > 0 ? cTile[i * ldc + j] &+ t[i * nr + j] : t[i * nr + j]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
