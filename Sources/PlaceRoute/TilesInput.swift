import ArchRecords
import Capnp
import ChipArch
import Diagnostics
import Pipes
import Placement
import Schemas
import ToolKit

/// A tiles stream read whole: the arch, the program placement needs, and the stream's own
/// records kept (as owned copies) to pass through into the placed stream.
struct TilesInput {
    var arch: ChipArch
    var program: Program
    /// Owned copies of the arch, graph, group and edge frames, in stream order.
    var passThrough: [MessageBuilder]

    static func read(_ stream: RecordStreamReader, source: String) throws -> TilesInput {
        var arch: ChipArch?
        var groupReaders: [MessageBuilder] = [], edgeReaders: [MessageBuilder] = []
        var kept: [MessageBuilder] = []
        var sawGraph = false
        while let root = try stream.next() {
            let frame = TilesFrame.Reader(root)
            let copy = MessageBuilder()
            try copy.setRoot(copying: root)
            switch try frame.which() {
            case .arch(let r):
                guard arch == nil else { throw ToolError(source, "holds more than one arch record") }
                do { arch = try ArchCodec.read(r) } catch let e as ArchError { throw ToolError(source, "arch: \(oneLine(e.description))") }
            case .graph: sawGraph = true
            case .group: groupReaders.append(copy)
            case .edge: edgeReaders.append(copy)
            default: continue
            }
            kept.append(copy)
        }
        guard let arch else { throw ToolError(source, "the tiles stream holds no arch record") }
        guard sawGraph else { throw ToolError(source, "the tiles stream holds no graph record") }
        var groups: [ProgramGroup] = []
        for (i, m) in groupReaders.enumerated() {
            guard case .group(let g) = try TilesFrame.Reader(try m.rootReader()).which() else { continue }
            guard Int(g.index) == i else { throw ToolError(source, "group \(i) is numbered \(g.index)") }
            groups.append(try group(g, arch, source))
        }
        var edges: [ProgramEdge] = []
        for m in edgeReaders {
            guard case .edge(let e) = try TilesFrame.Reader(try m.rootReader()).which() else { continue }
            let from = Int(e.from), to = Int(e.to)
            guard from < groups.count, to < groups.count, from < to else {
                throw ToolError(source, "edge \(from) -> \(to) names a group out of range or against graph order (\(groups.count) groups)")
            }
            edges.append(ProgramEdge(from: from, to: to, bytes: Double(e.bytes)))
        }
        return TilesInput(arch: arch, program: Program(groups: groups, edges: edges), passThrough: kept)
    }

    /// The figures of one group record that placement uses.
    static func group(_ g: TileGroup.Reader, _ arch: ChipArch, _ source: String) throws -> ProgramGroup {
        let unit = try g.unit.string
        let name = try g.name.string
        guard g.cycles.isFinite, g.cycles >= 0, g.compulsoryBytes.isFinite, g.compulsoryBytes >= 0 else {
            throw ToolError(source, "group \(g.index) '\(oneLine(name))': cycles or bytes not a finite non-negative number")
        }
        var loops: [String: Int] = [:]
        for l in try g.loops { loops[try l.dim.string] = Int(clamping: l.extent) }
        var mesh = 1, outputChannelSplit = false
        for s in try g.spatial where try s.arrayDim.string == "mesh" {
            mesh *= max(Int(s.factor), 1)
            if try s.dim.string == "K" && s.factor > 1 { outputChannelSplit = true }
        }
        let factor: Int
        switch unit {
        case "array": factor = min(mesh, max(arch.coreCount, 1))
        case "vector": factor = max(arch.coreCount, 1)   // the vector plan spreads over every core's vector unit
        default: factor = 0
        }
        var weights = 0.0
        let members = try g.members
        if members.count > 0 {
            // A fused group holds the weights of every MAC member.
            for m in members where try m.unit.string == "array" {
                var ml: [String: Int] = [:]
                for l in try m.loops { ml[try l.dim.string] = Int(clamping: l.extent) }
                weights += ["G", "K", "C", "FY", "FX"].reduce(1.0) { $0 * Double(max(ml[$1] ?? 1, 1)) } * Double(arch.core.weightBits) / 8
            }
        } else if unit == "array" {
            let w = ["G", "K", "C", "FY", "FX"].reduce(1.0) { $0 * Double(max(loops[$1] ?? 1, 1)) }
            weights = w * Double(arch.core.weightBits) / 8
        }
        // The working set of one core: each on-chip level's tiles times that level's instances per core.
        var tiles = TileFootprint()
        let memories = arch.core.memories
        for (m, level) in (try g.levels).enumerated() where m < memories.count - 1 {
            guard let mi = memories.firstIndex(where: { $0.name == (try? level.memory.string) }) , mi < memories.count - 1 else { continue }
            let instances = Double(Budget.instancesPerCore(arch, level: mi))
            let held = try level.operands, bytes = try level.tileBytes
            for k in 0..<min(held.count, bytes.count) {
                let b = Double(bytes[k]) * instances
                switch held[k].rawValue {
                case 0: tiles.weights += b
                case 1: tiles.inputs += b
                default: tiles.outputs += b
                }
                if memories[mi].doubleBuffered { tiles.doubleBuffer += b }
            }
        }
        let rows = max(loops["OY"] ?? 1, 1)
        let units = unit == "vector" ? 64 : max(Int(clamping: g.tileCount), rows)
        return ProgramGroup(name: name, cycles: g.cycles, meshFactor: factor, streamUnits: units, weightBytes: weights,
                            compulsoryBytes: g.compulsoryBytes, tileBytes: tiles,
                            replicatesInput: unit == "array" && outputChannelSplit)
    }
}
