import Columns
import Foundation
import Migration
import Testing

@Suite struct ExpressionTests {
    static let schema = Columns.TableSchema(fields: [
        Field(name: "ts", type: .int64), Field(name: "rating", type: .float32, nullable: true),
        Field(name: "name", type: .utf8), Field(name: "n", type: .int32),
    ])
    static let batch = ColumnBatch(rows: 3, columns: [
        Column(values: .int64([7205, -1, 3600])),
        Column(values: .float32([4.5, 0, 2]), validity: BitVector([true, false, true])),
        Column(values: .utf8({ var v = VarBinary(); v.append("a"); v.append("b"); v.append("c"); return v }())),
        Column(values: .int32([2, 0, -3])),
    ])

    func run(_ text: String) throws -> Column {
        try ExpressionProgram(try Expression.parse(text), schema: Self.schema).evaluate(Self.batch)
    }

    @Test func arithmeticBucketsAndNulls() throws {
        #expect(try run("bucket(ts, 3600)").values == .int64([7200, -3600, 3600]))
        #expect(try run("ts / n").values == .int64([3602, 0, -1200]))
        #expect(try run("ts / n").isNull(1))                                   // by zero
        let r = try run("rating * 2 + 1")
        #expect(r.values == .float64([10, 0, 5]) && r.isNull(1))
        #expect(try run("coalesce(rating, -1)").values == .float64([4.5, -1, 2]))
        #expect(try run("if(name == \"b\", 1, 0)").values == .int64([0, 1, 0]))
        #expect(try run("rating > 3 or n < 0").values == .bool(BitVector([true, false, true])))
        #expect(try run("rating > 3 or n < 0").isNull(1))                      // null or false
        #expect(try run("not (ts >= 3600) and -n == 0").values == .bool(BitVector([false, true, false])))
    }

    @Test(arguments: [
        ("ts +", "expression: at 5: expected a value, found the end"),
        ("nope(ts)", "expression: at 6: unknown function 'nope' (known: coalesce, if, bucket, floor, ceil, abs, min, max)"),
        ("bucket(ts)", "expression: at 11: bucket takes 2 arguments, not 1"),
        ("\"x", "expression: at 1: unterminated \""),
    ])
    func syntaxErrorsSayWhere(_ text: String, _ message: String) {
        #expect { _ = try Expression.parse(text) } throws: { ($0 as? ColumnsError)?.message == message }
    }

    @Test(arguments: [
        ("name + 1", "expression: '+' mixes utf8 and int64"),
        ("missing * 2", "expression: no column 'missing' (columns: ts, rating, name, n)"),
        ("if(ts, 1, 2)", "expression: if's condition must be a bool, not int64"),
    ])
    func typeErrorsComeBeforeTheFirstRow(_ text: String, _ message: String) {
        #expect { _ = try ExpressionProgram(try Expression.parse(text), schema: Self.schema) } throws: { ($0 as? ColumnsError)?.message == message }
    }
}

@Suite struct ValueCastTests {
    @Test func policiesDecideWhatAnInexactValueBecomes() throws {
        let column = Column(values: .float64([3, 3.5, 1e300, .nan, -2]))
        var lossy = 0
        #expect(throws: LossyCastError.self) { _ = try ValueCast.cast(column, field: "r", to: .int32, policy: .fail, lossy: &lossy) }
        lossy = 0
        let nulled = try ValueCast.cast(column, field: "r", to: .int32, policy: .null, lossy: &lossy)
        #expect(lossy == 3)
        #expect(nulled.values == .int32([3, 0, 0, 0, -2]) && nulled.nullCount == 3)
        lossy = 0
        let clamped = try ValueCast.cast(column, field: "r", to: .int32, policy: .clamp, lossy: &lossy)
        #expect(lossy == 3 && clamped.values == .int32([3, 3, .max, 0, -2]) && clamped.validity == nil)
        lossy = 0
        let exact = try ValueCast.cast(Column(values: .int64([1 << 53, (1 << 53) + 1])), field: "x", to: .float64, policy: .null, lossy: &lossy)
        #expect(lossy == 1 && exact.isNull(1))
    }
}

