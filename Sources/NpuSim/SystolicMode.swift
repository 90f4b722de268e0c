import ArgumentParser
import ToolKit

/// The options of `--model scalesim`.
struct SystolicOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Systolic dataflow for --model scalesim: ws, os or is.", valueName: "dataflow"))
    var dataflow: String = "ws"
}

/// `--model scalesim`: layers of a SCALE-Sim topology timed on one systolic array.
enum SystolicMode {
    static func run(_ options: SystolicOptions, _ tool: ToolContext) throws {
        throw ToolError.usage("npu-sim", "--model scalesim is not built yet")
    }
}
