import ArchRecords
import Capnp
import ChipArch
import Pipes
import Schemas
import ToolKit

/// `--arch`: a preset's name, or the path of an arch stream (`tile-plan --print-arch` writes
/// one; `capnp encode Formats/arch.capnp ArchFrame` makes one from text).
enum ArchSource {
    static func resolve(_ value: String, _ tool: ToolContext) throws -> ChipArch {
        if let preset = ChipArch.preset(named: value) { return preset }
        guard value.contains("/") || value.contains(".") || value == "-" else {
            throw ToolError.usage("--arch", "no preset '\(value)' (presets: \(ChipArch.presets.map(\.name).joined(separator: ", "))) and not a file path")
        }
        let stream = try tool.openStream(value, expecting: .arch)
        var found: ChipArch?
        while let root = try stream.next() {
            guard case .arch(let r) = try ArchFrame.Reader(root).which() else { continue }
            guard found == nil else { throw ToolError(value, "holds more than one arch record") }
            do { found = try ArchCodec.read(r) } catch let e as ArchError { throw ToolError(value, e.description) }
        }
        guard let arch = found else { throw ToolError(value, "the arch stream holds no arch record") }
        return arch
    }
}
