import ArgumentParser
import Features
import ToolKit

/// `feat-etl merge-fit A B ...`: the fit of the union of the shards the fits were made on.
struct MergeFitCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-fit",
        abstract: "Merge the fits of shards into the fit of the whole (exact: counts add).",
        discussion: "Every fit must come from the same spec. Vocabularies, quantile edges and moments derive from the merged counts, so the result equals one pass over all rows.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Fit files (at least one).", valueName: "fit"))
    var fits: [String]

    func run(_ tool: ToolContext) throws {
        guard let first = fits.first else { throw ToolError.usage("usage", "give at least one fit file") }
        var (merged, _) = try FeatureFiles.fit(first, tool)
        for path in fits.dropFirst() {
            let (f, source) = try FeatureFiles.fit(path, tool)
            try merged.merge(f, source: source)
        }
        try FeatureFiles.write(merged.json(), tool)
    }
}
