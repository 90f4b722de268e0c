/// The network-on-chip between cores (and from cores to the DRAM channels).
public struct Noc: Sendable, Hashable {
    /// "mesh2d", "torus2d", or "none" for a single core.
    public var topology: String
    public var routing: String
    public var linkBytesPerCycle: Double
    public var hopCycles: Int
    /// Per transfer: packetization and DMA set-up.
    public var startupCycles: Int
    /// What one node can inject per cycle.
    public var injectionBytesPerCycle: Double
    public var pjPerByteHop: Double
    /// Measured bandwidth by transfer size: small transfers do not reach the link rate.
    public var achieved: [NocPoint]
    /// Whether routers copy a packet onto several output links, so one injection reaches many
    /// cores along a tree (broadcast of weights or activations) instead of one unicast each.
    public var multicast: Bool

    public init(topology: String, routing: String, linkBytesPerCycle: Double, hopCycles: Int, startupCycles: Int,
                injectionBytesPerCycle: Double, pjPerByteHop: Double, achieved: [NocPoint] = [], multicast: Bool = false) {
        self.multicast = multicast
        self.topology = topology
        self.routing = routing
        self.linkBytesPerCycle = linkBytesPerCycle
        self.hopCycles = hopCycles
        self.startupCycles = startupCycles
        self.injectionBytesPerCycle = injectionBytesPerCycle
        self.pjPerByteHop = pjPerByteHop
        self.achieved = achieved
    }

    /// No network: a single-core accelerator.
    public static let none = Noc(topology: "none", routing: "none", linkBytesPerCycle: 0, hopCycles: 0, startupCycles: 0,
                                 injectionBytesPerCycle: 0, pjPerByteHop: 0)
}

/// One point of the achieved-bandwidth curve.
public struct NocPoint: Sendable, Hashable {
    public var transferBytes: Int
    public var bytesPerCycle: Double
    public init(transferBytes: Int, bytesPerCycle: Double) {
        self.transferBytes = transferBytes
        self.bytesPerCycle = bytesPerCycle
    }
}

/// One DRAM channel; `row`/`col` say where it attaches (-1 or `rows`/`cols` for an edge).
public struct DramChannel: Sendable, Hashable {
    public var row: Int
    public var col: Int
    public var bytesPerCycle: Double
    public var pjPerByte: Double
    public var bytes: Int

    public init(row: Int, col: Int, bytesPerCycle: Double, pjPerByte: Double, bytes: Int) {
        self.row = row
        self.col = col
        self.bytesPerCycle = bytesPerCycle
        self.pjPerByte = pjPerByte
        self.bytes = bytes
    }
}
