import ChipArch
import GraphIR
import OpCost

/// Options of a whole-graph plan.
public struct PlanOptions: Sendable {
    public var objective: Objective = .latency
    public var limits = SearchLimits()
    /// Extents of symbolic dimensions ("batch", "seq").
    public var symbols: [String: Int] = [:]
    /// Mappings to cost instead of searching, by group name (`tile-plan --evaluate-mapping`).
    public var given: [String: Mapping] = [:]
    /// Merge fusable chains (conv chains, a norm with its GEMM, attention) into one group each
    /// where the cost model says it wins; false gives one group per node (`tile-plan --no-fuse`).
    public var fuse = true
    /// How a decode step's KV cache is charged (`tile-plan --kv-cache`).
    public var kvCache: KVCacheMode = .copy
    /// SRAM set aside for resident caches, whole chip (`--kv-sram`); nil: half the pinning level.
    public var kvSramBytes: Double?
    public init() {}
}

/// How one group of operators runs.
public enum GroupUnit: Sendable {
    /// On the MAC array, with the mapping the search chose.
    case array(MacProblem, MapResult)
    /// On the vector unit.
    case vector(VectorPlan)
    /// Nothing moves (Reshape, Flatten, ...).
    case view
    /// Not planned: shape inference left a shape unknown that no --dim can fix (the reason says which).
    case unplanned(String)
    /// A chain of operators run as one group (its members planned alone inside).
    case fused(FusedPlan)
}

/// One group: a single node, a node's stage (unfused attention), or a fused chain of them.
public struct GroupPlan: Sendable {
    public var index: Int
    public var nodes: [Int]
    public var name: String
    public var ops: [String]
    public var instance: OpInstance
    public var unit: GroupUnit
    /// KV-cache bytes this group reads from SRAM instead of DRAM (`--kv-cache resident`).
    public var residentBytes = 0.0

    public var cycles: Double {
        switch unit {
        case .array(_, let r): return r.cost.cycles
        case .vector(let v): return v.cycles
        case .fused(let f): return f.cycles
        case .view, .unplanned: return 0
        }
    }
    public var energyPj: Double {
        switch unit {
        case .array(_, let r): return r.cost.energyPj
        case .vector(let v): return v.energyPj
        case .fused(let f): return f.energyPj
        case .view, .unplanned: return 0
        }
    }
    public var bound: LowerBound {
        switch unit {
        case .array(_, let r): return r.bound
        case .vector(let v): return v.bound
        case .fused(let f): return f.bound
        case .view, .unplanned: return LowerBound(cycles: 0, energyPj: 0)
        }
    }
    /// Tiles the group is cut into.
    public var tileCount: Int {
        switch unit {
        case .array(_, let r): return r.mapping.temporal.last!.reduce(1, *)
        case .vector(let v): return v.tileCount
        case .fused(let f): return f.tileCount
        case .view, .unplanned: return 1
        }
    }
}

/// A value passed from one group to another.
public struct GroupEdge: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public var value: String
    public var bytes: Int
}

/// A whole graph cut into groups.
public struct GraphPlan: Sendable {
    public var groups: [GroupPlan]
    public var edges: [GroupEdge]
    public var objective: Objective
    /// The decode step's KV cache (nil with `--kv-cache copy`).
    public var kvCache: KVCachePlan?
    public var cycles: Double { groups.reduce(0) { $0 + $1.cycles } }
    public var energyPj: Double { groups.reduce(0) { $0 + $1.energyPj } }
    public var boundCycles: Double { groups.reduce(0) { $0 + $1.bound.cycles } }
    public var boundEnergyPj: Double { groups.reduce(0) { $0 + $1.bound.energyPj } }
}

/// A node that cannot be planned: which node, and why.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var node: String
    public var reason: String
    public var description: String { "\(node): \(reason)" }
}

