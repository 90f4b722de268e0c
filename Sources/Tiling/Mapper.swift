import ChipArch
import OpCost

#if canImport(Glibc)
import Glibc
#endif

/// How long the mapper may search. Visits are deterministic (the same input always stops at
/// the same mapping); a time limit makes the search anytime at the price of that guarantee.
public struct SearchLimits: Sendable {
    /// Mappings costed at most; nil: no limit.
    public var maxVisits: Int?
    /// Seconds of search at most; nil: no limit.
    public var seconds: Double?
    public init(maxVisits: Int? = 200_000, seconds: Double? = nil) {
        self.maxVisits = maxVisits
        self.seconds = seconds
    }
}

/// The best mapping found, its cost, the bound and how the search went.
public struct MapResult: Sendable {
    public var mapping: Mapping
    public var cost: MappingCost
    public var bound: LowerBound
    public var objective: Objective
    public var visited: Int
    public var pruned: Int
    /// The whole space was covered (visited or pruned): the mapping is optimal in it.
    public var complete: Bool

    /// Objective over bound, less one: how far from optimal the mapping can be at most.
    public var gap: Double {
        let lb = bound.value(objective)
        return lb > 0 ? cost.value(objective) / lb - 1 : 0
    }
}

/// No mapping of a problem fits: the smallest tile does not fit the named level.
public struct NoFitError: Error, Sendable, CustomStringConvertible {
    public var level: String
    public var footprintBytes: Double
    public var capacityBytes: Int
    public var description: String {
        "the smallest tile needs \(Int(footprintBytes.rounded(.up))) bytes in \(level), which holds \(capacityBytes)"
    }
}

/// A given mapping that is not a mapping of the problem on the core.
public struct MappingError: Error, Sendable {
    public var reason: String
}

/// Branch-and-bound search of the mapping space: spatial unrollings, then per memory level
/// (innermost first) the temporal factors of every loop dimension, then the loop order of
/// each level. Capacity cuts a subtree as soon as a partial tile overflows; the lower bound
/// of the fixed part cuts it when it cannot beat the best mapping so far.
public enum Mapper {
    /// The loop orders tried per level: for each priority of the three operands, the loops that
    /// do not index the first operand innermost (so its tile stays), then those that do not
    /// index the second, then the rest, ties by dimension.
    static let priorities: [[Operand]] = [[.weight, .input, .output], [.weight, .output, .input], [.input, .weight, .output],
                                          [.input, .output, .weight], [.output, .weight, .input], [.output, .input, .weight]]

    /// Candidate orders of the loops `present` (innermost first), without repeats.
    static func orders(_ present: [LoopDim]) -> [[LoopDim]] {
        guard present.count > 1 else { return [present] }
        var seen = Set<[LoopDim]>(), out: [[LoopDim]] = []
        for p in priorities {
            let key = { (d: LoopDim) in p.map { MacProblem.relevant($0, d) ? 1 : 0 } }
            let order = present.sorted { a, b in
                let ka = key(a), kb = key(b)
                return ka != kb ? ka.lexicographicallyPrecedes(kb) : a < b
            }
            if seen.insert(order).inserted { out.append(order) }
        }
        return out
    }

    /// The spatial choices: per array dimension, each loop dimension it may unroll at the
    /// largest factor that divides what is left of that dimension and fits its size.
    static func spatialChoices(_ problem: MacProblem, _ model: CoreModel) -> [[SpatialChoice]] {
        var out: [[SpatialChoice]] = []
        var seen = Set<[SpatialChoice]>()
        func visit(_ s: Int, _ left: [Int], _ acc: [SpatialChoice]) {
            if s == model.spatialDims.count {
                if seen.insert(acc).inserted { out.append(acc) }
                return
            }
            let sd = model.spatialDims[s]
            for d in sd.unrolls {
                // The largest factor that divides what is left, and (when the dimension is not a
                // multiple of it) the whole array dimension with the last pass partly idle.
                let exact = largestDivisor(of: left[d.rawValue], atMost: sd.size)
                let full = min(sd.size, left[d.rawValue])
                for f in full > exact ? [exact, full] : [exact] {
                    var next = left
                    next[d.rawValue] = (left[d.rawValue] + f - 1) / f
                    visit(s + 1, next, acc + [SpatialChoice(dim: d, factor: f)])
                }
            }
        }
        visit(0, problem.loops.extents, [])
        return out
    }

