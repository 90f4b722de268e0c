import Capnp
import Columns
import EventRecords
import Schemas
import SeqCodec
import TableRecords
import TestSupport
import Testing

// Schemas also declares `TableSchema` (table.capnp's constants); this file means the Columns type.
typealias TableSchema = Columns.TableSchema

@Suite struct TableRecordTests {
    static let schema = TableSchema(subject: "ratings", version: 3, fingerprint: 0x1234_5678_9ABC_DEF0, fields: [
        Field(id: 1, name: "user_id", type: .int64, role: .user),
        Field(id: 2, name: "ts", type: .int64, role: .time, timeUnit: .ms),
        Field(id: 3, name: "score", type: .float32, nullable: true),
        Field(id: 4, name: "small", type: .int32),
        Field(id: 5, name: "weight", type: .float64),
        Field(id: 6, name: "flag", type: .bool, nullable: true),
        Field(id: 7, name: "title", type: .utf8, nullable: true),
        Field(id: 8, name: "blob", type: .bytes),
        Field(id: 9, name: "tags", type: .utf8, isList: true, nullable: true),
        Field(id: 10, name: "ids", type: .int64, isList: true),
    ])

    /// A batch of `rows` random rows of `schema`, some null.
    static func randomBatch(rows: Int, rng: inout SplitMix64) -> ColumnBatch {
        var builders = schema.fields.map { ColumnBuilder(field: $0) }
        for _ in 0..<rows {
            for c in builders.indices {
                let f = builders[c].field
                if f.nullable && rng.below(5) == 0 { builders[c].appendNull(); continue }
                let elements = f.isList ? rng.below(4) : 1
                for _ in 0..<elements {
                    switch f.type {
                    case .int32: builders[c].appendElement(int: Int64(Int32(truncatingIfNeeded: rng.next())))
                    case .int64: builders[c].appendElement(int: Int64(bitPattern: rng.next()))
                    case .float32, .float64: builders[c].appendElement(double: Double(bitPattern: rng.next()))
                    case .bool: builders[c].appendElement(bool: rng.below(2) == 0)
                    case .utf8: builders[c].appendElement(string: String(repeating: "é", count: rng.below(5)))
                    case .bytes: builders[c].appendElement(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
                    }
                }
                builders[c].endRow()
            }
        }
        return ColumnBatch(rows: rows, columns: builders.indices.map { builders[$0].take() })
    }

    static func frames(_ batch: ColumnBatch) -> ([UInt8], [UInt8]) {
        let b = MessageBuilder()
        TableSchemaRecord.write(schema, into: TableFrame.Builder(b.initRoot(TableFrame.Builder.self).raw).initRowSchema())
        let schemaFrame = Framing.encode(b)
        b.reset()
        TableBatchRecord.write(batch, into: b.initRoot(TableFrame.Builder.self).initBatch())
        return (schemaFrame, Framing.encode(b))
    }

    static func readBack(_ schemaFrame: [UInt8], _ batchFrame: [UInt8]) throws -> (TableSchema, ColumnBatch) {
        let s = try schemaFrame.withUnsafeBytes { try Framing.decodeCopying($0).message }
        guard case .rowSchema(let r) = try TableFrame.Reader(try s.root()).which() else { throw ColumnsError("not a schema") }
        let schema = try TableSchemaRecord.read(r)
        let m = try batchFrame.withUnsafeBytes { try Framing.decodeCopying($0).message }
        guard case .batch(let b) = try TableFrame.Reader(try m.root()).which() else { throw ColumnsError("not a batch") }
        return (schema, try TableBatchRecord.read(b, schema: schema))
    }

    @Test func everyTypeRoundTripsBitExact() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("table-records", default: 7))
        let batch = Self.randomBatch(rows: 300, rng: &rng)
        try batch.validate(against: Self.schema)
        let (s, b) = Self.frames(batch)
        let (schema, back) = try Self.readBack(s, b)
        #expect(schema == Self.schema)
        #expect(back.bitwiseEqual(batch))
    }

    @Test func randomMutationsOfABatchNeverTrap() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("table-mutations", default: 11))
        let (s, b) = Self.frames(Self.randomBatch(rows: 40, rng: &rng))
        var rejected = 0
        for _ in 0..<3000 {
            var bytes = b
            for _ in 0..<(1 + rng.below(4)) { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            do {
                let (schema, batch) = try Self.readBack(s, bytes)
                try batch.validate(against: schema)      // what was accepted is consistent
            } catch { rejected += 1 }
        }
        #expect(rejected > 0)
    }

    @Test func eventsBecomeATableAndComeBackWithTheirNulls() throws {
        let (layout, events) = try EventTextParserFixture.parse()
        let schema = EventTable.schema(of: layout, timeUnit: .s)
        #expect(schema.fields.map(\.typeDescription) == ["int64", "int64", "int64", "float64?", "int64?"])
        #expect(schema.fields.map(\.role) == [.user, .time, .item, .none, .none])
        let batch = EventTable.batch(events, layout: layout)
        try batch.validate(against: schema)
        #expect(batch.columns[3].isNull(1) && batch.columns[4].isNull(0))
        let back = try EventTable.layout(of: schema)
        #expect(back.columns.map(\.header) == ["user_id", "timestamp", "item_id", "price:float", "qty"])
        #expect(try EventTable.events(batch, layout: back) == events)
    }

    @Test func tablesThatDoNotFitEventsSaySo() {
        #expect { _ = try EventTable.layout(of: Self.schema) } throws: {
            ($0 as? ColumnsError)?.message == "field 'score' is float32?; events hold only int64 and float64 columns"
        }
    }
}

/// Events with a null float and a null int extra, built without seq-encode's parser.
enum EventTextParserFixture {
    static func parse() throws -> (EventLayout, EventColumns) {
        let layout = try EventLayout.fromHeader(["user_id", "timestamp", "item_id", "price:float", "qty"], mapping: .init())
        var events = EventColumns(extraColumnCount: 2)
        events.append(user: 1, time: 10, item: 7, action: 0)
        events.append(user: 2, time: 11, item: 8, action: 0)
        events.extras[0] = [Int64(bitPattern: 2.5.bitPattern), EventNull.floatBits]
        events.extras[1] = [EventNull.int, 4]
        return (layout, events)
    }
}
