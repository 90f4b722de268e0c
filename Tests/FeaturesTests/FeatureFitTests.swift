import AvroSchemas
import Columns
import Features
import TestSupport
import Testing

@Suite struct FeatureFitTests {
    static let specText = """
    {"features": [
      {"name": "iv", "transform": "vocabulary", "column": "item", "min_count": 2, "oov_buckets": 2},
      {"name": "tv", "transform": "vocabulary", "column": "tag"},
      {"name": "rq", "transform": "bucketize", "column": "rating", "quantiles": 4},
      {"name": "rz", "transform": "zscore", "column": "rating"},
      {"name": "rm", "transform": "minmax", "column": "rating"},
      {"name": "ih", "transform": "hash", "column": "item", "buckets": 1000},
      {"name": "hist", "transform": "sequence", "of": "ih", "user": "user", "length": 3}
    ]}
    """
    static let schema = TableSchema(fields: [
        Field(name: "user", type: .int64, role: .user), Field(name: "item", type: .int64),
        Field(name: "tag", type: .utf8, nullable: true), Field(name: "rating", type: .float64, nullable: true),
    ])

    static func batch(_ rng: inout SplitMix64, rows: Int) -> ColumnBatch {
        var tags = VarBinary()
        var tagValid: [Bool] = [], ratingValid: [Bool] = []
        var users: [Int64] = [], items: [Int64] = [], ratings: [Double] = []
        for _ in 0..<rows {
            users.append(Int64(rng.below(20)))
            items.append(Int64(rng.below(50)) - 10)
            tags.append(["a", "b", "ç", "dd"][rng.below(4)])
            tagValid.append(rng.below(10) > 0)
            ratings.append(Double(rng.below(9)) * 0.5 + 0.1)
            ratingValid.append(rng.below(10) > 0)
        }
        return ColumnBatch(rows: rows, columns: [
            Column(values: .int64(users)), Column(values: .int64(items)),
            Column(values: .utf8(tags), validity: BitVector(tagValid)), Column(values: .float64(ratings), validity: BitVector(ratingValid)),
        ])
    }

    func spec() throws -> (FeatureSpec, JSONValue) {
        let json = try JSONValue.parse(Array(Self.specText.utf8), source: "spec")
        return (try FeatureSpec.parse(json, source: "spec"), json)
    }

    /// Random shardings of random rows, fitted per shard and merged (in a random order), are
    /// exactly the fit of one pass: the same JSON bytes.
    @Test func mergedShardsEqualOnePass() throws {
        let (spec, json) = try spec()
        var rng = SplitMix64(seed: TestSeed.resolve("FeaturesTests.merge", default: 5))
        for _ in 0..<20 {
            let batches = (0..<1 + rng.below(6)).map { _ in Self.batch(&rng, rows: rng.below(400)) }
            var whole = FeatureFit(spec: spec, specJSON: json, schema: Self.schema)
            for b in batches { whole.add(b, schema: Self.schema) }
            let shardCount = 1 + rng.below(8)
            var shards = (0..<shardCount).map { _ in FeatureFit(spec: spec, specJSON: json, schema: Self.schema) }
            for b in batches {
                var parts = [[Int]](repeating: [], count: shardCount)
                for r in 0..<b.rows { parts[rng.below(shardCount)].append(r) }
                for (s, rows) in parts.enumerated() { shards[s].add(BatchRows.take(b, rows), schema: Self.schema) }
            }
            shards.shuffle(using: &rng)
            var merged = shards[0]
            for s in shards.dropFirst() { try merged.merge(s, source: "shard") }
            #expect(merged.json() == whole.json())
            #expect(try FeatureFit.parse(Array(whole.json().utf8), source: "fit") == whole)
        }
    }

