import Foundation
import OpCost
import Tiling
import ToolKit

/// `--evaluate-mapping FILE`: mappings chosen elsewhere (Tools/zigzag_layer.py exports ZigZag's)
/// to cost instead of searching. JSON: a list of
/// `{"layer": NAME, "spatial": [{"arrayDim": "D1", "dim": "K", "factor": 32}, ...],
///   "levels": [[{"dim": "C", "factor": 2}, ...], ...],   // per memory level, innermost loop first
///   "reach": {"weight": [level, ...], "input": [...], "output": [...]}}`  // per chain level
enum GivenMappings {
    struct Entry: Decodable {
        struct Unroll: Decodable { var arrayDim: String; var dim: String; var factor: Int }
        struct Loop: Decodable { var dim: String; var factor: Int }
        var layer: String
        var spatial: [Unroll]
        var levels: [[Loop]]
        var reach: [String: [Int]]
    }

    static func load(_ path: String, model: CoreModel) throws -> [String: Mapping] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw ToolError(path, "cannot read: \(error.localizedDescription)") }
        let entries: [Entry]
        do { entries = try JSONDecoder().decode([Entry].self, from: data) } catch {
            throw ToolError(path, "not a list of mappings: \(error)")
        }
        var out: [String: Mapping] = [:]
        for e in entries {
            let at = "\(path): \(e.layer)"
            var spatial: [SpatialChoice] = []
            for sd in model.spatialDims {
                let u = e.spatial.first { $0.arrayDim == sd.name }
                guard let dim = LoopDim(name: u?.dim ?? sd.unrolls.first?.description ?? "K") else {
                    throw ToolError(at, "unknown loop dimension '\(u?.dim ?? "")'")
                }
                spatial.append(SpatialChoice(dim: dim, factor: u?.factor ?? 1))
            }
            guard e.levels.count == model.core.memories.count else {
                throw ToolError(at, "\(e.levels.count) levels for \(model.core.memories.count) memories")
            }
            var temporal = [[Int]](repeating: [Int](repeating: 1, count: 8), count: e.levels.count)
            var orders = [[LoopDim]](repeating: [], count: e.levels.count)
            for (m, loops) in e.levels.enumerated() {
                for l in loops {
                    guard let d = LoopDim(name: l.dim), l.factor >= 1 else { throw ToolError(at, "bad loop \(l.dim) \(l.factor)") }
                    temporal[m][d.rawValue] *= l.factor
                    if l.factor > 1, !orders[m].contains(d) { orders[m].append(d) }
                }
            }
            let reach = ["weight", "input", "output"].map { e.reach[$0] ?? [] }
            out[e.layer] = Mapping(spatial: spatial, temporal: temporal, orders: orders, reach: reach)
        }
        return out
    }
}
