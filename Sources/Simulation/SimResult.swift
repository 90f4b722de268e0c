/// The trace: one row per event (a unit busy from `start` to `end`), columns of equal length,
/// in start order (ties in the order the simulation granted them).
public struct SimEvents: Sendable, Equatable {
    public var unit: [UInt8] = []
    /// Core (MAC array, vector unit, SRAM port), link (NoC) or DRAM channel.
    public var resource: [UInt32] = []
    public var group: [UInt32] = []
    /// The first tile of the chunk the event belongs to.
    public var tile: [UInt32] = []
    public var start: [UInt64] = []
    /// Exclusive.
    public var end: [UInt64] = []
    public var bytes: [UInt64] = []

    public init() {}
    public var count: Int { unit.count }
}

/// One core's figures over the run.
public struct SimCoreStats: Sendable, Equatable {
    public var core: Int
    public var macBusyCycles: UInt64 = 0
    public var vectorBusyCycles: UInt64 = 0
    public var sramBusyCycles: UInt64 = 0
    public var sramReadBytes: UInt64 = 0
    public var sramWriteBytes: UInt64 = 0
    public var macs = 0.0
    public var utilization = 0.0
    /// Its share of the compute and on-chip memory energy.
    public var energyPj = 0.0
}

/// One link's (or DRAM channel's) figures over the run.
public struct SimLinkStats: Sendable, Equatable {
    public var index: Int
    public var bytes: UInt64 = 0
    public var busyCycles: UInt64 = 0
    public var utilization = 0.0
    /// Cycles transfers waited because this link (channel) was still busy.
    public var contentionCycles: UInt64 = 0
}

/// One group, simulated against the placement's figures.
public struct SimGroupTiming: Sendable, Equatable {
    public var group: Int
    /// First event start and last event end (both 0 for a group without events).
    public var start: UInt64 = 0
    public var end: UInt64 = 0
    /// The busiest core's MAC/vector cycles for this group.
    public var computeCycles: UInt64 = 0
    /// On that core: the group's span there less its compute (waiting for SRAM, NoC, DRAM).
    public var waitCycles: UInt64 = 0
    public var analyticCycles = 0.0
    /// analytic / simulated − 1 (0 without events).
    public var error = 0.0
    public var simulatedCycles: UInt64 { end - start }
}

/// Everything a simulation found.
public struct SimResult: Sendable {
    public var events: SimEvents
    /// The latest event end.
    public var makespan: UInt64
    /// Indexed by mesh node.
    public var cores: [SimCoreStats]
    /// Every link that carried an event, ascending.
    public var links: [SimLinkStats]
    /// Indexed by DRAM channel.
    public var channels: [SimLinkStats]
    public var groups: [SimGroupTiming]
    public var macPj: Double
    public var sramPj: Double
    public var nocPj: Double
    public var dramPj: Double
    public var dramBytes: UInt64
    public var nocByteHops: UInt64
    /// Cycles transfers waited for a busy link or channel, summed over transfers.
    public var contentionCycles: UInt64
    /// MACs / (makespan × PEs of every enabled core).
    public var macUtilization: Double
    public var energyPj: Double { macPj + sramPj + nocPj + dramPj }
}
