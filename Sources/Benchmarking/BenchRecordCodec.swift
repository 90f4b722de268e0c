import Capnp
import Schemas

extension BenchRecord {
    /// Fills a `BenchResult` builder (the frame's `result` variant).
    public func write(into b: Schemas.BenchResult.Builder) {
        b.setSuite(suite)
        b.setSite(site)
        b.setOp(op)
        b.setShape(shape)
        b.setDtype(dtype)
        b.threads = UInt32(threads)
        b.repetitions = UInt32(timing.repetitions)
        b.minSeconds = timing.minSeconds
        b.medianSeconds = timing.medianSeconds
        b.maxSeconds = timing.maxSeconds
        b.flops = flops
        b.bytes = bytes
        b.gflopsPerSecond = gflops
        b.gbPerSecond = gbPerSecond
        b.peakGflopsPerSecond = roofline.map { $0.peakFlops / 1e9 } ?? .nan
        b.bandwidthGbPerSecond = roofline.map { $0.bandwidth / 1e9 } ?? .nan
        b.rooflineFraction = rooflineFraction
        b.setPeer(peer ?? "")
        b.peerMedianSeconds = peerMedianSeconds ?? .nan
        b.ratio = ratio
        b.setPeerNote(peerNote ?? "")
        b.cpuSeconds = timing.cpuSeconds
        b.peerCpuSeconds = peerCpuSeconds ?? .nan
        b.peerMinSeconds = peerMinSeconds ?? .nan
        b.peerMaxSeconds = peerMaxSeconds ?? .nan
        b.peerRepetitions = UInt32(peerRepetitions)
    }

    /// Reads a record back from a stream (for rendering and tests).
    public init(_ r: Schemas.BenchResult.Reader) throws {
        suite = try r.suite.string
        site = try r.site.string
        op = try r.op.string
        shape = try r.shape.string
        dtype = try r.dtype.string
        threads = Int(r.threads)
        timing = Timing(samples: [])
        timing.repetitions = Int(r.repetitions)
        timing.minSeconds = r.minSeconds
        timing.medianSeconds = r.medianSeconds
        timing.maxSeconds = r.maxSeconds
        timing.cpuSeconds = r.cpuSeconds
        flops = r.flops
        bytes = r.bytes
        roofline = r.peakGflopsPerSecond.isNaN ? nil
            : Roofline(threads: threads, peakFlops: r.peakGflopsPerSecond * 1e9, bandwidth: r.bandwidthGbPerSecond * 1e9)
        let peerName = try r.peer.string
        peer = peerName.isEmpty ? nil : peerName
        peerMedianSeconds = r.peerMedianSeconds.isNaN ? nil : r.peerMedianSeconds
        peerCpuSeconds = r.peerCpuSeconds.isNaN ? nil : r.peerCpuSeconds
        peerRepetitions = Int(r.peerRepetitions)
        // Streams from before these fields existed read 0 runs and 0 seconds.
        peerMinSeconds = peerRepetitions == 0 || r.peerMinSeconds.isNaN ? nil : r.peerMinSeconds
        peerMaxSeconds = peerRepetitions == 0 || r.peerMaxSeconds.isNaN ? nil : r.peerMaxSeconds
        let note = try r.peerNote.string
        peerNote = note.isEmpty ? nil : note
    }
}
