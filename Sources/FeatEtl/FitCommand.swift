import ArgumentParser
import Columns
import Features
import ToolKit

/// `feat-etl fit --spec SPEC [input...]`: one pass over the rows, writing the statistics every
/// feature of the spec needs as a fit file (JSON).
struct FitCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Count what the spec's transforms need (vocabularies, quantiles, mean/std, min/max) in one pass.",
        discussion: "The fit keeps every distinct value with its count, so the fits of shards merge (merge-fit) into exactly the fit of the whole.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles

    @Option(help: ArgumentHelp("The feature spec (JSON).", valueName: "file"))
    var spec: String

    @Option(help: ArgumentHelp("Only the rows of shard i of N, by a hash of the user id.", valueName: "i/N"))
    var shard: String?

    func run(_ tool: ToolContext) throws {
        let (spec, json, specSource) = try FeatureFiles.spec(self.spec, tool)
        let shard = try self.shard.map(Shard.init(parsing:))
        var fit: FeatureFit? = nil
        var schema: TableSchema? = nil
        try FeatureFiles.read(inputs.paths, tool, shard: shard, onSchema: { s, _ in
            try spec.check(against: s, source: specSource)
            schema = s
            fit = FeatureFit(spec: spec, specJSON: json, schema: s)
        }) { batch in
            fit!.add(batch, schema: schema!)
        }
        try FeatureFiles.write(fit!.json(), tool)
    }
}
