import ChipArch
import GraphIR
import OpCost

/// Options of a whole-graph plan.
public struct PlanOptions: Sendable {
    public var objective: Objective = .latency
    public var limits = SearchLimits()
    /// Extents of symbolic dimensions ("batch", "seq").
    public var symbols: [String: Int] = [:]
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
}

/// One group: a single node here (fusion is future work, Docs/tile.md).
public struct GroupPlan: Sendable {
    public var index: Int
    public var nodes: [Int]
    public var name: String
    public var ops: [String]
    public var instance: OpInstance
    public var unit: GroupUnit

    public var cycles: Double {
        switch unit {
        case .array(_, let r): return r.cost.cycles
        case .vector(let v): return v.cycles
        case .view: return 0
        }
    }
    public var energyPj: Double {
        switch unit {
        case .array(_, let r): return r.cost.energyPj
        case .vector(let v): return v.energyPj
        case .view: return 0
        }
    }
    public var bound: LowerBound {
        switch unit {
        case .array(_, let r): return r.bound
        case .vector(let v): return v.bound
        case .view: return LowerBound(cycles: 0, energyPj: 0)
        }
    }
    /// Tiles the group is cut into.
    public var tileCount: Int {
        switch unit {
        case .array(_, let r): return r.mapping.temporal.last!.reduce(1, *)
        case .vector(let v): return v.tileCount
        case .view: return 1
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
    public static func plan(_ graph: Graph, on arch: ChipArch, _ options: PlanOptions) throws -> GraphPlan {
        let model = CoreModel(arch: arch)
        let shapes = ValueShapes(graph: graph, symbols: options.symbols)
        var groups: [GroupPlan] = []
        var producer: [ValueID: Int] = [:]
        var edges: [GroupEdge] = []
        for (index, node) in graph.nodes.enumerated() {
            let name = node.name.isEmpty ? "\(node.op) #\(index)" : node.name
            let label = "node \(index) '\(name)' (\(node.qualifiedOp))"
            guard let instance = OpInstance.costing(node, shapes) else {
                let missing = (node.inputs + node.outputs).flatMap { shapes.unboundSymbols($0) }
                let hint = missing.isEmpty ? "a value's shape is unknown (run graph-opt first to infer shapes)"
                    : "shape has symbolic dimension \(Array(Set(missing)).sorted().joined(separator: ", ")) (give --dim \(missing[0])=N)"
                throw PlanError(node: label, reason: hint)
            }
            let unit: GroupUnit
            if let loops = instance.macLoops {
                let problem = MacProblem(loops: loops, core: model.core)
                do {
                    unit = .array(problem, try Mapper.map(problem, on: model, objective: options.objective, limits: options.limits))
                } catch let e as NoFitError {
                    throw PlanError(node: label, reason: e.description)
                }
            } else if case .view = instance {
                unit = .view
            } else {
                unit = .vector(VectorPlan.plan(instance, on: model))
            }
            let g = groups.count
            for v in node.inputs where v != Graph.absent {
                if let p = producer[v], !edges.contains(where: { $0.from == p && $0.to == g && $0.value == graph.values[v].name }) {
                    let elements = shapes(v)?.reduce(1, *) ?? 0
                    edges.append(GroupEdge(from: p, to: g, value: graph.values[v].name, bytes: elements * model.core.outputBits / 8))
                }
            }
            for v in node.outputs where v != Graph.absent { producer[v] = g }
            groups.append(GroupPlan(index: g, nodes: [index], name: name, ops: [node.qualifiedOp], instance: instance, unit: unit))
        }
        return GraphPlan(groups: groups, edges: edges, objective: options.objective)
    }
}
