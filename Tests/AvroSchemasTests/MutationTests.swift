import Testing
import TestSupport
@testable import AvroSchemas

/// Random mutations of valid schemas: every result either parses or throws `SchemaError`, and
/// whatever parses can be printed, fingerprinted and checked against the original both ways.
/// A trap fails the whole test run, which is the point.
struct MutationTests {
    static let seeds: [String] = [
        #"{"type": "record", "name": "Event", "namespace": "sluice", "fields": [{"name": "user", "type": "long", "sluice.id": 1, "sluice.role": "user"}, {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}, "sluice.unit": "ms"}, {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}}, {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": ["null", "string"]}}, "default": {}}, {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 16}}, {"name": "again", "type": ["null", "Kind", "Id"], "default": null}]}"#,
        #"{"type": "record", "name": "Node", "fields": [{"name": "v", "type": "int", "aliases": ["value"]}, {"name": "next", "type": ["null", "Node"], "default": null}]}"#,
        #"["null", "int", {"type": "array", "items": "long"}, {"type": "enum", "name": "E", "symbols": ["X"]}]"#,
    ]

    /// Words the parser branches on, so mutations reach past the JSON layer.
    static let vocabulary = ["\"record\"", "\"enum\"", "\"array\"", "\"map\"", "\"fixed\"", "\"int\"", "\"long\"", "\"null\"",
                             "\"Node\"", "\"Kind\"", "[]", "{}", "null", "-1", "0", "1e9", "\"\"", "[\"int\", \"int\"]", "true"]

    @Test func mutatedSchemasThrowOrParse() throws {
        var rng = TestSeed.generator("AvroSchemas mutations", default: 0x5eed_a7f0)
        let originals = try Self.seeds.map { try AvroSchema.parse($0, source: "seed") }
        var parsed = 0
        for round in 0..<3_000 {
            let seedIndex = round % Self.seeds.count
            var bytes = Array(Self.seeds[seedIndex].utf8)
            for _ in 0..<(rng.below(4) == 0 ? 2 : 1) { mutate(&bytes, &rng) }
            do {
                let schema = try AvroSchema.parse(bytes, source: "mutant")
                parsed += 1
                _ = schema.canonicalForm
                _ = schema.fingerprintHex
                _ = CompatibilityChecker.incompatibilities(reader: schema, writer: originals[seedIndex])
                _ = CompatibilityChecker.incompatibilities(reader: originals[seedIndex], writer: schema)
                // A schema's canonical form is itself a schema with the same canonical form.
                let again = try AvroSchema.parse(schema.canonicalForm, source: "canonical")
                #expect(again.canonicalForm == schema.canonicalForm)
                // Written back as JSON, it parses to the same schema.
                let written = try AvroSchema.parse(schema.json.text(), source: "written")
                #expect(written.json == schema.json)
            } catch is SchemaError {
            }
        }
        print("AvroSchemas mutations: \(parsed) of 3000 mutants parsed")
        #expect(parsed > 150, "mutations too destructive to test what parses")
    }

    func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        guard !bytes.isEmpty else { bytes = Array("\"int\"".utf8); return }
        let at = rng.below(bytes.count)
        switch rng.below(10) {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
        case 1: bytes.remove(at: at)
        case 2: bytes.removeSubrange(at...)
        default:
            // Replace one quoted token (or a bracket) with a word from the vocabulary.
            let word = Array(Self.vocabulary[rng.below(Self.vocabulary.count)].utf8)
            guard let start = bytes[at...].firstIndex(of: UInt8(ascii: "\"")),
                  let end = bytes[(start + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return }
            bytes.replaceSubrange(start...end, with: word)
        }
    }
}
