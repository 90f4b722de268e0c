import Foundation

/// Seeded simulated annealing over the cores of a pipelined segment's stage regions: a move
/// swaps two cores of different stages (each stage keeps its core count, so the balance the
/// analytic start found stays), and the objective is the bytes × hops of the transfers
/// between the stages, paired core by core as the flows are.
enum Refiner {
    struct Outcome { var regions: [[Int]]; var moves: Int; var accepted: Int }

    static func refine(_ start: [[Int]], _ stageGroups: [Int], _ edges: [ProgramEdge], _ topo: Topology,
                       moves: Int, rng: inout SplitMix64) -> Outcome {
        var regions = start
        let stageOf = Dictionary(uniqueKeysWithValues: stageGroups.enumerated().map { ($1, $0) })
        // Edges between two stages of this segment (views were attached to a stage; their
        // edges ride on the stage they joined, which the caller's flows do as well).
        let pairs = edges.compactMap { e -> (Int, Int, Double)? in
            guard let a = stageOf[e.from], let b = stageOf[e.to], a != b else { return nil }
            return (a, b, e.bytes)
        }
        guard !pairs.isEmpty, regions.count > 1 else { return Outcome(regions: regions, moves: 0, accepted: 0) }
        var touching = [[Int]](repeating: [], count: regions.count)
        for (i, p) in pairs.enumerated() { touching[p.0].append(i); if p.1 != p.0 { touching[p.1].append(i) } }
        func pairCost(_ i: Int) -> Double {
            let (a, b, bytes) = pairs[i]
            let A = regions[a], B = regions[b], count = max(A.count, B.count)
            var hops = 0
            for k in 0..<count { hops += topo.hops(A[k % A.count], B[k % B.count]) }
            return bytes / Double(count) * Double(hops)
        }
        // A swap only changes the pairings that use one of the two swapped cores: core `i` of a
        // region of n cores is paired at positions k ≡ i (mod n), so a move re-costs those
        // positions, not every core of both stages (hundreds on a 32×32 mesh).
        func positions(_ i: Int, _ stage: Int, _ index: Int) -> [Int] {
            let (a, b, _) = pairs[i]
            let count = max(regions[a].count, regions[b].count)
            var ks: [Int] = []
            for (side, n) in [(a, regions[a].count), (b, regions[b].count)] where side == stage {
                ks += Array(stride(from: index, to: count, by: n))
            }
            return ks
        }
        func partial(_ i: Int, _ ks: [Int]) -> Double {
            let (a, b, bytes) = pairs[i]
            let A = regions[a], B = regions[b], count = max(A.count, B.count)
            var hops = 0
            for k in ks { hops += topo.hops(A[k % A.count], B[k % B.count]) }
            return bytes / Double(count) * Double(hops)
        }
        var total = (0..<pairs.count).reduce(0.0) { $0 + pairCost($1) }
        var temperature = total / Double(max(pairs.count, 1)) * 0.05
        var accepted = 0
        for step in 0..<moves {
            let s1 = rng.below(regions.count), s2 = rng.below(regions.count)
            guard s1 != s2 else { continue }
            let i1 = rng.below(regions[s1].count), i2 = rng.below(regions[s2].count)
            let affected = Array(Set(touching[s1] + touching[s2])).sorted()   // sorted: sums in a fixed order
            let at = affected.map { Array(Set(positions($0, s1, i1) + positions($0, s2, i2))).sorted() }
            let before = zip(affected, at).reduce(0.0) { $0 + partial($1.0, $1.1) }
            regions[s1][i1] ^= regions[s2][i2]; regions[s2][i2] ^= regions[s1][i1]; regions[s1][i1] ^= regions[s2][i2]
            let after = zip(affected, at).reduce(0.0) { $0 + partial($1.0, $1.1) }
            let delta = after - before
            if delta <= 0 || (temperature > 0 && rng.unit() < exp(-delta / temperature)) {
                total += delta; accepted += 1
            } else {
                regions[s1][i1] ^= regions[s2][i2]; regions[s2][i2] ^= regions[s1][i1]; regions[s1][i1] ^= regions[s2][i2]
            }
            if step % 64 == 63 { temperature *= 0.9 }
        }
        return Outcome(regions: regions, moves: moves, accepted: accepted)
    }
}
