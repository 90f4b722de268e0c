import ChipArch
import OpCost
import Testing
import TestSupport
@testable import Tiling

/// The branch and bound against brute force over the whole space: on small random layers it
/// finds the optimum, and the lower bound never exceeds it.
@Suite struct MapperTests {
    /// A small core whose memories are tight enough that capacity decides the mapping:
    /// 4×4 PEs, a weight register, an output register, a shared 1 KiB buffer, DRAM.
    static let tiny = ChipArch(
        name: "tiny", description: "test core", clockGhz: 1, mesh: Mesh(rows: 1, cols: 1),
        coreTypes: [CoreType(
            name: "t",
            array: PEArray(dims: [ArrayDim(name: "R", size: 4, unrolls: ["K", "OX"]), ArrayDim(name: "S", size: 4, unrolls: ["C", "FY"])],
                           dataflow: .weightStationary, systolic: true),
            weightBits: 8, inputBits: 8, outputBits: 8, accumulatorBits: 16, macPj: 0.1,
            vector: VectorUnit(lanes: 4, pjPerOp: 0.1, transcendentalCycles: 2),
            memories: [
                MemoryLevel(name: "wreg", bytes: 4, servedDims: [], operands: [.weight], readBytesPerCycle: 1, writeBytesPerCycle: 1,
                            readPjPerByte: 0.05, writePjPerByte: 0.05),
                MemoryLevel(name: "oreg", bytes: 4, servedDims: [], operands: [.output], readBytesPerCycle: 2, writeBytesPerCycle: 2,
                            readPjPerByte: 0.02, writePjPerByte: 0.02),
                MemoryLevel(name: "buf", bytes: 1024, servedDims: ["R", "S"], operands: [.input, .output], readBytesPerCycle: 8,
                            writeBytesPerCycle: 8, readPjPerByte: 1, writePjPerByte: 1.2, doubleBuffered: true),
                MemoryLevel(name: "dram", bytes: 1 << 30, servedDims: ["R", "S"], operands: [.weight, .input, .output],
                            readBytesPerCycle: 2, writeBytesPerCycle: 2, readPjPerByte: 50, writePjPerByte: 60),
            ])],
        noc: .none, dram: [])

    /// Eyeriss-shaped: one small register per operand in every PE (inputs, weights, partial
    /// sums, each tight), a shared output buffer, a shared buffer for all three, DRAM: the
    /// single-operand levels whose free loop dimensions make the temporal space explode.
    static let rowStationary = ChipArch(
        name: "rs", description: "test core", clockGhz: 1, mesh: Mesh(rows: 1, cols: 1),
        coreTypes: [CoreType(
            name: "r",
            array: PEArray(dims: [ArrayDim(name: "R", size: 3, unrolls: ["OY", "K"]), ArrayDim(name: "S", size: 2, unrolls: ["FY", "C", "K"])],
                           dataflow: .rowStationary, systolic: false),
            weightBits: 8, inputBits: 8, outputBits: 8, accumulatorBits: 16, macPj: 0.5,
            vector: VectorUnit(lanes: 4, pjPerOp: 0.1, transcendentalCycles: 2),
            memories: [
                MemoryLevel(name: "ireg", bytes: 6, servedDims: [], operands: [.input], readBytesPerCycle: 1, writeBytesPerCycle: 1,
                            readPjPerByte: 1, writePjPerByte: 1.5),
                MemoryLevel(name: "wreg", bytes: 6, servedDims: [], operands: [.weight], readBytesPerCycle: 1, writeBytesPerCycle: 1,
                            readPjPerByte: 1, writePjPerByte: 1.5),
                MemoryLevel(name: "oreg", bytes: 4, servedDims: [], operands: [.output], readBytesPerCycle: 3, writeBytesPerCycle: 3,
                            readPjPerByte: 0.5, writePjPerByte: 0.7),
                MemoryLevel(name: "buf", bytes: 512, servedDims: ["R", "S"], operands: [.input, .weight, .output], readBytesPerCycle: 16,
                            writeBytesPerCycle: 16, readPjPerByte: 2, writePjPerByte: 2.7, sharedPort: true),
                MemoryLevel(name: "dram", bytes: 1 << 30, servedDims: ["R", "S"], operands: [.weight, .input, .output],
                            readBytesPerCycle: 8, writeBytesPerCycle: 8, readPjPerByte: 125, writePjPerByte: 125, sharedPort: true),
            ])],
        noc: .none, dram: [])

