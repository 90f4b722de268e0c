import Foundation

/// The figures of the chip the simulation times against. The command library derives them
/// from a `ChipArch` (which level is the staging SRAM, how many instances a core has); tests
/// write small ones out.
public struct SimChip: Sendable {
    /// Cycles per microsecond is `clockGhz × 1000`.
    public var clockGhz: Double
    /// PEs of one core (utilization is MACs over makespan × PEs).
    public var pesPerCore: Int
    /// Enabled cores (the chip's utilization counts all of them).
    public var enabledCores: Int
    /// The core's staging SRAM (the on-chip level that data from the NoC and DRAM lands in):
    /// its ports, all instances of one core together.
    public var sramReadBytesPerCycle: Double
    public var sramWriteBytesPerCycle: Double
    /// Reads and writes take turns on one port.
    public var sramSharedPort: Bool
    /// The next chunk's data may arrive while the current chunk computes.
    public var doubleBuffered: Bool
    /// Bytes per cycle of every link (`SimProgram.linkCount` of them).
    public var linkBytesPerCycle: [Double]
    public var hopCycles: Int
    /// Per transfer: packetization and DMA set-up.
    public var startupCycles: Int
    /// Measured bandwidth by transfer size (bytes, bytes per cycle), ascending; empty: the link rate.
    public var achieved: [(bytes: Int, bytesPerCycle: Double)]
    /// Per DRAM channel.
    public var channelBytesPerCycle: [Double]
    public var channelPjPerByte: [Double]
    /// First-access latency of a DRAM read: its data is usable this long after the transfer.
    public var dramLatencyCycles: Int
    public var macPj: Double
    public var vectorPjPerOp: Double
    public var pjPerByteHop: Double

    public init(clockGhz: Double, pesPerCore: Int, enabledCores: Int, sramReadBytesPerCycle: Double, sramWriteBytesPerCycle: Double,
                sramSharedPort: Bool, doubleBuffered: Bool, linkBytesPerCycle: [Double], hopCycles: Int, startupCycles: Int,
                achieved: [(bytes: Int, bytesPerCycle: Double)], channelBytesPerCycle: [Double], channelPjPerByte: [Double],
                dramLatencyCycles: Int, macPj: Double, vectorPjPerOp: Double, pjPerByteHop: Double) {
        self.clockGhz = clockGhz
        self.pesPerCore = pesPerCore
        self.enabledCores = enabledCores
        self.sramReadBytesPerCycle = sramReadBytesPerCycle
        self.sramWriteBytesPerCycle = sramWriteBytesPerCycle
        self.sramSharedPort = sramSharedPort
        self.doubleBuffered = doubleBuffered
        self.linkBytesPerCycle = linkBytesPerCycle
        self.hopCycles = hopCycles
        self.startupCycles = startupCycles
        self.achieved = achieved
        self.channelBytesPerCycle = channelBytesPerCycle
        self.channelPjPerByte = channelPjPerByte
        self.dramLatencyCycles = dramLatencyCycles
        self.macPj = macPj
        self.vectorPjPerOp = vectorPjPerOp
        self.pjPerByteHop = pjPerByteHop
    }

    /// The bandwidth a transfer of `bytes` reaches: the measured curve, linear in log(size)
    /// between its points and flat beyond them, never above `cap` (the slowest resource held).
    public func bandwidth(_ bytes: UInt64, cap: Double) -> Double {
        guard let first = achieved.first, let last = achieved.last else { return cap }
        let size = Double(max(bytes, 1))
        var bw: Double
        if size <= Double(first.bytes) {
            bw = first.bytesPerCycle
        } else if size >= Double(last.bytes) {
            bw = last.bytesPerCycle
        } else {
            bw = last.bytesPerCycle
            for k in 1..<achieved.count where size <= Double(achieved[k].bytes) {
                let a = achieved[k - 1], b = achieved[k]
                let t = (log2(size) - log2(Double(a.bytes))) / (log2(Double(b.bytes)) - log2(Double(a.bytes)))
                bw = a.bytesPerCycle + t * (b.bytesPerCycle - a.bytesPerCycle)
                break
            }
        }
        return max(min(bw, cap), 1e-9)
    }
}
