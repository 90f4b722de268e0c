import Foundation

/// Seeds for random (mutation, property) tests: a fixed default so CI is repeatable, or
/// `SLUICE_TEST_SEED` from the environment to explore or replay. The seed in use is printed,
/// so a failure seen anywhere can be replayed exactly.
public enum TestSeed {
    /// The seed `test` should use: `SLUICE_TEST_SEED` mixed with the test's own default (so
    /// tests sharing one environment seed still draw different streams), else the default.
    public static func resolve(_ test: String, default fallback: UInt64) -> UInt64 {
        let env = ProcessInfo.processInfo.environment["SLUICE_TEST_SEED"].flatMap { UInt64($0) }
        let seed = env.map { $0 ^ fallback } ?? fallback
        print("\(test): seed \(seed) (SLUICE_TEST_SEED=\(env.map(String.init) ?? "unset"); replay: SLUICE_TEST_SEED=\(env ?? 0))")
        return seed
    }

    /// A generator seeded by `resolve`.
    public static func generator(_ test: String, default fallback: UInt64) -> SplitMix64 {
        SplitMix64(seed: resolve(test, default: fallback))
    }
}