    /// On the eyeriss-shaped core: the branch and bound (descent first) finds the brute-force
    /// optimum, the bound stays below it, and a budget smaller than the space still returns a
    /// mapping that fits, no worse than the descent's own.
    @Test func rowStationaryRegistersKeepTheOptimumAndTheBound() throws {
        var rng = TestSeed.generator("MapperTests.rowStationaryRegistersKeepTheOptimumAndTheBound", default: 7)
        let model = CoreModel(arch: Self.rowStationary)
        var checked = 0
        for _ in 0..<3 {
            var loops = Self.randomLoops(&rng)
            loops.extents[LoopDim.b.rawValue] = 1
            // Brute force over five levels: small extents keep it to seconds in a debug build.
            for d in [LoopDim.k, .c, .ox, .oy] { loops.extents[d.rawValue] = min(loops[d], 2) }
            let problem = MacProblem(loops: loops, core: model.core)
            let brute = Mapper.bruteForce(problem, on: model)
            for objective in [Objective.energy, .edp] {
                guard let (_, best) = brute[objective] else { continue }
                let optimum = best.value(objective)
                let found = try Mapper.map(problem, on: model, objective: objective, limits: SearchLimits(maxVisits: nil))
                #expect(found.complete)
                #expect(abs(found.cost.value(objective) - optimum) <= 1e-9 * optimum, "\(loops.extents) \(objective)")
                #expect(found.bound.value(objective) <= optimum * (1 + 1e-12), "bound above optimum: \(loops.extents) \(objective)")
                let budgeted = try Mapper.map(problem, on: model, objective: objective, limits: SearchLimits(maxVisits: 400))
                #expect(budgeted.cost.fits && budgeted.cost.value(objective) >= optimum * (1 - 1e-12))
                #expect(budgeted.bound.value(objective) <= optimum * (1 + 1e-12))
                checked += 1
            }
        }
        #expect(checked >= 4)
    }

    static func randomLoops(_ rng: inout SplitMix64) -> MacLoops {
        let pick = { (choices: [Int], rng: inout SplitMix64) in choices[rng.below(choices.count)] }
        let stride = pick([1, 1, 2], &rng)
        return MacLoops([.b: pick([1, 2], &rng), .k: pick([1, 2, 4, 6, 8], &rng), .c: pick([1, 2, 3, 4, 8], &rng),
                         .oy: pick([1, 2, 3, 4], &rng), .ox: pick([1, 2, 4, 6], &rng), .fy: pick([1, 3], &rng), .fx: pick([1, 2, 3], &rng)],
                        strideY: stride, strideX: stride)
    }

    @Test func branchAndBoundFindsTheBruteForceOptimum() throws {
        var rng = TestSeed.generator("MapperTests.branchAndBoundFindsTheBruteForceOptimum", default: 12)
        let model = CoreModel(arch: Self.tiny)
        var checked = 0
        for _ in 0..<8 {
            let loops = Self.randomLoops(&rng)
            let problem = MacProblem(loops: loops, core: model.core)
            let brute = Mapper.bruteForce(problem, on: model)
            for objective in Objective.allCases {
                guard let (_, bestCost) = brute[objective] else { continue }
                let found = try Mapper.map(problem, on: model, objective: objective, limits: SearchLimits(maxVisits: nil))
                let optimum = bestCost.value(objective)
                #expect(found.complete)
                #expect(abs(found.cost.value(objective) - optimum) <= 1e-9 * optimum, "\(loops.extents) \(objective)")
                #expect(found.bound.value(objective) <= optimum * (1 + 1e-12), "bound above optimum: \(loops.extents) \(objective)")
                #expect(found.visited + found.pruned > 0)
                checked += 1
            }
        }
        #expect(checked >= 20)
    }

