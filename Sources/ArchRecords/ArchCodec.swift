import Capnp
import ChipArch
import Schemas

/// The `arch` record (Formats/arch.capnp) to and from `ChipArch`.
public enum ArchCodec {
    /// Writes `arch` into a builder of the `Arch` struct.
    public static func write(_ arch: ChipArch, into b: Arch.Builder) {
        b.setName(arch.name)
        b.setDescription(arch.description)
        b.clockGhz = arch.clockGhz
        let mesh = b.initMesh()
        mesh.rows = UInt32(arch.mesh.rows)
        mesh.cols = UInt32(arch.mesh.cols)
        mesh.coreType = UInt32(arch.mesh.coreType)
        let disabled = mesh.initDisabled(count: arch.mesh.disabled.count)
        for (i, n) in arch.mesh.disabled.enumerated() {
            let nb = disabled.structElement(at: i, as: Schemas.MeshNode.Builder.self)
            nb.row = UInt32(n.row)
            nb.col = UInt32(n.col)
        }
        let cores = b.initCoreTypes(count: arch.coreTypes.count)
        for (i, c) in arch.coreTypes.enumerated() { write(c, into: cores.structElement(at: i, as: Schemas.CoreType.Builder.self)) }
        let noc = b.initNoc()
        noc.setTopology(arch.noc.topology)
        noc.setRouting(arch.noc.routing)
        noc.linkBytesPerCycle = arch.noc.linkBytesPerCycle
        noc.hopCycles = UInt32(arch.noc.hopCycles)
        noc.startupCycles = UInt32(arch.noc.startupCycles)
        noc.injectionBytesPerCycle = arch.noc.injectionBytesPerCycle
        noc.pjPerByteHop = arch.noc.pjPerByteHop
        noc.multicast = arch.noc.multicast
        let points = noc.initAchieved(count: arch.noc.achieved.count)
        for (i, p) in arch.noc.achieved.enumerated() {
            let pb = points.structElement(at: i, as: Schemas.NocPoint.Builder.self)
            pb.transferBytes = UInt64(p.transferBytes)
            pb.bytesPerCycle = p.bytesPerCycle
        }
        let dram = b.initDram(count: arch.dram.count)
        for (i, d) in arch.dram.enumerated() {
            let db = dram.structElement(at: i, as: Schemas.DramChannel.Builder.self)
            db.row = Int32(d.row)
            db.col = Int32(d.col)
            db.bytesPerCycle = d.bytesPerCycle
            db.pjPerByte = d.pjPerByte
            db.bytes = UInt64(d.bytes)
        }
    }

    static func write(_ c: ModelCore, into b: Schemas.CoreType.Builder) {
        b.setName(c.name)
        let array = b.initArray()
        let dims = array.initDims(count: c.array.dims.count)
        for (i, d) in c.array.dims.enumerated() {
            let db = dims.structElement(at: i, as: Schemas.ArrayDim.Builder.self)
            db.setName(d.name)
            db.size = UInt32(d.size)
            db.setUnrolls(d.unrolls)
            db.multicast = d.multicast
            db.reduction = d.reduction
        }
        array.dataflow = Schemas.Dataflow(rawValue: UInt16(ModelDataflow.allCases.firstIndex(of: c.array.dataflow)!))
        array.systolic = c.array.systolic
        b.weightBits = UInt32(c.weightBits)
        b.inputBits = UInt32(c.inputBits)
        b.outputBits = UInt32(c.outputBits)
        b.accumulatorBits = UInt32(c.accumulatorBits)
        b.macPj = c.macPj
        let v = b.initVector()
        v.lanes = UInt32(c.vector.lanes)
        v.pjPerOp = c.vector.pjPerOp
        v.transcendentalCycles = UInt32(c.vector.transcendentalCycles)
        let mems = b.initMemories(count: c.memories.count)
        for (i, m) in c.memories.enumerated() {
            let mb = mems.structElement(at: i, as: Schemas.MemoryLevel.Builder.self)
            mb.setName(m.name)
            mb.bytes = UInt64(m.bytes)
            mb.setServedDims(m.servedDims)
            mb.setOperands(m.operands.map { Schemas.Operand(rawValue: UInt16($0.rawValue)) })
            mb.readBytesPerCycle = m.readBytesPerCycle
            mb.writeBytesPerCycle = m.writeBytesPerCycle
            mb.readPjPerByte = m.readPjPerByte
            mb.writePjPerByte = m.writePjPerByte
            mb.banks = UInt32(m.banks)
            mb.latencyCycles = UInt32(m.latencyCycles)
            mb.doubleBuffered = m.doubleBuffered
            mb.sharedPort = m.sharedPort
        }
    }

