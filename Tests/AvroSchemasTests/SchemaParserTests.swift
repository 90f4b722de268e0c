import Testing
@testable import AvroSchemas

/// Parsing: the tree, the names, extension keys, and one error with a path for each kind of
/// malformed schema.
struct SchemaParserTests {
    func error(_ text: String) -> String? {
        do {
            _ = try AvroSchema.parse(text, source: "s.avsc")
            return nil
        } catch let e as SchemaError {
            return e.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func treeNamesAndExtensionKeys() throws {
        let schema = try AvroSchema.parse(#"""
        {"type": "record", "name": "Event", "namespace": "sluice", "fields": [
          {"name": "user", "type": "long", "sluice.id": 1, "sluice.role": "user"},
          {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}, "sluice.id": 2, "sluice.role": "time", "sluice.unit": "ms"},
          {"name": "tags", "type": {"type": "array", "items": "string"}, "default": [], "aliases": ["labels"], "doc": "free text"},
          {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["CLICK", "BUY"], "default": "CLICK"}, "order": "ignore"}]}
        """#, source: "t")
        guard case .record(let r) = schema[schema.root].kind else { Issue.record("not a record"); return }
        #expect(r.name.fullName == "sluice.Event")
        #expect(r.fields.map(\.name) == ["user", "ts", "tags", "kind"])
        #expect(r.fields[0].sluiceID == 1 && r.fields[0].sluiceRole == .user)
        #expect(r.fields[1].sluiceUnit == .ms && schema[r.fields[1].type].logicalType == "timestamp-millis")
        #expect(r.fields[2].defaultValue == .array([]) && r.fields[2].aliases == ["labels"] && r.fields[2].doc == "free text")
        #expect(r.fields[3].order == .ignore)
        #expect(schema.namedTypes["sluice.Kind"] != nil)
        if case .enumeration(let e) = schema[r.fields[3].type].kind {
            #expect(e.defaultSymbol == "CLICK")
        } else { Issue.record("kind is not an enum") }
    }

    @Test func referencesResolveInTheEnclosingNamespace() throws {
        let schema = try AvroSchema.parse(#"""
        {"type": "record", "name": "A", "namespace": "x", "fields": [
          {"name": "b", "type": {"type": "record", "name": "B", "namespace": "y", "fields": [{"name": "c", "type": {"type": "fixed", "name": "C", "size": 2}}]}},
          {"name": "c", "type": "y.C"},
          {"name": "self", "type": ["null", "A"], "default": null}]}
        """#, source: "t")
        #expect(Set(schema.namedTypes.keys) == ["x.A", "y.B", "y.C"])
    }

    /// The spec: "The empty string may also be used as a namespace to indicate the null
    /// namespace." (Java agrees; avro's and fastavro's Python parsers take the enclosing one.)
    @Test func emptyNamespaceIsTheNullNamespace() throws {
        let schema = try AvroSchema.parse(#"{"type": "record", "name": "A", "namespace": "x", "fields": [{"name": "b", "type": {"type": "record", "name": "B", "namespace": "", "fields": [{"name": "self", "type": ["null", "B"], "default": null}]}}]}"#, source: "t")
        #expect(Set(schema.namedTypes.keys) == ["x.A", "B"])
        #expect(schema.canonicalForm == #"{"name":"x.A","type":"record","fields":[{"name":"b","type":{"name":"B","type":"record","fields":[{"name":"self","type":["null","B"]}]}}]}"#)
    }

    @Test func malformedSchemasGetOneErrorWithAPath() {
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}, {"name": "c", "type": "strng"}]}"#)
                == "s.avsc: fields[2].type: unknown type 'strng'")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "long"}]}"#)
                == "s.avsc: fields[1].name: duplicate field 'a' (also fields[0])")
        #expect(error(#"{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}"#) == "s.avsc: default: must be one of the symbols")
        #expect(error(#"{"type": "fixed", "name": "F", "size": -1}"#) == "s.avsc: size: fixed needs a 'size' that is a non-negative integer")
        #expect(error(#"{"type": "fixed", "name": "F", "size": 1.5}"#) == "s.avsc: size: fixed needs a 'size' that is a non-negative integer")
        #expect(error(#"["int", "string", "int"]"#) == "s.avsc: [2]: duplicate union branch 'int' (also branch 0)")
        #expect(error(#"["null", ["int"]]"#) == "s.avsc: [1]: a union may not directly contain another union")
        #expect(error(#"{"type": "record", "name": "9R", "fields": []}"#) == "s.avsc: name: invalid name '9R'")
        #expect(error(#"{"type": "record", "name": "int", "fields": []}"#) == "s.avsc: name: 'int' is a primitive type and cannot be redefined")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "r", "type": {"type": "record", "name": "R", "fields": []}}]}"#)
                == "s.avsc: fields[0].type.name: 'R' is defined twice")
        #expect(error(#"{"type": "record", "name": "R"}"#) == "s.avsc: record without 'fields'")
        #expect(error(#"{"name": "R"}"#) == "s.avsc: missing 'type'")
        #expect(error(#"{"type": "array"}"#) == "s.avsc: array without 'items'")
        #expect(error(#"42"#) == "s.avsc: a schema must be a type name, an object or a union array, not an integer")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": "x"}]}"#)
                == "s.avsc: fields[0].default: a string is not a valid default for int")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["null", "int"], "default": 1}]}"#)
                == "s.avsc: fields[0].default: a union's default must match its first branch: an integer is not a valid default for null")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": 3000000000}]}"#)
                == "s.avsc: fields[0].default: 3000000000 does not fit an int")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long", "sluice.role": "owner"}]}"#)
                == "s.avsc: fields[0].sluice.role: must be one of user, time, item, action, none")
        #expect(error(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long", "sluice.id": 1}, {"name": "b", "type": "long", "sluice.id": 1}]}"#)
                == "s.avsc: fields[1].sluice.id: sluice.id 1 is also used by fields[0]")
        #expect(error(#"{"type": "record", "name": "R", "fields": [}"#)?.hasPrefix("s.avsc: not valid JSON") == true)
        #expect(error("")?.hasPrefix("s.avsc: not valid JSON") == true)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let depth = 5_000
        let text = String(repeating: #"{"type": "array", "items": "#, count: depth) + #""int""# + String(repeating: "}", count: depth)
        #expect(error(text) != nil)
        let unions = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(error(unions) != nil)
    }

    @Test func defaultsMayHoldTheEnclosingRecord() throws {
        _ = try AvroSchema.parse(#"""
        {"type": "record", "name": "A", "fields": [
          {"name": "inner", "type": {"type": "record", "name": "B", "fields": [
            {"name": "back", "type": ["null", "A"], "default": null}]},
           "default": {"back": null}}]}
        """#, source: "t")
    }
}

/// The conveniences the table tools use to map fields to columns.
struct SchemaNavigationTests {
    @Test func rootRecordAndNullableFields() throws {
        let schema = try AvroSchema.parse(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["null", "long"], "default": null}, {"name": "b", "type": ["string", "null"]}, {"name": "c", "type": "int"}, {"name": "d", "type": ["int", "string"]}]}"#, source: "t")
        let fields = try #require(schema.rootRecord).fields
        let seen = fields.map { schema.nonNull($0.type) }
        #expect(seen.map(\.isNullable) == [true, true, false, false])
        #expect(seen.map { schema[$0.type].kind.typeName } == ["long", "string", "int", "union"])
        #expect(try AvroSchema.parse(#""int""#, source: "t").rootRecord == nil)
    }
}

/// A chain of records defined side by side, each holding the one before: shallow JSON, deep
/// graph. Refused at parse time, so canonical form and the checker never recurse that deep.
struct DeepReferenceTests {
    @Test func longReferenceChainsAreRefused() {
        var branches = [#"{"type": "record", "name": "R0", "fields": []}"#]
        for i in 1..<5_000 { branches.append(#"{"type": "record", "name": "R\#(i)", "fields": [{"name": "f", "type": "R\#(i - 1)"}]}"#) }
        #expect(throws: SchemaError.self) { try AvroSchema.parse("[" + branches.joined(separator: ",") + "]", source: "chain") }
        #expect(throws: Never.self) { try AvroSchema.parse("[" + branches.prefix(150).joined(separator: ",") + "]", source: "chain") }
    }
}
