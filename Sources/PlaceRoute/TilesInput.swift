import ArchRecords
import Capnp
import ChipArch
import Diagnostics
import OpCost
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
    /// Per group, its loop nest when it is a single MAC group (unit "array", no fused members):
    /// the groups `Feedback` can ask Tiling to re-map; nil for the others.
    var loops: [MacLoops?] = []

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
        var groups: [ProgramGroup] = [], nests: [MacLoops?] = []
        for (i, m) in groupReaders.enumerated() {
            guard case .group(let g) = try TilesFrame.Reader(try m.rootReader()).which() else { continue }
            guard Int(g.index) == i else { throw ToolError(source, "group \(i) is numbered \(g.index)") }
            groups.append(try group(g, arch, source))
            nests.append(try macLoops(g))
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
        return TilesInput(arch: arch, program: Program(groups: groups, edges: edges), passThrough: kept, loops: nests)
    }

    /// The loop nest of a single MAC group, as Tiling's mapper takes it. The record does not
    /// carry strides or the stored input size, so a strided convolution is re-mapped as if its
    /// stride were 1 (its input tiles counted smaller than they are; see Docs/place.md, Gaps).
    static func macLoops(_ g: TileGroup.Reader) throws -> MacLoops? {
        guard try g.unit.string == "array", try g.members.count == 0 else { return nil }
        var named: [LoopDim: Int] = [:]
        for l in try g.loops {
            guard let d = LoopDim(name: try l.dim.string) else { return nil }
            named[d] = max(Int(clamping: l.extent), 1)
        }
        return named.isEmpty ? nil : MacLoops(named)
    }

    /// One core's working set from a mapping's tiles: each on-chip level's tile of each operand
    /// (`levels`: memory name and bytes per operand, weights/inputs/outputs) times that level's
    /// instances per core, and the shadow copy at double-buffered levels.
    static func footprint(_ levels: [(memory: String, bytes: [Double])], _ arch: ChipArch) -> TileFootprint {
        var tiles = TileFootprint()
        let memories = arch.core.memories
        for level in levels {
            guard let mi = memories.firstIndex(where: { $0.name == level.memory }), mi < memories.count - 1 else { continue }
            let instances = Double(Budget.instancesPerCore(arch, level: mi))
            for (k, raw) in level.bytes.enumerated() where raw > 0 {
                let b = raw * instances
                switch k {
                case 0: tiles.weights += b
                case 1: tiles.inputs += b
                default: tiles.outputs += b
                }
                if memories[mi].doubleBuffered { tiles.doubleBuffer += b }
            }
        }
        return tiles
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
        var levels: [(memory: String, bytes: [Double])] = []
        for level in try g.levels {
            var bytes = [0.0, 0.0, 0.0]
            let held = try level.operands, tb = try level.tileBytes
            for k in 0..<min(held.count, tb.count) { bytes[min(Int(held[k].rawValue), 2)] += Double(tb[k]) }
            levels.append((memory: (try? level.memory.string) ?? "", bytes: bytes))
        }
        let tiles = footprint(levels, arch)
        let rows = max(loops["OY"] ?? 1, 1)
        let units = unit == "vector" ? 64 : max(Int(clamping: g.tileCount), rows)
        return ProgramGroup(name: name, cycles: g.cycles, meshFactor: factor, streamUnits: units, weightBytes: weights,
                            compulsoryBytes: g.compulsoryBytes, tileBytes: tiles,
                            replicatesInput: unit == "array" && outputChannelSplit)
    }
}
