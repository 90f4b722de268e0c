import ArgumentParser
import Foundation
import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import Pipes
import ToolKit

/// graph-opt(1): import an ONNX model, optimize it, write a graph stream or ONNX.
public struct GraphOptCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "graph-opt",
        abstract: "Import an ONNX model, optimize its graph and write a graph stream (or ONNX).",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions

    @Argument(help: ArgumentHelp("The ONNX model; none, or -, means standard input.", valueName: "model"))
    var model: String?

    @Option(name: .customShort("O", allowingJoined: true),
            help: ArgumentHelp("Optimization level 0-3: 1 cleanup, 2 standard-ONNX fusions, 3 target fusions.", valueName: "level"))
    var level: Int = 2

    @Option(name: .customLong("input-shape"),
            help: ArgumentHelp("Fix graph input <name>'s shape (repeatable), e.g. images=1,3,640,640: symbolic and unknown dimensions become known, so every shape downstream is inferred and shape arithmetic folds.", valueName: "name=d0,d1,..."))
    var inputShapes: [String] = []

    @Option(name: .customLong("passes"),
            help: ArgumentHelp("Run exactly these passes, comma-separated, instead of a level.", valueName: "list"))
    var passes: String?

    @Flag(name: .customLong("list-passes"), help: "List the passes and the levels that run them, then exit.")
    var listPasses = false

    @Option(name: .customLong("emit"), help: ArgumentHelp("Output format: graph (stream), onnx, or text.", valueName: "format"))
    var emit: EmitFormat = .graph

    @Option(name: .customLong("for"),
            help: ArgumentHelp("With --emit onnx: the runtime the file is for: onnx (standard operators only) or onnxruntime (its com.microsoft contrib operators for fused forms: FusedConv, FusedGemm, FusedMatMul, SkipLayerNormalization, BiasGelu, FastGelu, QuickGelu, Gelu).", valueName: "runtime"))
    var target: OnnxTarget = .standard

    @Flag(name: .customLong("stats"), help: "Print op counts before and after, and time per pass, on standard error.")
    var stats = false

    @Option(name: .customLong("fold-limit"),
            help: ArgumentHelp("Largest tensor (elements) constant folding may materialize.", valueName: "n"))
    var foldLimit: Int = 1 << 20

    @Flag(name: .customLong("fold-qdq"),
          help: "Fold DequantizeLinear of constant (quantized) weights into float constants; by default QDQ pairs are kept.")
    var foldQDQ = false

    @Option(name: .customLong("weights"),
            help: ArgumentHelp("Write large computed weights to <file> and reference them from the stream (default with -o: FILE.weights).", valueName: "file"))
    var weights: String?

    @Flag(name: .customLong("external-data"),
          help: "With --emit onnx -o FILE: write the weights to FILE.data as ONNX external data (automatic when they exceed protobuf's 2 GB).")
    var externalData = false

    @Flag(name: .customLong("verify"),
          help: "Run the original and the optimized graph in the reference interpreter and fail if they differ.")
    var verify = false

    @Option(name: .customLong("reference"),
            help: ArgumentHelp("Check the interpreter's first output on the original model against this TensorProto file.", valueName: "file"))
    var reference: String?

    public init() {}

    public func validate() throws {
        guard (0...3).contains(level) else { throw ValidationError("-O must be 0, 1, 2 or 3") }
        guard foldLimit >= 0 else { throw ValidationError("--fold-limit must not be negative") }
        guard target == .standard || emit == .onnx else { throw ValidationError("--for \(target.rawValue) needs --emit onnx") }
        guard fixedShapes != nil else { throw ValidationError("--input-shape must be <name>=<d0>,<d1>,... with positive integers") }
    }

    /// The --input-shape values by input name, nil when one is malformed (or named twice).
    var fixedShapes: [String: [Int]]? {
        var out: [String: [Int]] = [:]
        for text in inputShapes {
            guard let eq = text.lastIndex(of: "=") else { return nil }
            let name = String(text[..<eq])
            let dims = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !name.isEmpty, out[name] == nil, !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
            out[name] = dims.map { $0! }
        }
        return out
    }

    public func run(_ tool: ToolContext) throws {
        if listPasses {
            try writeText(tool, PassListing.render())
            return
        }
        let selected: [any GraphPass]
        do { selected = try PassRegistry.passes(named: passes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? PassRegistry.names(level: level)) }
        catch let e as GraphError { throw ToolError.usage("--passes", e.description) }

        let path = model ?? "-"
        var clock = Stopwatch()
        var graph = try importModel(path)
        if let shapes = fixedShapes, !shapes.isEmpty {
            do {
                try graph.fixInputShapes(shapes)
                try Validation.inferShapes(&graph)
            } catch let e as GraphError { throw ToolError(path == "-" ? "stdin" : path, e.description) }
        }
        let importSeconds = clock.lap()
        let original = graph
        if let reference { try Verification.checkReference(original, referencePath: reference, source: path) }

        let options = PassOptions(foldElementLimit: foldLimit, foldQDQ: foldQDQ, subgraphs: SubgraphBodies.loader())
        let manager = PassManager(passes: selected, options: options)
        var passStats: [PassStat]
        do {
            passStats = try manager.run(&graph)
            // Inside If/Loop/Scan bodies: the selected cleanup passes (fusions stay outside).
            let inBodies = selected.filter { SubgraphBodies.passes.contains($0.name) }
            if !inBodies.isEmpty {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let bodyManager = PassManager(passes: inBodies, options: options)
                let n = try SubgraphBodies.optimize(&graph) { body in try bodyManager.run(&body).reduce(0) { $0 + $1.rewrites } }
                passStats.append(PassStat(name: "in bodies", rewrites: n, seconds: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9))
                // Bodies that read fewer outer values may leave outer nodes dead.
                if n > 0 { _ = try manager.run(&graph) }
            }
        }
        catch let e as GraphError { throw ToolError(path, "optimizing: \(e.description)") }
        let optimizeSeconds = clock.lap()

        if verify { try Verification.compare(original, graph, source: path) }
        try write(graph, tool: tool, source: path)
        let writeSeconds = clock.lap()
        tool.keepUntilExit((original, graph))
        if stats {
            ToolRunner.writeToStandardError(StatsReport(source: path, before: original.opCounts(), after: graph.opCounts(),
                                                        passes: passStats, importSeconds: importSeconds,
                                                        optimizeSeconds: optimizeSeconds, writeSeconds: writeSeconds).render())
        }
    }

    func importModel(_ path: String) throws -> Graph {
        do {
            if path == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                return try OnnxImporter.decode(data)
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ToolError(path, "no such file") }
            return try OnnxImporter.load(path: path)
        } catch let e as GraphError {
            throw ToolError(path == "-" ? "stdin" : path, e.description)
        }
    }

    func write(_ graph: Graph, tool: ToolContext, source: String) throws {
        let out = try tool.output()
        if emit == .text || out.isTerminal {
            try writeText(tool, GraphText.render(graph))
            return
        }
        if emit == .onnx {
            let path = common.output.flatMap { $0 == "-" ? nil : $0 }
            let external = externalData || OnnxExporter.weightBytes(graph) > OnnxExporter.inlineWeightLimit
            if external && path == nil {
                throw ToolError.usage("--emit onnx", "the weights go to external data (--external-data, or over 2 GB): give -o FILE")
            }
            let w = try tool.frameWriter()
            if external, let path {
                // FILE.data beside FILE, named relative to it as ONNX requires.
                let data = WeightFileWriter(path: path + ".data", durable: false)
                do {
                    try OnnxExporter.writeExternal(graph, data: data, location: (path as NSString).lastPathComponent + ".data", target: target) { try w.writeBytes($0) }
                    try w.flush()
                    do { try data.commit() } catch { throw ToolError(data.path, "cannot write the external data file") }
                } catch {
                    data.abort()
                    if let e = error as? GraphError { throw ToolError("--emit onnx", e.description) }
                    throw error
                }
                return
            }
            // Weights graph-opt left as they were go from the input file to the output file
            // inside the kernel (not possible to a pipe: those are written).
            let copier = FileRangeCopy()
            var copying = true
            let copy = { (source: String, offset: Int, length: Int) throws -> Bool in
                guard copying else { return false }
                try w.flush()
                copying = try copier.copy(from: source, offset: offset, length: length, to: w.fd)
                return copying
            }
            do { try OnnxExporter.write(graph, target: target, copy: copy) { try w.writeBytes($0) } }
            catch let e as GraphError { throw ToolError("--emit onnx", e.description) }
            try w.flush()
            return
        }
        let sink = (weights ?? common.output.flatMap { $0 == "-" ? nil : $0 + ".weights" }).map { WeightFileWriter(path: $0) }
        do {
            let writer = try tool.streamWriter(kind: .graph)
            let encoder = GraphStreamEncoder(sink: sink, source: source)
            try encoder.encode(graph) { build in try writer.writeRecord(build) }
            try writer.finish()
            do { try sink?.commit() } catch { throw ToolError(sink?.path ?? "weights", "cannot write the weights file") }
        } catch {
            sink?.abort()
            throw error
        }
    }

    func writeText(_ tool: ToolContext, _ text: String) throws {
        let w = try tool.frameWriter()
        try w.write(text: text)
        try w.flush()
    }
}

/// Wall-clock laps for `--stats`.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}

/// `--emit`: what graph-opt writes.
public enum EmitFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// A graph stream (Formats/graph.capnp).
    case graph
    /// An ONNX model.
    case onnx
    /// The readable text listing.
    case text
}

extension OnnxTarget: ExpressibleByArgument {}
