import Kernels

/// What to measure and how long.
public struct BenchPlan: Sendable, Equatable {
    /// The cases, in order.
    public var cases: [BenchCase]
    /// Each case runs once per thread count.
    public var threadCounts: [Int]
    /// The timing rule (see `Timing.measure`).
    public var minRepetitions = 5
    public var maxRepetitions = 100
    public var minSeconds = 0.2
    /// Measure peak FLOP/s and bandwidth per thread count first and report roofline fractions.
    public var roofline = false
    /// "numpy" or "onnxruntime": time every case in the peer too.
    public var peer: String?

    /// A plan with the default timing rule, no roofline and no peer.
    public init(cases: [BenchCase], threadCounts: [Int]) {
        self.cases = cases
        self.threadCounts = threadCounts
    }

    /// The cases of the named suites whose site, op or shape contains `filter` (if given).
    public static func select(suites: [String], filter: String?) throws -> [BenchCase] {
        var cases: [BenchCase] = []
        for name in suites {
            guard let suite = Suites.cases(name) else {
                throw KernelError("op-bench", "unknown suite '\(name)' (known: \(Suites.names.joined(separator: ", ")))")
            }
            cases += suite
        }
        return Self.filter(cases, filter)
    }

    /// The cases whose site, operator or shape contains `filter` (case-insensitive); all for nil.
    public static func filter(_ cases: [BenchCase], _ filter: String?) -> [BenchCase] {
        guard let filter, !filter.isEmpty else { return cases }
        let needle = filter.lowercased()
        return cases.filter { c in
            [c.site, c.spec.op, c.spec.shape].contains { $0.lowercased().contains(needle) }
        }
    }
}

/// Runs a plan: our kernel, then (if asked) the peer on the same case, and hands each finished
/// result to `emit` as soon as it exists, so a stream consumer sees progress. The peer and the
/// progress report are closures so that this library does no I/O itself.
public enum BenchRunner {
    /// Runs `plan`; `peer(index, case, threads)` times a case in the peer, `progress` is told
    /// before each case, `emit` gets each finished record.
    public static func run(_ plan: BenchPlan,
                           peer: ((Int, BenchCase, Int) throws -> PeerReply)? = nil,
                           progress: ((Int, Int, BenchCase) -> Void)? = nil,
                           emit: (BenchRecord) throws -> Void) throws {
        var rooflines: [Int: Roofline] = [:]
        if plan.roofline {
            for t in plan.threadCounts where rooflines[t] == nil { rooflines[t] = Roofline.measure(threads: t) }
        }
        let total = plan.cases.count * plan.threadCounts.count
        var index = 0
        for c in plan.cases {
            for threads in plan.threadCounts {
                progress?(index, total, c)
                let run = try PreparedCase.make(c.spec, threading: Threading(threads: threads))
                let timing = Timing.measure(minRepetitions: plan.minRepetitions, maxRepetitions: plan.maxRepetitions,
                                            minSeconds: plan.minSeconds, run)
                var result = BenchRecord(case: c, threads: threads, timing: timing, roofline: rooflines[threads])
                if let peer, plan.peer != nil {
                    switch try peer(index, c, threads) {
                    case let .timing(name, peerTiming):
                        result.peer = name
                        result.peerMedianSeconds = peerTiming.medianSeconds
                        result.peerCpuSeconds = peerTiming.cpuSeconds.isNaN ? nil : peerTiming.cpuSeconds
                    case let .skipped(reason):
                        result.peerNote = reason
                    }
                }
                try emit(result)
                index += 1
            }
        }
    }
}