    @Test func boundHoldsOnThePresets() throws {
        var rng = TestSeed.generator("MapperTests.boundHoldsOnThePresets", default: 5)
        // The presets' deeper hierarchies make brute force slow: smaller layers there.
        for arch in [ChipArch.tpuLike, ChipArch.eyerissLike] {
            let model = CoreModel(arch: arch)
            for _ in 0..<2 {
                var loops = Self.randomLoops(&rng)
                loops.extents[LoopDim.b.rawValue] = 1
                // Eyeriss-like has seven levels: keep its brute force to seconds.
                let cap = arch.name == "eyeriss-like" ? 2 : 4
                for d in [LoopDim.k, .c, .ox, .oy] { loops.extents[d.rawValue] = min(loops[d], cap) }
                let problem = MacProblem(loops: loops, core: model.core)
                guard let (_, best) = Mapper.bruteForce(problem, on: model)[.energy] else { continue }
                let found = try Mapper.map(problem, on: model, objective: .energy, limits: SearchLimits(maxVisits: nil))
                #expect(abs(found.cost.energyPj - best.energyPj) <= 1e-9 * best.energyPj)
                #expect(found.bound.energyPj <= best.energyPj * (1 + 1e-12))
            }
        }
    }

    @Test func searchIsDeterministic() throws {
        let model = CoreModel(arch: .tpuLike)
        let problem = MacProblem(loops: MacLoops([.k: 64, .c: 64, .oy: 14, .ox: 14, .fy: 3, .fx: 3]), core: model.core)
        let a = try Mapper.map(problem, on: model, objective: .edp, limits: SearchLimits(maxVisits: 200))
        let b = try Mapper.map(problem, on: model, objective: .edp, limits: SearchLimits(maxVisits: 200))
        #expect(a.mapping == b.mapping)
        #expect(a.cost == b.cost)
        #expect(a.visited == 200 && !a.complete)
    }

    @Test func costCoversTheWorkAndFits() throws {
        let model = CoreModel(arch: .tpuLike)
        let loops = MacLoops([.k: 64, .c: 64, .oy: 56, .ox: 56, .fy: 3, .fx: 3], strideY: 1, strideX: 1)
        let problem = MacProblem(loops: loops, core: model.core)
        let r = try Mapper.map(problem, on: model, objective: .latency, limits: SearchLimits(maxVisits: 20_000))
        // Spatial × temporal factors give back every extent.
        for d in LoopDim.allCases {
            let spatial = r.mapping.spatial.filter { $0.dim == d }.reduce(1) { $0 * $1.factor }
            let temporal = r.mapping.temporal.reduce(1) { $0 * $1[d.rawValue] }
            #expect(spatial * temporal == loops[d])
        }
        #expect(r.cost.fits)
        // 64×64 output/input channels fill the 32×32 array: compute is MACs / 1024.
        #expect(r.cost.computeCycles == loops.macs / 1024)
        #expect(r.cost.cycles >= r.bound.cycles && r.cost.energyPj >= r.bound.energyPj)
    }

    @Test func smallestTileThatDoesNotFitIsNamed() throws {
        var arch = Self.tiny
        arch.coreTypes[0].memories[1].bytes = 1   // an output register smaller than one 16-bit partial sum
        let model = CoreModel(arch: arch)
        let problem = MacProblem(loops: MacLoops([.k: 4, .c: 4]), core: model.core)
        #expect(throws: NoFitError(level: "oreg", footprintBytes: 2, capacityBytes: 1)) {
            try Mapper.map(problem, on: model, objective: .latency)
        }
    }
}

extension NoFitError: Equatable {
    public static func == (a: NoFitError, b: NoFitError) -> Bool {
        a.level == b.level && a.footprintBytes == b.footprintBytes && a.capacityBytes == b.capacityBytes
    }
}
