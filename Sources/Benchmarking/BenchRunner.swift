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
    /// With a peer: the runs are split into this many batches per side, alternating (ours,
    /// peer, peer, ours, ours, ...), so a burst of load on a shared machine hits both sides.
    public var rounds = 4

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

/// Runs a plan: our kernel, and (if asked) the peer on the same case in alternating batches,
/// and hands each finished result to `emit` as soon as it exists, so a stream consumer sees
/// progress. The peer and the progress report are passed in so that this library does no I/O.
public enum BenchRunner {
    /// Runs `plan`; `peer` times the cases in the peer library, `progress` is told before each
    /// case, `emit` gets each finished record.
    public static func run(_ plan: BenchPlan, peer: (any BenchPeer)? = nil,
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
                var reply: PeerReply?
                if let peer, plan.peer != nil { reply = try peer.prepare(id: index, case: c, threads: threads) }
                var result: BenchRecord
                if let peer, case let .ready(name) = reply {
                    let (ours, theirs) = try interleave(plan, run) { minReps, maxReps, seconds in
                        try peer.batch(id: index, minRepetitions: minReps, maxRepetitions: maxReps, minSeconds: seconds)
                    }
                    result = BenchRecord(case: c, threads: threads, timing: ours, roofline: rooflines[threads])
                    result.peer = name
                    result.peerMedianSeconds = theirs.medianSeconds
                    result.peerMinSeconds = theirs.minSeconds
                    result.peerMaxSeconds = theirs.maxSeconds
                    result.peerRepetitions = theirs.repetitions
                    result.peerCpuSeconds = theirs.cpuSeconds.isNaN ? nil : theirs.cpuSeconds
                } else {
                    let timing = Timing.measure(minRepetitions: plan.minRepetitions, maxRepetitions: plan.maxRepetitions,
                                                minSeconds: plan.minSeconds, run)
                    result = BenchRecord(case: c, threads: threads, timing: timing, roofline: rooflines[threads])
                    if case let .skipped(reason) = reply { result.peerNote = reason }
                }
                try emit(result)
                index += 1
            }
        }
    }

    /// Our warm-up run (the peer warmed up when it prepared the case), then `plan.rounds`
    /// rounds of one batch per side, the order alternating: ours, peer | peer, ours | ... Each
    /// batch does its share of the plan's timing rule (a `rounds`-th of the minimum runs,
    /// maximum runs and minimum seconds), so both sides get the same rule in total.
    static func interleave(_ plan: BenchPlan, _ run: () -> Void,
                           peerBatch: (Int, Int, Double) throws -> TimingSamples) throws -> (ours: Timing, peer: Timing) {
        let rounds = max(1, plan.rounds)
        let minReps = (plan.minRepetitions + rounds - 1) / rounds
        let maxReps = max(minReps, plan.maxRepetitions / rounds)
        let seconds = plan.minSeconds / Double(rounds)
        run()
        var ours = TimingSamples(), theirs = TimingSamples()
        for round in 0..<rounds {
            if round % 2 == 1 { theirs.add(try peerBatch(minReps, maxReps, seconds)) }
            ours.measure(minRepetitions: minReps, maxRepetitions: maxReps, minSeconds: seconds, run)
            if round % 2 == 0 { theirs.add(try peerBatch(minReps, maxReps, seconds)) }
        }
        return (ours.timing, theirs.timing)
    }
}
