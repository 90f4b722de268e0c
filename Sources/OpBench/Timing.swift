/// Wall-clock statistics of repeated runs.
public struct Timing: Sendable, Equatable {
    public var repetitions: Int
    public var minSeconds: Double
    public var medianSeconds: Double
    public var maxSeconds: Double

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
        var samples: [Double] = []
        var total = 0.0
        let clock = ContinuousClock()
        while samples.count < maxRepetitions && (samples.count < minRepetitions || total < minSeconds) {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            samples.append(seconds)
            total += seconds
        }
        return Timing(samples: samples)
    }
}
