import Testing
@testable import AvroSchemas

/// Avro's resolution rules, one at a time, and the paths of what fails. The corpus step
/// (`make test-schema-avro`) checks the verdicts against avro's own 131 test pairs.
struct CompatibilityTests {
    func schema(_ text: String) throws -> AvroSchema { try AvroSchema.parse(text, source: "t") }

    func issues(reader: String, writer: String) throws -> [String] {
        CompatibilityChecker.incompatibilities(reader: try schema(reader), writer: try schema(writer)).map(\.description)
    }

    func record(_ fields: String, name: String = "R", extra: String = "") -> String {
        #"{"type": "record", "name": "\#(name)"\#(extra), "fields": [\#(fields)]}"#
    }

    @Test func promotionsFollowTheSpecTable() throws {
        let allowed: Set<String> = ["int>long", "int>float", "int>double", "long>float", "long>double", "float>double",
                                    "string>bytes", "bytes>string"]
        for w in AvroPrimitive.allCases {
            for r in AvroPrimitive.allCases {
                let ok = try issues(reader: "\"\(r.rawValue)\"", writer: "\"\(w.rawValue)\"").isEmpty
                #expect(ok == (r == w || allowed.contains("\(w.rawValue)>\(r.rawValue)")), "reader \(r) writer \(w)")
            }
        }
    }

    @Test func fieldsWriterOnlyReaderOnlyAndDefaults() throws {
        let writer = record(#"{"name": "a", "type": "int"}, {"name": "gone", "type": "string"}"#)
        #expect(try issues(reader: record(#"{"name": "a", "type": "long"}"#), writer: writer).isEmpty)
        #expect(try issues(reader: record(#"{"name": "a", "type": "int"}, {"name": "b", "type": "int", "default": 0}"#), writer: writer).isEmpty)
        #expect(try issues(reader: record(#"{"name": "a", "type": "int"}, {"name": "b", "type": "int"}"#), writer: writer)
                == ["fields[1]: reader field 'b' is not in the writer and has no default"])
        #expect(try issues(reader: record(#"{"name": "a", "type": "string"}"#), writer: writer)
                == ["fields[0].type: reader type string cannot read writer type int"])
    }

    @Test func aliasesRenameFieldsAndTypes() throws {
        let writer = record(#"{"name": "old", "type": "int"}"#, name: "Old")
        #expect(try issues(reader: record(#"{"name": "new", "type": "int", "aliases": ["old"]}"#, name: "Old"), writer: writer).isEmpty)
        #expect(try issues(reader: record(#"{"name": "old", "type": "int"}"#, name: "New", extra: #", "aliases": ["Old"]"#), writer: writer).isEmpty)
        #expect(try issues(reader: record(#"{"name": "old", "type": "int"}"#, name: "New"), writer: writer)
                == ["name: reader name New does not match writer name Old or a reader alias"])
    }

    @Test func enumSymbolsAndReaderDefault() throws {
        let abc = #"{"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}"#
        let ab = #"{"type": "enum", "name": "E", "symbols": ["A", "B"]}"#
        let abDefault = #"{"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"}"#
        #expect(try issues(reader: abc, writer: ab).isEmpty)
        #expect(try issues(reader: ab, writer: abc) == ["symbols: reader enum E lacks writer symbols C and has no default"])
        #expect(try issues(reader: abDefault, writer: abc).isEmpty)
    }

    @Test func fixedSizeAndName() throws {
        #expect(try issues(reader: #"{"type": "fixed", "name": "F", "size": 4}"#, writer: #"{"type": "fixed", "name": "F", "size": 8}"#)
                == ["size: expected size 8, found 4"])
        #expect(try issues(reader: #"{"type": "fixed", "name": "G", "size": 4}"#, writer: #"{"type": "fixed", "name": "F", "size": 4}"#).count == 1)
    }

    @Test func unionsOnEitherSide() throws {
        #expect(try issues(reader: #"["null", "long"]"#, writer: #""int""#).isEmpty)
        #expect(try issues(reader: #"["null", "string"]"#, writer: #""int""#) == ["(root): reader union lacks a branch for writer type int"])
        #expect(try issues(reader: #""long""#, writer: #"["int", "long"]"#).isEmpty)
        #expect(try issues(reader: #""long""#, writer: #"["int", "string"]"#) == ["(root): reader type long cannot read writer type string"])
        #expect(try issues(reader: #"["int", "string"]"#, writer: #"["int", "string", "long"]"#)
                == ["[2]: reader union lacks a branch for writer branch 2 (long)"])
        #expect(try issues(reader: #"["string", "int"]"#, writer: #"["int", "string"]"#).isEmpty)
    }

    @Test func nestedPathsAndEveryIncompatibility() throws {
        let writer = record(#"{"name": "inner", "type": {"type": "record", "name": "I", "fields": [{"name": "x", "type": "long"}]}}, {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "string"}}}"#)
        let reader = record(#"{"name": "inner", "type": {"type": "record", "name": "I", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}]}}, {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "int"}}}"#)
        #expect(try issues(reader: reader, writer: writer) == [
            "fields[0].type.fields[0].type: reader type int cannot read writer type long",
            "fields[0].type.fields[1]: reader field 'y' is not in the writer and has no default",
            "fields[1].type.values.items: reader type int cannot read writer type string",
        ])
    }

    @Test func recursiveTypesTerminate() throws {
        let list = #"{"type": "record", "name": "Node", "fields": [{"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}"#
        let wider = #"{"type": "record", "name": "Node", "fields": [{"name": "v", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}"#
        #expect(try issues(reader: list, writer: list).isEmpty)
        #expect(try issues(reader: wider, writer: list).isEmpty)
        #expect(try issues(reader: list, writer: wider) == ["fields[0].type: reader type int cannot read writer type long"])
    }
}