    static func largestDivisor(of n: Int, atMost cap: Int) -> Int {
        var best = 1
        var d = 1
        while d * d <= n {
            if n % d == 0 {
                if d <= cap { best = max(best, d) }
                if n / d <= cap { best = max(best, n / d) }
            }
            d += 1
        }
        return best
    }

    static func divisors(_ n: Int) -> [Int] {
        var small: [Int] = [], large: [Int] = []
        var d = 1
        while d * d <= n {
            if n % d == 0 {
                small.append(d)
                if d != n / d { large.append(n / d) }
            }
            d += 1
        }
        return (small + large.reversed()).reversed()   // descending: big tiles (more reuse) first
    }

    /// Searches the space of `problem` on `model` for the mapping minimizing `objective`.
    /// Throws `NoFitError` when no tiling fits the memories.
    public static func map(_ problem: MacProblem, on model: CoreModel, objective: Objective,
                           limits: SearchLimits = SearchLimits()) throws -> MapResult {
        var search = Search(problem: problem, model: model, objective: objective, limits: limits)
        return try search.run()
    }

    /// Costs a mapping given from outside (another mapper's choice) after checking it is one of
    /// this space: the right array dimensions, factors that multiply to every extent, orders that
    /// list each level's loops, reaches within each operand's chain. Nothing is searched.
    public static func evaluate(_ mapping: Mapping, _ problem: MacProblem, on model: CoreModel,
                                objective: Objective) throws -> MapResult {
        let L = model.levelCount
        guard mapping.spatial.count == model.spatialDims.count else {
            throw MappingError(reason: "\(mapping.spatial.count) spatial unrollings for \(model.spatialDims.count) array dimensions")
        }
        for (s, c) in mapping.spatial.enumerated() where c.factor < 1 || c.factor > model.spatialDims[s].size {
            throw MappingError(reason: "\(model.spatialDims[s].name) unrolls \(c.dim) by \(c.factor), outside 1...\(model.spatialDims[s].size)")
        }
        guard mapping.temporal.count == L, mapping.temporal.allSatisfy({ $0.count == 8 && $0.allSatisfy { $0 >= 1 } }),
              mapping.orders.count == L else {
            throw MappingError(reason: "needs positive factors of the 8 loop dimensions and an order at each of the \(L) levels")
        }
        for d in LoopDim.allCases {
            let spatial = mapping.spatial.filter { $0.dim == d }.reduce(1) { $0 * $1.factor }
            let temporal = mapping.temporal.reduce(1) { $0 * $1[d.rawValue] }
            guard spatial * temporal >= problem.loops[d], spatial * (temporal - 1) < problem.loops[d] else {
                throw MappingError(reason: "\(d): \(spatial) spatial × \(temporal) temporal does not cover the extent \(problem.loops[d]) with less than one pass of padding")
            }
        }
        for m in 0..<L where Set(mapping.orders[m]) != Set(LoopDim.allCases.filter { mapping.temporal[m][$0.rawValue] > 1 })
            || mapping.orders[m].count != Set(mapping.orders[m]).count {
            throw MappingError(reason: "the order of level \(model.core.memories[m].name) must list its loops above 1 once each")
        }
        guard model.reachChoices.contains(mapping.reach) else {
            throw MappingError(reason: "an operand's reach is outside its chain of memories")
        }
        let cost = CostModel.evaluate(problem, mapping, on: model)
        guard cost.fits else { throw MappingError(reason: "its tiles do not fit the memories") }
        let given = LowerBound.of(problem, on: model, spatial: mapping.spatial)
        let searched = LowerBound.of(problem, on: model, choices: spatialChoices(problem, model))
        let bound = LowerBound(cycles: min(given.cycles, searched.cycles), energyPj: min(given.energyPj, searched.energyPj))
        return MapResult(mapping: mapping, cost: cost, bound: bound, objective: objective, visited: 1, pruned: 0, complete: false)
    }

