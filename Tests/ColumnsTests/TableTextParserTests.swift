import Columns
import Testing

@Suite struct TableTextParserTests {
    @Test func typesAreInferredFromValuesAndRecBoleSuffixes() throws {
        let text = """
        user_id:token\titem_id:token\trating:float\ttimestamp:float\tgenre\tliked\ttags:token_seq\tnote
        196\t242\t3\t881250949\tComedy\ttrue\ta b\t
        186\t302\t4.5\t891717742\tDrama\tfalse\t\tfine

        """
        var options = TableTextParser.Options()
        options.nullTokens = ["NA"]
        let (schema, batches) = try TableTextParser.parse(text, options: options)
        #expect(schema.fields.map(\.name) == ["user_id", "item_id", "rating", "timestamp", "genre", "liked", "tags", "note"])
        #expect(schema.fields.map(\.typeDescription) == ["int64", "int64", "float64", "float64", "utf8", "bool", "list<utf8>?", "utf8?"])
        #expect(schema.fields.map(\.role) == [.user, .item, .none, .time, .none, .none, .none, .none])
        #expect(batches.count == 1)
        let b = batches[0]
        #expect(b.rows == 2)
        #expect(b.columns[0].values == .int64([196, 186]))
        #expect(b.columns[2].values == .float64([3, 4.5]))
        #expect(b.columns[5].values == .bool(BitVector([true, false])))
        #expect(b.columns[6].listOffsets == [0, 2, 2])
        #expect(b.columns[6].isNull(1) && !b.columns[6].isNull(0))
        #expect(b.columns[7].nullCount == 1)
        try b.validate(against: schema)
    }

    @Test func aGivenSchemaParsesExactlyAndBatchesSplitAtBatchRows() throws {
        let schema = TableSchema(fields: [
            Field(id: 1, name: "id", type: .int32), Field(id: 2, name: "score", type: .float32, nullable: true),
            Field(id: 3, name: "bits", type: .int64, isList: true),
        ])
        var options = TableTextParser.Options()
        options.batchRows = 2
        options.nullTokens = ["null"]
        let text = "id,score,bits\n1,0.5,1 2 3\n2,null,\n3,2.25,-4\n"
        let (_, batches) = try TableTextParser.parse(text, schema: schema, options: options)
        #expect(batches.map(\.rows) == [2, 1])
        #expect(batches[0].columns[1].values == .float32([0.5, 0]))
        #expect(batches[0].columns[1].isNull(1))
        #expect(batches[0].columns[2].values == .int64([1, 2, 3]) && batches[0].columns[2].listOffsets == [0, 3, 3])
        #expect(batches[1].columns[2].values == .int64([-4]))
        for b in batches { try b.validate(against: schema) }
    }

    @Test(arguments: [
        ("id,score,bits\n1,2\n", "line 2: 2 fields, the header has 3"),
        ("id,score,bits\n3000000000,1,1\n", "line 2: id '3000000000' is out of the int32 range"),
        ("id,score,bits\n1,x,1\n", "line 2: score 'x' is not a number"),
        ("id,score,bits\n,1,1\n", "line 2: id is null but not nullable"),
        ("id,score\n1,2\n", "line 1: the header names id, score; the schema's fields are id, score, bits"),
        ("", "input: empty, expected a header line"),
    ])
    func badRowsSayLineFieldAndWhat(_ text: String, _ message: String) {
        let schema = TableSchema(fields: [
            Field(name: "id", type: .int32), Field(name: "score", type: .float64, nullable: true), Field(name: "bits", type: .int64, isList: true),
        ])
        #expect { _ = try TableTextParser.parse(text, schema: schema) } throws: { ($0 as? ColumnsError)?.message == message }
    }

    @Test func aNullAfterTheInferenceSampleNamesTheFix() {
        var options = TableTextParser.Options()
        options.inferenceRows = 2
        #expect {
            _ = try TableTextParser.parse("a,b\n1,x\n2,y\n,z\n", options: options)
        } throws: { ($0 as? ColumnsError)?.message.contains("line 4: a is null but not nullable (no null in the first 2 rows") ?? false }
    }
}
