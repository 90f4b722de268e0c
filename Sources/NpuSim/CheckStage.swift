import Capnp
import GraphIO
import GraphIR
import GraphInterp
import Schemas
import TiledExecution
import ToolKit

/// `--check`: every tile of the placed program run on its slice of the real tensors, the
/// assembled outputs compared with the interpreter on the whole graph (TiledExecution;
/// Docs/sim-check.md).
enum CheckStage {
    /// The check of every group output of `frames`' program, the graph's weights read from
    /// `graphPath`; `fault` (the `--inject-fault` text) makes the tiled run deliberately wrong.
    /// The graph's inputs are seeded random tensors; symbolic dimensions are 1 (as
    /// `tile-plan --dim batch=1` plans them; a plan made with other extents is refused).
    static func run(_ frames: PlacedFrames, graphPath: String, fault: String?, _ tool: ToolContext) throws -> [TensorCheckResult] {
        var parsedFault: Fault?
        if let fault {
            guard let f = Fault(parsing: fault) else {
                throw ToolError.usage("--inject-fault", "'\(fault)': expected KIND:GROUP with KIND one of \(Fault.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsedFault = f
        }
        let groups = try schedule(frames)
        if let parsedFault, parsedFault.groupIndex(in: groups) == nil {
            throw ToolError.usage("--inject-fault", "'\(parsedFault)': no group '\(parsedFault.group)' in the plan (give a group index or name)")
        }
        let graphSource = graphPath == "-" ? "stdin" : graphPath
        let graph: Graph
        do { graph = try GraphStreamInput.read(try tool.openStream(graphPath, expecting: .graph)) }
        catch let e as GraphError { throw ToolError(graphSource, e.description) }
        if let bad = groups.flatMap(\.nodes).first(where: { $0 >= graph.nodes.count }) {
            throw ToolError(graphSource, "the plan names node \(bad), the graph has \(graph.nodes.count) nodes: not the graph it was tiled from")
        }
        do {
            let feeds = try InputFeeds.random(graph)
            return try TiledRun(graph: graph, groups: groups).check(feeds: feeds, fault: parsedFault)
        } catch let e as TiledExecutionError {
            if case .fault(let why) = e { throw ToolError.usage("--inject-fault", "'\(fault ?? "")': \(why)") }
            throw ToolError(graphSource, e.description)
        } catch let e as InterpreterError {
            throw ToolError(graphSource, "\(e)")
        }
    }

    /// The tile groups of the placed stream, with the cores place-route gave each.
    static func schedule(_ frames: PlacedFrames) throws -> [GroupSchedule] {
        var groups: [GroupSchedule] = []
        var cores: [Int: [Int]] = [:]
        try frames.forEach { record in
            switch record {
            case .group(let g):
                var group = try decode(g)
                // Members of a fused group are one level deep: a member is never fused itself.
                let members = try g.members
                group.members = try (0..<members.count).map { try decode(try members.get($0)) }
                group.fusion = try g.fusion.string
                group.tileRows = Int(clamping: g.tileRows)
                groups.append(group)
            case .placement(let p):
                cores[Int(p.group)] = try p.cores.map { Int($0) }
            default: break
            }
        }
        for i in groups.indices { groups[i].cores = cores[groups[i].index] ?? [] }
        return groups
    }

    /// One group record's schedule fields (without its members).
    static func decode(_ g: TileGroup.Reader) throws -> GroupSchedule {
        func loops(_ list: StructList<LoopExtent.Reader>) throws -> [GroupSchedule.Loop] {
            try (0..<list.count).map { let l = try list.get($0); return GroupSchedule.Loop(try l.dim.string, Int(clamping: l.extent)) }
        }
        let spatial = try g.spatial
        let levels = try g.levels
        return GroupSchedule(
            index: Int(g.index), name: try g.name.string, ops: try g.ops.strings(), nodes: try g.nodes.map { Int($0) },
            unit: try g.unit.string, loops: try loops(try g.loops),
            spatial: try (0..<spatial.count).map { let s = try spatial.get($0); return GroupSchedule.Unroll(try s.arrayDim.string, try s.dim.string, Int(s.factor)) },
            levelLoops: try (0..<levels.count).map { try loops(try levels.get($0).loops) },
            tileShape: try loops(try g.tileShape), tileCount: Int(clamping: g.tileCount))
    }

    /// One `check` record's fields from `result`.
    static func fill(_ record: TensorCheck.Builder, _ result: TensorCheckResult) {
        record.setValue(result.value)
        record.group = UInt32(clamping: result.group)
        record.setElementType(result.elementType)
        record.elements = UInt64(clamping: result.elements)
        record.maxAbsError = result.maxAbsError
        record.maxRelError = result.maxRelError
        record.absTolerance = result.absTolerance
        record.relTolerance = result.relTolerance
        record.passed = result.passed
        record.worstIndex = UInt64(clamping: result.worstIndex)
        record.setNote(result.note)
    }
}
