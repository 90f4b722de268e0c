import GraphIR

/// Geometry of a 2-D convolution or pooling window over NCHW data.
public struct Conv2dParams: Sendable, Equatable, CustomStringConvertible {
    /// Output step along H and W, in input pixels.
    public var strideH = 1, strideW = 1
    /// Implicit zero rows/columns on each side (ONNX `pads`: begin values, then end values).
    public var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0
    /// Distance between kernel taps, in input pixels.
    public var dilationH = 1, dilationW = 1
    /// Channel groups: input and output channels split into this many independent convolutions.
    public var groups = 1

    /// The same stride, padding and dilation on both axes.
    public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        strideH = stride; strideW = stride
        padTop = padding; padLeft = padding; padBottom = padding; padRight = padding
        dilationH = dilation; dilationW = dilation
        self.groups = groups
    }

    /// Per-axis geometry, ONNX style.
    public init(strides: (Int, Int), pads: (top: Int, left: Int, bottom: Int, right: Int),
                dilations: (Int, Int) = (1, 1), groups: Int = 1) {
        (strideH, strideW) = strides
        (padTop, padLeft, padBottom, padRight) = pads
        (dilationH, dilationW) = dilations
        self.groups = groups
    }

    /// Output extent along one axis (floor mode, or ceil_mode with `ceil`), or nil if the
    /// window never fits: GraphIR's `ShapeRules.windowExtent`, the one definition of the rule.
    static func outputExtent(_ input: Int, kernel: Int, stride: Int, padBefore: Int, padAfter: Int, dilation: Int,
                             ceil: Bool = false) -> Int? {
        ShapeRules.windowExtent(input, kernel: kernel, stride: stride, dilation: dilation, padBegin: padBefore, padEnd: padAfter,
                                ceilMode: ceil)
    }

    func validate(_ kernel: String) throws {
        guard strideH > 0, strideW > 0, dilationH > 0, dilationW > 0, groups > 0,
              padTop >= 0, padLeft >= 0, padBottom >= 0, padRight >= 0 else {
            throw KernelError(kernel, "invalid geometry \(self)")
        }
    }

    public var description: String {
        "stride \(strideH)x\(strideW) pad \(padTop),\(padLeft),\(padBottom),\(padRight) dilation \(dilationH)x\(dilationW) groups \(groups)"
    }
}

