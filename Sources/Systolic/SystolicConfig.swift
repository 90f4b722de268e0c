/// The array and its memories, as a SCALE-Sim configuration describes them.
public struct SystolicConfig: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var dataflow: SystolicDataflow
    /// SRAM sizes in KB (1 KB = 1024 one-byte words, SCALE-Sim's word).
    public var ifmapKB: Int
    public var filterKB: Int
    public var ofmapKB: Int
    /// DRAM words per cycle of each interface (SCALE-Sim's USER mode), or nil for its CALC mode,
    /// which estimates the bandwidth so that the array never stalls.
    public var bandwidth: Int?

    public init(rows: Int = 32, cols: Int = 32, dataflow: SystolicDataflow = .weightStationary,
                ifmapKB: Int = 512, filterKB: Int = 512, ofmapKB: Int = 256, bandwidth: Int? = nil) {
        self.rows = rows
        self.cols = cols
        self.dataflow = dataflow
        self.ifmapKB = ifmapKB
        self.filterKB = filterKB
        self.ofmapKB = ofmapKB
        self.bandwidth = bandwidth
    }

    /// Why the configuration cannot be used, or nil.
    public var problem: String? {
        if rows < 1 || cols < 1 || rows > 4096 || cols > 4096 { return "the array must be 1x1 to 4096x4096, got \(rows)x\(cols)" }
        for (what, kb) in [("IFMAP", ifmapKB), ("filter", filterKB), ("OFMAP", ofmapKB)] where kb < 1 || kb > 1 << 24 {
            return "the \(what) SRAM must be 1 KB to 16 GB, got \(kb) KB"
        }
        if let b = bandwidth, b < 1 || b > 1 << 20 { return "the bandwidth must be 1 to 1048576 words per cycle, got \(b)" }
        return nil
    }
}