    /// Reads an `Arch` record and checks it (`ChipArch.validate`); throws `ArchError` or a `CapnpError`.
    public static func read(_ r: Arch.Reader) throws -> ChipArch {
        let mr = try r.mesh
        var disabled: [ModelNode] = []
        for n in try mr.disabled { disabled.append(ModelNode(row: Int(n.row), col: Int(n.col))) }
        var cores: [ModelCore] = []
        for (i, c) in try r.coreTypes.enumerated() { cores.append(try read(c, "coreTypes[\(i)]")) }
        let nr = try r.noc
        var points: [ModelNocPoint] = []
        for p in try nr.achieved { points.append(ModelNocPoint(transferBytes: clamp(p.transferBytes), bytesPerCycle: p.bytesPerCycle)) }
        let noc = ModelNoc(topology: try nr.topology.string, routing: try nr.routing.string, linkBytesPerCycle: nr.linkBytesPerCycle,
                           hopCycles: Int(nr.hopCycles), startupCycles: Int(nr.startupCycles),
                           injectionBytesPerCycle: nr.injectionBytesPerCycle, pjPerByteHop: nr.pjPerByteHop, achieved: points,
                           multicast: nr.multicast)
        var dram: [ModelDram] = []
        for d in try r.dram {
            dram.append(ModelDram(row: Int(d.row), col: Int(d.col), bytesPerCycle: d.bytesPerCycle, pjPerByte: d.pjPerByte, bytes: clamp(d.bytes)))
        }
        let arch = ChipArch(name: try r.name.string, description: try r.description_.string, clockGhz: r.clockGhz,
                            mesh: ModelMesh(rows: Int(mr.rows), cols: Int(mr.cols), disabled: disabled, coreType: Int(mr.coreType)),
                            coreTypes: cores, noc: noc, dram: dram)
        try arch.validate()
        return arch
    }

    static func read(_ c: Schemas.CoreType.Reader, _ at: String) throws -> ModelCore {
        let ar = try c.array
        var dims: [ModelArrayDim] = []
        for d in try ar.dims {
            dims.append(ModelArrayDim(name: try d.name.string, size: Int(d.size), unrolls: try d.unrolls.strings(),
                                      multicast: d.multicast, reduction: d.reduction))
        }
        guard Int(ar.dataflow.rawValue) < ModelDataflow.allCases.count else {
            throw ArchError("\(at).array.dataflow", "unknown dataflow \(ar.dataflow.rawValue)")
        }
        var memories: [ModelMemory] = []
        for (i, m) in try c.memories.enumerated() {
            var operands: [ModelOperand] = []
            for o in try m.operands {
                guard let op = ModelOperand(rawValue: Int(o.rawValue)) else {
                    throw ArchError("\(at).memories[\(i)].operands", "unknown operand \(o.rawValue)")
                }
                operands.append(op)
            }
            memories.append(ModelMemory(name: try m.name.string, bytes: clamp(m.bytes), servedDims: try m.servedDims.strings(),
                                        operands: operands, readBytesPerCycle: m.readBytesPerCycle, writeBytesPerCycle: m.writeBytesPerCycle,
                                        readPjPerByte: m.readPjPerByte, writePjPerByte: m.writePjPerByte, banks: Int(m.banks),
                                        latencyCycles: Int(m.latencyCycles), doubleBuffered: m.doubleBuffered,
                                        sharedPort: m.sharedPort))
        }
        let v = try c.vector
        return ModelCore(name: try c.name.string,
                         array: ModelArray(dims: dims, dataflow: ModelDataflow.allCases[Int(ar.dataflow.rawValue)], systolic: ar.systolic),
                         weightBits: Int(c.weightBits), inputBits: Int(c.inputBits), outputBits: Int(c.outputBits),
                         accumulatorBits: Int(c.accumulatorBits), macPj: c.macPj,
                         vector: ModelVector(lanes: Int(v.lanes), pjPerOp: v.pjPerOp, transcendentalCycles: Int(v.transcendentalCycles)),
                         memories: memories)
    }

    /// Sizes beyond 2^62 bytes are not real; clamping keeps every later product finite.
    static func clamp(_ v: UInt64) -> Int { Int(min(v, 1 << 62)) }
}
