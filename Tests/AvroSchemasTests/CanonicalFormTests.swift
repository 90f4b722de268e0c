import Testing
@testable import AvroSchemas

/// Parsing Canonical Form and CRC-64-AVRO. Expected texts and fingerprints come from fastavro
/// 1.13.1 (`to_parsing_canonical_form`, `fingerprint(..., "CRC-64-AVRO")`); the corpus step
/// `make test-schema-avro` compares every avro test schema the same way.
struct CanonicalFormTests {
    @Test func emptyInputFingerprintIsTheSpecConstant() {
        #expect(AvroFingerprint.crc64([UInt8]()) == 0xc15d_213a_a4d7_a795)
    }

    @Test func primitivesAreBareNames() throws {
        #expect(try AvroSchema.parse(#""int""#, source: "t").canonicalForm == #""int""#)
        #expect(try AvroSchema.parse(#"{"type": "int"}"#, source: "t").canonicalForm == #""int""#)
        #expect(try AvroSchema.parse(#"{"type": "long", "logicalType": "timestamp-micros"}"#, source: "t").canonicalForm == #""long""#)
        #expect(try AvroSchema.parse(#""int""#, source: "t").fingerprintHex == "8f5c393f1ad57572")
    }

    @Test func namesAttributesAndOrder() throws {
        let text = #"""
        {"type": "record", "name": "R", "namespace": "a.b", "doc": "x", "fields": [
          {"name": "f", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 0, "sluice.id": 1},
          {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"}},
          {"name": "g", "type": "E"},
          {"name": "h", "type": {"type": "fixed", "name": "c.F", "size": 16}},
          {"name": "m", "type": {"type": "map", "values": {"type": "array", "items": ["null", "c.F"]}}}]}
        """#
        let schema = try AvroSchema.parse(text, source: "t")
        #expect(schema.canonicalForm == #"{"name":"a.b.R","type":"record","fields":[{"name":"f","type":"long"},{"name":"e","type":{"name":"a.b.E","type":"enum","symbols":["A","B"]}},{"name":"g","type":"a.b.E"},{"name":"h","type":{"name":"c.F","type":"fixed","size":16}},{"name":"m","type":{"type":"map","values":{"type":"array","items":["null","c.F"]}}}]}"#)
        #expect(schema.fingerprintHex == "af6750d5d982d220")
    }

    @Test func recursiveRecordWritesItsNameOnce() throws {
        let schema = try AvroSchema.parse(#"{"type": "record", "name": "Node", "fields": [{"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"], "default": null}]}"#, source: "t")
        #expect(schema.canonicalForm == #"{"name":"Node","type":"record","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","Node"]}]}"#)
        #expect(schema.fingerprintHex == "1b4a85b71fede606")
    }

    @Test func whitespaceDocsAndKeyOrderDoNotChangeTheFingerprint() throws {
        let a = try AvroSchema.parse(#"{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}"#, source: "a")
        let b = try AvroSchema.parse(#"{ "fields" : [ {"type": "int", "doc": "d", "name": "x", "order": "descending"} ], "name": "R", "type": "record", "aliases": ["Q"] }"#, source: "b")
        #expect(a.canonicalForm == b.canonicalForm)
        #expect(a.fingerprint == b.fingerprint)
    }

    @Test func hexRoundTrips() {
        for value: UInt64 in [0, 1, 0xc15d_213a_a4d7_a795, .max] {
            #expect(AvroFingerprint.parseHex(AvroFingerprint.hex(value)) == value)
        }
        #expect(AvroFingerprint.parseHex("xyz") == nil)
    }
}

/// Writing a schema back: everything kept, and parsing the text gives the same schema.
struct SchemaJSONTests {
    @Test func roundTripKeepsEveryAttribute() throws {
        let text = #"""
        {"type": "record", "name": "Event", "namespace": "sluice", "doc": "d", "aliases": ["Old"], "x-owner": "recs", "fields": [
          {"name": "user", "type": "long", "sluice.id": 1, "sluice.role": "user", "doc": "who"},
          {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}, "sluice.unit": "ms", "order": "descending"},
          {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}, "default": "B", "aliases": ["k"]},
          {"name": "again", "type": ["null", "Kind", {"type": "fixed", "name": "Id", "namespace": "other", "size": 4}], "default": null},
          {"name": "id2", "type": "other.Id"},
          {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "", "fields": [{"name": "self", "type": ["null", "Inner"], "default": null}]}},
          {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}, "default": "\u0000"}]}
        """#
        let schema = try AvroSchema.parse(text, source: "t")
        let again = try AvroSchema.parse(schema.json.text(), source: "json")
        #expect(again.json == schema.json)
        #expect(again.canonicalForm == schema.canonicalForm)
        #expect(try AvroSchema.parse(text, source: "t").json == (try JSONValue.parse(Array(text.utf8), source: "t")))
    }

    @Test func prettyTextBreaksOnlyLongLines() {
        let value: JSONValue = .object(["type": "record", "name": "R", "fields": .array([.object(["name": "a", "type": "int"])])])
        #expect(value.text() == #"{"name": "R", "type": "record", "fields": [{"name": "a", "type": "int"}]}"#)
        #expect(value.text(pretty: false) == #"{"name":"R","type":"record","fields":[{"name":"a","type":"int"}]}"#)
        #expect(value.text(width: 40) == "{\n  \"name\": \"R\",\n  \"type\": \"record\",\n  \"fields\": [{\"name\": \"a\", \"type\": \"int\"}]\n}")
    }
}
