import ArgumentParser
import Capnp
import GraphIO
import GraphIR
import Kernels
import Benchmarking
import OpCost
import Pipes
import Schemas
import ToolKit

/// op-bench(1): times the Kernels operators at model shapes and writes a bench stream.
public struct OpBenchCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "op-bench",
        abstract: "Time the Kernels operators at the shapes of real models; write a bench stream.",
        discussion: "Suites: \(Suites.names.joined(separator: ", ")). On a terminal the stream is shown as a table.",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions

    @Option(name: .customLong("suite"), help: ArgumentHelp("Run suite <name> (repeatable; default: kernels).", valueName: "name"))
    var suites: [String] = []

    @Option(help: ArgumentHelp("Benchmark every op of the graph stream at <path> (\"-\": stdin, as graph-opt writes it) at its shapes, instead of suites.", valueName: "path"))
    var graph: String?

    @Option(name: .customLong("dim"), help: ArgumentHelp("With --graph: give the symbolic dimension <name> the extent <n> (repeatable), e.g. seq=128.", valueName: "name=n"))
    var dims: [String] = []

    @Option(help: ArgumentHelp("Only cases whose site, operator or shape contains <text> (case-insensitive).", valueName: "text"))
    var filter: String?

    @Option(help: ArgumentHelp("Comma-separated thread counts; each case runs at each (default: 1).", valueName: "list"),
            transform: ThreadCounts.parse)
    var threads = ThreadCounts(counts: [1])

    @Option(help: ArgumentHelp("At least <n> timed runs per case.", valueName: "n"))
    var reps: Int = 5

    @Option(name: .customLong("max-reps"), help: ArgumentHelp("At most <n> timed runs per case.", valueName: "n"))
    var maxReps: Int = 100

    @Option(name: .customLong("min-time"), help: ArgumentHelp("Keep timing a case until <seconds> of runs.", valueName: "seconds"))
    var minTime: Double = 0.2

    @Option(help: ArgumentHelp("With --compare: split each side's runs into <n> batches, alternating ours and the peer's.", valueName: "n"))
    var rounds: Int = 4

    @Flag(help: "Measure peak FLOP/s (FMA loop) and memory bandwidth (triad) first; report roofline fractions.")
    var roofline = false

    @Option(help: ArgumentHelp("Time every case in <peer> too (numpy or onnxruntime) and report the ratio.", valueName: "peer"))
    var compare: Peer?

    @Option(help: ArgumentHelp("The Python interpreter for --compare.", valueName: "path"))
    var python: String = "python3"

    @Option(name: .customLong("peer-script"), help: ArgumentHelp("The peer runner for --compare (default: Tools/op_bench_peer.py of the source tree, else op_bench_peer.py on PATH).", valueName: "path"))
    var peerScript: String?

    @Flag(help: "List the selected cases (suite, site, operator, shape, GFLOP, MB) without running them.")
    var list = false

    public init() {}

    public func validate() throws {
        guard reps >= 1, maxReps >= reps else { throw ValidationError("--reps must be >= 1 and --max-reps >= --reps") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be >= 1") }
        guard minTime >= 0, minTime.isFinite else { throw ValidationError("--min-time must be a non-negative number of seconds") }
        if graph != nil && !suites.isEmpty { throw ValidationError("--graph and --suite cannot be combined") }
        guard symbols != nil else { throw ValidationError("--dim must be <name>=<positive integer>") }
    }

    /// The --dim bindings, nil when one is malformed.
    var symbols: [String: Int]? { ValueShapes.bindings(dims) }

    public func run(_ tool: ToolContext) throws {
        let cases: [BenchCase]
        if let graph {
            cases = BenchPlan.filter(try GraphInput.cases(graph, symbols: symbols!, tool), filter)
        } else {
            do {
                cases = try BenchPlan.select(suites: suites.isEmpty ? ["kernels"] : suites, filter: filter)
            } catch let e as KernelError {
                throw ToolError.usage("usage", e.message)
            }
        }
        if list {
            let out = try tool.output()
            try BenchListing.write(cases, to: out)
            return
        }
        var plan = BenchPlan(cases: cases, threadCounts: threads.counts)
        plan.minRepetitions = reps
        plan.maxRepetitions = maxReps
        plan.minSeconds = minTime
        plan.roofline = roofline
        plan.peer = compare?.rawValue
        plan.rounds = rounds
        // Start the peer before the first frame so a missing Python fails with nothing written.
        let peerProcess: PeerProcess?
        do {
            peerProcess = try compare.map { _ in try PeerProcess(python: python, script: peerScript ?? PeerProcess.defaultScript()) }
        } catch let failure as PeerProcess.Failure {
            throw ToolError("--compare \(compare!.rawValue)", failure.description)
        }
        let out = try tool.streamWriter(kind: .bench, render: BenchTable.render)
        try BenchRunner.run(plan, peer: peerProcess.map { PeerAdapter(process: $0, peer: compare!.rawValue) }, progress: { index, total, c in
            tool.progress.update("\(index + 1)/\(total) \(c.suite) \(c.site)")
        }) { record in
            try out.writeRecord { frame in
                record.write(into: BenchFrame.Builder(frame).initResult())
            }
        }
        try out.finish()
    }
}

/// `--compare`: the peer that times the same cases.
enum Peer: String, CaseIterable, ExpressibleByArgument {
    case numpy, onnxruntime
}

/// `--threads`: comma-separated thread counts, each 1...1024.
struct ThreadCounts {
    var counts: [Int]

    /// Parses the option's text; the error says what a valid value looks like.
    static func parse(_ text: String) throws -> ThreadCounts {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1024 }) else {
            throw ValidationError("must be a comma-separated list of thread counts from 1 to 1024")
        }
        return ThreadCounts(counts: parts.map { $0! })
    }
}
