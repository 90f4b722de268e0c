import Capnp
import Foundation
import Testing

/// `capnp encode` writes, generated Readers read: every field kind, defaults, framing variants.
@Suite struct ReadTests {
    static func checkAllFields(_ e: Everything.Reader) throws {
        #expect(e.boolField == true)
        #expect(e.int8Field == -8)
        #expect(e.int16Field == -16)
        #expect(e.int32Field == -32)
        #expect(e.int64Field == -6_400_000_000)
        #expect(e.uint8Field == 200)
        #expect(e.uint16Field == 60000)
        #expect(e.uint32Field == 4_000_000_000)
        #expect(e.uint64Field == 18_000_000_000_000_000_000)
        #expect(e.float32Field == 1.5)
        #expect(e.float64Field == -2.25)
        #expect(try e.textField == "text \"é\"\n\tend")
        #expect(try e.dataField.array == [0x00, 0xFF, 0x10, 0x41])
        #expect(try e.structField.int32Field == 7)
        #expect(try e.structField.textField == "nested")
        #expect(try e.structField.uint64Default == 0)
        #expect(try e.structField.int32Default == -12_345_678)   // nested struct keeps its defaults
        #expect(e.enumField == .blueSky)
        // Scalars set to values other than their defaults (wire value = value XOR default).
        #expect(e.boolDefault == false)
        #expect(e.int8Default == 0)
        #expect(e.int16Default == 1)
        #expect(e.int32Default == 2)
        #expect(e.int64Default == 3)
        #expect(e.uint8Default == 4)
        #expect(e.uint16Default == 5)
        #expect(e.uint32Default == 6)
        #expect(e.uint64Default == 7)
        #expect(e.float32Default == 0)
        #expect(e.float64Default == 8.5)
        #expect(try e.textDefault == "")
        #expect(e.hasTextDefault)
        #expect(try e.dataDefault.isEmpty)
        #expect(try e.structDefault.x == 9)
        #expect(try e.structDefault.hasLabel == false)
        #expect(e.enumDefault == .red)
        #expect(e.nanDefault == 1)
        // Lists.
        #expect(try e.voidList.count == 3)
        #expect(try Array(e.boolList) == [true, false, true, true, false, false, false, false, true])
        #expect(try Array(e.int8List) == [-1, 2])
        #expect(try Array(e.int16List) == [-300, 300])
        #expect(try Array(e.int32List) == [-70000, 70000])
        #expect(try Array(e.int64List) == [Int64.min, Int64.max])
        #expect(try Array(e.uint8List) == [0, 255])
        #expect(try Array(e.uint16List) == [65535])
        #expect(try Array(e.uint32List) == [UInt32.max, 1])
        #expect(try Array(e.uint64List) == [UInt64.max])
        #expect(try Array(e.float32List) == [0.5, -1e10, .infinity])
        let f64 = try Array(e.float64List)
        #expect(f64.count == 3 && f64[0] == 1e-300 && f64[1] == 0 && f64[1].sign == .minus && f64[2].isNaN)
        #expect(try e.textList.strings() == ["a", "", "c"])
        #expect(try e.dataList.count == 2)
        #expect(try e.dataList.get(0).array == [1])
        #expect(try e.dataList.get(1).isEmpty)
        let points = try e.structList
        #expect(points.count == 2)
        #expect(points[0].x == 1 && points[0].y == 2)
        #expect(try points[0].label == "p")
        #expect(points[1].x == 3 && !points[1].hasLabel)
        #expect(try Array(e.enumList) == [.red, .unknown_, .default])
        let ll = try e.listList
        #expect(ll.count == 3)
        #expect(try Array(ll.get(0)) == [1, 2])
        #expect(try ll.get(1).isEmpty)
        #expect(try Array(ll.get(2)) == [3])
        #expect(try e.textListList.get(1).strings() == ["y", "z"])
        #expect(try e.structListList.get(0)[0].x == 1)
        #expect(try e.structListList.get(1).isEmpty)
        #expect(try Array(e.deepList.get(0).get(1)) == [2, 3])
        #expect(try Array(e.int32ListDefault) == [9])
        #expect(try e.textListDefault.count == 0)
        #expect(try e.structListDefault.count == 0)
        #expect(try Array(e.boolListDefault) == [false])
        #expect(e.level == .quiet)
        #expect(try e.point.x == 0.5)
        #expect(try e.point.y == 0.25)
        #expect(try e.point.label == "pt")
        // Unions and groups.
        guard case .word(let w) = try e.which() else { Issue.record("expected word"); return }
        #expect(w == "union text")
        guard case .ints(let ints) = try e.choice.which() else { Issue.record("expected ints"); return }
        #expect(Array(ints) == [1, -1])
        #expect(e.outer.a == 1)
        #expect(try e.outer.inner.b == "inner b")
        #expect(e.outer.inner.c == 2.5)
        #expect(try e.inner.value == -5)
        #expect(try e.inner.kind == .beta)
        #expect(try e.innerDefault.value == 1)
        #expect(try e.innerDefault.kind == .alpha)
    }

