import Columns
@testable import DQCheck
import Drift
import Foundation
import Profiling
import TestSupport
import Testing
import ToolKit

/// Drift between two profiles rebuilds each column's sample from its sketches. On columns large
/// enough that the KLL sketch compacts and the frequent-items summary overflows, the approximate
/// statistics must stay close to the exact ones over every value.
@Suite struct ProfileDriftTests {
    static let schema = TableSchema(fields: [Field(name: "x", type: .float64), Field(name: "c", type: .utf8)])

    /// `rows` values: x normal(shift, 1) by Box–Muller; c one of 3,000 labels, skewed so that a
    /// few hundred carry most rows (more distinct values than the summary's 1,024 counters).
    static func batch(rows: Int, shift: Double, _ rng: inout SplitMix64) throws -> ColumnBatch {
        var x: [Double] = [], labels = VarBinary()
        for _ in 0..<rows {
            let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300), u2 = Double(rng.next() >> 11) / Double(1 << 53)
            x.append(shift + (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            let r = Double(rng.next() >> 11) / Double(1 << 53)
            let label = Int(pow(r, 3 + 5 * shift) * 3000)
            labels.append(Array("v\(label)".utf8))
        }
        return ColumnBatch(rows: rows, columns: [Column(values: .float64(x)), Column(values: .utf8(labels))])
    }

    static func profile(_ b: ColumnBatch) throws -> ProfileSet {
        var p = try Profiler(schema: schema)
        p.add(b)
        return p.finish()
    }

    static func exact(_ b: ColumnBatch, _ column: Int) -> DriftSample {
        switch b.columns[column].values {
        case .float64(let v): return .numbers(v, integer: false)
        case .utf8(let v): return .categorical((0..<v.count).map { String(decoding: v[$0], as: UTF8.self) })
        default: fatalError("unexpected column")
        }
    }

    @Test func approximateDriftStaysNearTheExactValue() throws {
        var rng = TestSeed.generator("approximateDriftStaysNearTheExactValue", default: 5)
        let ref = try Self.batch(rows: 200_000, shift: 0, &rng)
        let cur = try Self.batch(rows: 150_000, shift: 0.2, &rng)
        let (a, b) = (try Self.profile(ref), try Self.profile(cur))
        let x = (ProfileDrift.sample(a.profile("x")!), ProfileDrift.sample(b.profile("x")!))
        #expect(x.0.sample.count == 200_000 && x.1.sample.count == 150_000)
        #expect(x.0.method.hasPrefix("profile: KLL"))
        // KS statistic: within the two sketches' rank errors of the exact D.
        let ksExact = try DriftStatistics.compute(.ks, ref: Self.exact(ref, 0), cur: Self.exact(cur, 0))
        let ksApprox = try DriftStatistics.compute(.ks, ref: x.0.sample, cur: x.1.sample)
        let bound = 2 * KLLSketch.normalizedRankError(k: KLLSketch.defaultK, allRanks: true)
        #expect(abs(ksApprox.statistic! - ksExact.statistic!) <= bound, "D \(ksApprox.statistic!) vs \(ksExact.statistic!)")
        // Wasserstein integrates the CDFs: within 10% of the exact value. The binned statistics
        // (PSI, JS) see each bin's share off by up to the rank error at its two edges, which adds
        // a positive bias of the order of bins × ε² / share: within 0.06 here (Docs/dq.md).
        for (stat, tolerance) in [(DriftStat.wasserstein, 0.0), (.psi, 0.06), (.js, 0.06)] {
            let e = try DriftStatistics.compute(stat, ref: Self.exact(ref, 0), cur: Self.exact(cur, 0)).value
            let v = try DriftStatistics.compute(stat, ref: x.0.sample, cur: x.1.sample).value
            #expect(abs(v - e) <= max(0.1 * e, tolerance), "\(stat): \(v) vs exact \(e)")
        }
        // Strings past the summary's capacity: Misra–Gries counts undercount each side
        // differently, so such a column is not compared (skipped by default, an error by name).
        let selected = try ProfileDrift.columns(nil, ref: a, cur: b, refName: "ref", curName: "cur", stat: .psi)
        #expect(selected.names == ["x"] && selected.skipped.map(\.column) == ["c"])
        #expect(throws: ToolError.self) { try ProfileDrift.columns("c", ref: a, cur: b, refName: "ref", curName: "cur", stat: .psi) }
    }
}
