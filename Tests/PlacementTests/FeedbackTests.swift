import ChipArch
import OpCost
import Testing
import Tiling
@testable import Placement
@testable import PlaceRoute

/// Feedback to tiling: Tiling re-maps a group under a memory cap, and place-route uses it to
/// turn an SRAM overflow into a placement that fits.
@Suite struct FeedbackTests {
    /// A 3×3 convolution, 64 -> 64 channels on 56×56: tile-plan fills the on-chip levels with it.
    static let conv = MacLoops([.k: 64, .c: 64, .oy: 56, .ox: 56, .fy: 3, .fx: 3])

    @Test func cappedArchScalesOnlyOnChipLevels() {
        let arch = ChipArch.mesh8x8
        let small = Replan.capped(arch, fraction: 0.25)
        let m = arch.core.memories, s = small.core.memories
        for i in m.indices.dropLast() { #expect(s[i].bytes == max(1, Int((Double(m[i].bytes) * 0.25).rounded(.down)))) }
        #expect(s.last!.bytes == m.last!.bytes)
        #expect(Budget.capacityPerCore(small) <= 0.25 * Budget.capacityPerCore(arch))
    }

    @Test func aTighterCapGivesSmallerTiles() throws {
        let arch = ChipArch.mesh8x8
        let full = try Replan.remap(Self.conv, on: arch, fraction: 1, limits: SearchLimits(maxVisits: 20_000))
        let tight = try Replan.remap(Self.conv, on: arch, fraction: 0.2, limits: SearchLimits(maxVisits: 20_000))
        func bytes(_ r: Remapped) -> Double {
            TilesInput.footprint(r.levels.map { (memory: $0.memory, bytes: [$0.weights, $0.inputs, $0.outputs]) }, arch).total
        }
        #expect(bytes(tight) < bytes(full))
        #expect(bytes(tight) > 0)
        #expect(tight.cycles > 0 && full.cycles > 0)
        // Every on-chip tile of the capped mapping fits the capped level.
        let small = Replan.capped(arch, fraction: 0.2)
        for (m, l) in tight.levels.enumerated().dropLast() {
            #expect(l.weights + l.inputs + l.outputs <= Double(small.core.memories[m].bytes) + 1e-9)
        }
    }

    /// Two copies of the convolution pipelined, each stage's weights so big that with the tiles
    /// tile-plan chose they overflow a core; feedback re-maps and the placement fits.
    @Test func feedbackTurnsAnOverflowIntoAFit() throws {
        let arch = ChipArch.mesh8x8
        let r = try Replan.remap(Self.conv, on: arch, fraction: 1, limits: SearchLimits(maxVisits: 20_000))
        let capacity = Budget.capacityPerCore(arch)
        let base = ProgramGroup(name: "conv", cycles: 1, meshFactor: 1, streamUnits: 1, weightBytes: 0, compulsoryBytes: 1e6,
                                tileBytes: TileFootprint())
        var g = Feedback.group(base, r, rows: 56, arch)
        let tiles = Feedback.tileBytes(g.tileBytes, pipelined: true)
        #expect(tiles > 0.05 * capacity)
        // Resident weights leave each core half its tiles' room, plus the staging.
        var program = Program(groups: [g, g], edges: [ProgramEdge(from: 0, to: 1, bytes: 56 * 56 * 64)])
        var options = PlaceOptions(mode: .pipeline)
        options.maxIterations = 10
        let probe = Placer.place(program, on: arch, options)
        let cores = probe.slots.map { $0.cores.count }.min()!
        g.weightBytes = Double(cores) * (capacity - tiles / 2)
        // Its mapping has one slice per core of the probe, so more cores would hold no more of
        // the weights: the pipeline keeps its allocation and the tiles must shrink instead.
        g.meshFactor = cores
        program.groups = [g, g]
        var input = TilesInput(arch: arch, program: program, passThrough: [], loops: [Self.conv, Self.conv])
        let before = Placer.place(program, on: arch, options)
        #expect(before.worstOverflow != nil)
        let (after, changes) = Feedback.run(&input, options, first: before, limits: SearchLimits(maxVisits: 20_000))
        #expect(after.worstOverflow == nil)
        #expect(!changes.isEmpty)
        for c in changes { #expect(c.newTileBytes < c.oldTileBytes) }
        // The program placed is the re-mapped one, and its weights did not change.
        #expect(input.program.groups.map(\.weightBytes) == [g.weightBytes, g.weightBytes])
    }
}
