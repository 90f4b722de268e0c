/// The accelerators compiled in (`tile-plan --arch NAME`, `--list-archs`). Each figure says
/// where it comes from; "assumed" marks the ones no publication fixes, chosen so the preset
/// is of its class rather than a copy of a product.
extension ChipArch {
    /// Every preset, by name, in listing order.
    public static let presets: [ChipArch] = [tpuLike, eyerissLike, mesh8x8]

    /// The preset named `name`, or nil.
    public static func preset(named name: String) -> ChipArch? { presets.first { $0.name == name } }

    /// A 32×32 weight-stationary systolic core, as ZigZag 3.9.1's bundled
    /// `inputs/hardware/tpu_like.yaml` describes it (sizes there are in bits, bandwidths in bits
    /// per cycle, costs in pJ per access of the widest port; converted here to bytes and pJ/byte),
    /// with `inputs/mapping/tpu_like.yaml`'s spatial mapping D1=K, D2=C.
    public static let tpuLike = ChipArch(
        name: "tpu-like",
        description: "32x32 weight-stationary systolic core, memories and energies of ZigZag 3.9.1 tpu_like",
        clockGhz: 0.7,   // TPU v1: 700 MHz (Jouppi et al., ISCA 2017, Table 2)
        mesh: Mesh(rows: 1, cols: 1),
        coreTypes: [CoreType(
            name: "tpu-core",
            array: PEArray(dims: [ArrayDim(name: "D1", size: 32, unrolls: ["K"], multicast: true, reduction: false),
                                  ArrayDim(name: "D2", size: 32, unrolls: ["C"], multicast: true, reduction: true)],
                           dataflow: .weightStationary,
                           systolic: true),   // tpu_like.yaml: systolic_dimensions [D1, D2]
            // ZigZag's ResNet-18 ONNX workload: I and W 8 bit, partial sums 16 bit, outputs 8 bit.
            weightBits: 8, inputBits: 8, outputBits: 8, accumulatorBits: 16,
            macPj: 0.04,     // tpu_like.yaml operational_array unit_energy
            vector: VectorUnit(lanes: 32, pjPerOp: 0.1, transcendentalCycles: 4),   // assumed: one lane per column
            memories: [
                // rf_128B: 1024 bits, 8-bit ports, 0.095 pJ per access, one per PE, weights (I2)
                MemoryLevel(name: "rf_128B", bytes: 128, servedDims: [], operands: [.weight],
                            readBytesPerCycle: 1, writeBytesPerCycle: 1, readPjPerByte: 0.095, writePjPerByte: 0.095),
                // rf_2B: 16 bits, 16-bit ports, 0.021 pJ per access, one per PE, outputs
                MemoryLevel(name: "rf_2B", bytes: 2, servedDims: [], operands: [.output],
                            readBytesPerCycle: 2, writeBytesPerCycle: 2, readPjPerByte: 0.0105, writePjPerByte: 0.0105),
                // sram_2MB: 16,777,216 bits, ports up to 2048 bits, 416.16 / 378.4 pJ per access, inputs and outputs
                MemoryLevel(name: "sram_2MB", bytes: 2 << 20, servedDims: ["D1", "D2"], operands: [.input, .output],
                            readBytesPerCycle: 256, writeBytesPerCycle: 256, readPjPerByte: 416.16 / 256, writePjPerByte: 378.4 / 256),
                // dram: one 64-bit read-write port, 700 / 750 pJ per access
                MemoryLevel(name: "dram", bytes: 1_250_000_000, servedDims: ["D1", "D2"], operands: [.weight, .input, .output],
                            readBytesPerCycle: 8, writeBytesPerCycle: 8, readPjPerByte: 700.0 / 8, writePjPerByte: 750.0 / 8,
                            sharedPort: true),
            ])],
        noc: .none,
        dram: [DramChannel(row: -1, col: 0, bytesPerCycle: 8, pjPerByte: 87.5, bytes: 1_250_000_000)])

