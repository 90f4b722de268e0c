import EventRecords
import Testing
import SeqCodec
@testable import SeqEncode

@Suite struct EventTextTests {
    @Test func movieLensHeaderMapsRatingToAction() throws {
        var mapping = EventLayout.Mapping()
        mapping.action = "rating"
        let text = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n186\t302\t3.0\t891717742\n"
        let (schema, events) = try EventTextParser.parse(text, mapping: mapping)
        #expect(schema.columns.map(\.role) == [.user, .item, .action, .time])
        #expect(events == EventColumns(user: [196, 186], time: [881250949, 891717742], item: [242, 302], action: [3, 3]))
    }

    @Test func unmappedColumnsBecomeExtrasAndRoundTripThroughText() throws {
        let text = "user_id,timestamp,item_id,price:float,qty\n1,10,7,0.1,3\n2,-5,8,2.5e10,-4\n"
        let (schema, events) = try EventTextParser.parse(text)
        #expect(schema.extraColumnCount == 2)
        #expect(events.action == [0, 0])
        var out = EventTextWriter(layout: schema, delimiter: 44).header()
        EventTextWriter(layout: schema, delimiter: 44).rows(events, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "user_id,timestamp,item_id,price:float,qty\n1,10,7,0.1,3\n2,-5,8,25000000000.0,-4\n")
        let (_, again) = try EventTextParser.parse(String(decoding: out, as: UTF8.self))
        #expect(again == events)
    }

    @Test func blankAndTokenExtrasAreNullsThatRoundTripAsBlanks() throws {
        let text = "user_id,timestamp,item_id,price:float,qty,note\n1,10,7,,3,\"a,b\"\n2,11,8,NA,,\"say \"\"hi\"\"\"\n"
        do {
            _ = try EventTextParser.parse(text)
            Issue.record("note is text, not an integer: expected an error")
        } catch let e as EventTextError { #expect(e.message.contains("line 2: note 'a,b' is not an integer")) }
        let numeric = "user_id,timestamp,item_id,price:float,qty\n1,10,7,,3\n2,11,8,NA,\n3,12,9,1.5,4\n"
        let (layout, events) = try EventTextParser.parse(numeric, nullTokens: ["NA"])
        #expect(events.extras[0] == [EventNull.floatBits, EventNull.floatBits, Int64(bitPattern: 1.5.bitPattern)])
        #expect(events.extras[1] == [3, EventNull.int, 4])
        var out = EventTextWriter(layout: layout, delimiter: 44).header()
        EventTextWriter(layout: layout, delimiter: 44).rows(events, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "user_id,timestamp,item_id,price:float,qty\n1,10,7,,3\n2,11,8,,\n3,12,9,1.5,4\n")
        #expect(throws: EventTextError.self) { _ = try EventTextParser.parse(numeric) }   // NA is not a number unless named
    }

    @Test func chunksOfAnySizeParseTheSame() throws {
        let text = "user_id\titem_id\taction\ttimestamp\r\n" + (0..<50).map { "\($0 % 7)\t\($0 * 31)\t\($0 % 3)\t\(1000 - $0)\r\n" }.joined()
        let (_, whole) = try EventTextParser.parse(text)
        let bytes = Array(text.utf8)
        for size in [1, 2, 3, 7, 64] {
            var p = EventTextParser()
            var out = EventColumns()
            var i = 0
            while i < bytes.count {
                let chunk = Array(bytes[i..<min(bytes.count, i + size)])
                try chunk.withUnsafeBytes { try p.feed($0, into: &out) }
                i += size
            }
            try p.finish(into: &out)
            #expect(out == whole, "chunk size \(size)")
        }
    }

    @Test(arguments: [
        ("", "input: empty"),
        ("user_id\titem_id\n", "no column 'timestamp'"),
        ("user_id\titem_id\ttimestamp\n1\t2\n", "line 2: 2 fields"),
        ("user_id\titem_id\ttimestamp\n1\t2\t3\t4\n", "line 2: 4 fields, the header has 3"),
        ("user_id\titem_id\ttimestamp\n1\t\t3\n", "line 2: item_id '' is null; every event needs"),
        ("user_id\titem_id\ttimestamp\tqty\n1\t2\t3\t-9223372036854775808\n", "reserved for null"),
        ("user_id,item_id,timestamp\n1,\"2,3\n", "does not end on its line"),
        ("user_id\titem_id\ttimestamp\n1\tx\t3\n", "line 2: item_id 'x' is not an integer"),
        ("user_id\titem_id\ttimestamp\n1\t2\t3.5\n", "line 2: timestamp '3.5' is not an integer"),
        ("user_id\titem_id\ttimestamp\n99999999999999999999\t2\t3\n", "out of the 64-bit range"),
        ("user_id\tuser_id:token\titem_id\ttimestamp\n", "appears twice"),
    ])
    func malformedTablesSayWhereAndWhat(_ text: String, _ message: String) {
        do {
            _ = try EventTextParser.parse(text)
            Issue.record("expected an error containing \(message)")
        } catch let e as EventTextError {
            #expect(e.message.contains(message), "\(e.message)")
        } catch { Issue.record("unexpected \(error)") }
    }
}

@Suite struct EventLayoutTests {
    @Test func storeTextRoundTripsAndRejectsDamage() throws {
        let (layout, _) = try EventTextParser.parse("uid\tts\titem\trating:float\tqty\n", mapping: {
            var m = EventLayout.Mapping(); m.user = "uid"; m.time = "ts"; m.item = "item"; m.action = "none"; return m
        }())
        #expect(try EventLayout.fromStoreText(layout.storeText, source: "m") == layout)
        #expect(throws: EventTextError.self) { try EventLayout.fromStoreText(Array("user\tuid\nbogus\tx\n".utf8), source: "m") }
        #expect(throws: EventTextError.self) { try EventLayout.fromStoreText(Array("user\tuid\n".utf8), source: "m") }
    }
}
