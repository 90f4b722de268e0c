import ArgumentParser
import Columns
import Profiling
import ToolKit

/// `dq-check profile [--segment-by COL] [--sequence USER,TIME[,ITEM]] [--now T]`: one profile
/// of every input's rows (table, events or seq-blocks streams with the same columns).
struct ProfileCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile the rows of table, events or seq-blocks streams.",
        discussion: "Per column and segment: rows, nulls, mean and M2, min/max, a log-bucket histogram, KLL quantiles, HyperLogLog distinct count and frequent items; with --sequence, per-user length and gap sketches and out-of-order, duplicate and future-time counts. Profiles merge (dq-check merge). See Docs/profile.md for every field's error bound.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles
    @OptionGroup var output: ProfileOutputOptions

    @Option(help: ArgumentHelp("Also profile each value of this column's rows separately.", valueName: "column"))
    var segmentBy: String?

    @Option(help: ArgumentHelp("Profile user sequences: the user and (integer) time columns, and optionally the item column for duplicates (default: the column with role item).", valueName: "user,time[,item]"))
    var sequence: String?

    @Option(help: ArgumentHelp("With --sequence: count events whose time is after this (in the time column's unit).", valueName: "time"))
    var now: Int64?

    @Option(help: ArgumentHelp("The unit of an events stream's times (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    @Option(help: ArgumentHelp("KLL accuracy parameter k (8-65535).", valueName: "k"))
    var kllK: Int = KLLSketch.defaultK

    @Option(help: ArgumentHelp("HyperLogLog precision p: 2^p registers (4-18).", valueName: "p"))
    var hllPrecision: Int = HyperLogLog.defaultPrecision

    @Option(help: ArgumentHelp("Distinct values counted exactly (then Misra-Gries heavy hitters with as many counters).", valueName: "n"))
    var frequentCapacity: Int = FrequentItems.defaultCapacity

    @Option(help: ArgumentHelp("Threads that profile columns side by side (the profile is the same for any number).", valueName: "n"))
    var threads: Int = 1

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads wants 1 to 256, not \(threads)") }
        guard (8...65_535).contains(kllK) else { throw ValidationError("--kll-k wants 8 to 65535, not \(kllK)") }
        guard (4...18).contains(hllPrecision) else { throw ValidationError("--hll-precision wants 4 to 18, not \(hllPrecision)") }
        guard (1...1 << 20).contains(frequentCapacity) else { throw ValidationError("--frequent-capacity wants 1 to 1048576, not \(frequentCapacity)") }
        if let s = sequence {
            let parts = s.split(separator: ",", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
                throw ValidationError("--sequence wants user,time or user,time,item, not '\(s)'")
            }
        } else if now != nil {
            throw ValidationError("--now needs --sequence")
        }
    }

    func run(_ tool: ToolContext) throws {
        var parameters = ColumnProfile.Parameters()
        parameters.kllK = kllK
        parameters.hllPrecision = hllPrecision
        parameters.frequentCapacity = frequentCapacity
        let sequenceOptions = sequence.map { s -> Profiler.SequenceOptions in
            let parts = s.split(separator: ",").map(String.init)
            return Profiler.SequenceOptions(user: parts[0], time: parts[1], item: parts.count > 2 ? parts[2] : nil, now: now)
        }
        var profiler: Profiler? = nil
        do {
            try RowInput(tool: tool, timeUnit: timeUnit).read(inputs.paths, onSchema: { schema in
                profiler = try Profiler(schema: schema, segmentBy: segmentBy, sequence: sequenceOptions, parameters: parameters)
                profiler!.threads = threads
            }) { batch in profiler!.add(batch) }
        } catch let e as ProfilingError {
            // "--segment-by: no column 'x'": the option is where, the rest what (exit 1: the data lacks it).
            let parts = e.message.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].hasPrefix("--") { throw ToolError(String(parts[0]), String(parts[1].dropFirst())) }
            throw ToolError("input", e.message)
        }
        try output.write(profiler!.finish(), tool)
    }
}