/// The seven registry modes on a chain of versions where each step is compatible with the
/// previous one but v3 cannot read v1 data.
struct CompatibilityModeTests {
    let v1 = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}"#
    /// Drops `a`, adds `b` with a default: reads v1, and v1 reads it (a has... no default: not forward).
    let v2 = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": 0}, {"name": "b", "type": "int", "default": 0}]}"#
    /// Requires `b` with no default: reads v2 data (which has b), not v1 data.
    let v3 = #"{"type": "record", "name": "R", "fields": [{"name": "b", "type": "int"}]}"#

    func history() throws -> [(version: Int, schema: AvroSchema)] {
        [(1, try AvroSchema.parse(v1, source: "v1")), (2, try AvroSchema.parse(v2, source: "v2"))]
    }

    @Test func transitiveModesLookPastTheLatest() throws {
        let candidate = try AvroSchema.parse(v3, source: "v3")
        let h = try history()
        #expect(CompatibilityMode.backward.check(candidate, against: h).isEmpty)
        let transitive = CompatibilityMode.backwardTransitive.check(candidate, against: h)
        #expect(transitive.map(\.version) == [1])
        #expect(transitive.first?.lines == ["v1 (backward): fields[0]: reader field 'b' is not in the writer and has no default"])
        // v2 reads v3 data (a has a default); v1 cannot (a is gone and v1 has no default for it).
        #expect(CompatibilityMode.forward.check(candidate, against: h).isEmpty)
        #expect(CompatibilityMode.forwardTransitive.check(candidate, against: h).map(\.version) == [1])
        #expect(CompatibilityMode.full.check(candidate, against: h).isEmpty)
        #expect(CompatibilityMode.fullTransitive.check(candidate, against: h).map(\.direction) == [.newReadsOld, .oldReadsNew])
        #expect(CompatibilityMode.none.check(candidate, against: h).isEmpty)
    }

    @Test func everyModePassesAnEmptyHistory() throws {
        let candidate = try AvroSchema.parse(v3, source: "v3")
        for mode in CompatibilityMode.allCases { #expect(mode.check(candidate, against: []).isEmpty) }
    }
}

/// Two recursive records whose cycles have coprime lengths pair up for 37 × 31 steps before a
/// pair repeats: the walk stops at its depth limit and fails the check instead of the stack.
struct DeepCompatibilityTests {
    func ring(_ length: Int) -> String {
        // N0 -> N1 -> ... -> N(length-1) -> N0, each defined inside the one before.
        var text = #"{"type": "record", "name": "N\#(length - 1)", "fields": [{"name": "next", "type": ["null", "N0"]}]}"#
        for i in stride(from: length - 2, through: 0, by: -1) {
            text = #"{"type": "record", "name": "N\#(i)", "fields": [{"name": "next", "type": ["null", \#(text)]}]}"#
        }
        return text
    }

    @Test func coprimeCyclesEndAtTheDepthLimit() throws {
        let reader = try AvroSchema.parse(ring(37), source: "r")
        let writer = try AvroSchema.parse(ring(31), source: "w")
        let found = CompatibilityChecker.incompatibilities(reader: reader, writer: writer)
        // The guard's own message is folded into "reader union lacks a branch" on the way up;
        // what matters is an answer (incompatible: the names differ too) and no crash.
        #expect(!found.isEmpty)
        #expect(CompatibilityChecker.canRead(reader: reader, writer: reader))
    }
}
