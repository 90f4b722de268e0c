/// One measured case: what op-bench writes as a Formats/bench.capnp BenchResult record.
public struct BenchRecord: Sendable, Equatable {
    /// Suite and site the case comes from (see `BenchCase`).
    public var suite: String
    public var site: String
    /// ONNX operator name and human-readable shape (`OpSpec.op`, `OpSpec.shape`).
    public var op: String
    public var shape: String
    /// Element type.
    public var dtype = "f32"
    /// Worker threads the kernel ran with.
    public var threads: Int
    /// Our timing.
    public var timing: Timing
    /// Operations and compulsory bytes per run (`OpSpec.flops`, `OpSpec.bytes`).
    public var flops: Double
    public var bytes: Double
    /// The limits in force, if `--roofline` measured them.
    public var roofline: Roofline?
    /// The peer's name and version (e.g. "numpy 2.4.6 openblas 0.3.31 Zen") if compared.
    public var peer: String?
    /// The peer's median seconds on the same shape.
    public var peerMedianSeconds: Double?
    /// The peer's fastest and slowest run, and its number of timed runs.
    public var peerMinSeconds: Double?
    public var peerMaxSeconds: Double?
    public var peerRepetitions = 0
    /// The peer's CPU seconds per run (all its threads).
    public var peerCpuSeconds: Double?
    /// Why a requested comparison is missing (e.g. the peer has no such operator).
    public var peerNote: String?

    /// A record for `c` run on `threads` threads.
    public init(case c: BenchCase, threads: Int, timing: Timing, roofline: Roofline?) {
        self.init(suite: c.suite, site: c.site, op: c.spec.op, shape: c.spec.shape, threads: threads,
                  timing: timing, flops: c.spec.flops, bytes: c.spec.bytes, roofline: roofline)
        dtype = c.spec.dtype
    }

    /// A record from its parts (used when reading a stream back).
    public init(suite: String, site: String, op: String, shape: String, threads: Int, timing: Timing,
                flops: Double, bytes: Double, roofline: Roofline?) {
        self.suite = suite
        self.site = site
        self.op = op
        self.shape = shape
        self.threads = threads
        self.timing = timing
        self.flops = flops
        self.bytes = bytes
        self.roofline = roofline
    }

    /// GFLOP/s at the median time.
    public var gflops: Double { flops / timing.medianSeconds / 1e9 }
    /// GB/s of compulsory traffic at the median time.
    public var gbPerSecond: Double { bytes / timing.medianSeconds / 1e9 }
    /// Roofline time over median time (1 = at the machine's limit), NaN without a roofline.
    public var rooflineFraction: Double {
        roofline?.fraction(flops: flops, bytes: bytes, seconds: timing.medianSeconds) ?? .nan
    }
    /// Peer CPU time over ours per run: the comparison that survives a busy machine (for one
    /// thread; with more, spinning worker threads count too). NaN without a peer.
    public var cpuRatio: Double {
        guard let peerCpuSeconds else { return .nan }
        return peerCpuSeconds / timing.cpuSeconds
    }

    /// Peer median over ours: above 1 we are faster. NaN without a peer.
    public var ratio: Double {
        guard let peerMedianSeconds else { return .nan }
        return peerMedianSeconds / timing.medianSeconds
    }
}
