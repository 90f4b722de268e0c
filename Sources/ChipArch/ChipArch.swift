/// An accelerator as data: a 2-D mesh of cores (some disabled), the core types, the
/// network-on-chip and the DRAM channels. Every tool of the chip stages (tile-plan,
/// place-route, npu-sim) costs against one of these, so it carries figures only, no behaviour
/// beyond checks and derived totals. Units are in the names: bytes, cycles, pJ.
public struct ChipArch: Sendable, Hashable {
    /// Short name, e.g. "tpu-like"; what `--arch` selects.
    public var name: String
    /// One line, with where the figures come from.
    public var description: String
    /// Core clock in GHz: cycles convert to seconds with it.
    public var clockGhz: Double
    /// Which mesh nodes hold a core.
    public var mesh: Mesh
    /// The core types; `mesh.coreType` indexes this list.
    public var coreTypes: [CoreType]
    /// The network between cores and to the DRAM channels.
    public var noc: Noc
    /// Off-chip memory channels at the mesh edges.
    public var dram: [DramChannel]

    public init(name: String, description: String, clockGhz: Double, mesh: Mesh, coreTypes: [CoreType],
                noc: Noc, dram: [DramChannel]) {
        self.name = name
        self.description = description
        self.clockGhz = clockGhz
        self.mesh = mesh
        self.coreTypes = coreTypes
        self.noc = noc
        self.dram = dram
    }

    /// The core type every enabled node has.
    public var core: CoreType { coreTypes[mesh.coreType] }

    /// Enabled cores.
    public var coreCount: Int { mesh.enabledCount }

    /// Every PE of every enabled core.
    public var totalPEs: Int { coreCount * core.array.peCount }
}

/// The mesh: `rows × cols` nodes, minus the disabled ones.
public struct Mesh: Sendable, Hashable {
    public var rows: Int
    public var cols: Int
    /// Harvested or faulty nodes: no core there, though links still route through.
    public var disabled: [MeshNode]
    /// Index into `ChipArch.coreTypes` of the core every enabled node has.
    public var coreType: Int

    public init(rows: Int, cols: Int, disabled: [MeshNode] = [], coreType: Int = 0) {
        self.rows = rows
        self.cols = cols
        self.disabled = disabled
        self.coreType = coreType
    }

    /// Nodes with a working core (disabled nodes counted once even if listed twice).
    public var enabledCount: Int {
        rows * cols - Set(disabled.filter { $0.row < rows && $0.col < cols }).count
    }
}

/// One node of the mesh.
public struct MeshNode: Sendable, Hashable {
    public var row: Int
    public var col: Int
    public init(row: Int, col: Int) { self.row = row; self.col = col }
}
