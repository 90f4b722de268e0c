import ChipArch

/// The network as a directed graph: every mesh node (enabled or not: disabled nodes still
/// route) and every DRAM channel, with numbered links. Numbering is part of the placed
/// stream's contract (Formats/placed.capnp): link `4 * node + direction` leaves `node`
/// eastward (0), westward (1), southward (2) or northward (3); after the mesh links, channel
/// `c` has link `4 * rows * cols + 2c` into the mesh and `+ 1` out of it.
public struct Topology: Sendable {
    public let rows: Int
    public let cols: Int
    /// Wrap-around links (a 2-D torus) or not.
    public let torus: Bool
    /// Enabled cores, numbered `row * cols + col`, in serpentine order (row 0 west to east,
    /// row 1 east to west, ...): neighbours in the list are neighbours on the mesh.
    public let serpentine: [Int]
    public let enabled: [Bool]
    /// The mesh node each DRAM channel attaches to.
    public let channelNode: [Int]
    /// Bytes per cycle of every link.
    public let capacity: [Double]
    /// Link endpoints: node numbers, `-1 - channel` for a DRAM channel.
    public let linkFrom: [Int]
    public let linkTo: [Int]
    /// Outgoing links of every vertex (mesh nodes, then channels as `rows * cols + c`).
    let outLinks: [[Int]]

    public var nodeCount: Int { rows * cols }
    public var linkCount: Int { capacity.count }
    public var channelCount: Int { channelNode.count }

    public init(arch: ChipArch) {
        rows = max(arch.mesh.rows, 1)
        cols = max(arch.mesh.cols, 1)
        torus = arch.noc.topology.lowercased().contains("torus")
        let off = Set(arch.mesh.disabled.map { $0.row * max(arch.mesh.cols, 1) + $0.col })
        var en = [Bool](repeating: true, count: rows * cols)
        for n in off where n >= 0 && n < rows * cols { en[n] = false }
        enabled = en
        var order: [Int] = []
        for r in 0..<rows {
            let cs = r % 2 == 0 ? Array(0..<cols) : Array((0..<cols).reversed())
            for c in cs where en[r * cols + c] { order.append(r * cols + c) }
        }
        serpentine = order
        let (R, C) = (rows, cols)
        channelNode = arch.dram.map { d in
            let r = min(max(d.row, 0), R - 1), c = min(max(d.col, 0), C - 1)
            return r * C + c
        }
        let linkRate = arch.noc.linkBytesPerCycle > 0 ? arch.noc.linkBytesPerCycle : 1
        var cap: [Double] = [], from: [Int] = [], to: [Int] = []
        for n in 0..<(R * C) {
            let r = n / C, c = n % C
            for d in 0..<4 {
                from.append(n)
                to.append(Topology.neighbour(r, c, d, R, C, torus) ?? -1)
                cap.append(linkRate)
            }
        }
        for (i, d) in arch.dram.enumerated() {
            let rate = d.bytesPerCycle > 0 ? d.bytesPerCycle : linkRate
            from.append(-1 - i); to.append(channelNode[i]); cap.append(rate)
            from.append(channelNode[i]); to.append(-1 - i); cap.append(rate)
        }
        capacity = cap; linkFrom = from; linkTo = to
        var out = [[Int]](repeating: [], count: R * C + arch.dram.count)
        for l in 0..<cap.count {
            if l < 4 * R * C && to[l] < 0 { continue }   // no link off a mesh edge
            out[from[l] >= 0 ? from[l] : R * C + (-1 - from[l])].append(l)
        }
        outLinks = out
    }

    /// The node one hop from (r, c) in direction d, nil at a mesh edge.
    static func neighbour(_ r: Int, _ c: Int, _ d: Int, _ R: Int, _ C: Int, _ torus: Bool) -> Int? {
        var (nr, nc) = (r, c)
        switch d {
        case 0: nc += 1
        case 1: nc -= 1
        case 2: nr += 1
        default: nr -= 1
        }
        if torus {
            if (d < 2 && C < 2) || (d >= 2 && R < 2) { return nil }
            nr = (nr + R) % R; nc = (nc + C) % C
        } else if nr < 0 || nr >= R || nc < 0 || nc >= C {
            return nil
        }
        return nr * C + nc
    }

