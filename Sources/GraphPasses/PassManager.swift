import Foundation
import GraphIR

/// The catalogue of passes and the optimization levels built from it.
public enum PassRegistry {
    /// Every pass, in the order `-O3` runs them.
    public static let all: [any GraphPass] = [
        ConstantFolding(), ControlFlowFolding(), ShapeSimplification(), NoOpRemoval(), QuantizeReluFolding(), DeadCodeElimination(), CommonSubexpressionElimination(),
        ConvBatchNormFusion(), ConvScaleFusion(), MatMulAddFusion(),
        LayerNormFusion(), RMSNormFusion(), GeluFusion(), AttentionFusion(),
        ConvAddFusion(), ActivationFusion(), SkipLayerNormFusion(),
    ]

    /// Pass names per level: 0 none; 1 cleanup; 2 + fusions into standard ONNX ops (and
    /// attention); 3 + target fusions into sluice.FusedConv/FusedGemm/SkipLayerNorm.
    public static func names(level: Int) -> [String] {
        let cleanup = ["fold-constants", "fold-control-flow", "simplify-shapes", "remove-noops", "fold-relu-quantize", "cse", "dce"]
        let standard = cleanup + ["fuse-conv-bn", "fuse-conv-scale", "fuse-matmul-add",
                                  "fuse-layernorm", "fuse-rmsnorm", "fuse-gelu", "fuse-attention"]
        switch level {
        case ...0: return []
        case 1: return cleanup
        case 2: return standard
        default: return standard + ["fuse-conv-add", "fuse-activation", "fuse-skip-layernorm"]
        }
    }

    /// The passes named, in the given order; throws on an unknown name.
    public static func passes(named names: [String]) throws -> [any GraphPass] {
        try names.map { name in
            guard let p = all.first(where: { $0.name == name }) else {
                throw GraphError.unsupported("unknown pass '\(name)' (see --list-passes)")
            }
            return p
        }
    }
}

/// What one pass did over a whole optimization run.
public struct PassStat: Sendable {
    public var name: String
    public var rewrites: Int
    public var seconds: Double

    public init(name: String, rewrites: Int, seconds: Double) {
        self.name = name
        self.rewrites = rewrites
        self.seconds = seconds
    }
}

/// Runs a pass list to a fixed point (bounded), timing each pass.
public struct PassManager {
    public var passes: [any GraphPass]
    public var options: PassOptions
    /// Upper bound on repetitions of the whole list.
    public var maxRounds = 8

    public init(passes: [any GraphPass], options: PassOptions = PassOptions()) {
        self.passes = passes
        self.options = options
    }

    /// Optimizes `graph` in place; validates and re-infers shapes after every pass that
    /// changed something (incrementally: `Validation.inferShapes(_:memo:)`), so a broken
    /// rewrite is caught at the pass that made it.
    public func run(_ graph: inout Graph) throws -> [PassStat] {
        var stats = passes.map { PassStat(name: $0.name, rewrites: 0, seconds: 0) }
        guard !passes.isEmpty else { return stats }
        var memo: InferenceMemo? = nil  // the first re-inference is full, later ones incremental
        for _ in 0..<maxRounds {
            var changed = 0
            for (k, pass) in passes.enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let n = try pass.run(&graph, options)
                if n > 0 {
                    try Validation.check(&graph)
                    try Validation.inferShapes(&graph, memo: &memo)
                    #if DEBUG
                    // Debug builds (every test) prove the incremental result equals a full run.
                    var full = graph
                    try Validation.inferShapes(&full)
                    if let v = full.values.indices.first(where: { full.values[$0].type != graph.values[$0].type }) {
                        throw GraphError.malformed("after \(pass.name): incremental shape inference gave \(String(describing: graph.values[v].type)) for '\(graph.values[v].name)', a full run \(String(describing: full.values[v].type))")
                    }
                    #endif
                }
                stats[k].seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                stats[k].rewrites += n
                changed += n
            }
            if changed == 0 { break }
        }
        return stats
    }
}
