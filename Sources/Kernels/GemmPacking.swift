// Packing copies a block of an operand into the order the micro-kernel reads it: A into
// MR-row micro-panels (for each k, MR consecutive values), B into NR-column micro-panels (for
// each k, NR consecutive values), zero-padded at the edges. The micro-kernel then streams both
// with unit stride whatever the operand's strides were, which is how transposes, batch views
// and convolution windows (see Im2colSource) all reach the same inner loop.

/// Something that can be packed as the left GEMM operand (M × K).
protocol GemmSourceA {
    /// Packs rows m0..<m0+mc, depth k0..<k0+kc into ceil(mc/MR) micro-panels of kc·MR floats.
    func packA(m0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>)
    /// The block already packed in that layout, if the source holds it (prepacked weights).
    func packedBlock(m0: Int, k0: Int, kc: Int) -> UnsafePointer<Float>?
}

extension GemmSourceA {
    func packedBlock(m0: Int, k0: Int, kc: Int) -> UnsafePointer<Float>? { nil }
}

/// A left operand packed once for every slice the GEMM driver will ask for: slice by slice
/// (the driver's balanced KC), each slice as MR-row micro-panels of all M rows. Convolution
/// weights are packed like this once and reused by every call, as inference engines do.
struct PrepackedA: GemmSourceA {
    /// The packed floats: Σ over slices of kcSlice · Mpadded.
    var base: UnsafePointer<Float>
    /// M rounded up to MR.
    var mPadded: Int

    /// Floats needed to prepack an m × k operand.
    static func count(m: Int, k: Int) -> Int { (m + MicroKernel.mr - 1) / MicroKernel.mr * MicroKernel.mr * k }

    /// Packs `source` (m × k) into `dst` (`count(m:k:)` floats) in the driver's slicing.
    static func pack<A: GemmSourceA>(_ source: A, m: Int, k: Int, into dst: UnsafeMutablePointer<Float>) {
        let mPadded = (m + MicroKernel.mr - 1) / MicroKernel.mr * MicroKernel.mr
        let depth = Gemm.sliceDepth(k)
        for k0 in stride(from: 0, to: k, by: depth) {
            source.packA(m0: 0, mc: m, k0: k0, kc: min(depth, k - k0), into: dst + k0 * mPadded)
        }
    }

    func packA(m0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        dst.update(from: packedBlock(m0: m0, k0: k0, kc: kc)!, count: (mc + MicroKernel.mr - 1) / MicroKernel.mr * MicroKernel.mr * kc)
    }

    func packedBlock(m0: Int, k0: Int, kc: Int) -> UnsafePointer<Float>? {
        base + k0 * mPadded + m0 * kc
    }
}

/// Something that can be packed as the right GEMM operand (K × N).
protocol GemmSourceB {
    /// Packs depth k0..<k0+kc, columns n0..<n0+nc into ceil(nc/NR) micro-panels of kc·NR floats.
    func packB(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>)
}

/// A strided matrix: element (i, j) at `base[i * rowStride + j * colStride]`.
struct StridedMatrix: GemmSourceA, GemmSourceB {
    var base: UnsafePointer<Float>
    var rowStride: Int
    var colStride: Int

    func packA(m0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        let mr = MicroKernel.mr
        var panel = dst
        var i = 0
        while i < mc {
            let h = min(mr, mc - i)
            if colStride == 1 {
                // Row-major A: read each row contiguously, scatter into the panel with stride MR.
                for ii in 0..<h {
                    let src = base + (m0 + i + ii) * rowStride + k0
                    for kk in 0..<kc { panel[kk * mr + ii] = src[kk] }
                }
            } else {
                for kk in 0..<kc {
                    let src = base + (m0 + i) * rowStride + (k0 + kk) * colStride
                    for ii in 0..<h { panel[kk * mr + ii] = src[ii * rowStride] }
                }
            }
            if h < mr {
                for kk in 0..<kc { for ii in h..<mr { panel[kk * mr + ii] = 0 } }
            }
            panel += kc * mr
            i += mr
        }
    }

    func packB(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        let nr = MicroKernel.nr
        var panel = dst
        var j = 0
        while j < nc {
            let w = min(nr, nc - j)
            if colStride == 1 && w == nr {
                // Row-major B: each k contributes NR contiguous floats, whole-vector copies.
                let vectors = nr / Vec.scalarCount
                for kk in 0..<kc {
                    let src = base + (k0 + kk) * rowStride + n0 + j
                    let out = panel + kk * nr
                    for v in 0..<vectors { Vec.load(src + v * Vec.scalarCount).store(to: out + v * Vec.scalarCount) }
                }
            } else if rowStride == 1 {
                // Transposed B: each column is contiguous along k.
                for jj in 0..<w {
                    let src = base + (n0 + j + jj) * colStride + k0
                    for kk in 0..<kc { panel[kk * nr + jj] = src[kk] }
                }
                if w < nr { for kk in 0..<kc { for jj in w..<nr { panel[kk * nr + jj] = 0 } } }
            } else {
                for kk in 0..<kc {
                    let src = base + (k0 + kk) * rowStride + (n0 + j) * colStride
                    for jj in 0..<w { panel[kk * nr + jj] = src[jj * colStride] }
                    for jj in w..<nr { panel[kk * nr + jj] = 0 }
                }
            }
            panel += kc * nr
            j += nr
        }
    }
}
