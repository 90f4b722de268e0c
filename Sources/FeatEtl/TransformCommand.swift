import ArgumentParser
import Columns
import Features
import Pipes
import ToolKit

/// `feat-etl transform --spec SPEC [--fit FIT] [input...]`: the spec's features of every row,
/// as a tensors stream (one group of tensors per input batch).
struct TransformCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Turn table, events or seq-blocks rows into training tensors (a tensors stream).",
        discussion: "Per input batch: a dense tensor per feature (int64 ids, float32 values, int64 [rows, L] sequences) and one keyed jagged tensor with the jagged sequences. Features that need statistics need --fit.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles

    @Option(help: ArgumentHelp("The feature spec (JSON).", valueName: "file"))
    var spec: String

    @Option(help: ArgumentHelp("The fit (from fit or merge-fit) for vocabularies, quantiles and scaling.", valueName: "file"))
    var fit: String?

    @Option(help: ArgumentHelp("Only the rows of shard i of N, by a hash of the user id.", valueName: "i/N"))
    var shard: String?

    func run(_ tool: ToolContext) throws {
        let (spec, specJSON, specSource) = try FeatureFiles.spec(self.spec, tool)
        let fit = try self.fit.map { try FeatureFiles.fit($0, tool) }
        if let f = fit, f.fit.spec != specJSON {
            throw ToolError(f.source, "was fitted with another spec than \(specSource)")
        }
        let shard = try self.shard.map(Shard.init(parsing:))
        var transformer: FeatureTransformer? = nil
        var writer: TensorStreamWriter? = nil
        try FeatureFiles.read(inputs.paths, tool, shard: shard, onSchema: { schema, _ in
            // Everything is checked before the first frame is written.
            transformer = try FeatureTransformer(spec: spec, fit: fit?.fit, schema: schema, specSource: specSource, fitSource: fit?.source ?? "--fit")
            writer = TensorStreamWriter(try tool.streamWriter(kind: .tensors))
        }) { batch in
            guard batch.rows > 0 else { return }
            try writer!.write(transformer!.transform(batch))
        }
        try writer!.out.finish()
    }
}
