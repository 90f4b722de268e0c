import ChipArch
import OpCost

/// Re-mapping one MAC group under a memory cap: the interface `place-route` uses to ask for a
/// different tile choice when the placement leaves a core less SRAM than tile-plan assumed
/// (resident weights of a pipelined stage, NoC staging, other groups' buffers).
///
/// The cap is a fraction of every on-chip level (all but the backing one): the mapper then
/// searches the same space as `tile-plan` on a core whose memories are that much smaller, so
/// each tile it keeps fits the room left. The mesh and the backing level are unchanged.
public enum Replan {
    /// The arch with every on-chip memory level of its core scaled to `fraction` of its bytes
    /// (rounded down, at least 1 byte): the core `tile-plan` would see if that were all it had.
    public static func capped(_ arch: ChipArch, fraction: Double) -> ChipArch {
        var out = arch
        let f = min(max(fraction, 0), 1)
        let t = arch.mesh.coreType
        let levels = out.coreTypes[t].memories.count
        for m in 0..<max(levels - 1, 0) {
            let b = out.coreTypes[t].memories[m].bytes
            out.coreTypes[t].memories[m].bytes = max(1, Int((Double(b) * f).rounded(.down)))
        }
        return out
    }

    /// The best mapping of the loop nest `loops` on `arch` with every on-chip level capped at
    /// `fraction` of its capacity, searched as tile-plan searches (`objective`, `limits`).
    /// Throws `NoFitError` when no tiling fits the capped memories.
    public static func remap(_ loops: MacLoops, on arch: ChipArch, fraction: Double, objective: Objective = .latency,
                             limits: SearchLimits = SearchLimits()) throws -> Remapped {
        let small = capped(arch, fraction: fraction)
        let model = CoreModel(arch: small)
        let problem = MacProblem(loops: loops, core: small.core)
        let result = try Mapper.map(problem, on: model, objective: objective, limits: limits)
        let dims = model.spatialDims
        var mesh = 1, meshDims: [LoopDim] = []
        for (s, c) in result.mapping.spatial.enumerated() where s < dims.count && dims[s].name == "mesh" && c.factor > 1 {
            mesh *= c.factor
            meshDims.append(c.dim)
        }
        let levels = result.cost.levels.enumerated().map { m, t in
            LevelTile(memory: small.core.memories[m].name, weights: t.tileBytes[Operand.weight.rawValue],
                      inputs: t.tileBytes[Operand.input.rawValue], outputs: t.tileBytes[Operand.output.rawValue])
        }
        return Remapped(mapping: result.mapping, cycles: result.cost.cycles, energyPj: result.cost.energyPj,
                        tileCount: result.mapping.temporal.last!.reduce(1, *), meshFactor: mesh, meshDims: meshDims, levels: levels)
    }
}

/// A group re-mapped by `Replan.remap`: what placement needs of the new choice.
public struct Remapped: Sendable, Hashable {
    public var mapping: Mapping
    /// Cycles and energy of the new mapping as the cost model figures them (over its mesh unroll).
    public var cycles: Double
    public var energyPj: Double
    /// Tiles the group is now cut into (the backing level's iterations).
    public var tileCount: Int
    /// Cores the mapping spreads the group over, and the loop dimensions it unrolls over them.
    public var meshFactor: Int
    public var meshDims: [LoopDim]
    /// One instance's tile of each operand at every memory level, innermost first (the last is
    /// the backing level), in bytes, as tile-plan's `levels` record them.
    public var levels: [LevelTile]
}

/// The bytes one instance of a memory level holds of each operand.
public struct LevelTile: Sendable, Hashable {
    public var memory: String
    public var weights: Double
    public var inputs: Double
    public var outputs: Double
}