/// 2-D convolution (ONNX Conv, NCHW, weights [Cout, Cin/groups, kH, kW]).
///
/// General convolutions are an implicit GEMM per image and group: weights [Cout/g, Cin/g·kH·kW]
/// times the im2col matrix [Cin/g·kH·kW, Hout·Wout], where the im2col matrix is never built:
/// `Im2colSource` packs the GEMM's B panels straight from the image, so the only extra memory
/// is the packing buffer the GEMM has anyway. 1×1 stride-1 unpadded convolutions are a plain
/// GEMM on the image. Depthwise convolutions (groups = Cin = Cout) have no reduction to feed a
/// GEMM and run as a direct kernel.
public enum Convolution {
    /// Convolution with weights given as a tensor (packed on every call; for repeated calls
    /// with the same weights, pack them once with `ConvWeights`).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, params p: Conv2dParams = .init(),
                              threading: Threading = .all) throws -> Tensor {
        try p.validate("conv2d")
        return try conv2d(x, weights: ConvWeights(weight, groups: p.groups), bias: bias, params: p, threading: threading)
    }

    /// Convolution with prepacked weights; `params.groups` must match the packing.
    public static func conv2d(_ x: Tensor, weights: ConvWeights, bias: Tensor? = nil, params p: Conv2dParams = .init(),
                              threading: Threading = .all) throws -> Tensor {
        try p.validate("conv2d")
        guard x.rank == 4 else { throw KernelError("conv2d", "input \(x.shape) must be rank 4") }
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cinPerGroup, kh, kw) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        guard weights.groups == p.groups, cin % p.groups == 0, cinPerGroup == cin / p.groups else {
            throw KernelError("conv2d", "input \(x.shape), weight \(weights.shape) and groups \(p.groups) disagree")
        }
        if let bias, bias.count != cout { throw KernelError("conv2d", "bias \(bias.shape) for \(cout) output channels") }
        guard let oh = Conv2dParams.outputExtent(h, kernel: kh, stride: p.strideH, padBefore: p.padTop, padAfter: p.padBottom, dilation: p.dilationH),
              let ow = Conv2dParams.outputExtent(w, kernel: kw, stride: p.strideW, padBefore: p.padLeft, padAfter: p.padRight, dilation: p.dilationW) else {
            throw KernelError("conv2d", "kernel \(kh)x\(kw) with \(p) does not fit input \(h)x\(w)")
        }
        let input = x.contiguous()
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: cout)
        var out = Tensor(shape: [n, cout, oh, ow])
        if out.count == 0 { return out }
        if weights.isDepthwise {
            input.withUnsafeBase { px in weights.raw.withUnsafeBase { pw in out.withUnsafeMutableBase { po in
                depthwise(px, pw, biasValues, po, n: n, c: cin, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, p: p, threading: threading)
            } } }
            return out
        }
        let coutPerGroup = cout / p.groups
        let depth = cinPerGroup * kh * kw
        let pixels = oh * ow
        let pointwise = kh == 1 && kw == 1 && p.strideH == 1 && p.strideW == 1
            && p.padTop == 0 && p.padLeft == 0 && p.padBottom == 0 && p.padRight == 0
        input.withUnsafeBase { px in
            out.withUnsafeMutableBase { po in biasValues.withUnsafeBufferPointer { biasBuffer in
                let pb = biasBuffer.baseAddress!
                for img in 0..<n {
                    for g in 0..<p.groups {
                        let image = px + (img * cin + g * cinPerGroup) * h * w
                        let c = po + (img * cout + g * coutPerGroup) * pixels
                        let a = weights.group(g)
                        // The bias goes in as the GEMM stores its first K slice: C is written once.
                        let bias = pb + g * coutPerGroup
                        if pointwise {
                            Gemm.blocked(m: coutPerGroup, n: pixels, k: depth, alpha: 1, a: a,
                                         b: StridedMatrix(base: image, rowStride: h * w, colStride: 1),
                                         beta: 0, c: c, ldc: pixels, threading: threading, rowBias: bias)
                        } else {
                            let b = Im2colSource(image: image, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, p: p)
                            Gemm.blocked(m: coutPerGroup, n: pixels, k: depth, alpha: 1, a: a, b: b,
                                         beta: 0, c: c, ldc: pixels, threading: threading, rowBias: bias)
                        }
                    }
                }
            } }
        }
        return out
    }

    /// Direct depthwise convolution: per channel plane, each output row accumulates kH·kW
    /// shifted input rows; stride-1 rows run as contiguous vector-friendly loops.
    static func depthwise(_ x: UnsafePointer<Float>, _ wts: UnsafePointer<Float>, _ bias: [Float],
                          _ out: UnsafeMutablePointer<Float>, n: Int, c: Int, h: Int, w: Int,
                          kh: Int, kw: Int, oh: Int, ow: Int, p: Conv2dParams, threading: Threading) {
        threading.forRanges(n * c, grain: max(1, 4096 / max(1, oh * ow))) { planes in
            for plane in planes {
                let ch = plane % c
                let src = x + plane * h * w, dst = out + plane * oh * ow, k = wts + ch * kh * kw
                for oy in 0..<oh {
                    let o = dst + oy * ow
                    for ox in 0..<ow { o[ox] = bias[ch] }
                    for ky in 0..<kh {
                        let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                        if iy < 0 || iy >= h { continue }
                        let row = src + iy * w
                        for kx in 0..<kw {
                            let weight = k[ky * kw + kx]
                            let shift = kx * p.dilationW - p.padLeft
                            // Valid ox: 0 <= ox*stride + shift < w.
                            let lo = shift >= 0 ? 0 : (-shift + p.strideW - 1) / p.strideW
                            let hi = min(ow, w - shift <= 0 ? 0 : (w - shift - 1) / p.strideW + 1)
                            if lo >= hi { continue }
                            if p.strideW == 1 {
                                let r = row + shift
                                for ox in lo..<hi { o[ox] += weight * r[ox] }
                            } else {
                                for ox in lo..<hi { o[ox] += weight * row[ox * p.strideW + shift] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The im2col matrix of one image and group, read on demand by the GEMM's B packing:
/// row r = (channel, ky, kx), column = (oy, ox), value = image[channel, oy·sH − padT + ky·dH,
/// ox·sW − padL + kx·dW], or 0 in the padding.
struct Im2colSource: GemmSourceB {
    var image: UnsafePointer<Float>
    var h: Int, w: Int, kh: Int, kw: Int, oh: Int, ow: Int
    var p: Conv2dParams

    func packB(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        // A panel's NR columns are runs of consecutive output pixels along a row; each run
        // reads one input row at a fixed stride, so it is copied as a run with zero fill where
        // the window hangs into the padding, not element by element with bounds checks.
        let nr = MicroKernel.nr
        var panel = dst
        var j = 0
        while j < nc {
            let width = min(nr, nc - j)
            let firstColumn = n0 + j
            let oy0 = firstColumn / ow, ox0 = firstColumn % ow
            for kk in 0..<kc {
                let r = k0 + kk
                let channel = r / (kh * kw), ky = (r / kw) % kh, kx = r % kw
                let plane = image + channel * h * w
                let out = panel + kk * nr
                var jj = 0, oy = oy0, ox = ox0
                while jj < width {
                    let run = min(width - jj, ow - ox)
                    let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                    if iy < 0 || iy >= h {
                        for t in 0..<run { out[jj + t] = 0 }
                    } else {
                        let base = ox * p.strideW - p.padLeft + kx * p.dilationW   // input column of the run's start
                        let lo = base >= 0 ? 0 : min(run, (-base + p.strideW - 1) / p.strideW)
                        let hi = base >= w ? 0 : max(lo, min(run, (w - base + p.strideW - 1) / p.strideW))
                        for t in 0..<lo { out[jj + t] = 0 }
                        let row = plane + iy * w + base
                        if p.strideW == 1 {
                            if hi > lo { (out + jj + lo).update(from: row + lo, count: hi - lo) }
                        } else {
                            var t = lo
                            if p.strideW == 2 {
                                // De-interleave a double load; stop before it reads past the row.
                                while t + Vec.scalarCount <= hi && base + 2 * (t + Vec.scalarCount) - 1 < w {
                                    UnsafeRawPointer(row + 2 * t).loadUnaligned(as: VecPair.self).evenHalf.store(to: out + jj + t)
                                    t += Vec.scalarCount
                                }
                            }
                            while t < hi { out[jj + t] = row[t * p.strideW]; t += 1 }
                        }
                        for t in hi..<run { out[jj + t] = 0 }
                    }
                    jj += run
                    ox = 0
                    oy += 1
                }
                for t in width..<nr { out[t] = 0 }
            }
            panel += kc * nr
            j += nr
        }
    }
}

/// Convolution weights [Cout, Cin/groups, kH, kW], packed once into the GEMM's A-panel layout
/// per group (or kept as is for depthwise convolutions, which do not use the GEMM). Packing is
/// what an inference engine does when it loads a model; op-bench times convolutions this way,
/// as onnxruntime does after session creation.
public final class ConvWeights: @unchecked Sendable {
    /// The weight shape.
    public let shape: [Int]
    /// The convolution groups the weights were packed for.
    public let groups: Int
    let raw: Tensor
    let isDepthwise: Bool
    private let packed: UnsafeMutablePointer<Float>?
    private let groupStride: Int
    private let mPadded: Int

    /// Packs `weight` ([Cout, Cin/groups, kH, kW]); throws if the shape does not fit `groups`.
    public init(_ weight: Tensor, groups: Int) throws {
        guard weight.rank == 4, groups > 0, weight.shape[0] % groups == 0, weight.shape.allSatisfy({ $0 > 0 }) else {
            throw KernelError("conv2d", "weight \(weight.shape) with groups \(groups) is not [Cout, Cin/groups, kH, kW]")
        }
        shape = weight.shape
        self.groups = groups
        raw = weight.contiguous()
        let coutPerGroup = shape[0] / groups
        isDepthwise = shape[1] == 1 && coutPerGroup == 1 && groups > 1
        let depth = shape[1] * shape[2] * shape[3]
        mPadded = (coutPerGroup + MicroKernel.mr - 1) / MicroKernel.mr * MicroKernel.mr
        groupStride = PrepackedA.count(m: coutPerGroup, k: depth)
        if isDepthwise {
            packed = nil
        } else {
            let stride = PrepackedA.count(m: coutPerGroup, k: depth)
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: stride * groups)
            let contiguous = weight.contiguous()
            contiguous.withUnsafeBase { pw in
                for g in 0..<groups {
                    PrepackedA.pack(StridedMatrix(base: pw + g * coutPerGroup * depth, rowStride: depth, colStride: 1),
                                    m: coutPerGroup, k: depth, into: buffer + g * stride)
                }
            }
            packed = buffer
        }
    }

    /// Group g's packed A operand.
    func group(_ g: Int) -> PrepackedA {
        PrepackedA(base: packed! + g * groupStride, mPadded: mPadded)
    }

    deinit { packed?.deallocate() }
}
