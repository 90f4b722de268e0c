import Foundation
@testable import Profiling
import TestSupport
import Testing

/// Exact parts against two-pass references; sketches against exact answers within their bounds.
@Suite struct MomentTests {
    @Test func welfordEqualsTwoPass() {
        var g = TestSeed.generator("welfordEqualsTwoPass", default: 11)
        // An offset large next to the spread: where a naive sum of squares loses every digit.
        let xs = (0..<10_000).map { _ in 1e9 + Double(g.uniform(-1, 1)) * 10 }
        var m = MomentStats()
        for x in xs { m.add(x) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let m2 = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        #expect(m.count == 10_000)
        #expect(abs(m.mean - mean) <= 1e-12 * abs(mean))
        #expect(abs(m.m2 - m2) <= 1e-9 * m2)
        #expect(m.min == xs.min()! && m.max == xs.max()!)
    }

    @Test func mergeOfRandomSplitsEqualsOnePass() {
        var g = TestSeed.generator("mergeOfRandomSplitsEqualsOnePass", default: 12)
        let xs = (0..<5_000).map { _ in Double(g.uniform(-100, 300)) }
        var whole = MomentStats()
        for x in xs { whole.add(x) }
        for _ in 0..<50 {
            // Random cut points, parts merged in a random order.
            let cuts = ([0, xs.count] + (0..<g.below(6)).map { _ in g.below(xs.count) }).sorted()
            var parts: [MomentStats] = []
            for (lo, hi) in zip(cuts, cuts.dropFirst()) { var m = MomentStats(); for x in xs[lo..<hi] { m.add(x) }; parts.append(m) }
            parts.shuffle(using: &g)
            var merged = MomentStats()
            for p in parts { merged.merge(p) }
            #expect(merged.count == whole.count && merged.min == whole.min && merged.max == whole.max)
            #expect(abs(merged.mean - whole.mean) <= 1e-12 * max(1, abs(whole.mean)))
            #expect(abs(merged.m2 - whole.m2) <= 1e-10 * whole.m2)
        }
    }

    @Test func nanIsCountedApart() {
        var m = MomentStats()
        for x in [1.0, .nan, 3.0] { m.add(x) }
        #expect(m.count == 2 && m.nanCount == 1 && m.mean == 2 && m.m2 == 2)
    }
}

@Suite struct LogHistogramTests {
    @Test func bucketsContainTheirValuesInOrder() {
        var g = TestSeed.generator("bucketsContainTheirValuesInOrder", default: 13)
        var previous: (Double, Int32)? = nil
        let xs = ((0..<2_000).map { _ in Double(g.uniform(-1, 1)) * pow(10, Double(g.below(40) - 20)) } + [0, -0.0, 1, -1, .greatestFiniteMagnitude,
                  -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity]).sorted()
        for x in xs {
            let i = LogHistogram.index(x)
            let b = LogHistogram.bounds(i)
            if x > 0 { #expect(b.lower <= x && (x < b.upper || x == .infinity), "\(x) in [\(b.lower), \(b.upper))") }
            if x < 0 { #expect(b.lower < x && x <= b.upper || x == -.infinity, "\(x) in (\(b.lower), \(b.upper)]") }
            if x > 0, b.upper.isFinite, b.lower > 0 { #expect(b.upper / b.lower <= 1.125 + 1e-12) }
            if let (px, pi) = previous { #expect(px < x ? pi <= i : pi == i) }
            previous = (x, i)
        }
    }

    @Test func mergeIsExactAndOrderFree() throws {
        var g = TestSeed.generator("histogramMerge", default: 14)
        let xs = (0..<3_000).map { _ in Double(g.uniform(-5, 50)) * Double(1 + g.below(1000)) }
        var whole = LogHistogram()
        for x in xs { whole.add(x) }
        var a = LogHistogram(), b = LogHistogram(), c = LogHistogram()
        for (i, x) in xs.enumerated() { if i % 3 == 0 { a.add(x) } else if i % 3 == 1 { b.add(x) } else { c.add(x) } }
        var ab = a; ab.merge(b); ab.merge(c)
        var cb = c; cb.merge(b); cb.merge(a)
        #expect(ab == whole && cb == whole && whole.total == 3_000)
    }
}

@Suite struct KLLTests {
    /// The largest |estimated rank − true rank| over every distinct value (the bound's quantity).
    func maxRankError(_ sketch: KLLSketch, _ sortedValues: [Double]) -> Double {
        var worst = 0.0
        let n = Double(sortedValues.count)
        var i = 0
        while i < sortedValues.count {
            var j = i
            while j < sortedValues.count && sortedValues[j] == sortedValues[i] { j += 1 }
            worst = max(worst, abs(sketch.rank(sortedValues[i]) - Double(j) / n))
            i = j
        }
        return worst
    }

    @Test(arguments: [150, 100_000, 1_000_000])
    func rankErrorWithinTheBound(n: Int) {
        var g = TestSeed.generator("kllRankError\(n)", default: 15 + UInt64(n))
        var s = KLLSketch()
        var xs: [Double] = []
        xs.reserveCapacity(n)
        for _ in 0..<n { let x = Double(g.next() >> 11) / Double(1 << 53); xs.append(x * x); s.add(x * x) }
        xs.sort()
        let bound = KLLSketch.normalizedRankError(k: 200, allRanks: true)
        #expect(bound > 0.0164 && bound < 0.0166)
        let err = maxRankError(s, xs)
        #expect(err <= bound, "n \(n): max rank error \(err) over the bound \(bound)")
        if n < 200 { #expect(err == 0) }   // below the capacity k nothing was compacted yet
        #expect(s.retained < 3 * 200 + 100)
        #expect(s.quantile(0) == xs.first && s.quantile(1) == xs.last)
    }

    @Test func compactionSortMatchesTheStandardSort() {
        var g = TestSeed.generator("kllSort", default: 19)
        for n in [0, 1, 2, 23, 24, 25, 100, 1_000, 5_000] {
            // Few distinct values too: quicksort's equal-key path.
            var xs = (0..<n).map { _ in g.below(2) == 0 ? Double(g.below(5)) : Double(g.uniform(-1e6, 1e6)) }
            let expected = xs.sorted()
            xs.withUnsafeMutableBufferPointer { KLLSketch.sort($0) }
            #expect(xs == expected, "n \(n)")
        }
    }

    @Test func sameInputSameSketch() {
        var a = KLLSketch(), b = KLLSketch(), c = KLLSketch(seed: 99)
        for i in 0..<50_000 { let x = Double((i * 7919) % 50_000); a.add(x); b.add(x); c.add(x) }
        #expect(a == b)
        #expect(a != c)   // another seed flips other coins
    }

    @Test func mergesOfRandomSplitsStayWithinTheBound() throws {
        var g = TestSeed.generator("kllMerge", default: 16)
        let xs = (0..<200_000).map { _ in Double(g.uniform(0, 1)) + Double(g.below(3)) }
        let sorted = xs.sorted()
        let bound = KLLSketch.normalizedRankError(k: 200, allRanks: true)
        for trial in 0..<5 {
            let parts = 2 + g.below(8)
            var sketches = (0..<parts).map { KLLSketch(seed: UInt64(trial * 100 + $0)) }
            for x in xs { sketches[g.below(parts)].add(x) }
            sketches.shuffle(using: &g)
            var merged = sketches[0]
            for s in sketches.dropFirst() { try merged.merge(s) }
            #expect(merged.n == UInt64(xs.count))
            let err = maxRankError(merged, sorted)
            #expect(err <= bound, "\(parts) parts: \(err)")
        }
    }

    @Test func badStoredSketchesThrow() {
        #expect(throws: ProfilingError.self) { _ = try KLLSketch(k: 200, n: 3, min: 0, max: 1, rngState: 0, levels: [[0, 1]]) }
        #expect(throws: ProfilingError.self) { _ = try KLLSketch(k: 4, n: 0, min: .infinity, max: -.infinity, rngState: 0, levels: [[]]) }
        #expect(throws: ProfilingError.self) { _ = try KLLSketch(k: 200, n: 1, min: 0, max: 0, rngState: 0, levels: [[.nan]]) }
        var a = KLLSketch(k: 200), b = KLLSketch(k: 100)
        a.add(1); b.add(2)
        #expect(throws: ProfilingError.self) { try a.merge(b) }
    }
}

@Suite struct HyperLogLogTests {
    @Test(arguments: [10, 1_000, 3_000, 20_000, 1_000_000])
    func estimateWithinThreeStandardErrors(n: Int) {
        var h = HyperLogLog()
        let seed = TestSeed.resolve("hll\(n)", default: 17)
        for i in 0..<n { h.add(hash: Hash64.hash(UInt64(i) &* 0x1000_0001 ^ seed, seed: Hash64.defaultSeed)) }
        let rel = abs(h.estimate - Double(n)) / Double(n)
        // 3σ with σ = 1.04/√4096; linear counting is tighter at small n.
        #expect(rel <= 3 * h.relativeStandardError, "n \(n): estimate \(h.estimate)")
    }

    @Test func mergeIsTheUnion() throws {
        var a = HyperLogLog(), b = HyperLogLog(), whole = HyperLogLog()
        for i in 0..<50_000 {
            let x = Hash64.hash(UInt64(i), seed: 1)
            whole.add(hash: x)
            if i < 30_000 { a.add(hash: x) }
            if i >= 20_000 { b.add(hash: x) }   // overlapping: distinct, not summed
        }
        var ab = a; try ab.merge(b)
        var ba = b; try ba.merge(a)
        #expect(ab == whole && ba == whole)
        #expect(throws: ProfilingError.self) { try ab.merge(HyperLogLog(precision: 10)) }
        #expect(throws: ProfilingError.self) { _ = try HyperLogLog(precision: 12, registers: [0, 1]) }
    }

    @Test func stringsHashByTheirBytes() {
        func h(_ s: String) -> UInt64 { Array(s.utf8).withUnsafeBytes { Hash64.hash($0, seed: 5) } }
        #expect(h("abcdefgh") == h("abcdefgh"))
        #expect(h("a") != h("a\u{0}") && h("") != h("\u{0}") && h("abcdefghi") != h("abcdefgh"))
        #expect(Hash64.canonicalBits(-0.0) == Hash64.canonicalBits(0.0))
    }
}

@Suite struct FrequentItemsTests {
    @Test func exactUpToTheCapacity() {
        var f = FrequentItems(capacity: 10)
        for i in 0..<100 { f.add(.number(UInt64(i % 10))) }
        #expect(f.isExact && f.counts.count == 10 && f.counts.values.allSatisfy { $0 == 10 })
    }

    @Test func misraGriesBoundHoldsOnZipfData() throws {
        var g = TestSeed.generator("misraGries", default: 18)
        var truth: [UInt64: UInt64] = [:]
        var parts = [FrequentItems(capacity: 50), FrequentItems(capacity: 50), FrequentItems(capacity: 50)]
        var whole = FrequentItems(capacity: 50)
        let n = 60_000
        for _ in 0..<n {
            // Zipf-like: small values far more frequent.
            let v = UInt64(Double(g.below(1 << 20) + 1).squareRoot().squareRoot() * Double(g.below(50) + 1)) % 2_000
            truth[v, default: 0] += 1
            whole.add(.number(v))
            parts[g.below(3)].add(.number(v))
        }
        var merged = parts[2]; try merged.merge(parts[0]); try merged.merge(parts[1])
        for f in [whole, merged] {
            #expect(!f.isExact && f.errorBound <= UInt64(n / 51))
            for (v, t) in truth {
                let c = f.counts[.number(v)] ?? 0
                #expect(c <= t && t <= c + f.errorBound, "value \(v): \(c) + \(f.errorBound) vs \(t)")
            }
        }
    }
}
