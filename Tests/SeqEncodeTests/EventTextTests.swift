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
        ("user_id\titem_id\ttimestamp\n1\t2\t3\t4\n", "line 2: more than 3 fields"),
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
