import Drift
import Foundation
import TestSupport
import Testing

/// Hand-checkable cases; the oracle comparison against scipy/numpy/sklearn on thousands of
/// random samples is `make test-dq-stats` (Tools/dq_stats_check.py).
@Suite struct DriftTests {
    @Test func sturgesEdgesFollowNumpy() {
        // np.histogram_bin_edges(np.arange(100.0), bins="sturges"): 8 bins (log2 100 + 1 ≈ 7.64).
        let e = Binning.sturgesEdges(count: 100, min: 0, max: 99, integer: false)
        #expect(e.count == 9)
        #expect(e.first == 0 && e.last == 99)
        // Integer data never gets bins narrower than 1: [0, 3] with 1000 values → 3 bins.
        #expect(Binning.sturgesEdges(count: 1000, min: 0, max: 3, integer: true).count == 4)
        // A single value widens to ±0.5, one bin.
        #expect(Binning.sturgesEdges(count: 5, min: 2, max: 2, integer: true) == [1.5, 2.5])
    }

    @Test func histogramClosesTheLastBin() {
        #expect(Binning.histogram([1, 0, 0.5, 2, 1], edges: [0, 1, 2]) == [2, 3])
        #expect(Binning.histogram([-1, 3], edges: [0, 1, 2]) == [0, 0])
        // Edges that are not multiples of the width: the count follows the edges themselves.
        let e = Binning.sturgesEdges(count: 7, min: 0.1, max: 0.7, integer: false)
        let x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
        #expect(Binning.histogram(x, edges: e) == (0..<(e.count - 1)).map { i in x.filter { $0 >= e[i] && ($0 < e[i + 1] || i == e.count - 2) }.count })
    }

    @Test func identicalSamplesHaveNoDrift() throws {
        let x = DriftSample.numbers((0..<500).map { Double($0 % 97) }, integer: true)
        for stat in DriftStat.allCases {
            let v = try DriftStatistics.compute(stat, ref: x, cur: x)
            if stat.isPValue { #expect(v.value == 1, "\(stat)") } else { #expect(abs(v.value) < 1e-12, "\(stat)") }
        }
    }

    @Test func categoricalPSIByHand() throws {
        // Shares (0.5, 0.5) → (0.25, 0.75): PSI = 0.25 ln 2 + (−0.25) ln(2/3).
        let r = DriftSample.categorical(["a", "b"]), c = DriftSample.categorical(["a", "b", "b", "b"])
        let want = 0.25 * log(2.0) - 0.25 * log(2.0 / 3.0)
        #expect(abs(try DriftStatistics.psi(r, c) - want) < 1e-15)
        #expect(abs(try DriftStatistics.lInfinity(r, c) - 0.25) < 1e-15)
        // Hellinger: √(1 − (√(.5·.25) + √(.5·.75))).
        let h = (1 - ((0.5 * 0.25).squareRoot() + (0.5 * 0.75).squareRoot())).squareRoot()
        #expect(abs(try DriftStatistics.hellinger(r, c) - h) < 1e-15)
    }

    @Test func ksStatisticAndExactPValue() {
        // Disjoint samples of 5: D = 1, p = 2 / C(10, 5) = 2/252.
        let r = KolmogorovSmirnov.test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        #expect(r.d == 1 && r.exact)
        #expect(abs(r.p - 2.0 / 252.0) < 1e-15)
    }

    @Test func wassersteinOfAShift() {
        let a = (0..<100).map(Double.init), b = a.map { $0 + 3 }
        #expect(abs(DriftStatistics.wasserstein1(a, b) - 3) < 1e-12)
    }

    @Test func aucCountsTiesHalf() throws {
        #expect(try AUC.compute(labels: [false, true], scores: [0, 1]) == 1)
        #expect(try AUC.compute(labels: [false, true], scores: [1, 1]) == 0.5)
        #expect(try AUC.compute(labels: [true, false, true, false], scores: [0.9, 0.8, 0.3, 0.1]) == 0.75)
        #expect(throws: DriftError.self) { try AUC.compute(labels: [true, true], scores: [0, 1]) }
    }

    @Test func chiSquarePValueIsTheGammaTail() {
        // Q(1, x) = e^{−x}; Q(0.5, x) = erfc(√x).
        #expect(abs(SpecialFunctions.gammaQ(1, 2.5) - exp(-2.5)) < 1e-15)
        #expect(abs(SpecialFunctions.gammaQ(0.5, 0.7) - erfc(0.7.squareRoot())) < 1e-14)
        #expect(abs(SpecialFunctions.gammaQ(0.5, 9) - erfc(3)) / erfc(3) < 1e-12)
    }
}