    /// Every mapping of the space, costed: the best that fits for each objective (tests compare
    /// the mapper with it on small problems).
    public static func bruteForce(_ problem: MacProblem, on model: CoreModel) -> [Objective: (Mapping, MappingCost)] {
        var best: [Objective: (Mapping, MappingCost)] = [:]
        let L = model.levelCount
        for spatial in spatialChoices(problem, model) {
            var left = problem.loops.extents
            for s in spatial { left[s.dim.rawValue] = (left[s.dim.rawValue] + s.factor - 1) / s.factor }
            var temporal = [[Int]](repeating: [Int](repeating: 1, count: 8), count: L)
            func level(_ m: Int, _ left: [Int]) {
                if m == L - 1 {
                    temporal[m] = left
                    var orders = [[LoopDim]](repeating: [], count: L)
                    func order(_ j: Int) {
                        if j == L {
                            for reach in model.reachChoices {
                                let mapping = Mapping(spatial: spatial, temporal: temporal, orders: orders, reach: reach)
                                let cost = CostModel.evaluate(problem, mapping, on: model)
                                guard cost.fits else { continue }
                                for objective in Objective.allCases where best[objective].map({ cost.value(objective) < $0.1.value(objective) }) ?? true {
                                    best[objective] = (mapping, cost)
                                }
                            }
                            return
                        }
                        for o in self.orders(LoopDim.allCases.filter { temporal[j][$0.rawValue] > 1 }) {
                            orders[j] = o
                            order(j + 1)
                        }
                    }
                    order(0)
                    return
                }
                func dim(_ d: Int, _ left: [Int]) {
                    if d == 8 { level(m + 1, left); return }
                    for f in divisors(left[d]) {
                        temporal[m][d] = f
                        var next = left
                        next[d] /= f
                        dim(d + 1, next)
                    }
                    temporal[m][d] = 1
                }
                dim(0, left)
            }
            level(0, left)
        }
        return best
    }
}

/// One run of the branch and bound.
struct Search {
    let problem: MacProblem
    let model: CoreModel
    let objective: Objective
    let limits: SearchLimits
    var best: (Mapping, MappingCost)?
    var visited = 0
    var pruned = 0
    var stopped = false
    /// Visits at which the current spatial choice's share of the budgeted pass ends.
    var choiceCap = Int.max
    /// The search stops (budget spent) or leaves the current spatial choice (its share spent).
    var halted: Bool { stopped || visited >= choiceCap }
    let start = Search.now()
    /// The smallest overflow seen, for the error when nothing fits.
    var tightest: NoFitError?
    let reachChoices: [[[Int]]]