    /// Whether link `l` exists (mesh edges of a non-torus have none).
    public func exists(_ l: Int) -> Bool { l >= 4 * nodeCount || linkTo[l] >= 0 }

    /// Vertex number of a link end for graph search: a mesh node, or `nodeCount + channel`.
    func vertex(_ endpoint: Int) -> Int { endpoint >= 0 ? endpoint : nodeCount + (-1 - endpoint) }

    /// Hops along one axis, the short way round on a torus; the sign is the direction.
    func axisSteps(_ from: Int, _ to: Int, _ n: Int) -> Int {
        let d = to - from
        guard torus, n > 1 else { return d }
        let fwd = (d + n) % n
        return fwd <= n - fwd ? fwd : -(n - fwd)
    }

    /// Hops of the dimension-order route between two mesh nodes.
    public func hops(_ a: Int, _ b: Int) -> Int {
        abs(axisSteps(a % cols, b % cols, cols)) + abs(axisSteps(a / cols, b / cols, rows))
    }

    /// Dimension-order (X then Y) route between two mesh nodes, as links.
    public func xyRoute(_ a: Int, _ b: Int) -> [Int] {
        var links: [Int] = []
        var r = a / cols, c = a % cols
        let dx = axisSteps(c, b % cols, cols), dy = axisSteps(r, b / cols, rows)
        for _ in 0..<abs(dx) {
            let d = dx > 0 ? 0 : 1
            links.append(4 * (r * cols + c) + d)
            c = torus ? (c + (dx > 0 ? 1 : -1) + cols) % cols : c + (dx > 0 ? 1 : -1)
        }
        for _ in 0..<abs(dy) {
            let d = dy > 0 ? 2 : 3
            links.append(4 * (r * cols + c) + d)
            r = torus ? (r + (dy > 0 ? 1 : -1) + rows) % rows : r + (dy > 0 ? 1 : -1)
        }
        return links
    }

    /// Dimension-order multicast tree from `a` to every node of `targets`: the union of the XY
    /// routes (routes from one source that go X first never meet again once they part, so the
    /// union is a tree), each link once, every link after the one that reaches its start.
    public func xyTree(_ a: Int, _ targets: [Int]) -> [Int] {
        var seen = Set<Int>(), links: [Int] = []
        for t in targets { for l in xyRoute(a, t) where seen.insert(l).inserted { links.append(l) } }
        return links
    }

    /// The same with Y first, then X: the router's alternative for a congested tree.
    public func yxTree(_ a: Int, _ targets: [Int]) -> [Int] {
        var seen = Set<Int>(), links: [Int] = []
        for t in targets { for l in yxRoute(a, t) where seen.insert(l).inserted { links.append(l) } }
        return links
    }

    /// Dimension-order route with Y first, then X.
    public func yxRoute(_ a: Int, _ b: Int) -> [Int] {
        var links: [Int] = []
        var r = a / cols, c = a % cols
        let dx = axisSteps(c, b % cols, cols), dy = axisSteps(r, b / cols, rows)
        for _ in 0..<abs(dy) {
            links.append(4 * (r * cols + c) + (dy > 0 ? 2 : 3))
            r = torus ? (r + (dy > 0 ? 1 : -1) + rows) % rows : r + (dy > 0 ? 1 : -1)
        }
        for _ in 0..<abs(dx) {
            links.append(4 * (r * cols + c) + (dx > 0 ? 0 : 1))
            c = torus ? (c + (dx > 0 ? 1 : -1) + cols) % cols : c + (dx > 0 ? 1 : -1)
        }
        return links
    }

    /// The link from DRAM channel `c` into the mesh, and the one back out.
    public func channelIn(_ c: Int) -> Int { 4 * nodeCount + 2 * c }
    public func channelOut(_ c: Int) -> Int { 4 * nodeCount + 2 * c + 1 }

    /// The channel nearest to `node` (fewest hops; the lowest number on a tie).
    public func nearestChannel(_ node: Int) -> Int? {
        guard channelCount > 0 else { return nil }
        return (0..<channelCount).min { (hops(channelNode[$0], node), $0) < (hops(channelNode[$1], node), $1) }
    }
}