/// Plans every node of a graph on an accelerator.
public enum Planner {
    /// The plan of `graph` on `arch`; throws `PlanError` naming the first node that cannot be planned.
    public static func plan(_ input: Graph, on arch: ChipArch, _ options: PlanOptions) throws -> GraphPlan {
        let graph = try bind(input, options.symbols)
        let shapes = ValueShapes(graph: graph, symbols: options.symbols)
        var model = CoreModel(arch: arch)
        var kv: KVCachePlan?
        if options.kvCache != .copy {
            kv = try KVCache.find(graph, shapes, model, mode: options.kvCache, setAside: options.kvSramBytes)
            // Tiles of every group plan in what the resident caches leave of their level.
            model = CoreModel(arch: KVCache.reserve(arch, kv!, model))
        }
        var groups: [GroupPlan] = []
        var producer: [ValueID: Int] = [:]
        var edges: [GroupEdge] = []
        for (index, node) in graph.nodes.enumerated() {
            let name = node.name.isEmpty ? "\(node.op) #\(index)" : node.name
            let label = "node \(index) '\(name)' (\(node.qualifiedOp))"
            guard let instance = OpInstance.costing(node, shapes) else {
                // A named dimension the user can bind is an error that says how; a shape that
                // inference could not work out (an expression, a data-dependent size) is a group
                // left unplanned, with the reason, so the rest of the graph still gets a plan.
                let missing = Array(Set((node.inputs + node.outputs).flatMap { shapes.unboundSymbols($0) })).sorted()
                let names = missing.filter(isIdentifier)
                if !names.isEmpty {
                    throw PlanError(node: label, reason: "shape has symbolic dimension \(names.joined(separator: ", ")) (give --dim \(names[0])=N)")
                }
                let why = missing.isEmpty ? "a value's shape is unknown after shape inference"
                    : "a shape depends on \(missing.joined(separator: ", ")), which inference did not resolve"
                let g = groups.count
                groups.append(GroupPlan(index: g, nodes: [index], name: name, ops: [node.qualifiedOp], instance: .view(node.qualifiedOp),
                                        unit: .unplanned(why)))
                for v in node.outputs where v != Graph.absent { producer[v] = g }
                continue
            }
            // Attention runs as its stages, one group each; every other node is one group.
            let parts = instance.attentionStages.map { $0.map { ("\(name)/\($0.stage)", $0.op) } } ?? [(name, instance)]
            let first = groups.count
            for v in node.inputs where v != Graph.absent {
                if let p = producer[v], !edges.contains(where: { $0.from == p && $0.to == first && $0.value == graph.values[v].name }) {
                    let elements = shapes(v)?.reduce(1, *) ?? 0
                    edges.append(GroupEdge(from: p, to: first, value: graph.values[v].name, bytes: elements * model.core.outputBits / 8))
                }
            }
            for (k, (partName, op)) in parts.enumerated() {
                let g = groups.count
                if k > 0 {
                    let prior = groups[g - 1]
                    edges.append(GroupEdge(from: g - 1, to: g, value: prior.name, bytes: prior.instance.outputElements * model.core.outputBits / 8))
                }
                groups.append(GroupPlan(index: g, nodes: [index], name: partName, ops: [node.qualifiedOp], instance: op,
                                        unit: try unit(op, label, model, options, given: options.given[partName])))
            }
            for v in node.outputs where v != Graph.absent { producer[v] = groups.count - 1 }
        }
        if options.fuse { (groups, edges) = Fusion.fuse(groups, edges, graph, shapes, model, options.objective) }
        if let kv { KVCache.apply(&groups, kv, graph, model) }
        return GraphPlan(groups: groups, edges: edges, objective: options.objective, kvCache: kv)
    }

    /// A dimension name `--dim` can bind: letters, digits, `_` and `.`, not starting with a digit.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// The graph with its symbolic dimensions replaced by their extents and shapes inferred
    /// again: a Reshape to [0, 64, -1] only resolves once the batch is a number.
    static func bind(_ input: Graph, _ symbols: [String: Int]) throws -> Graph {
        guard !symbols.isEmpty else { return input }
        var graph = input
        for i in graph.values.indices {
            guard let shape = graph.values[i].type?.shape else { continue }
            graph.values[i].type!.shape = Shape(shape.dims.map { d in
                if case .symbol(let s) = d, let v = symbols[s] { return .known(v) }
                return d
            })
        }
        do { try Validation.inferShapes(&graph) } catch let e as GraphError {
            throw PlanError(node: "graph", reason: "with the --dim extents: \(e.description)")
        }
        return graph
    }

    static func unit(_ op: OpInstance, _ label: String, _ model: CoreModel, _ options: PlanOptions, given: Mapping?) throws -> GroupUnit {
        if let loops = op.macLoops {
            let problem = MacProblem(loops: loops, core: model.core)
            if let given {
                do {
                    return .array(problem, try Mapper.evaluate(given, problem, on: model, objective: options.objective))
                } catch let e as MappingError {
                    throw PlanError(node: label, reason: "the given mapping: \(e.reason)")
                }
            }
            do {
                return .array(problem, try Mapper.map(problem, on: model, objective: options.objective, limits: options.limits))
            } catch let e as NoFitError {
                throw PlanError(node: label, reason: e.description)
            }
        }
        if case .view = op { return .view }
        return .vector(VectorPlan.plan(op, on: model))
    }
}
