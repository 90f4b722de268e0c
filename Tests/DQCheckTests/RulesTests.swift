import Columns
import QualityRules
import TestSupport
import Testing

@Suite struct RulesTests {
    func parse(_ s: String) throws -> RuleSet { try RuleSet.parse(Array(s.utf8)) }

    @Test func malformedRulesNameTheKey() {
        let cases: [(String, String)] = [
            ("[]", "rules file"),
            ("{\"rules\": [{\"rule\": \"range\", \"column\": \"x\", \"min\": \"a\"}]}", "rules[0].min"),
            ("{\"rules\": [{\"rule\": \"nope\"}]}", "rules[0].rule"),
            ("{\"rules\": [{\"rule\": \"not-null\", \"column\": \"x\", \"colour\": 1}]}", "rules[0].colour"),
            ("{\"rules\": [{\"rule\": \"range\", \"column\": \"x\", \"min\": 3, \"max\": 1}]}", "rules[0].min"),
            ("{\"rules\": {}", "rules file"),
            ("{\"rulez\": []}", "rulez"),
        ]
        for (text, location) in cases {
            do { _ = try parse(text); Issue.record("accepted \(text)") } catch let e as RulesError {
                #expect(e.location == location, "\(text): \(e)")
            } catch { Issue.record("\(error)") }
        }
    }

    func table() -> (TableSchema, ColumnBatch) {
        let schema = TableSchema(fields: [
            Field(id: 1, name: "user", type: .int64, role: .user),
            Field(id: 2, name: "item", type: .int64, role: .item),
            Field(id: 3, name: "time", type: .int64, role: .time),
            Field(id: 4, name: "action", type: .int64, role: .action),
            Field(id: 5, name: "rating", type: .float64, nullable: true),
        ])
        let batch = ColumnBatch(rows: 6, columns: [
            Column(values: .int64([1, 1, 2, 1, 2, 2])),
            Column(values: .int64([10, 11, 10, 10, 12, 12])),
            Column(values: .int64([100, 200, 150, 150, 300, 305])),
            Column(values: .int64([0, 1, 0, 2, 0, 0])),
            Column(values: .float64([4, 5, 0, 9, 3, 2]), validity: BitVector([true, true, false, true, true, true])),
        ])
        return (schema, batch)
    }

    @Test func eachRuleCountsItsViolations() throws {
        let (schema, batch) = table()
        let set = try parse("""
        {"examples": 2, "rules": [
          {"rule": "not-null", "column": "rating"},
          {"rule": "range", "column": "rating", "min": 1, "max": 5},
          {"rule": "in-set", "column": "action", "values": [0, 1]},
          {"rule": "unique", "columns": ["user", "item"]},
          {"rule": "monotone-time", "user": "user", "time": "time"},
          {"rule": "no-future", "column": "time"},
          {"rule": "duplicates", "user": "user", "item": "item", "time": "time", "window": 10},
          {"rule": "transitions", "user": "user", "action": "action", "allowed": [[0, 1], [1, 2], [0, 0]]},
          {"rule": "sequence-length", "user": "user", "max": 2},
          {"rule": "freshness", "column": "time", "max-age": 50}
        ]}
        """)
        let ev = try RuleEvaluator(set, schema: schema, now: 302, arrivalOrder: true)
        // Split in two batches: state must carry across.
        ev.consume(ColumnBatch(rows: 3, columns: batch.columns.map { c in Column(values: c.values.slice(0..<3), validity: c.validity?.slice(0..<3)) }))
        ev.consume(ColumnBatch(rows: 3, columns: batch.columns.map { c in Column(values: c.values.slice(3..<6), validity: c.validity?.slice(3..<6)) }))
        let counts = ev.finish().map(\.violations)
        // not-null: row 2; range: 9; in-set: action 2; unique (user,item): (1,10) again, (2,12) again;
        // monotone: user 1 at 150 after 200; no-future: 305; duplicates: (2,12) 300/305;
        // transitions: user 1 1→2 allowed... (0→1, 1→2) ok, user 2 0→0, 0→0 ok → 0;
        // sequence-length: users 1 and 2 have 3 each; freshness: 302 − 305 < 50 ok.
        #expect(counts == [1, 1, 1, 2, 1, 1, 1, 0, 2, 0])
        #expect(ev.finish()[1].examples.first?.row == 3)
    }

    @Test func bindingErrors() throws {
        let (schema, _) = table()
        #expect(throws: RulesError.self) { try RuleEvaluator(try parse("{\"rules\": [{\"rule\": \"not-null\", \"column\": \"nope\"}]}"), schema: schema, now: nil, arrivalOrder: true) }
        #expect(throws: RulesError.self) { try RuleEvaluator(try parse("{\"rules\": [{\"rule\": \"monotone-time\", \"user\": \"user\", \"time\": \"time\"}]}"), schema: schema, now: nil, arrivalOrder: false) }
        #expect(throws: RulesError.self) { try RuleEvaluator(try parse("{\"rules\": [{\"rule\": \"no-future\", \"column\": \"time\"}]}"), schema: schema, now: nil, arrivalOrder: true) }
        #expect(throws: RulesError.self) { try RuleEvaluator(try parse("{\"rules\": [{\"rule\": \"monotone-time\", \"user\": \"user\", \"time\": \"rating\"}]}"), schema: schema, now: nil, arrivalOrder: true) }
    }
}
