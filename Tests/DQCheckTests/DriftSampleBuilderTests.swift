import Drift
import Foundation
import TestSupport
import Testing

/// `NumericSampleBuilder` (counted while few distinct values, else kept) gives every statistic
/// exactly — bit for bit — what the sample of all values (`DriftSample.numbers`) gives.
@Suite struct DriftSampleBuilderTests {
    /// The builder's sample of `values`, fed in chunks with a validity bitmap that drops `nulls`.
    static func built(_ values: [Double], nulls: Set<Int>, integer: Bool, cap: Int, chunk: Int) -> DriftSample {
        var b = NumericSampleBuilder(integer: integer, countCap: cap)
        var start = 0
        while start < values.count {
            let end = min(start + chunk, values.count)
            var validity = [UInt8](repeating: 0, count: (end - start + 7) / 8)
            for r in start..<end where !nulls.contains(r) { validity[(r - start) >> 3] |= 1 << UInt8((r - start) & 7) }
            let part = Array(values[start..<end])
            validity.withUnsafeBytes { v in
                if integer {
                    let ints = part.map { Int64($0) }
                    ints.withUnsafeBufferPointer { b.append($0, validity: nulls.isEmpty ? nil : v) }
                } else {
                    part.withUnsafeBufferPointer { b.append($0, validity: nulls.isEmpty ? nil : v) }
                }
            }
            start = end
        }
        return b.finish()
    }

    static func plain(_ values: [Double], nulls: Set<Int>, integer: Bool) -> DriftSample {
        .numbers(values.indices.filter { !nulls.contains($0) }.map { values[$0] }, integer: integer)
    }

    static func same(_ x: DriftValue, _ y: DriftValue) -> Bool {
        x.value.bitPattern == y.value.bitPattern && x.statistic?.bitPattern == y.statistic?.bitPattern && x.method == y.method
    }

    @Test func everyStatisticIsBitIdentical() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("drift-builder", default: 21))
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        // (distinct values, integer, special values): few (counted on both sides), a side past
        // the cap (spilled mid-stream), many floats with -0, NaN and infinities (dropped).
        let kinds: [(Int, Bool, Bool)] = [(5, true, false), (18, true, false), (25, true, false), (40, false, true), (100_000, false, true), (3, false, true)]
        for (k, (distinct, integer, specials)) in kinds.enumerated() {
            for trial in 0..<4 {
                func sample(shift: Double) -> [Double] {
                    (0..<(2_000 + Int(rng.next() % 3_000))).map { _ in
                        if specials && rng.next() % 50 == 0 { return [-0.0, .nan, .infinity, -.infinity][Int(rng.next() % 4)] }
                        let v = (uniform() + shift) * Double(distinct)
                        return integer || distinct < 100 ? v.rounded(.down) : v
                    }
                }
                let ref = sample(shift: 0), cur = sample(shift: trial == 0 ? 0 : 0.05 * Double(trial))
                let nullsRef = Set((0..<ref.count).filter { _ in rng.next() % 20 == 0 })
                let nullsCur: Set<Int> = trial % 2 == 0 ? [] : Set((0..<cur.count).filter { _ in rng.next() % 10 == 0 })
                let cap = [21, 64][trial % 2]
                let a = Self.built(ref, nulls: nullsRef, integer: integer, cap: cap, chunk: 333)
                let b = Self.built(cur, nulls: nullsCur, integer: integer, cap: cap, chunk: 1_000)
                let pa = Self.plain(ref, nulls: nullsRef, integer: integer), pb = Self.plain(cur, nulls: nullsCur, integer: integer)
                #expect(a.count == pa.count && b.count == pb.count)
                for stat in DriftStat.allCases {
                    let got = try DriftStatistics.compute(stat, ref: a, cur: b)
                    let want = try DriftStatistics.compute(stat, ref: pa, cur: pb)
                    #expect(Self.same(got, want), "case \(k) trial \(trial) \(stat): \(got) vs \(want)")
                }
                let labels = try Binning.labeledShares(a, b), wanted = try Binning.labeledShares(pa, pb)
                #expect(labels.labels == wanted.labels && labels.ref == wanted.ref && labels.cur == wanted.cur)
            }
        }
    }

    @Test func aFewDistinctValuesAreCountedNotKept() {
        var b = NumericSampleBuilder(integer: true)
        let v: [Int64] = (0..<10_000).map { Int64($0 % 5) }
        v.withUnsafeBufferPointer { b.append($0, validity: nil) }
        guard case .numeric(let s) = b.finish() else { Issue.record("not numeric"); return }
        #expect(s.count == 10_000 && !s.manyDistinct && s.extremes! == (0, 4))
        #expect(s.sorted.count == 10_000 && s.sorted.first == 0 && s.sorted.last == 4)
    }
}
