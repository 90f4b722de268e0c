import ChipArch
import OpCost
import Placement
import Tiling

/// One group place-route had Tiling re-map: which, why, and its figures before and after.
struct FeedbackChange: Sendable, Hashable {
    var group: Int
    var name: String
    /// The core whose SRAM overflowed, and by how much, before the change.
    var core: Int
    var shortBytes: Double
    /// The fraction of each on-chip level the re-mapping was allowed.
    var fraction: Double
    /// The group's tile bytes on one core (inputs, outputs, double buffers, and the weight tile
    /// when its weights are not resident) and its cycles, before and after.
    var oldTileBytes: Double
    var newTileBytes: Double
    var oldCycles: Double
    var newCycles: Double
}

/// Feedback to tiling: while a core's SRAM overflows, re-map the group with the largest tiles
/// on that core (in the epoch of its peak) through `Tiling.Replan` with the on-chip levels
/// capped at the room the placement leaves it, and place again. Stops when nothing overflows,
/// or no group on the overflowing core can be re-mapped to fit (then the overflow stands).
enum Feedback {
    /// Re-maps at most this many groups in all, and tries at most `attempts` caps per group.
    static let maxChanges = 64
    static let attempts = 8

    static func run(_ input: inout TilesInput, _ options: PlaceOptions, first: PlacementResult,
                    limits: SearchLimits) -> (PlacementResult, [FeedbackChange]) {
        var result = first
        var changes: [FeedbackChange] = []
        var tried = Set<Int>()
        while changes.count < maxChanges, let worst = result.worstOverflow {
            // The groups live on the core at its peak, largest tiles first (ties: lower number).
            let live = Set(worst.buffers.filter { $0.firstEpoch <= worst.peakEpoch && worst.peakEpoch <= $0.lastEpoch }.map(\.owner))
            let candidates = live.filter { !tried.contains($0) && $0 < input.loops.count && input.loops[$0] != nil }
                .map { ($0, tileBytes(input.program.groups[$0].tileBytes, pipelined: pipelined($0, result))) }
                .sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }
            guard let (g, old) = candidates.first else { break }
            tried.insert(g)
            let room = old - worst.overflow
            guard room > 0 else { continue }   // even no tiles at all would not fit
            let before = input.program.groups[g]
            // From the whole memory down: each try scales the cap by how far the last tiles
            // overshot the room, so the first fit is the least cut (fewest cycles lost).
            var fraction = 1.0
            for _ in 0..<attempts {
                guard let r = try? Replan.remap(input.loops[g]!, on: input.arch, fraction: fraction, limits: limits) else { break }
                let regrouped = group(before, r, rows: input.loops[g]![.oy], input.arch)
                let new = tileBytes(regrouped.tileBytes, pipelined: pipelined(g, result))
                if new <= room {
                    var program = input.program
                    program.groups[g] = regrouped
                    let next = Placer.place(program, on: input.arch, options)
                    // The new cycles move the stage balance; keep the change only if the
                    // placement is less over capacity in all than before.
                    if excess(next) < excess(result) {
                        input.program = program
                        changes.append(FeedbackChange(group: g, name: before.name, core: worst.core, shortBytes: worst.overflow,
                                                      fraction: fraction, oldTileBytes: old, newTileBytes: new,
                                                      oldCycles: before.cycles, newCycles: regrouped.cycles))
                        result = next
                    }
                    break
                }
                fraction *= min(0.95, 0.95 * room / new)
            }
        }
        return (result, changes)
    }

    /// Bytes over capacity, summed over every core and epoch (not only each core's peak: two
    /// equal layers overflowing one core in two epochs are two problems, fixed one at a time).
    static func excess(_ r: PlacementResult) -> Double {
        var total = 0.0
        for c in r.cores {
            var live: [Int: Double] = [:]
            for b in c.buffers { for e in b.firstEpoch...b.lastEpoch { live[e, default: 0] += b.bytes } }
            total += live.values.reduce(0) { $0 + max(0, $1 - c.capacity) }
        }
        return total
    }

    /// Whether the group ran in a pipelined segment (its weights then resident, not a tile).
    static func pipelined(_ g: Int, _ r: PlacementResult) -> Bool {
        guard let s = r.slots.first(where: { $0.group == g }), s.segment < r.segments.count else { return false }
        return r.segments[s.segment].mode == "pipeline"
    }

    /// The bytes of a group's tiles the budget charges to one core (the resident weights of a
    /// pipelined stage are not a tile: a new tiling does not change them).
    static func tileBytes(_ t: TileFootprint, pipelined: Bool) -> Double {
        t.inputs + t.outputs + t.doubleBuffer + (pipelined ? 0 : t.weights)
    }

    /// The group as placement sees it after the re-mapping: the new cycles, mesh spread, tiles
    /// and pieces; its weights and compulsory bytes do not depend on the tiling.
    static func group(_ old: ProgramGroup, _ r: Remapped, rows: Int, _ arch: ChipArch) -> ProgramGroup {
        var g = old
        g.cycles = r.cycles
        g.meshFactor = min(max(r.meshFactor, 1), max(arch.coreCount, 1))
        g.tileBytes = TilesInput.footprint(r.levels.map { (memory: $0.memory, bytes: [$0.weights, $0.inputs, $0.outputs]) }, arch)
        g.streamUnits = max(r.tileCount, rows, 1)
        g.replicatesInput = r.meshDims.contains(.k)
        return g
    }
}
