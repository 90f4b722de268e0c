import ArgumentParser
import Pipes
import ProfileRecords
import Profiling
import ToolKit

/// `dq-check merge A B ...`: profile streams of parts of a table (days, shards) into the
/// profile of the whole.
struct MergeCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge profile streams into one.",
        discussion: "Counts, extremes and histograms merge exactly, mean and M2 up to rounding, the sketches within their error bounds; the result does not depend on the order of the inputs beyond that. The inputs must profile the same columns with the same sketch parameters.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles
    @OptionGroup var output: ProfileOutputOptions

    func run(_ tool: ToolContext) throws {
        var merged: ProfileSet? = nil
        for path in inputs.paths {
            let stream = try tool.openStream(path, expecting: .profile)
            let p = try ProfileRecord.read(stream)
            if merged == nil { merged = p; continue }
            do { try merged!.merge(p) } catch let e as ProfilingError { throw ToolError(stream.source, e.message) }
        }
        try output.write(merged!, tool)
    }
}
