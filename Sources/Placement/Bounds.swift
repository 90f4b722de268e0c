/// Lower bounds on link load for fixed endpoints: whatever the routes, the bytes that must
/// cross a cut of the network share the cut's links, so the busiest link carries at least
/// their sum over the link count (and the epoch lasts at least that sum over the links'
/// bandwidth). Cuts tried: around every node (what it injects and what it takes in), around
/// all DRAM channels together (any channel may serve a DRAM transfer), and on a mesh every
/// column and row boundary, on a torus every arc of columns or rows (two boundaries each).
public enum Bounds {
    /// The largest lower bound on one link's bytes, and on the epoch's cycles, for `flows`.
    public static func cut(_ flows: [Flow], _ topo: Topology) -> (bytes: Double, cycles: Double) {
        var bestBytes = 0.0, bestCycles = 0.0
        func consider(_ bytes: Double, _ linkCount: Int, _ capacity: Double) {
            guard linkCount > 0, bytes > 0 else { return }
            bestBytes = max(bestBytes, bytes / Double(linkCount))
            bestCycles = max(bestCycles, bytes / capacity)
        }
        let N = topo.nodeCount
        var outOf = [Double](repeating: 0, count: N), into = [Double](repeating: 0, count: N)
        var dramIn = 0.0, dramOut = 0.0
        for f in flows {
            if f.fromGroup < 0 { dramIn += f.bytes; into[f.destination] += f.bytes; continue }
            if f.toGroup < 0 { dramOut += f.bytes; outOf[f.source] += f.bytes; continue }
            if f.isTree {
                // A tree injects its bytes once and delivers them to every destination.
                outOf[f.source] += f.bytes
                for d in f.destinations where d != f.source { into[d] += f.bytes }
                continue
            }
            if f.source != f.destination { outOf[f.source] += f.bytes; into[f.destination] += f.bytes }
        }
        let rate = topo.capacity.first ?? 1
        for v in 0..<N {
            // Mesh links are symmetric: as many lead into a node as leave it.
            let mesh = (0..<4).filter { topo.exists(4 * v + $0) }.count
            let channels = (0..<topo.channelCount).filter { topo.channelNode[$0] == v }
            let channelRate = channels.reduce(0.0) { $0 + topo.capacity[topo.channelIn($1)] }
            consider(outOf[v], mesh + channels.count, rate * Double(mesh) + channelRate)
            consider(into[v], mesh + channels.count, rate * Double(mesh) + channelRate)
        }
        if topo.channelCount > 0 {
            let dramRate = (0..<topo.channelCount).reduce(0.0) { $0 + topo.capacity[topo.channelIn($1)] }
            consider(dramIn, topo.channelCount, dramRate)
            consider(dramOut, topo.channelCount, dramRate)
        }
        // Column and row cuts over core-to-core transfers (DRAM transfers may pick their channel).
        let pairs = flows.filter { $0.fromGroup >= 0 && $0.toGroup >= 0 && $0.source != $0.destination && !$0.isTree }
        // A multicast tree crosses a cut once in each direction it has a destination beyond.
        let trees = flows.filter { $0.fromGroup >= 0 && $0.toGroup >= 0 && $0.isTree }
        for axis in 0..<2 {
            let n = axis == 0 ? topo.cols : topo.rows, across = axis == 0 ? topo.rows : topo.cols
            guard n > 1 else { continue }
            func coord(_ v: Int) -> Int { axis == 0 ? v % topo.cols : v / topo.cols }
            if topo.torus {
                // Every arc [s, s + len): grown one column at a time, a transfer counts while its
                // destination is inside and its source is not (O(n × transfers), not O(n² × transfers)).
                // Trees: into the arc [s, s + len) when the source is outside (offset ≥ len) and
                // some destination inside (offset < len): len from the nearest destination's
                // offset + 1 up to the source's offset (difference array over len, per start).
                var treeInward = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
                for t in trees {
                    let src = coord(t.source)
                    let offsets = Set(t.destinations.map { coord($0) })
                    for s in 0..<n {
                        let so = (src - s + n) % n
                        let nearest = offsets.map { ($0 - s + n) % n }.min() ?? n
                        if nearest + 1 <= so { treeInward[s][nearest + 1] += t.bytes; treeInward[s][so + 1 > n ? n : so + 1] -= t.bytes }
                    }
                }
                for s in 0..<n { for len in 1...n { treeInward[s][len] += treeInward[s][len - 1] } }
                var bySource = [[Int]](repeating: [], count: n), byDestination = [[Int]](repeating: [], count: n)
                for (i, f) in pairs.enumerated() { bySource[coord(f.source)].append(i); byDestination[coord(f.destination)].append(i) }
                for s in 0..<n {
                    var inward = 0.0
                    for len in 1..<n {
                        let c = (s + len - 1) % n
                        func inside(_ x: Int) -> Bool { (x - s + n) % n < len }
                        for i in byDestination[c] where !inside(coord(pairs[i].source)) { inward += pairs[i].bytes }
                        for i in bySource[c] where inside(coord(pairs[i].destination)) && coord(pairs[i].destination) != c { inward -= pairs[i].bytes }
                        consider(inward + treeInward[s][len], 2 * across, rate * Double(2 * across))
                    }
                }
            } else {
                // Boundary c (between c and c + 1): difference arrays over the spans transfers cross.
                var forward = [Double](repeating: 0, count: n + 1), backward = [Double](repeating: 0, count: n + 1)
                for f in pairs {
                    let a = coord(f.source), b = coord(f.destination)
                    if a < b { forward[a] += f.bytes; forward[b] -= f.bytes } else if b < a { backward[b] += f.bytes; backward[a] -= f.bytes }
                }
                for t in trees {
                    let a = coord(t.source), cs = t.destinations.map { coord($0) }
                    if let hi = cs.max(), hi > a { forward[a] += t.bytes; forward[hi] -= t.bytes }
                    if let lo = cs.min(), lo < a { backward[lo] += t.bytes; backward[a] -= t.bytes }
                }
                var fw = 0.0, bw = 0.0
                for c in 0..<(n - 1) {
                    fw += forward[c]; bw += backward[c]
                    consider(fw, across, rate * Double(across))
                    consider(bw, across, rate * Double(across))
                }
            }
        }
        return (bestBytes, bestCycles)
    }
}
