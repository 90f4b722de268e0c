import Schemas

/// Every stream kind of Formats/, in one place. Each is built from the generated code of its
/// schema file: the name and version from the file's `kind` and `schemaVersion` constants, the
/// trailer's union tag and the frame layout from the generated frame struct, so nothing here
/// is copied by hand from a .capnp file. A new format adds one line.
extension StreamKind {
    /// Formats/sample.capnp (`SampleFrame`: header, row, trailer): the test kind.
    public static let sample = StreamKind(name: SampleSchema.kind, frameType: "SampleFrame",
                                          schemaVersion: SampleSchema.schemaVersion, frame: SampleFrame.Builder.self)
    /// Formats/graph.capnp (`GraphFrame`): what graph-opt writes and op-bench --graph reads.
    public static let graph = StreamKind(name: GraphSchema.kind, frameType: "GraphFrame",
                                         schemaVersion: GraphSchema.schemaVersion, frame: GraphFrame.Builder.self)
    /// Formats/events.capnp (`EventsFrame`: header, schema, batch…, trailer).
    public static let events = StreamKind(name: EventsSchema.kind, frameType: "EventsFrame",
                                          schemaVersion: EventsSchema.schemaVersion, frame: EventsFrame.Builder.self)
    /// Formats/seq-blocks.capnp (`SeqFrame`: header, schema, block…, trailer).
    public static let seqBlocks = StreamKind(name: SeqBlocksSchema.kind, frameType: "SeqFrame",
                                             schemaVersion: SeqBlocksSchema.schemaVersion, frame: SeqFrame.Builder.self)
    /// Formats/bench.capnp (`BenchFrame`: header, result…, trailer): what op-bench writes.
    public static let bench = StreamKind(name: BenchSchema.kind, frameType: "BenchFrame",
                                         schemaVersion: BenchSchema.schemaVersion, frame: BenchFrame.Builder.self)
    /// Formats/table.capnp (`TableFrame`: header, rowSchema, batch…, trailer): the data tools' table.
    public static let table = StreamKind(name: Schemas.TableSchema.kind, frameType: "TableFrame",
                                         schemaVersion: Schemas.TableSchema.schemaVersion, frame: TableFrame.Builder.self)
    /// Formats/arch.capnp (`ArchFrame`: header, arch, trailer): an accelerator description.
    public static let arch = StreamKind(name: ArchSchema.kind, frameType: "ArchFrame",
                                        schemaVersion: ArchSchema.schemaVersion, frame: ArchFrame.Builder.self)
    /// Formats/tiles.capnp (`TilesFrame`: header, arch, graph, group…, edge…, trailer): what tile-plan writes.
    public static let tiles = StreamKind(name: TilesSchema.kind, frameType: "TilesFrame",
                                         schemaVersion: TilesSchema.schemaVersion, frame: TilesFrame.Builder.self)
    /// Formats/profile.capnp (`ProfileFrame`: header, source, column…, sequence?, trailer): what dq-check profile and merge write.
    public static let profile = StreamKind(name: ProfileSchema.kind, frameType: "ProfileFrame",
                                           schemaVersion: ProfileSchema.schemaVersion, frame: ProfileFrame.Builder.self)
    /// Formats/tensors.capnp (`TensorsFrame`: header, dense…, jagged…, trailer): what feat-etl transform writes.
    public static let tensors = StreamKind(name: TensorsSchema.kind, frameType: "TensorsFrame",
                                           schemaVersion: TensorsSchema.schemaVersion, frame: TensorsFrame.Builder.self)
    /// Formats/placed.capnp (`PlacedFrame`: header, the tiles records, plan, placement…, route…, link…, core…, trailer): what place-route writes.
    public static let placed = StreamKind(name: PlacedSchema.kind, frameType: "PlacedFrame",
                                          schemaVersion: PlacedSchema.schemaVersion, frame: PlacedFrame.Builder.self)
    /// Formats/sim.capnp (`SimFrame`: header, arch, summary, group…, core…, link…, events…, check…, trailer; or systolic layers): what npu-sim writes.
    public static let sim = StreamKind(name: SimSchema.kind, frameType: "SimFrame",
                                       schemaVersion: SimSchema.schemaVersion, frame: SimFrame.Builder.self)
}
