import ArgumentParser
import Capnp
import Pipes
import Schemas
import Systolic
import ToolKit

/// The options of `--model scalesim`.
struct SystolicOptions: ParsableArguments {
    @Option(help: ArgumentHelp("SCALE-Sim topology file for --model scalesim: a header line, then one layer per line (convolutions as name, IFMAP h, w, filter h, w, channels, filters, stride; GEMMs as name, M, N, K).", valueName: "file.csv"))
    var topology: String?

    @Option(name: .customLong("scalesim-config"), help: ArgumentHelp("SCALE-Sim .cfg file: array size, SRAM sizes, dataflow, bandwidth mode. The options below override it.", valueName: "file.cfg"))
    var scalesimConfig: String?

    @Option(help: ArgumentHelp("Systolic dataflow for --model scalesim: ws, os or is (default: the config's, else ws).", valueName: "dataflow"))
    var dataflow: String?

    @Option(help: ArgumentHelp("Systolic array rows x columns (default: the config's, else 32x32).", valueName: "RxC"))
    var array: String?

    @Option(name: .customLong("sram-kb"), help: ArgumentHelp("IFMAP, filter and OFMAP SRAM sizes in KB (default: the config's, else 512,512,256).", valueName: "I,F,O"))
    var sramKB: String?

    @Option(help: ArgumentHelp("DRAM words per cycle of every interface (SCALE-Sim's USER mode); without it and without a USER config, CALC mode: no stalls.", valueName: "words"))
    var bandwidth: Int?

    /// The configuration: the config file's, with the explicit options laid over it.
    func resolvedConfig(_ tool: ToolContext) throws -> SystolicConfig {
        var config = SystolicConfig()
        if let path = scalesimConfig {
            let file = try tool.openInput(path)
            let text = String(decoding: try file.readAll(), as: UTF8.self)
            do { config = try SystolicConfigFile.parse(text) } catch let e as SystolicInputError { throw ToolError(file.name, e.description) }
        }
        if let d = dataflow {
            guard let df = SystolicDataflow(rawValue: d) else { throw ToolError.usage("--dataflow", "expected ws, os or is, got '\(d)'") }
            config.dataflow = df
        }
        if let a = array {
            let parts = a.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let r = Int(parts[0]), let c = Int(parts[1]) else { throw ToolError.usage("--array", "expected ROWSxCOLS, e.g. 32x32, got '\(a)'") }
            config.rows = r
            config.cols = c
        }
        if let s = sramKB {
            let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, let i = parts[0], let f = parts[1], let o = parts[2] else { throw ToolError.usage("--sram-kb", "expected three sizes I,F,O in KB, got '\(s)'") }
            (config.ifmapKB, config.filterKB, config.ofmapKB) = (i, f, o)
        }
        if let b = bandwidth { config.bandwidth = b }
        if let p = config.problem { throw ToolError.usage(scalesimConfig ?? "--array/--sram-kb/--bandwidth", p) }
        return config
    }
}

/// `--model scalesim`: layers of a SCALE-Sim topology timed on one systolic array.
enum SystolicMode {
    static func run(_ options: SystolicOptions, _ tool: ToolContext) throws {
        guard let path = options.topology else { throw ToolError.usage("--topology", "--model scalesim needs a SCALE-Sim topology file (FILE.csv)") }
        let config = try options.resolvedConfig(tool)
        let file = try tool.openInput(path)
        let layers: [SystolicLayerShape]
        do { layers = try SystolicTopology.parse(String(decoding: try file.readAll(), as: UTF8.self)) } catch let e as SystolicInputError {
            throw ToolError(file.name, e.description)
        }
        if let p = layers.lazy.compactMap({ SystolicModel.problem($0, config) }).first { throw ToolError(file.name, p) }
        let out = try tool.streamWriter(kind: .sim)
        for layer in layers {
            let t = SystolicModel.time(layer, config)
            try out.writeRecord { root in fill(SimFrame.Builder(root).initSystolic(), layer, config, t) }
        }
        try out.finish()
    }

    static func fill(_ b: SystolicLayer.Builder, _ layer: SystolicLayerShape, _ config: SystolicConfig, _ t: SystolicTiming) {
        b.setName(layer.name)
        b.setDataflow(config.dataflow.rawValue)
        b.arrayRows = UInt32(config.rows)
        b.arrayCols = UInt32(config.cols)
        b.computeCycles = UInt64(t.computeCycles)
        b.stallCycles = UInt64(t.stallCycles)
        b.totalCycles = UInt64(t.totalCycles)
        b.rowFolds = UInt32(clamping: t.rowFolds)
        b.colFolds = UInt32(clamping: t.colFolds)
        b.computeUtilization = t.computeUtilization
        b.mappingEfficiency = t.mappingEfficiency
        b.ifmapSramReads = UInt64(t.ifmapSramReads)
        b.filterSramReads = UInt64(t.filterSramReads)
        b.ofmapSramWrites = UInt64(t.ofmapSramWrites)
        b.ifmapDramReads = UInt64(t.ifmapDramReads)
        b.filterDramReads = UInt64(t.filterDramReads)
        b.ofmapDramWrites = UInt64(t.ofmapDramWrites)
        b.cyclesWithPrefetch = UInt64(t.cyclesWithPrefetch ?? 0)
        b.setStallModel(t.stallModel)
        b.overallUtilization = t.overallUtilization
        b.foldCycles = UInt64(t.foldCycles)
    }
}
