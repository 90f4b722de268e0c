import ChipArch

/// Every core's SRAM over time: the buffers each group keeps on each of its cores, live over
/// the epochs it runs in, against the core's on-chip capacity (every memory level but the
/// backing one, times the instances one core has).
public enum Budget {
    /// On-chip bytes of one core.
    public static func capacityPerCore(_ arch: ChipArch) -> Double {
        arch.core.memories.indices.dropLast().reduce(0.0) { $0 + Double(arch.core.memories[$1].bytes) * Double(instancesPerCore(arch, level: $1)) }
    }

    /// Instances of memory level `level` in one core: one per PE, or one per block of the
    /// array dimensions it serves.
    public static func instancesPerCore(_ arch: ChipArch, level: Int) -> Int {
        let core = arch.core
        let m = core.memories[level]
        let pes = max(core.array.peCount, 1)
        guard !m.servedDims.isEmpty else { return pes }
        let span = core.array.dims.filter { m.servedDims.contains($0.name) }.reduce(1) { $0 * $1.size }
        return max(1, pes / max(span, 1))
    }

    /// Staging a core keeps per incoming NoC transfer: up to two packets of the size the NoC
    /// reaches its best bandwidth at (one arriving while the other is consumed; `2 ×` this).
    static func stagingBytes(_ arch: ChipArch) -> Double {
        Double(arch.noc.achieved.map(\.transferBytes).max() ?? 2048)
    }

    static func cores(_ program: Program, slots: [GroupSlot], flows: [Flow], topo: Topology, capacity: Double,
                      pipelined: [Bool], staging: Double) -> [CoreBudget] {
        var buffers = [[CoreBuffer]](repeating: [], count: topo.nodeCount)
        var incoming = [Set<Int>](repeating: [], count: topo.nodeCount)   // groups receiving over the NoC, per core
        var staged = [Int: Double]()                                      // (group << 20 | core) -> staging bytes
        // A value the consumer replicates arrives on each of its cores in parts from every
        // producer core; the consumer takes it in order, so a core stages two packets of that
        // value at once, not two per sender (on 32×32 a region of hundreds of senders).
        var replicated = [Int: Double]()                                  // edge * nodes + core -> bytes arriving
        for f in flows where f.toGroup >= 0 && f.fromGroup >= 0 {
            let shared = f.edge >= 0 && program.groups[f.toGroup].replicatesInput
            for d in f.isTree ? f.destinations : [f.destination] {
                incoming[d].insert(f.toGroup)
                if shared {
                    replicated[f.edge * topo.nodeCount + d, default: 0] += f.bytes
                } else {
                    staged[f.toGroup << 20 | d, default: 0] += min(f.bytes, 2 * staging)
                }
            }
        }
        for (key, bytes) in replicated.sorted(by: { $0.key < $1.key }) {
            let edge = key / topo.nodeCount, core = key % topo.nodeCount
            staged[program.edges[edge].to << 20 | core, default: 0] += min(bytes, 2 * staging)
        }
        for s in slots {
            let g = program.groups[s.group]
            guard g.hasWork, !s.cores.isEmpty else { continue }
            let e = s.epoch
            let resident = pipelined[e]
            for c in s.cores {
                func add(_ what: String, _ bytes: Double) {
                    if bytes > 0 { buffers[c].append(CoreBuffer(owner: s.group, what: what, bytes: bytes.rounded(.up), firstEpoch: e, lastEpoch: e)) }
                }
                // Pipelined: the stage's share of its weights stays on its cores for the segment.
                add("weights", resident ? g.weightBytes / Double(s.cores.count) : g.tileBytes.weights)
                add("input", g.tileBytes.inputs)
                add("output", g.tileBytes.outputs)
                add("double-buffer", g.tileBytes.doubleBuffer)
                if incoming[c].contains(s.group) { add("noc-staging", staged[s.group << 20 | c] ?? 0) }
            }
        }
        var out: [CoreBudget] = []
        for c in topo.serpentine.sorted() {
            let list = buffers[c]
            var live: [Int: Double] = [:]
            for b in list { for e in b.firstEpoch...b.lastEpoch { live[e, default: 0] += b.bytes } }
            let peak = live.max { ($0.value, -$0.key) < ($1.value, -$1.key) }
            out.append(CoreBudget(core: c, capacity: capacity, peak: peak?.value ?? 0, peakEpoch: peak?.key ?? 0, buffers: list))
        }
        return out
    }
}
