/// An array group's mapping as index arithmetic. Every loop dimension's index is a mixed-radix
/// number whose digits are the loops over that dimension, in nest order from the outside in:
/// the backing level's loops (the tiles), the mesh unroll (the cores), the on-chip levels'
/// temporal loops from the outermost level in, then the PE array's spatial unrolls. Factors may
/// overshoot an extent (tile-plan rounds up); indices past the extent are padding and skipped.
struct LoopNest {
    enum Kind { case tile, mesh, temporal, array }

    struct Digit {
        var dim: String
        var factor: Int
        var kind: Kind
        /// Product of the factors of the same dimension's digits inside this one.
        var stride = 1
    }

    /// Output dimensions: every output element belongs to one block per tile.
    static let outputDims = ["G", "B", "K", "OY", "OX"]
    /// Reduction dimensions: their loops deliver partial sums.
    static let reductionDims = ["C", "FY", "FX"]

    let digits: [Digit]
    let extents: [String: Int]

    init(_ group: GroupSchedule) {
        var list: [Digit] = []
        let levels = group.levelLoops
        if let backing = levels.last { list += backing.map { Digit(dim: $0.dim, factor: max($0.extent, 1), kind: .tile) } }
        list += group.spatial.filter { $0.arrayDim == "mesh" }.map { Digit(dim: $0.dim, factor: max($0.factor, 1), kind: .mesh) }
        for level in levels.dropLast().reversed() { list += level.map { Digit(dim: $0.dim, factor: max($0.extent, 1), kind: .temporal) } }
        list += group.spatial.filter { $0.arrayDim != "mesh" }.map { Digit(dim: $0.dim, factor: max($0.factor, 1), kind: .array) }
        var inner: [String: Int] = [:]
        for i in list.indices.reversed() {
            list[i].stride = inner[list[i].dim] ?? 1
            inner[list[i].dim] = Self.product(list[i].stride, list[i].factor)
        }
        digits = list
        var e: [String: Int] = [:]
        for l in group.loops { e[l.dim] = l.extent }
        extents = e
    }

    func extent(_ d: String) -> Int { extents[d] ?? 1 }

    /// a·b, saturating (a corrupt record's factors must not trap).
    static func product(_ a: Int, _ b: Int) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : p
    }

    /// The product of every loop's factor over `d`: at least its extent in a valid mapping.
    func covered(_ d: String) -> Int { digits.filter { $0.dim == d }.reduce(1) { Self.product($0, $1.factor) } }

    /// Elements of `d` one digit of `kinds` does not cover: the extent of a block below them.
    func span(_ d: String, below kinds: Set<Kind>) -> Int {
        digits.filter { $0.dim == d && !kinds.contains($0.kind) }.reduce(1) { Self.product($0, $1.factor) }
    }

    /// Every combination of the digits `selected` picks, in nest order (the first digit slowest),
    /// as the start index of each dimension; combinations whose start lies past an extent are dropped.
    func enumerate(_ selected: (Digit) -> Bool) -> [[String: Int]] {
        let chosen = digits.filter(selected)
        var out: [[String: Int]] = []
        var counter = [Int](repeating: 0, count: chosen.count)
        while true {
            var start: [String: Int] = [:]
            for (k, d) in chosen.enumerated() { start[d.dim, default: 0] += counter[k] * d.stride }
            if start.allSatisfy({ $0.value < extent($0.key) }) { out.append(start) }
            var k = chosen.count - 1
            while k >= 0 {
                counter[k] += 1
                if counter[k] < chosen[k].factor { break }
                counter[k] = 0
                k -= 1
            }
            if k < 0 { return out }
        }
    }

    /// The output blocks, one per tile of the backing level's output loops (in tile order):
    /// each dimension's range, clipped to its extent.
    func outputBlocks() -> [[String: Range<Int>]] {
        let below: Set<Kind> = [.tile]
        return enumerate { $0.kind == .tile && Self.outputDims.contains($0.dim) }.map { start in
            var r: [String: Range<Int>] = [:]
            for d in Self.outputDims {
                let s = start[d] ?? 0
                r[d] = s..<min(s + span(d, below: below), extent(d))
            }
            return r
        }
    }

    /// The reduction chunks in the order a core's accumulator receives them: one per
    /// combination of the temporal loops over C, FY and FX at every level (the PE array's
    /// spatial reduction sums inside a chunk). `core` picks the slice of a mesh unroll over a
    /// reduction dimension (0 when the mesh splits none).
    func reductionChunks(core: Int = 0) -> [[String: Range<Int>]] {
        let meshStart = meshReduction.map { [$0.dim: core * $0.stride] } ?? [:]
        let chunkKinds: Set<Kind> = [.tile, .temporal, .mesh]
        return enumerate { ($0.kind == .tile || $0.kind == .temporal) && Self.reductionDims.contains($0.dim) }.compactMap { start in
            var r: [String: Range<Int>] = [:]
            for d in Self.reductionDims {
                let s = (start[d] ?? 0) + (meshStart[d] ?? 0)
                if s >= extent(d) { return nil }
                r[d] = s..<min(s + span(d, below: chunkKinds), extent(d))
            }
            return r
        }
    }

    /// The mesh unroll when it splits a reduction dimension: each core then sums its own
    /// partials and the cores' sums are added in core order.
    var meshReduction: Digit? { digits.first { $0.kind == .mesh && Self.reductionDims.contains($0.dim) } }
}
