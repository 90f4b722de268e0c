import ArgumentParser
import AvroSchemas
import Columns
import Features
import ToolKit

/// `feat-etl export --fit FIT`: every feature's parameters as JSON for serving code.
struct ExportCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the fit as JSON for serving code, with the hash definitions spelled out.",
        discussion: "Vocabularies in id order, bucket edges, mean/std, min/range, and for every hash its algorithm, seed, byte order and modulo.")

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The fit file (it carries its spec).", valueName: "file"))
    var fit: String

    func run(_ tool: ToolContext) throws {
        let (fit, source) = try FeatureFiles.fit(self.fit, tool)
        let spec = try FeatureSpec.parse(fit.spec, source: source + " (its spec)")
        let t = try FeatureTransformer(spec: spec, fit: fit, schema: Self.schema(of: spec, fit: fit), specSource: source, fitSource: source)
        try FeatureFiles.write(FeatureExport.document(t).text(pretty: false) + "\n", tool)
    }

    /// The export has no input rows: a schema good enough for the spec's checks, with each
    /// fitted column typed by its counts and every other column int64.
    static func schema(of spec: FeatureSpec, fit: FeatureFit) -> TableSchema {
        var types: [String: ValueType] = [:]
        for s in fit.features.values {
            switch s.counts {
            case .strings: types[s.column] = .utf8
            case .numbers: types[s.column] = types[s.column] ?? .float64
            case .integers: types[s.column] = .int64
            }
        }
        var fields: [Field] = []
        for f in spec.features {
            for c in f.columns where !fields.contains(where: { $0.name == c }) {
                var type = types[c] ?? .int64
                if type == .float64, [.hash, .cross, .vocabulary].contains(where: { $0 == kind(f.transform) }) { type = .int64 }
                fields.append(Field(name: c, type: type))
            }
        }
        return TableSchema(fields: fields)
    }

    enum Kind { case hash, cross, vocabulary, other }
    static func kind(_ t: FeatureTransform) -> Kind {
        switch t {
        case .hash: return .hash
        case .cross: return .cross
        case .vocabulary: return .vocabulary
        default: return .other
        }
    }
}
