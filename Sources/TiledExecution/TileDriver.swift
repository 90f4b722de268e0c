/// Runs an array group's output blocks tile by tile: for each block the partial sums arrive
/// in the order the loop nest delivers them and accumulate in fp32 (per core first when the
/// mesh splits a reduction, then the cores' sums in core order), the epilogue runs once after
/// the last partial, and the block is stored. The operator supplies the partial sum of one
/// (block, chunk) pair, the epilogue and the store; the schedule faults are applied here.
struct TileDriver {
    typealias Block = [String: Range<Int>]

    let nest: LoopNest
    let fault: Fault.Kind?

    static func elements(_ b: Block) -> Int { LoopNest.outputDims.reduce(1) { $0 * (b[$1]?.count ?? 1) } }

    /// `partial(block, chunk, blockIndex)` returns the chunk's contribution to the block in the
    /// block's row-major layout (nil: it is all zero, e.g. a window wholly in the padding).
    func run(partial: (Block, Block, Int) throws -> [Float]?, finish: (Block, inout [Float]) throws -> Void,
             store: (Block, [Float]) -> Void) throws {
        for (d, e) in nest.extents.sorted(by: { $0.key < $1.key }) {
            let covered = nest.covered(d)
            if covered < e { throw TiledExecutionError.mismatch("the mapping's loops over \(d) cover \(covered) of its \(e)") }
            // Rounding up at each level overshoots a little; far more is a corrupt record (and
            // would make the tile enumeration run for ever).
            if covered > LoopNest.product(8, max(e, 1)) + 64 { throw TiledExecutionError.mismatch("the mapping's loops over \(d) cover \(covered) for its \(e)") }
        }
        let blocks = nest.outputBlocks()
        var destination = Array(blocks.indices)
        if fault == .order {
            var pair: (Int, Int)?
            search: for i in blocks.indices {
                for j in (i + 1)..<blocks.count where LoopNest.outputDims.allSatisfy({ blocks[i][$0]!.count == blocks[j][$0]!.count }) {
                    pair = (i, j)
                    break search
                }
            }
            guard let (i, j) = pair else { throw TiledExecutionError.fault("it has no two output tiles of the same shape to swap") }
            destination.swapAt(i, j)
        }
        let cores = nest.meshReduction?.factor ?? 1
        let chunksPerCore = (0..<cores).map { nest.reductionChunks(core: $0) }
        if fault == .partialSum, chunksPerCore.allSatisfy(\.isEmpty) { throw TiledExecutionError.fault("it has no partial sums") }
        for (b, block) in blocks.enumerated() {
            let n = Self.elements(block)
            var total = [Float](repeating: 0, count: n)
            for core in 0..<cores {
                var acc = [Float](repeating: 0, count: n)
                let chunks = chunksPerCore[core]
                for (c, chunk) in chunks.enumerated() {
                    if fault == .partialSum, b == 0, core == 0, c == chunks.count / 2 { continue }
                    guard let p = try partial(block, chunk, b) else { continue }
                    precondition(p.count == n, "a partial sum of \(p.count) elements for a block of \(n)")
                    for i in 0..<n { acc[i] += p[i] }
                }
                if cores == 1 { total = acc } else { for i in 0..<n { total[i] += acc[i] } }
            }
            try finish(block, &total)
            store(blocks[destination[b]], total)
        }
    }
}