    /// A 14×12 row-stationary core, as ZigZag 3.9.1's `inputs/hardware/eyeriss_like.yaml`
    /// (Eyeriss: Chen et al., ISSCC 2016 / JSSC 2017: 168 PEs, per-PE scratchpads, 108 KB global buffer).
    public static let eyerissLike = ChipArch(
        name: "eyeriss-like",
        description: "14x12 row-stationary core, memories and energies of ZigZag 3.9.1 eyeriss_like",
        clockGhz: 0.2,   // Eyeriss: 200 MHz (JSSC 2017, Table IV)
        mesh: Mesh(rows: 1, cols: 1),
        coreTypes: [CoreType(
            name: "eyeriss-core",
            // Row stationary: filter rows down the PE columns, output rows across (JSSC 2017, Fig. 6);
            // channels and filters fill the PEs a small layer leaves idle.
            array: PEArray(dims: [ArrayDim(name: "D1", size: 14, unrolls: ["OY", "OX", "K"], multicast: true, reduction: false),
                                  ArrayDim(name: "D2", size: 12, unrolls: ["FY", "C", "K"], multicast: true, reduction: true)],
                           dataflow: .rowStationary, systolic: false),
            weightBits: 8, inputBits: 8, outputBits: 8, accumulatorBits: 16,
            macPj: 0.5,      // eyeriss_like.yaml unit_energy
            vector: VectorUnit(lanes: 14, pjPerOp: 0.5, transcendentalCycles: 4),   // assumed: one lane per PE column
            memories: [
                MemoryLevel(name: "rf_64B_A", bytes: 64, servedDims: [], operands: [.input],
                            readBytesPerCycle: 1, writeBytesPerCycle: 1, readPjPerByte: 1.0, writePjPerByte: 1.5),
                MemoryLevel(name: "rf_64B_W", bytes: 64, servedDims: [], operands: [.weight],
                            readBytesPerCycle: 1, writeBytesPerCycle: 1, readPjPerByte: 1.0, writePjPerByte: 1.5),
                // 24-bit ports, 1.5 / 2.0 pJ per access
                MemoryLevel(name: "rf_16B", bytes: 16, servedDims: [], operands: [.output],
                            readBytesPerCycle: 3, writeBytesPerCycle: 3, readPjPerByte: 1.5 / 3, writePjPerByte: 2.0 / 3),
                // 128-bit ports, 10 / 15 pJ per access
                MemoryLevel(name: "sram_8KB", bytes: 8 << 10, servedDims: ["D1", "D2"], operands: [.output],
                            readBytesPerCycle: 16, writeBytesPerCycle: 16, readPjPerByte: 10.0 / 16, writePjPerByte: 15.0 / 16,
                            sharedPort: true),
                MemoryLevel(name: "sram_64KB", bytes: 64 << 10, servedDims: ["D1", "D2"], operands: [.weight],
                            readBytesPerCycle: 16, writeBytesPerCycle: 16, readPjPerByte: 20.0 / 16, writePjPerByte: 25.0 / 16),
                // 384-bit read-write port, 100 / 130 pJ per access
                MemoryLevel(name: "sram_1M", bytes: 1 << 20, servedDims: ["D1", "D2"], operands: [.input, .output],
                            readBytesPerCycle: 48, writeBytesPerCycle: 48, readPjPerByte: 100.0 / 48, writePjPerByte: 130.0 / 48,
                            sharedPort: true),
                MemoryLevel(name: "dram", bytes: 1_250_000_000, servedDims: ["D1", "D2"], operands: [.weight, .input, .output],
                            readBytesPerCycle: 8, writeBytesPerCycle: 8, readPjPerByte: 125, writePjPerByte: 125, sharedPort: true),
            ])],
        noc: .none,
        dram: [DramChannel(row: -1, col: 0, bytesPerCycle: 8, pjPerByte: 125, bytes: 1_250_000_000)])

