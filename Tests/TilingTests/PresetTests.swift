import ArchRecords
import Capnp
import ChipArch
import Schemas
import Testing

/// The presets are valid, survive the arch record round trip, and bad descriptions are
/// rejected with where and why.
@Suite struct PresetTests {
    @Test func presetsValidate() throws {
        for p in ChipArch.presets { try p.validate() }
        #expect(ChipArch.preset(named: "tpu-like")?.totalPEs == 1024)
        #expect(ChipArch.preset(named: "eyeriss-like")?.totalPEs == 168)
        #expect(ChipArch.preset(named: "mesh-8x8")?.coreCount == 64)
    }

    func roundTrip(_ arch: ChipArch) throws -> ChipArch {
        let builder = MessageBuilder()
        ArchCodec.write(arch, into: Arch.Builder(builder.initRoot(dataWords: Arch.dataWordCount, pointerCount: Arch.pointerCount)))
        let message = try Message(segments: builder.segmentsForWriting)
        return try ArchCodec.read(Arch.Reader(try message.root()))
    }

    @Test func archRecordRoundTrips() throws {
        for p in ChipArch.presets { #expect(try roundTrip(p) == p) }
        var harvested = ChipArch.mesh8x8
        harvested.mesh.disabled = [MeshNode(row: 7, col: 0), MeshNode(row: 7, col: 1)]
        #expect(try roundTrip(harvested) == harvested)
        #expect(harvested.coreCount == 62)
    }

    @Test func badDescriptionsNameWhereAndWhy() throws {
        var noBacking = ChipArch.tpuLike
        noBacking.coreTypes[0].memories.removeLast()
        #expect(throws: ArchError("coreTypes[0].memories", "the last (backing) level must hold weights, inputs and outputs")) {
            try noBacking.validate()
        }
        var badDim = ChipArch.tpuLike
        badDim.coreTypes[0].array.dims[0].unrolls = ["Q"]
        #expect(throws: ArchError.self) { try badDim.validate() }
        var zeroBandwidth = ChipArch.eyerissLike
        zeroBandwidth.coreTypes[0].memories[3].readBytesPerCycle = 0
        #expect(throws: ArchError.self) { try roundTrip(zeroBandwidth) }
        var offMesh = ChipArch.mesh8x8
        offMesh.mesh.disabled = [MeshNode(row: 9, col: 0)]
        #expect(throws: ArchError("mesh.disabled[0]", "(9, 0) is outside the 8x8 mesh")) { try offMesh.validate() }
    }
}
