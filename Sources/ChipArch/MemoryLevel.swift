/// The operands of a MAC-array operator.
public enum Operand: Int, Sendable, Hashable, CaseIterable, Comparable {
    case weight = 0, input = 1, output = 2

    public static func < (a: Operand, b: Operand) -> Bool { a.rawValue < b.rawValue }

    /// One letter, as mapping papers write it.
    public var letter: String { ["W", "I", "O"][rawValue] }
}

/// One level of a core's memory hierarchy.
public struct MemoryLevel: Sendable, Hashable {
    public var name: String
    /// Capacity of one instance.
    public var bytes: Int
    /// The array dimensions one instance spans; empty means one instance per PE.
    public var servedDims: [String]
    /// Which operands it may hold.
    public var operands: [Operand]
    /// Port widths of one instance.
    public var readBytesPerCycle: Double
    public var writeBytesPerCycle: Double
    public var readPjPerByte: Double
    public var writePjPerByte: Double
    public var banks: Int
    /// First-access latency, paid once per fill that the compute waits for.
    public var latencyCycles: Int
    /// Refills overlap compute; half the capacity holds the next tile.
    public var doubleBuffered: Bool
    /// Reads and writes take turns on one port; otherwise each has its own.
    public var sharedPort: Bool

    public init(name: String, bytes: Int, servedDims: [String], operands: [Operand], readBytesPerCycle: Double,
                writeBytesPerCycle: Double, readPjPerByte: Double, writePjPerByte: Double, banks: Int = 1,
                latencyCycles: Int = 1, doubleBuffered: Bool = false, sharedPort: Bool = false) {
        self.name = name
        self.bytes = bytes
        self.servedDims = servedDims
        self.operands = operands
        self.readBytesPerCycle = readBytesPerCycle
        self.writeBytesPerCycle = writeBytesPerCycle
        self.readPjPerByte = readPjPerByte
        self.writePjPerByte = writePjPerByte
        self.banks = banks
        self.latencyCycles = latencyCycles
        self.doubleBuffered = doubleBuffered
        self.sharedPort = sharedPort
    }

    /// Cycles one instance's ports need for `reads` and `writes` bytes.
    public func portCycles(reads: Double, writes: Double) -> Double {
        Self.portCycles(reads: reads, writes: writes, readBytesPerCycle: readBytesPerCycle,
                        writeBytesPerCycle: writeBytesPerCycle, sharedPort: sharedPort)
    }

    /// `portCycles` from the port figures alone (for a copy of them kept apart from the level).
    public static func portCycles(reads: Double, writes: Double, readBytesPerCycle: Double, writeBytesPerCycle: Double,
                                  sharedPort: Bool) -> Double {
        let r = reads / readBytesPerCycle, w = writes / writeBytesPerCycle
        return sharedPort ? r + w : max(r, w)
    }

    /// Port time of a change in traffic of `reads` and `writes` bytes per instance (either
    /// negative: bytes no longer moved): each direction timed on its own, with its sign.
    public func portCyclesOfChange(reads: Double, writes: Double) -> Double {
        (reads < 0 ? -1.0 : 1.0) * portCycles(reads: abs(reads), writes: 0)
            + (writes < 0 ? -1.0 : 1.0) * portCycles(reads: 0, writes: abs(writes))
    }

    /// Bytes a mapping may fill: half when double-buffered.
    public var usableBytes: Int { doubleBuffered ? bytes / 2 : bytes }

    /// Whether it may hold `operand`.
    public func holds(_ operand: Operand) -> Bool { operands.contains(operand) }
}