    @Test func statisticsFollowTheirDefinitions() throws {
        var s = FeatureStatistics(column: "x", counts: .numbers([:]))
        let values: [Double] = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4]
        var fit = FeatureFit(features: ["x": s], spec: .null)
        fit.add(ColumnBatch(rows: values.count, columns: [Column(values: .float64(values))]), schema: TableSchema(fields: [Field(name: "x", type: .float64)]))
        s = fit.features["x"]!
        // inverted_cdf at 1/4, 2/4, 3/4 of 10 values: the 3rd, 5th, 8th smallest.
        #expect(s.quantileEdges(4) == [2, 3, 4])
        let m = try #require(s.moments)
        #expect(m.mean == 3 && m.min == 1 && m.max == 4)
        #expect(abs(m.std - 1.0) < 1e-15)
    }

    @Test func vocabularyOrdersByCountThenValueAndHashesTheRest() throws {
        let (spec, json) = try spec()
        var rng = SplitMix64(seed: 9)
        let b = Self.batch(&rng, rows: 500)
        var fit = FeatureFit(spec: spec, specJSON: json, schema: Self.schema)
        fit.add(b, schema: Self.schema)
        let t = try FeatureTransformer(spec: spec, fit: fit, schema: Self.schema, specSource: "spec", fitSource: "fit")
        let out = t.transform(b)
        guard case .int64(let ids) = out.dense[0].values, case .int64(let items) = b.columns[1].values else { Issue.record("types"); return }
        guard case .integers(let counts) = fit.features["iv"]!.counts else { Issue.record("counts"); return }
        let kept = counts.filter { $0.value >= 2 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        for (i, item) in items.enumerated() {
            if let k = kept.firstIndex(of: item) { #expect(ids[i] == Int64(k)) }
            else { #expect(ids[i] == Int64(kept.count) + Int64(XXHash64.hash(int64: item, seed: 0) % 2)) }
        }
    }

    @Test func emptyVocabularyAndMissingFitFail() throws {
        let text = #"{"features": [{"name": "iv", "transform": "vocabulary", "column": "item", "min_count": 1000}]}"#
        let json = try JSONValue.parse(Array(text.utf8), source: "spec")
        let spec = try FeatureSpec.parse(json, source: "spec")
        var rng = SplitMix64(seed: 3)
        var fit = FeatureFit(spec: spec, specJSON: json, schema: Self.schema)
        fit.add(Self.batch(&rng, rows: 100), schema: Self.schema)
        #expect(throws: FeatureError.self) { try FeatureTransformer(spec: spec, fit: fit, schema: Self.schema, specSource: "spec", fitSource: "fit") }
        #expect(throws: FeatureError.self) { try FeatureTransformer(spec: spec, fit: nil, schema: Self.schema, specSource: "spec", fitSource: "fit") }
        let whole = fit.json()
        for cut in [1, whole.utf8.count / 2, whole.utf8.count - 3] {
            #expect(throws: FeatureError.self) { try FeatureFit.parse(Array(whole.utf8.prefix(cut)), source: "fit") }
        }
    }

    /// Sequences: each row sees its user's earlier ids, oldest first, padded; state carries
    /// across batches.
    @Test func sequencesAreTheUsersLastIds() throws {
        let text = """
        {"features": [{"name": "ih", "transform": "hash", "column": "item", "buckets": 1000000007},
                      {"name": "h", "transform": "sequence", "of": "ih", "user": "user", "length": 2, "pad": -1},
                      {"name": "j", "transform": "sequence", "of": "ih", "user": "user", "length": 2, "layout": "jagged", "include_current": true}]}
        """
        let json = try JSONValue.parse(Array(text.utf8), source: "spec")
        let spec = try FeatureSpec.parse(json, source: "spec")
        let schema = TableSchema(fields: [Field(name: "user", type: .int64), Field(name: "item", type: .int64)])
        let t = try FeatureTransformer(spec: spec, fit: nil, schema: schema, specSource: "spec", fitSource: "fit")
        let h = HashFunction(algorithm: .xxh64, seed: 0, buckets: 1_000_000_007)
        func ids(_ x: [Int64]) -> [Int64] { x.map { h.id(int64: $0) } }
        let b1 = ColumnBatch(rows: 4, columns: [Column(values: .int64([1, 2, 1, 1])), Column(values: .int64([10, 20, 11, 12]))])
        let o1 = t.transform(b1)
        let i = ids([10, 20, 11, 12])
        #expect(o1.dense[1].shape == [4, 2])
        #expect(o1.dense[1].values == .int64([-1, -1, -1, -1, i[0], -1, i[0], i[2]]))
        #expect(o1.jagged == [JaggedFeature(name: "j", values: [i[0], i[1], i[0], i[2], i[2], i[3]], lengths: [1, 1, 2, 2])])
        let b2 = ColumnBatch(rows: 1, columns: [Column(values: .int64([1])), Column(values: .int64([13]))])
        let o2 = t.transform(b2)
        #expect(o2.dense[1].values == .int64([i[2], i[3]]))
    }
}

/// The branch-free bucketize equals a plain count of edges <= x, at the edges and between them.
@Suite struct BucketizeTests {
    @Test func countAtMostEqualsCounting() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("FeaturesTests.bucketize", default: 31))
        for count in [1, 2, 3, 7, 64, 100, 101, 513, 600] {
            var edges = Set<Double>()
            while edges.count < count { edges.insert(Double(rng.below(4000)) / 4) }
            let sorted = edges.sorted()
            let text = #"{"features": [{"name": "b", "transform": "bucketize", "column": "x", "edges": [\#(sorted.map { "\($0)" }.joined(separator: ", "))]}]}"#
            let spec = try FeatureSpec.parse(Array(text.utf8), source: "spec")
            let schema = TableSchema(fields: [Field(name: "x", type: .float64)])
            let t = try FeatureTransformer(spec: spec, fit: nil, schema: schema, specSource: "spec", fitSource: "fit")
            let xs = (0..<2000).map { _ in Double(rng.below(1100)) / 4 - 10 } + sorted
            let out = t.transform(ColumnBatch(rows: xs.count, columns: [Column(values: .float64(xs))]))
            #expect(out.dense[0].values == .int64(xs.map { x in Int64(sorted.filter { $0 <= x }.count) }), "\(count) edges")
        }
    }
}
