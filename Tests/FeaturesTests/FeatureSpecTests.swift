import Columns
import Features
import Testing

@Suite struct FeatureSpecTests {
    func parse(_ text: String) throws -> FeatureSpec { try FeatureSpec.parse(Array(text.utf8), source: "spec.json") }

    func error(_ text: String) -> String {
        do { _ = try parse(text); return "no error" } catch { return "\(error)" }
    }

    @Test func parsesEveryTransform() throws {
        let s = try parse("""
        {"features": [
          {"name": "item", "transform": "hash", "column": "item_id", "algorithm": "murmur3_32", "seed": 7, "buckets": 1024},
          {"name": "ui", "transform": "cross", "columns": ["user_id", "item_id"], "buckets": 99},
          {"name": "iv", "transform": "vocabulary", "column": "item_id", "min_count": 2, "max_size": 10, "oov_buckets": 3},
          {"name": "rb", "transform": "bucketize", "column": "rating", "edges": [2, 3.5]},
          {"name": "rq", "transform": "bucketize", "column": "rating", "quantiles": 4},
          {"name": "rz", "transform": "zscore", "column": "rating", "fill": 3},
          {"name": "hist", "transform": "sequence", "of": "item", "user": "user_id", "length": 5, "layout": "jagged"}
        ]}
        """)
        #expect(s.features.map(\.name) == ["item", "ui", "iv", "rb", "rq", "rz", "hist"])
        #expect(s.features[0].transform == .hash(HashFunction(algorithm: .murmur3, seed: 7, buckets: 1024)))
        #expect(s.features[3].transform == .bucketize(edges: [2, 3.5], quantiles: nil))
        #expect(s.features[5].fill == 3)
        #expect(s.features[6].transform == .sequence(of: "item", user: "user_id", length: 5, jagged: true, pad: 0, includeCurrent: false))
    }

    @Test func errorsNameTheKeyPath() {
        #expect(error(#"{"features": [{"name": "a", "transform": "hash", "column": "x"}]}"#)
                == "spec.json: features[0].buckets: required: a positive integer")
        #expect(error(#"{"features": [{"name": "a", "transform": "hash", "column": "x", "buckets": 4, "seeed": 1}]}"#).hasPrefix("spec.json: features[0].seeed: unknown key"))
        #expect(error(#"{"features": [{"name": "a", "transform": "bucketize", "column": "x", "edges": [3, 2]}]}"#)
                == "spec.json: features[0].edges[1]: edges must increase strictly")
        #expect(error(#"{"features": [{"name": "s", "transform": "sequence", "of": "nope", "user": "u", "length": 3}]}"#)
                == "spec.json: features[0].of: 'nope' is no earlier feature of the spec")
        #expect(error(#"{"features": [{"name": "a", "transform": "frobnicate", "column": "x"}]}"#).hasPrefix("spec.json: features[0].transform: unknown transform"))
        #expect(error(#"{"features": "#).hasPrefix("spec.json: "))
        #expect(error(#"{"features": []}"#) == "spec.json: features: empty: name at least one feature")
    }

    @Test func checkNamesMissingColumnsAndTypes() throws {
        let schema = TableSchema(fields: [Field(name: "user_id", type: .int64, role: .user), Field(name: "rating", type: .float64)])
        let missing = try parse(#"{"features": [{"name": "a", "transform": "hash", "column": "item_id", "buckets": 4}]}"#)
        #expect(throws: FeatureError.self) { try missing.check(against: schema, source: "spec.json") }
        do { try missing.check(against: schema, source: "spec.json") } catch {
            #expect("\(error)" == "spec.json: features[0].column: no column 'item_id' in the input (it has user_id, rating)")
        }
        let wrongType = try parse(#"{"features": [{"name": "a", "transform": "hash", "column": "rating", "buckets": 4}]}"#)
        do { try wrongType.check(against: schema, source: "spec.json"); Issue.record("no error") } catch {
            #expect("\(error)" == "spec.json: features[0].column: column 'rating' is float64; hash cannot take that type")
        }
    }
}
