import Dispatch
import Kernels

/// This machine's limits, measured: peak fp32 FLOP/s with an FMA loop and memory bandwidth with
/// a STREAM-style triad, both on `threads` threads. The roofline time of an operator is
/// max(flops / peak, bytes / bandwidth); its roofline fraction is that time over the measured one.
public struct Roofline: Sendable, Equatable {
    /// The thread count the limits were measured with.
    public var threads: Int
    /// Floating-point operations per second (an FMA counts 2).
    public var peakFlops: Double
    /// Bytes per second of a[i] = b[i] + s·c[i] over arrays far larger than the caches, counting
    /// 12 bytes per element (the STREAM convention: write-allocate traffic is not counted).
    public var bandwidth: Double

    /// Limits given directly (e.g. read back from a stream).
    public init(threads: Int, peakFlops: Double, bandwidth: Double) {
        self.threads = threads
        self.peakFlops = peakFlops
        self.bandwidth = bandwidth
    }

    /// The fraction of the roofline a run reached.
    public func fraction(flops: Double, bytes: Double, seconds: Double) -> Double {
        max(flops / peakFlops, bytes / bandwidth) / seconds
    }

    /// Measures both limits (about a second).
    public static func measure(threads: Int) -> Roofline {
        Roofline(threads: threads, peakFlops: measurePeak(threads: threads), bandwidth: measureBandwidth(threads: threads))
    }

    /// Best of twenty short runs (a few ms each, so that one of them falls in a quiet moment of
    /// a shared machine) of twelve independent FMA chains per thread: enough chains to cover
    /// the FMA latency × issue width of current x86 and ARM cores.
    static func measurePeak(threads: Int) -> Double {
        let iterations = 1_000_000
        var best = 0.0
        for _ in 0..<20 {
            let timing = Timing.measure(minRepetitions: 1, maxRepetitions: 1, minSeconds: 0) {
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    sink(fmaChains(iterations, seed: Float(t + 1)))
                }
            }
            let flops = Double(threads * iterations * 12 * 2 * Vec.scalarCount)
            best = max(best, flops / timing.minSeconds)
        }
        return best
    }

    @inline(never)
    static func fmaChains(_ iterations: Int, seed: Float) -> Float {
        let m = Vec(repeating: 0.999999), a = Vec(repeating: 1e-7)
        var c0 = Vec(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        for _ in 0..<iterations {
            c0 = a.addingProduct(c0, m); c1 = a.addingProduct(c1, m); c2 = a.addingProduct(c2, m); c3 = a.addingProduct(c3, m)
            c4 = a.addingProduct(c4, m); c5 = a.addingProduct(c5, m); c6 = a.addingProduct(c6, m); c7 = a.addingProduct(c7, m)
            c8 = a.addingProduct(c8, m); c9 = a.addingProduct(c9, m); c10 = a.addingProduct(c10, m); c11 = a.addingProduct(c11, m)
            // a + c·m as addingProduct: Swift does not contract a*b+c, so spell out the FMA.
        }
        return ((c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11)).sum()
    }

    /// Best of ten triads over three 64 MiB arrays (twice the L3 of typical server parts),
    /// on huge-page buffers like the operands of the streaming kernels.
    static func measureBandwidth(threads: Int) -> Double {
        let count = 16 << 20
        let a = NoiseBuffer(count, seed: 1), b = NoiseBuffer(count, seed: 2), c = NoiseBuffer(count, seed: 3)
        let work = Threading(threads: threads)
        var best = 0.0
        for _ in 0..<10 {
            let timing = Timing.measure(minRepetitions: 1, maxRepetitions: 1, minSeconds: 0) {
                work.forRanges(count) { range in
                    let s = Vec(repeating: 3)
                    var i = range.lowerBound
                    while i + Vec.scalarCount <= range.upperBound {
                        var v = Vec.load(b.pointer + i)
                        v.addProduct(s, Vec.load(c.pointer + i))
                        v.store(to: a.pointer + i)
                        i += Vec.scalarCount
                    }
                    while i < range.upperBound { a.pointer[i] = b.pointer[i] + 3 * c.pointer[i]; i += 1 }
                }
            }
            best = max(best, Double(3 * 4 * count) / timing.minSeconds)
        }
        sink(a.pointer[count / 2])
        return best
    }

    /// Stores a result where the optimiser cannot prove it unused, so the loops stay.
    @inline(never)
    static func sink(_ value: Float) {
        sinkValue = value
    }
}

/// Written by `Roofline.sink`; never read. Racy writes of a float are harmless here.
nonisolated(unsafe) var sinkValue: Float = 0
