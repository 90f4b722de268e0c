/// A description that cannot be costed: where in it (e.g. "coreTypes[0].memories[2]") and why.
public struct ArchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var reason: String
    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason
    }
    public var description: String { "\(location): \(reason)" }
}

extension ChipArch {
    /// Checks what the cost model relies on: positive sizes and bandwidths, finite energies,
    /// known dimension names, every operand reachable from a backing level that holds all three.
    public func validate() throws {
        guard !name.isEmpty else { throw ArchError("name", "is empty") }
        guard clockGhz.isFinite, clockGhz > 0 else { throw ArchError("clockGhz", "must be a positive number") }
        guard mesh.rows >= 1, mesh.cols >= 1, mesh.rows * mesh.cols <= 1 << 16 else {
            throw ArchError("mesh", "rows and cols must be 1...65536 nodes in all")
        }
        guard mesh.enabledCount >= 1 else { throw ArchError("mesh.disabled", "disables every node") }
        for (i, n) in mesh.disabled.enumerated() where n.row < 0 || n.row >= mesh.rows || n.col < 0 || n.col >= mesh.cols {
            throw ArchError("mesh.disabled[\(i)]", "(\(n.row), \(n.col)) is outside the \(mesh.rows)x\(mesh.cols) mesh")
        }
        guard mesh.coreType >= 0, mesh.coreType < coreTypes.count else {
            throw ArchError("mesh.coreType", "\(mesh.coreType) names no core type (\(coreTypes.count) given)")
        }
        for (c, core) in coreTypes.enumerated() { try core.validate("coreTypes[\(c)]") }
        for (i, d) in dram.enumerated() where !(d.bytesPerCycle > 0 && d.pjPerByte >= 0 && d.pjPerByte.isFinite) {
            throw ArchError("dram[\(i)]", "needs a positive bandwidth and a finite energy")
        }
    }
}

extension CoreType {
    func validate(_ at: String) throws {
        guard !array.dims.isEmpty, array.dims.count <= 8 else { throw ArchError("\(at).array", "needs 1 to 8 dimensions") }
        var names = Set<String>()
        for (i, d) in array.dims.enumerated() {
            let here = "\(at).array.dims[\(i)]"
            guard d.size >= 1, d.size <= 1 << 16 else { throw ArchError(here, "size \(d.size) is not in 1...65536") }
            guard !d.name.isEmpty, d.name != "mesh", names.insert(d.name).inserted else {
                throw ArchError(here, "name '\(d.name)' is empty, reserved or repeated")
            }
            guard !d.unrolls.isEmpty else { throw ArchError(here, "unrolls no loop dimension") }
            for u in d.unrolls where !ChipArch.loopDimNames.contains(u) {
                throw ArchError(here, "unknown loop dimension '\(u)' (known: \(ChipArch.loopDimNames.joined(separator: " ")))")
            }
        }
        guard array.peCount <= 1 << 20 else { throw ArchError("\(at).array", "more than 2^20 PEs") }
        for (name, bits) in [("weightBits", weightBits), ("inputBits", inputBits), ("outputBits", outputBits), ("accumulatorBits", accumulatorBits)]
        where bits < 1 || bits > 64 {
            throw ArchError("\(at).\(name)", "\(bits) is not in 1...64")
        }
        guard macPj.isFinite, macPj >= 0 else { throw ArchError("\(at).macPj", "must be a finite non-negative number") }
        guard vector.lanes >= 1, vector.transcendentalCycles >= 1, vector.pjPerOp.isFinite, vector.pjPerOp >= 0 else {
            throw ArchError("\(at).vector", "needs at least one lane, one cycle per transcendental and a finite energy")
        }
        guard !memories.isEmpty, memories.count <= 16 else { throw ArchError("\(at).memories", "needs 1 to 16 levels") }
        for (i, m) in memories.enumerated() {
            let here = "\(at).memories[\(i)] (\(m.name))"
            guard m.bytes >= 1 else { throw ArchError(here, "bytes must be positive") }
            guard m.readBytesPerCycle > 0, m.writeBytesPerCycle > 0, m.readBytesPerCycle.isFinite, m.writeBytesPerCycle.isFinite else {
                throw ArchError(here, "read and write bytes per cycle must be positive")
            }
            guard m.readPjPerByte >= 0, m.writePjPerByte >= 0, m.readPjPerByte.isFinite, m.writePjPerByte.isFinite else {
                throw ArchError(here, "energies must be finite and non-negative")
            }
            guard !m.operands.isEmpty else { throw ArchError(here, "holds no operand") }
            guard m.banks >= 1, m.latencyCycles >= 0 else { throw ArchError(here, "needs at least one bank and a non-negative latency") }
            for s in m.servedDims where s != "mesh" && !names.contains(s) {
                throw ArchError(here, "serves unknown array dimension '\(s)'")
            }
            if i > 0, !Set(memories[i - 1].servedDims).isSubset(of: Set(m.servedDims)) {
                throw ArchError(here, "must serve at least the array dimensions of the level inside it")
            }
        }
        guard let last = memories.last, Set(last.operands) == Set(Operand.allCases) else {
            throw ArchError("\(at).memories", "the last (backing) level must hold weights, inputs and outputs")
        }
        guard Set(last.servedDims).isSuperset(of: names) else {
            throw ArchError("\(at).memories", "the last (backing) level must serve every array dimension")
        }
    }
}