    @Test func readsEveryFieldCapnpEncodes() throws {
        let frames = try Frames(try Peers.encode(EverythingValues.text))
        defer { withExtendedLifetime(frames) {} }
        #expect(frames.messages.count == 1)
        try Self.checkAllFields(try frames.root(as: Everything.Reader.self))
    }

    @Test func readsMultiSegmentMessagesWithFarPointers() throws {
        // 8-word segments force nearly every object behind a far pointer.
        let bytes = try Peers.encode(EverythingValues.text, segmentSize: 8)
        let frames = try Frames(bytes)
        defer { withExtendedLifetime(frames) {} }
        #expect(frames.messages[0].segmentCount > 10)
        try Self.checkAllFields(try frames.root(as: Everything.Reader.self))
    }

    @Test func emptyMessageReadsEveryDefault() throws {
        let frames = try Frames(try Peers.encode("()"))
        defer { withExtendedLifetime(frames) {} }
        let e = try frames.root(as: Everything.Reader.self)
        #expect(e.boolDefault == true)
        #expect(e.int8Default == -123)
        #expect(e.int16Default == -12345)
        #expect(e.int32Default == -12_345_678)
        #expect(e.int64Default == -123_456_789_012_345)
        #expect(e.uint8Default == 234)
        #expect(e.uint16Default == 45678)
        #expect(e.uint32Default == 3_456_789_012)
        #expect(e.uint64Default == 12_345_678_901_234_567_890)
        #expect(e.float32Default == 1234.5)
        #expect(e.float64Default == -1.25e-123)
        #expect(e.nanDefault.isNaN)
        #expect(try e.textDefault == "foo")
        #expect(!e.hasTextDefault)
        #expect(try e.dataDefault.array == Array("bar".utf8))
        let p = try e.structDefault
        #expect(p.x == 1.5 && p.y == -2)
        #expect(try p.label == "default point")
        #expect(e.enumDefault == .blueSky)
        #expect(try Array(e.int32ListDefault) == [1, -2, 3])
        #expect(try e.textListDefault.strings() == ["a", "bc"])
        let sl = try e.structListDefault
        #expect(sl.count == 2 && sl[0].x == 1 && sl[1].y == 2)
        #expect(try sl[1].label == "two")
        #expect(try Array(e.boolListDefault) == [true, false, true])
        #expect(e.level == .loud)
        #expect(e.outer.a == 7)
        #expect(e.outer.inner.c == 0.5)
        #expect(try e.innerDefault.value == 42)
        #expect(try e.innerDefault.kind == .beta)
        // Null pointers without defaults read as empty values.
        #expect(try e.textField == "")
        #expect(try e.int32List.isEmpty)
        #expect(try e.structField.int32Field == 0)
        guard case .empty = try e.which() else { Issue.record("union should default to its first member"); return }
        guard case .none = try e.choice.which() else { Issue.record("named union default"); return }
        #expect(e.choice.flag == true)   // a union member's own default
    }

    @Test func constants() throws {
        #expect(EverythingSchema.answer == 42)
        #expect(EverythingSchema.pi == 3.14159265358979)
        #expect(EverythingSchema.smallPi == Float(3.14159))
        #expect(EverythingSchema.greeting == "hello \"world\"\n")
        #expect(EverythingSchema.blob == [0, 1, 0xFE, 0xFF])
        #expect(EverythingSchema.favourite == .green)
        #expect(EverythingSchema.yes)
        #expect(EverythingSchema.bigUnsigned == UInt64.max)
        #expect(try Array(EverythingSchema.primes) == [2, 3, 5, 7, 11])
        #expect(try EverythingSchema.words.strings() == ["one", "two"])
        let home = try EverythingSchema.home
        #expect(home.x == 51.5 && home.y == -0.1)
        #expect(try home.label == "London")
        #expect(try EverythingSchema.copy.label == "origin")
        #expect(try SharedSchema.origin.label == "origin")
        #expect(Everything.Inner.limit == 99)
    }

    @Test func unknownEnumAndUnionValuesSurvive() throws {
        // A newer writer's values: enum 9 and union discriminant 9 (set through the raw API).
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.enumField = Color(rawValue: 9)
        e.raw.setScalar(UInt16(9), at: Int(e.asReader().discriminantOffsetForTests))
        let r = e.asReader()
        #expect(r.enumField.rawValue == 9)
        #expect(r.enumField.description == "(9)")
        guard case .unknown(9) = try r.which() else { Issue.record("expected unknown(9)"); return }
    }
}

extension Everything.Reader {
    /// Byte offset of the unnamed union's discriminant (found by setting a member).
    var discriminantOffsetForTests: Int {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.number = 0
        let before = Array(e.raw.asReader().dataBytes)
        e.setEmpty()
        let after = Array(e.raw.asReader().dataBytes)
        return zip(before, after).enumerated().first { $0.element.0 != $0.element.1 }!.offset & ~1
    }
}