    init(problem: MacProblem, model: CoreModel, objective: Objective, limits: SearchLimits) {
        self.problem = problem
        self.model = model
        self.objective = objective
        self.limits = limits
        reachChoices = model.reachChoices
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    var bestValue: Double { best?.1.value(objective) ?? .infinity }

    mutating func run() throws -> MapResult {
        let L = model.levelCount
        // Most promising spatial choice first (lowest bound of the objective; ties in listing
        // order): the best mapping is usually there, and it prunes the rest.
        var choices = Mapper.spatialChoices(problem, model).map { ($0, LowerBound.of(problem, on: model, spatial: $0)) }
        choices = choices.enumerated().sorted { a, b in
            let (va, vb) = (a.element.1.value(objective), b.element.1.value(objective))
            return va != vb ? va < vb : a.offset < b.offset
        }.map(\.element)
        let bound = LowerBound(cycles: choices.map(\.1.cycles).min() ?? 0, energyPj: choices.map(\.1.energyPj).min() ?? 0)
        choices = Search.withoutMirrors(choices, problem.loops)
        // A budgeted search first gives every spatial choice a small share of the visits (a
        // depth-first search spends any budget in the first choice's subtree, and the best
        // mapping is often under another choice, e.g. one that pads a dimension): the incumbent it
        // leaves prunes the full search that follows. Unlimited searches go straight to the full one.
        // An incumbent before any depth-first search: a descent from every factor at the backing
        // level, per spatial choice (most promising first), so the bound prunes from the start and
        // mappings deep in a subtree (one loop per SRAM level, the registers' loops under them)
        // are reached even when the depth-first search would stop short of them.
        descend(choices)
        let share = limits.maxVisits.map { max(1, $0 / (4 * max(1, choices.count))) }
        // A choice whose subtree the first pass covers within its share is done.
        var done = [Bool](repeating: false, count: choices.count)
        for pass in share == nil ? [nil] : [share, nil] {
            for (i, (spatial, spatialBound)) in choices.enumerated() where !done[i] {
                if stopped { break }
                if spatialBound.value(objective) >= bestValue { if pass == nil { pruned += 1 }; continue }
                choiceCap = pass.map { visited + $0 } ?? Int.max
                let prunedBefore = pruned
                var left = problem.loops.extents
                for s in spatial { left[s.dim.rawValue] = (left[s.dim.rawValue] + s.factor - 1) / s.factor }
                var temporal = [[Int]](repeating: [Int](repeating: 1, count: 8), count: L)
                level(0, left, spatial, &temporal, spatialBound)
                if pass != nil {
                    if halted { pruned = prunedBefore } else { done[i] = true }   // the full pass counts it again
                }
            }
        }
        choiceCap = Int.max
        guard let (mapping, cost) = best else {
            throw tightest ?? NoFitError(level: model.core.memories[0].name, footprintBytes: 0, capacityBytes: model.core.memories[0].bytes)
        }
        return MapResult(mapping: mapping, cost: cost, bound: bound, objective: objective, visited: visited, pruned: pruned,
                         complete: !stopped)
    }

    /// The spatial choices less those that mirror an earlier one. When rows and columns are
    /// alike (OY = OX, FY = FX, the same stride and input height and width), swapping OY with OX
    /// and FY with FX maps every mapping onto one of the same cost: footprints, the dimensions
    /// that index each operand, the reuse runs of every order (ties within a group of loops that
    /// index the same operands change no run) all mirror. So a choice whose mirror is listed
    /// earlier has the same optimum and bound as that one, and is not searched again.
    static func withoutMirrors(_ choices: [([SpatialChoice], LowerBound)], _ loops: MacLoops) -> [([SpatialChoice], LowerBound)] {
        guard loops[.oy] == loops[.ox], loops[.fy] == loops[.fx], loops.strideY == loops.strideX,
              loops.inputHeight == loops.inputWidth else { return choices }
        let swap: [LoopDim: LoopDim] = [.oy: .ox, .ox: .oy, .fy: .fx, .fx: .fy]
        var seen = Set<[SpatialChoice]>()
        return choices.filter { choice in
            let mirror = choice.0.map { SpatialChoice(dim: swap[$0.dim] ?? $0.dim, factor: $0.factor) }
            if mirror != choice.0, seen.contains(mirror) { return false }
            seen.insert(choice.0)
            return true
        }
    }

    /// Prime factors of `n`, ascending, with multiplicity.
    static func primeFactors(_ n: Int) -> [Int] {
        var out: [Int] = [], n = n, p = 2
        while p * p <= n {
            while n % p == 0 { out.append(p); n /= p }
            p += 1
        }
        if n > 1 { out.append(n) }
        return out
    }

    /// The descent: per spatial choice (in bound order) start from every temporal factor at the
    /// backing level (the smallest tiles: it fits whenever anything does), then repeatedly apply
    /// the move — one prime factor of one loop dimension from one level to another — that lowers
    /// the objective most, until none does. Each nest is costed at its best orders and reaches
    /// (the same cuts as the full search), so every step is a mapping of the space and the visits
    /// count against the budget like any other. Deterministic: moves are tried in a fixed order
    /// and ties go to the first. Repeated nests (a move and its reverse) are costed once. Spends
    /// at most half of the visit budget, the spatial choices in bound order, each descended to
    /// the end; a choice whose bound cannot beat the incumbent is skipped.
    mutating func descend(_ choices: [([SpatialChoice], LowerBound)]) {
        let L = model.levelCount
        guard L > 1 else { return }
        choiceCap = limits.maxVisits.map { $0 / 2 } ?? Int.max
        for (spatial, spatialBound) in choices {
            if halted { break }
            if spatialBound.value(objective) >= bestValue { continue }
            var memo: [[[Int]]: (Mapping, MappingCost)?] = [:]
            var left = problem.loops.extents
            for s in spatial { left[s.dim.rawValue] = (left[s.dim.rawValue] + s.factor - 1) / s.factor }
            var temporal = [[Int]](repeating: [Int](repeating: 1, count: 8), count: L)
            temporal[L - 1] = left
            guard fitsMinimal(spatial, temporal), var current = nestBest(spatial, temporal)?.1.value(objective) else { continue }
            let primes = (0..<8).map { Set(Search.primeFactors(left[$0])).sorted() }
            while !halted {
                var bestMove: [[Int]]?, bestMoveValue = current
                var level: (temporal: [[Int]], found: (Mapping, MappingCost))?
                for d in 0..<8 {
                    for p in primes[d] {
                        for a in 0..<L where temporal[a][d] % p == 0 {
                            for b in 0..<L where b != a {
                                var next = temporal
                                next[a][d] /= p
                                next[b][d] *= p
                                guard fitsMinimal(spatial, next) else { continue }
                                let found: (Mapping, MappingCost)?
                                if let m = memo[next] { found = m } else {
                                    found = nestBest(spatial, next)
                                    memo[next] = found
                                }
                                let value = found?.1.value(objective) ?? .infinity
                                if value < bestMoveValue { bestMoveValue = value; bestMove = next }
                                if b < a, level == nil, let f = found, value == current { level = (next, f) }
                                if halted { break }
                            }
                        }
                    }
                }
                if let next = bestMove {
                    temporal = next
                    current = bestMoveValue
                } else if let (next, found) = level {
                    // No move lowers the objective: among nests of the same cost keep the one with
                    // a factor further in (larger inner tiles, as the depth-first order prefers).
                    // Each such move takes a factor down a level, so this ends.
                    temporal = next
                    if found.1.value(objective) <= bestValue { best = found }
                } else {
                    break
                }
            }
        }
        choiceCap = Int.max
    }

    /// Whether every level holds its operands' smallest tiles (reach at the level itself) under
    /// `temporal`: reaches only enlarge them, so a nest failing this has no mapping that fits.
    func fitsMinimal(_ spatial: [SpatialChoice], _ temporal: [[Int]]) -> Bool {
        for m in 0..<(model.levelCount - 1) where used(m, spatial, temporal) > Double(model.core.memories[m].usableBytes) { return false }
        return true
    }

    /// The best mapping of one temporal nest over its candidate orders and reaches (the incumbent
    /// is updated as in the full search).
    mutating func nestBest(_ spatial: [SpatialChoice], _ temporal: [[Int]]) -> (Mapping, MappingCost)? {
        let saved = best
        best = nil
        var orders = [[LoopDim]](repeating: [], count: model.levelCount)
        chooseOrders(0, spatial, temporal, distinctOrders(temporal), distinctReaches(temporal), &orders)
        let found = best
        best = saved
        if let f = found, f.1.value(objective) < bestValue { best = f }
        return found
    }

    /// Bytes the tiles held at level `m` need, with `temporal` fixed up to `m`.
    func used(_ m: Int, _ spatial: [SpatialChoice], _ temporal: [[Int]]) -> Double {
        var t = [Int](repeating: 1, count: 8)
        for j in 0...m { for d in 0..<8 { t[d] *= temporal[j][d] } }
        for s in model.spatialDims.indices where model.served[m] & (1 << s) != 0 { t[spatial[s].dim.rawValue] *= spatial[s].factor }
        for d in 0..<8 { t[d] = min(t[d], problem.loops.extents[d]) }   // as the cost model clips (eq. 1)
        var bytes = 0.0
        for o in Operand.allCases where model.core.memories[m].holds(o) { bytes += problem.footprint(o, t) * problem.bytes(o) }
        return bytes
    }

    mutating func level(_ m: Int, _ left: [Int], _ spatial: [SpatialChoice], _ temporal: inout [[Int]], _ bound: LowerBound) {
        let L = model.levelCount
        if halted { return }
        if m == L - 1 {
            temporal[m] = left
            let cap = Double(model.core.memories[m].usableBytes)
            let need = used(m, spatial, temporal)
            if need > cap { noteOverflow(m, need); return }
            var orders = [[LoopDim]](repeating: [], count: L)
            let candidates = distinctOrders(temporal)
            let reaches = distinctReaches(temporal)
            chooseOrders(0, spatial, temporal, candidates, reaches, &orders)
            return
        }
        let cap = Double(model.core.memories[m].usableBytes)
        // The smallest tile at this level (all factors 1 from here) must fit, or nothing below does.
        let floor = used(m, spatial, temporal)
        if floor > cap { noteOverflow(m, floor); pruned += 1; return }
        dim(0, m, left, spatial, &temporal, bound, cap)
    }

    mutating func dim(_ d: Int, _ m: Int, _ left: [Int], _ spatial: [SpatialChoice], _ temporal: inout [[Int]],
                      _ bound: LowerBound, _ cap: Double) {
        if halted { return }
        if d == 8 {
            if partialBound(m, left, spatial, temporal, bound) >= bestValue { pruned += 1; return }
            level(m + 1, left, spatial, &temporal, bound)
            return
        }
        for f in Mapper.divisors(left[d]) {
            temporal[m][d] = f
            // Footprints only grow with a factor: an overflow here rules out this and larger factors.
            if f > 1, used(m, spatial, temporal) > cap { pruned += 1; continue }
            var next = left
            next[d] /= f
            dim(d + 1, m, next, spatial, &temporal, bound, cap)
            if halted { break }
        }
        temporal[m][d] = 1
    }

    /// The bound of the subtree where levels 0...m are fixed: the whole-problem bound, with the
    /// energy of each operand's edges out of levels ≤ m raised from one pass to the number of
    /// distinct tiles those levels must receive (known once their tiles are).
    func partialBound(_ m: Int, _ left: [Int], _ spatial: [SpatialChoice], _ temporal: [[Int]], _ bound: LowerBound) -> Double {
        guard objective != .latency else { return bound.value(objective) }
        var extra = 0.0
        for o in Operand.allCases where o != .output {
            let chain = model.chains[o.rawValue]
            // The first level of the chain above m receives its child's tile once per distinct tile.
            // The child's tile may reach up to just below the parent: only when every level it
            // may reach is fixed is the edge bounded here, by its cheapest reach.
            guard let i = chain.firstIndex(where: { $0 > m }), i > 0, chain[i] == m + 1 else { continue }
            let child = chain[i - 1], parent = chain[i]
            var reads = Double.infinity
            // Temporal iterations per dimension over the whole nest (levels ≤ m fixed, `left` above).
            var total = left
            for j in 0...m { for d in 0..<8 { total[d] *= temporal[j][d] } }
            // What moves is counted at the mean use of a padded unrolling, as the cost model counts
            // it (idle PEs receive nothing), so the bound uses the same mean factors.
            let effective = CostModel.effectiveSpatial(problem, spatial, temporalIterations: total)
            var instances = 1.0
            for s in spatial.indices where model.served[parent] & (1 << s) == 0 { instances *= effective[s] }
            var ct = [Int](repeating: 1, count: 8)
            for j in 0..<child { for d in 0..<8 { ct[d] *= temporal[j][d] } }
            for r in child...m {
                for d in 0..<8 { ct[d] *= temporal[r][d] }
                // The parent sends at least one union tile per distinct tile (eq. 3–4 with F ≥ D).
                var distinct = 1.0
                for d in LoopDim.allCases where MacProblem.relevant(o, d) { distinct *= Double(total[d.rawValue] / ct[d.rawValue]) }
                var union = ct.map(Double.init)
                for s in model.spatialDims.indices where model.served[parent] & (1 << s) != 0 {
                    union[spatial[s].dim.rawValue] *= effective[s]
                }
                for d in 0..<8 { union[d] = min(union[d], Double(problem.loops.extents[d])) }
                reads = min(reads, distinct * problem.footprint(o, union) * instances * problem.bytes(o))
            }
            let once = (o == .input ? Double(problem.loops.touchedInputElements) : problem.totalElements(o)) * problem.bytes(o)
            extra += max(0, reads - once) * model.core.memories[parent].readPjPerByte
        }
        let energy = bound.energyPj + extra
        return objective == .energy ? energy : energy * bound.cycles
    }

    /// Per level, the candidate orders that can cost differently, in listing order. The cost
    /// model sees a level's order only through each operand's run of reuse (eq. 4): the product
    /// of the loops before the first one indexing the operand, and only for an operand whose run
    /// can enter the level (some reach of it ends below, with no loop indexing it in between:
    /// known from the factors alone). Orders with the same products are one; an order whose
    /// products are all at most another's (one smaller) is dominated, since fewer reuses never
    /// cost less (every fill term and port time grows with the fills). Exact: the best mapping
    /// over the listed orders keeps its cost.
    func distinctOrders(_ temporal: [[Int]]) -> [[[LoopDim]]] {
        let L = model.levelCount
        var live = [[Bool]](repeating: [Bool](repeating: false, count: L), count: 3)
        for o in Operand.allCases {
            let chain = model.chains[o.rawValue]
            for k in 0..<max(0, chain.count - 1) {
                for r in chain[k]..<chain[k + 1] {
                    var j = r + 1
                    while j < L {
                        live[o.rawValue][j] = true
                        if LoopDim.allCases.contains(where: { temporal[j][$0.rawValue] > 1 && MacProblem.relevant(o, $0) }) { break }
                        j += 1
                    }
                }
            }
        }
        return (0..<L).map { j in
            let all = Mapper.orders(LoopDim.allCases.filter { temporal[j][$0.rawValue] > 1 })
            guard all.count > 1 else { return all }
            var keys: [[Int]] = [], kept: [[LoopDim]] = []
            for order in all {
                let key = Operand.allCases.map { o -> Int in
                    guard live[o.rawValue][j] else { return 0 }
                    var run = 1
                    for d in order {
                        if MacProblem.relevant(o, d) { break }
                        run *= temporal[j][d.rawValue]
                    }
                    return run
                }
                if !keys.contains(key) { keys.append(key); kept.append(order) }
            }
            let dominated = { (a: [Int]) in keys.contains { b in b != a && zip(a, b).allSatisfy { $0 <= $1 } } }
            return zip(keys, kept).filter { !dominated($0.0) }.map(\.1)
        }
    }

    /// The reach choices that can cost differently: a reach one level higher than another only
    /// adds that level's loops to the tile and takes them out of the fills; when they are all 1
    /// it is the same mapping, so only the lower one is kept.
    func distinctReaches(_ temporal: [[Int]]) -> [[[Int]]] {
        reachChoices.filter { reach in
            for o in Operand.allCases {
                for (k, r) in reach[o.rawValue].enumerated() where r != model.chains[o.rawValue][k] {
                    if !temporal[r].contains(where: { $0 > 1 }) { return false }
                }
            }
            return true
        }
    }

    mutating func chooseOrders(_ j: Int, _ spatial: [SpatialChoice], _ temporal: [[Int]], _ candidates: [[[LoopDim]]],
                               _ reaches: [[[Int]]], _ orders: inout [[LoopDim]]) {
        if halted { return }
        if j == model.levelCount {
            if objective == .energy, reaches.count > 1 {
                chooseReachesByOperand(spatial, temporal, orders, reaches)
                return
            }
            for reach in reaches {
                let mapping = Mapping(spatial: spatial, temporal: temporal, orders: orders, reach: reach)
                let cost = CostModel.evaluate(problem, mapping, on: model)
                visited += 1
                if cost.fits, cost.value(objective) < bestValue { best = (mapping, cost) }
                if let v = limits.maxVisits, visited >= v { stopped = true }
                if let s = limits.seconds, visited % 256 == 0, Search.now() - start > s { stopped = true }
                if halted { return }
            }
            return
        }
        for o in candidates[j] {
            orders[j] = o
            chooseOrders(j + 1, spatial, temporal, candidates, reaches, &orders)
        }
    }

    /// The energy objective without trying every combination of reaches: energy is a sum over
    /// the operands, each operand's edges depending on its own reaches only (eq. 4–7), and so is
    /// each level's occupancy (eq. 5). One costing per reach of one operand (the others at their
    /// first) gives every operand's share and tile bytes; the cheapest combination that fits is
    /// then found by sums and costed in full. Exact, and a few costings instead of their product.
    mutating func chooseReachesByOperand(_ spatial: [SpatialChoice], _ temporal: [[Int]], _ orders: [[LoopDim]], _ reaches: [[[Int]]]) {
        let L = model.levelCount
        let base = reaches[0]
        // Per operand, its distinct reach vectors in listing order (the list is their product).
        var options = [[[Int]]](repeating: [], count: 3)
        for r in reaches { for o in 0..<3 where !options[o].contains(r[o]) { options[o].append(r[o]) } }
        func cost(_ reach: [[Int]]) -> MappingCost {
            visited += 1
            return CostModel.evaluate(problem, Mapping(spatial: spatial, temporal: temporal, orders: orders, reach: reach), on: model)
        }
        let baseCost = cost(base)
        // share[o][i]: energy change when operand o takes its i-th reach; bytes[o][i][m]: its tile bytes at level m.
        var share = [[Double]](repeating: [], count: 3)
        var bytes = [[[Double]]](repeating: [], count: 3)
        for o in 0..<3 {
            for opt in options[o] {
                let c: MappingCost
                if opt == base[o] { c = baseCost } else { var r = base; r[o] = opt; c = cost(r) }
                share[o].append(c.energyPj - baseCost.energyPj)
                bytes[o].append(c.levels.map { $0.tileBytes[o] })
            }
        }
        var chosen: [[Int]]?, chosenValue = Double.infinity
        for r in reaches {
            let idx = (0..<3).map { o in options[o].firstIndex(of: r[o])! }
            var fits = true
            for m in 0..<L where (0..<3).reduce(0.0, { $0 + bytes[$1][idx[$1]][m] }) > Double(model.core.memories[m].usableBytes) { fits = false; break }
            guard fits else { continue }
            let v = baseCost.energyPj + (0..<3).reduce(0.0) { $0 + share[$1][idx[$1]] }
            if v < chosenValue { chosenValue = v; chosen = r }
        }
        if let r = chosen, chosenValue < bestValue * (1 + 1e-12) {
            let c = r == base ? baseCost : cost(r)
            if c.fits, c.value(objective) < bestValue { best = (Mapping(spatial: spatial, temporal: temporal, orders: orders, reach: r), c) }
        }
        if let v = limits.maxVisits, visited >= v { stopped = true }
        if let s = limits.seconds, Search.now() - start > s { stopped = true }
    }

    mutating func noteOverflow(_ m: Int, _ need: Double) {
        let e = NoFitError(level: model.core.memories[m].name, footprintBytes: need, capacityBytes: model.core.memories[m].usableBytes)
        if tightest == nil || need - Double(e.capacityBytes) < tightest!.footprintBytes - Double(tightest!.capacityBytes) { tightest = e }
    }
}
