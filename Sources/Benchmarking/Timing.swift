#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock statistics of repeated runs, plus the process CPU time they used.
public struct Timing: Sendable, Equatable {
    public var repetitions: Int
    public var minSeconds: Double
    public var medianSeconds: Double
    public var maxSeconds: Double
    /// Mean CPU seconds per run of the whole process (all threads). On a shared machine the
    /// wall-clock times include time other processes held the cores; this does not.
    public var cpuSeconds: Double = .nan

    public init(samples: [Double]) {
        let sorted = samples.sorted()
        repetitions = sorted.count
        minSeconds = sorted.first ?? .nan
        maxSeconds = sorted.last ?? .nan
        medianSeconds = sorted.isEmpty ? .nan
            : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Runs `body` once untimed (warm caches, pools and lazily built state), then times it
    /// until both `minRepetitions` runs and `minSeconds` of work are done, at most
    /// `maxRepetitions` runs.
    public static func measure(minRepetitions: Int = 5, maxRepetitions: Int = 100, minSeconds: Double = 0.2,
                               _ body: () -> Void) -> Timing {
        body()
        var samples = TimingSamples()
        samples.measure(minRepetitions: minRepetitions, maxRepetitions: maxRepetitions, minSeconds: minSeconds, body)
        return samples.timing
    }

    /// CPU time of the whole process so far (CLOCK_PROCESS_CPUTIME_ID: nanosecond resolution).
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// Wall-clock samples gathered in batches (op-bench alternates batches of its own runs with
/// batches of the peer's), plus the process CPU time the batches used in total.
public struct TimingSamples: Sendable, Equatable {
    public var samples: [Double]
    /// Total process CPU seconds of all batches (all threads).
    public var cpuSeconds: Double

    public init(samples: [Double] = [], cpuSeconds: Double = 0) {
        self.samples = samples
        self.cpuSeconds = cpuSeconds
    }

    /// Adds another batch's samples and CPU time.
    public mutating func add(_ other: TimingSamples) {
        samples += other.samples
        cpuSeconds += other.cpuSeconds
    }

    /// Times `body` (no warm-up) until this batch has `minRepetitions` runs and `minSeconds` of
    /// work, at most `maxRepetitions` runs, and adds the batch.
    public mutating func measure(minRepetitions: Int, maxRepetitions: Int, minSeconds: Double, _ body: () -> Void) {
        let clock = ContinuousClock()
        let cpuStart = Timing.processCPUSeconds()
        var count = 0, total = 0.0
        while count < maxRepetitions && (count < minRepetitions || total < minSeconds) {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            samples.append(seconds)
            total += seconds
            count += 1
        }
        cpuSeconds += Timing.processCPUSeconds() - cpuStart
    }

    /// The statistics of all samples; `cpuSeconds` per run.
    public var timing: Timing {
        var timing = Timing(samples: samples)
        timing.cpuSeconds = samples.isEmpty ? .nan : cpuSeconds / Double(samples.count)
        return timing
    }
}
