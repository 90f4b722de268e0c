import Foundation
import HeapModule

/// Routes transfers: dimension-order (X then Y) first; where a link would carry more bytes in
/// an epoch than its bandwidth moves in the epoch's budgeted length, negotiated congestion
/// (PathFinder: McMurchie and Ebeling, FPGA 1995) re-routes the transfers crossing overused
/// links with a present-congestion factor that grows each pass and a history cost that
/// accumulates on links that stay overused. After `maxIterations` passes (or 6 in a row without
/// a better routing) it stops, keeps the best routing seen (lowest peak link load first), and reports the links still overused: it never loops on oscillation.
enum Router {
    /// Passes without a better routing after which negotiation gives up early.
    static let stagnation = 6
    /// Dijkstra vertex visits all negotiation may spend on one placement: a mesh of tens of
    /// thousands of nodes (which an arch may describe) must not turn routing into hours.
    static let workCap = 200_000_000

    static func route(_ flows: inout [Flow], _ flowsOf: [[Int]], _ topo: Topology, budget: [Double],
                      maxIterations: Int) -> RouterReport {
        var perIteration: [Int] = []
        var stillOver = Set<Int>()
        var iterations = 0
        var work = 0
        for (e, members) in flowsOf.enumerated() where !members.isEmpty {
            let cap = topo.capacity.map { $0 * budget[e] * (1 + 1e-9) }
            var use = [Double](repeating: 0, count: topo.linkCount)
            for i in members { for l in flows[i].links { use[l] += flows[i].bytes } }
            func overused() -> [Int] { (0..<topo.linkCount).filter { use[$0] > cap[$0] } }
            func excess() -> Double { (0..<topo.linkCount).reduce(0.0) { $0 + max(0, use[$1] - cap[$1]) } }
            // The busiest link relative to its budget: what stretches the epoch, so what "best" minimizes first.
            func peak() -> Double { (0..<topo.linkCount).reduce(0.0) { max($0, use[$1] / cap[$1]) } }
            var over = overused()
            record(&perIteration, 0, over.count)
            guard !over.isEmpty else { continue }
            var history = [Double](repeating: 0, count: topo.linkCount)
            var best = (peak: peak(), count: over.count, excess: excess(), routes: members.map { flows[$0].links })
            var pass = 0, sinceBest = 0
            // Stop at the cap, or when `stagnation` passes in a row found nothing better: the
            // overuse left is then what bandwidth, not routing, decides (the epoch stretches).
            while !over.isEmpty && pass < maxIterations && sinceBest < stagnation && work < workCap {
                pass += 1
                let present = 0.5 * pow(1.6, Double(pass - 1))
                for l in over { history[l] += (use[l] - cap[l]) / max(cap[l], 1e-9) }
                let hot = Set(over)
                // A multicast tree over an overused link takes whichever of its X-first and
                // Y-first dimension-order trees costs less now (a Steiner search per tree would
                // cost a Dijkstra per destination); unicasts are re-routed by Dijkstra.
                for i in members where flows[i].isTree && flows[i].links.contains(where: hot.contains) {
                    for l in flows[i].links { use[l] -= flows[i].bytes }
                    func price(_ tree: [Int]) -> Double {
                        tree.reduce(0.0) { sum, l in
                            let over = max(0, use[l] + flows[i].bytes - cap[l]) / max(cap[l], 1e-9)
                            return sum + (1 + history[l]) * (1 + present * over)
                        }
                    }
                    let xy = topo.xyTree(flows[i].source, flows[i].destinations), yx = topo.yxTree(flows[i].source, flows[i].destinations)
                    flows[i].links = price(yx) < price(xy) ? yx : xy
                    for l in flows[i].links { use[l] += flows[i].bytes }
                }
                for i in members where !flows[i].isTree && flows[i].links.contains(where: hot.contains) {
                    for l in flows[i].links { use[l] -= flows[i].bytes }
                    work += topo.nodeCount + topo.channelCount
                    let path = shortest(flows[i], topo) { l in
                        let over = max(0, use[l] + flows[i].bytes - cap[l]) / max(cap[l], 1e-9)
                        return (1 + history[l]) * (1 + present * over)
                    }
                    flows[i].links = path.links
                    if flows[i].fromGroup < 0 { flows[i].source = path.channel }
                    if flows[i].toGroup < 0 { flows[i].destination = path.channel }
                    for l in flows[i].links { use[l] += flows[i].bytes }
                }
                over = overused()
                record(&perIteration, pass, over.count)
                let ex = excess(), top = peak()
                if (top, over.count, ex) < (best.peak, best.count, best.excess) {
                    best = (top, over.count, ex, members.map { flows[$0].links }); sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            iterations = max(iterations, pass)
            if !over.isEmpty {
                // Restore the best pass (the least loaded busiest link, then fewest overused, then least excess).
                for (k, i) in members.enumerated() where flows[i].links != best.routes[k] {
                    flows[i].links = best.routes[k]
                    if flows[i].fromGroup < 0 { flows[i].source = -1 - topo.linkFrom[best.routes[k][0]] }
                    if flows[i].toGroup < 0 { flows[i].destination = -1 - topo.linkTo[best.routes[k].last!] }
                }
                use = [Double](repeating: 0, count: topo.linkCount)
                for i in members { for l in flows[i].links { use[l] += flows[i].bytes } }
                stillOver.formUnion(overused())
            }
        }
        return RouterReport(iterations: iterations, overusedPerIteration: perIteration, converged: stillOver.isEmpty,
                            overusedLinks: stillOver.sorted())
    }

    static func record(_ list: inout [Int], _ pass: Int, _ count: Int) {
        if list.count <= pass { list.append(count) } else { list[pass] += count }
    }

    /// The cheapest path for a transfer under `cost` per link (A*: Dijkstra guided by the hop
    /// count to the goal, a consistent estimate because every link costs at least 1, so the
    /// search stays near the straight path instead of exploring a disc of the mesh — on 32×32
    /// this search was 60% of place-route's time; ties to the lower vertex number, so routes
    /// are deterministic). A DRAM transfer starts (or ends) at its own channel.
    static func shortest(_ f: Flow, _ topo: Topology, cost: (Int) -> Double) -> (links: [Int], channel: Int) {
        let V = topo.nodeCount + topo.channelCount
        var dist = [Double](repeating: .infinity, count: V), via = [Int](repeating: -1, count: V)
        var heap = Heap<Frontier>()
        // A DRAM transfer keeps the channel the placement gave it: the placement spreads every
        // group's DRAM traffic over the channels in exact shares (the DRAM cut bound); letting
        // the router pick any channel piled re-routed transfers onto one (ResNet-50 on 8×8:
        // 12.5% over the bound).
        let start = f.fromGroup < 0 ? topo.nodeCount + f.source : f.source
        let goal = f.toGroup < 0 ? topo.nodeCount + f.destination : f.destination
        let goalNode = f.toGroup < 0 ? topo.channelNode[f.destination] : f.destination
        let extra = f.toGroup < 0 ? 1.0 : 0.0   // the channel link after the goal's node
        func estimate(_ v: Int) -> Double { v < topo.nodeCount ? Double(topo.hops(v, goalNode)) + extra : 0 }
        dist[start] = 0; heap.insert(Frontier(cost: estimate(start), vertex: start))
        let isTarget: (Int) -> Bool = { $0 == goal }
        var reached = -1
        while let top = heap.popMin() {
            let v = top.vertex, d = dist[v]
            if top.cost > d + estimate(v) { continue }   // stale: a cheaper path was found since
            if isTarget(v) { reached = v; break }
            // A path may enter a channel only as its end, and leave one only as its start.
            if v >= topo.nodeCount && !(f.fromGroup < 0 && d == 0) { continue }
            for l in topo.outLinks[v] {
                let w = topo.vertex(topo.linkTo[l])
                if w >= topo.nodeCount && f.toGroup >= 0 { continue }
                let nd = d + cost(l)
                if nd < dist[w] || (nd == dist[w] && via[w] >= 0 && l < via[w]) { dist[w] = nd; via[w] = l; heap.insert(Frontier(cost: nd + estimate(w), vertex: w)) }
            }
        }
        guard reached >= 0 else { return (f.links, f.fromGroup < 0 ? f.source : f.destination) }
        var links: [Int] = [], v = reached
        while via[v] >= 0 { links.append(via[v]); v = topo.vertex(topo.linkFrom[via[v]]) }
        links.reverse()
        let channel = f.fromGroup < 0 ? v - topo.nodeCount : (f.toGroup < 0 ? reached - topo.nodeCount : -1)
        return (links, channel)
    }
}

/// A Dijkstra frontier entry, ordered by cost then vertex (so ties pop the lower vertex first).
struct Frontier: Comparable {
    var cost: Double
    var vertex: Int
    static func < (a: Frontier, b: Frontier) -> Bool { (a.cost, a.vertex) < (b.cost, b.vertex) }
}