@Suite struct MigrationPlanTests {
    static let v1 = Columns.TableSchema(subject: "ratings", version: 1, fields: [
        Field(id: 1, name: "user_id", type: .int64, role: .user), Field(id: 2, name: "item_id", type: .int32),
        Field(id: 3, name: "rating", type: .float64), Field(id: 4, name: "legacy", type: .utf8),
    ])
    static let v2 = Columns.TableSchema(subject: "ratings", version: 2, fields: [
        Field(id: 1, name: "user_id", type: .int64, role: .user), Field(id: 2, name: "movie_id", type: .int64, role: .item),
        Field(id: 3, name: "rating", type: .int32, nullable: true), Field(id: 5, name: "country", type: .utf8),
    ])
    static let rows = ColumnBatch(rows: 2, columns: [
        Column(values: .int64([1, 2])), Column(values: .int32([10, 20])), Column(values: .float64([4, 2.5])),
        Column(values: .utf8({ var v = VarBinary(); v.append("x"); v.append("y"); return v }())),
    ])

    @Test func resolutionRenamesByIdWidensDefaultsAndDrops() throws {
        let target = MigrationTarget(schema: Self.v2, defaults: [nil, nil, nil, .string("unknown")])
        let plan = try MigrationPlan(source: Self.v1, explicit: [.cast(field: "rating", to: .int32, policy: .null)], target: target)
        #expect(plan.steps.map(\.summary) == [
            "cast rating to int32 (lossy: null)", "rename item_id → movie_id", "widen movie_id to int64",
            "default country (utf8)", "drop legacy",
        ])
        var losses = LossCounts()
        let out = try plan.apply(Self.rows, losses: &losses)
        try out.validate(against: Self.v2)
        #expect(out.columns[1].values == .int64([10, 20]))
        #expect(out.columns[2].values == .int32([4, 0]) && out.columns[2].isNull(1))
        #expect(out.columns[3].values == .utf8({ var v = VarBinary(); v.append("unknown"); v.append("unknown"); return v }()))
        #expect(losses.entries.map(\.value) == [1])
    }

    @Test func schemaProblemsAreFoundBeforeAnyRow() {
        let noDefault = MigrationTarget(schema: Self.v2)
        #expect { _ = try MigrationPlan(source: Self.v1, explicit: [.cast(field: "rating", to: .int32, policy: .null)], target: noDefault) } throws: {
            ($0 as? ColumnsError)?.message == "field 'country': not in the rows (fields: user_id, movie_id, rating, legacy) and no default"
        }
        let target = MigrationTarget(schema: Self.v2, defaults: [nil, nil, nil, .string("?")])
        #expect { _ = try MigrationPlan(source: Self.v1, explicit: [], target: target) } throws: {
            ($0 as? ColumnsError)?.message == "field 'rating': float64 in the rows does not promote to int32; add a cast step to the migration spec"
        }
        #expect { _ = try MigrationPlan(source: Self.v1, explicit: [.drop(field: "nope")], target: target) } throws: {
            ($0 as? ColumnsError)?.message == "drop nope: no field 'nope' (fields: user_id, item_id, rating, legacy)"
        }
    }

    @Test func specFilesParseAndNameTheBadKey() throws {
        let good = #"{"steps": [{"rename": "item_id", "to": "movie_id"}, {"cast": "rating", "to": "long", "lossy": "clamp"},"# +
            #" {"derive": "hour", "expr": "bucket(ts, 3600)", "type": "int64"}, {"default": "n", "type": "int", "value": 3}, {"drop": "x"}]}"#
        let steps = try MigrationSpec.parse(Data(good.utf8), source: "v1-to-v2.json")
        #expect(steps.count == 5)
        #expect(steps[1] == .cast(field: "rating", to: .int64, policy: .clamp))
        #expect(steps[3] == .addDefault(field: "n", type: .int32, value: .int(3)))
        for (text, message) in [
            (#"{"steps": [{"cast": "r", "to": "lng"}]}"#, "s.json: steps[0].to: unknown type 'lng'"),
            (#"{"steps": [{"rename": "a"}]}"#, "s.json: steps[0]: missing \"to\""),
            (#"{"steps": [{"drop": "a", "extra": 1}]}"#, "s.json: steps[0].extra: unknown key for this step (known: drop)"),
            (#"{"steps": [{"default": "a", "type": "bool", "value": 1}]}"#, "s.json: steps[0].value: an integer is not a bool"),
            (#"{"steps": [{"derive": "a", "expr": "1 +"}]}"#, "s.json: steps[0].expr: expression: at 4: expected a value, found the end"),
            (#"{"step": []}"#, "s.json: step: unknown key (known: steps, doc)"),
            ("{", "s.json: not valid JSON"),
        ] {
            #expect { _ = try MigrationSpec.parse(Data(text.utf8), source: "s.json") } throws: {
                ($0 as? ColumnsError)?.message.hasPrefix(message) ?? false
            }
        }
    }
}
