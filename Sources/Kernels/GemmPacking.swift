// Packing copies a block of an operand into the order the micro-kernel reads it: A into
// MR-row micro-panels (for each k, MR consecutive values), B into NR-column micro-panels (for
// each k, NR consecutive values), zero-padded at the edges. The micro-kernel then streams both
// with unit stride whatever the operand's strides were, which is how transposes, batch views
// and convolution windows (see Im2colSource) all reach the same inner loop.

/// Something that can be packed as the left GEMM operand (M × K).
protocol GemmSourceA {
    /// Packs rows m0..<m0+mc, depth k0..<k0+kc into ceil(mc/MR) micro-panels of kc·MR floats.
    func packA(m0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>)
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
                // Row-major B: each k contributes NR contiguous floats, two vector copies.
                let step = MemoryLayout<Vec>.stride
                for kk in 0..<kc {
                    let src = UnsafeRawPointer(base + (k0 + kk) * rowStride + n0 + j)
                    let out = UnsafeMutableRawPointer(panel + kk * nr)
                    out.storeBytes(of: src.loadUnaligned(as: Vec.self), as: Vec.self)
                    out.storeBytes(of: src.loadUnaligned(fromByteOffset: step, as: Vec.self), toByteOffset: step, as: Vec.self)
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