    /// 64 Simba-style cores on an 8×8 mesh. Core: Simba's PE (Shao et al., MICRO 2019, §3:
    /// 8 vector MACs of 8 lanes, 32 KB weight buffer, 8 KB input buffer, 3 KB accumulation
    /// buffer per PE; 64 KB global buffer) scaled to 16 such PEs per core. NoC of the class of
    /// Tenstorrent Wormhole (Hot Chips 33, 2021: 2-D torus, 32 B/cycle links, 1 GHz); DRAM: six
    /// GDDR6 channels at the west and east edges (Wormhole n150: 288 GB/s in all).
    public static let mesh8x8 = ChipArch(
        name: "mesh-8x8",
        description: "64 Simba-style cores (1024 int8 MACs each) on an 8x8 mesh, Wormhole-class NoC, 6 GDDR6 channels",
        clockGhz: 1.0,
        mesh: Mesh(rows: 8, cols: 8),
        coreTypes: [CoreType(
            name: "simba-core",
            array: PEArray(dims: [ArrayDim(name: "lanes", size: 8, unrolls: ["C"], multicast: true, reduction: true),
                                  ArrayDim(name: "vmacs", size: 8, unrolls: ["K"], multicast: true, reduction: false),
                                  ArrayDim(name: "pes", size: 16, unrolls: ["K", "OX", "OY"], multicast: true, reduction: false)],
                           dataflow: .weightStationary, systolic: false),
            weightBits: 8, inputBits: 8, outputBits: 8, accumulatorBits: 24,   // Simba: 24-bit accumulators
            macPj: 0.11,   // assumed: int8 MAC in 16 nm, of the order Simba reports (0.11 pJ/op at 0.42 V)
            vector: VectorUnit(lanes: 64, pjPerOp: 0.2, transcendentalCycles: 4),   // assumed: Simba's PPU, widened
            memories: [
                // Simba PE buffers (per PE = one lanes×vmacs block): assumed per-byte energies of
                // small SRAMs in 16 nm (Simba does not publish them per byte).
                MemoryLevel(name: "accum_3KB", bytes: 3 << 10, servedDims: ["lanes", "vmacs"], operands: [.output],
                            readBytesPerCycle: 24, writeBytesPerCycle: 24, readPjPerByte: 0.15, writePjPerByte: 0.2),
                MemoryLevel(name: "weight_32KB", bytes: 32 << 10, servedDims: ["lanes", "vmacs"], operands: [.weight],
                            readBytesPerCycle: 64, writeBytesPerCycle: 16, readPjPerByte: 0.25, writePjPerByte: 0.3),
                MemoryLevel(name: "input_8KB", bytes: 8 << 10, servedDims: ["lanes", "vmacs"], operands: [.input],
                            readBytesPerCycle: 8, writeBytesPerCycle: 16, readPjPerByte: 0.2, writePjPerByte: 0.25),
                MemoryLevel(name: "global_64KB", bytes: 64 << 10, servedDims: ["lanes", "vmacs", "pes"], operands: [.input, .output],
                            readBytesPerCycle: 32, writeBytesPerCycle: 32, readPjPerByte: 0.6, writePjPerByte: 0.7,
                            banks: 8, latencyCycles: 2, doubleBuffered: true),
                // GDDR6, 288 B/cycle over all channels at 1 GHz, about 7 pJ/bit (assumed, JEDEC-class figure)
                MemoryLevel(name: "dram", bytes: 12 << 30, servedDims: ["lanes", "vmacs", "pes", "mesh"], operands: [.weight, .input, .output],
                            readBytesPerCycle: 288, writeBytesPerCycle: 288, readPjPerByte: 56, writePjPerByte: 56,
                            latencyCycles: 400, sharedPort: true),
            ])],
        noc: Noc(topology: "torus2d", routing: "xy", linkBytesPerCycle: 32, hopCycles: 1, startupCycles: 60,
                 injectionBytesPerCycle: 32, pjPerByteHop: 0.4,   // assumed: ~0.05 pJ/bit/hop on-die wires
                 achieved: [NocPoint(transferBytes: 256, bytesPerCycle: 8), NocPoint(transferBytes: 2048, bytesPerCycle: 24),
                            NocPoint(transferBytes: 16384, bytesPerCycle: 30)],
                 // Wormhole's NoC multicasts a write to a rectangle of cores (Tenstorrent's
                 // tt-metal exposes it as noc_async_write_multicast).
                 multicast: true),
        dram: (0..<3).flatMap { i in [DramChannel(row: 1 + 3 * i, col: -1, bytesPerCycle: 48, pjPerByte: 56, bytes: 2 << 30),
                                      DramChannel(row: 1 + 3 * i, col: 8, bytesPerCycle: 48, pjPerByte: 56, bytes: 2 << 30)] })
}
