import Testing
import Capnp

/// Messages produced by the real `capnp encode`, read back field by field with the raw API at the
/// offsets `capnp compile -ocapnp` prints for Fixtures/runtime_test.capnp.
@Suite struct ReaderInteropTests {
    static let fullText = """
    (boolField = true, int8Field = -5, int16Field = -1234, int32Field = -123456, int64Field = -1234567890123,
     uint8Field = 200, uint16Field = 60000, uint32Field = 4000000000, uint64Field = 18000000000000000000,
     float32Field = 3.5, float64Field = -2.25, textField = "h\u{e9}llo", dataField = 0x"01 02 ff",
     structField = (a = 7, b = "inner"), enumField = blue, voidList = [void, void, void],
     boolList = [true, false, true, true, false, false, false, false, true],
     int8List = [-1, 2], int16List = [-300, 300], int32List = [1, -2, 3], int64List = [-9000000000, 5],
     uint64List = [18446744073709551615], float32List = [1.5, -2.5], float64List = [0.125],
     textList = ["a", "bc", ""], dataList = [0x"00", ""], structList = [(a = 1, b = "x"), (a = 2)],
     enumList = [green, red, blue], listList = [[1, 2], [], [3]], intWithDefault = 5,
     textWithDefault = "world", floatWithDefault = 2.5, boolWithDefault = false,
     next = (int32Field = 99, next = (textField = "deep")))
    """

    /// Every field of `fullText`, read through the raw API.
    static func checkFull(_ r: StructReader) throws {
        #expect(r.bool(atBit: 0) == true)
        #expect(r.scalar(at: 1) as Int8 == -5)
        #expect(r.scalar(at: 2) as Int16 == -1234)
        #expect(r.scalar(at: 4) as Int32 == -123456)
        #expect(r.scalar(at: 8) as Int64 == -1234567890123)
        #expect(r.scalar(at: 16) as UInt8 == 200)
        #expect(r.scalar(at: 18) as UInt16 == 60000)
        #expect(r.scalar(at: 20) as UInt32 == 4000000000)
        #expect(r.scalar(at: 24) as UInt64 == 18000000000000000000)
        #expect(r.float32(at: 32) == 3.5)
        #expect(r.float64(at: 40) == -2.25)
        #expect(try r.textField(0) == "h\u{e9}llo")
        #expect(try r.dataField(1).array == [1, 2, 255])
        let inner = try r.structField(2)
        #expect(inner.scalar(at: 0) as Int32 == 7)
        #expect(try inner.textField(0) == "inner")
        #expect(r.scalar(at: 36) as UInt16 == 2)
        let voids = try r.listField(3)
        #expect(voids.count == 3 && voids.elementSize == .void)
        #expect(Array(BoolList(try r.listField(4))) == [true, false, true, true, false, false, false, false, true])
        #expect(Array(PrimitiveList<Int8>(try r.listField(5))) == [-1, 2])
        #expect(Array(PrimitiveList<Int16>(try r.listField(6))) == [-300, 300])
        #expect(Array(PrimitiveList<Int32>(try r.listField(7))) == [1, -2, 3])
        #expect(Array(PrimitiveList<Int64>(try r.listField(8))) == [-9000000000, 5])
        #expect(Array(PrimitiveList<UInt64>(try r.listField(9))) == [UInt64.max])
        #expect(Array(PrimitiveList<Float>(try r.listField(10))) == [1.5, -2.5])
        #expect(try r.listField(10).withUnsafeScalars(as: Float.self) { Array($0) } == [1.5, -2.5])
        #expect(Array(PrimitiveList<Double>(try r.listField(11))) == [0.125])
        #expect(try TextList(try r.listField(12)).strings() == ["a", "bc", ""])
        let datas = DataList(try r.listField(13))
        #expect(try datas.get(0).array == [0] && datas.get(1).array == [])
        let structs = try r.listField(14)
        #expect(structs.count == 2 && structs.elementSize == .inlineComposite)
        #expect(structs.structElement(at: 0).scalar(at: 0) as Int32 == 1)
        #expect(try structs.structElement(at: 0).textField(0) == "x")
        #expect(structs.structElement(at: 1).scalar(at: 0) as Int32 == 2)
        #expect(try structs.structElement(at: 1).textField(0) == "")
        #expect(Array(PrimitiveList<UInt16>(try r.listField(15))) == [1, 0, 2])
        let lists = ListList<PrimitiveList<Int32>>(try r.listField(16))
        #expect(lists.count == 3)
        #expect(try Array(lists.get(0)) == [1, 2] && Array(lists.get(1)) == [] && Array(lists.get(2)) == [3])
        #expect(r.scalar(at: 48, default: Int32(42)) == 5)
        #expect(try r.textField(17, default: "hello") == "world")
        #expect(r.float32(at: 52, defaultBits: Float(1.5).bitPattern) == 2.5)
        #expect(r.bool(atBit: 1, default: true) == false)
        let next = try r.structField(18)
        #expect(next.scalar(at: 4) as Int32 == 99)
        #expect(try next.structField(18).textField(0) == "deep")
        #expect(r.anyPointerField(19).isNull)
    }

    @Test func readsEveryFieldType() throws {
        try withRoot(try CapnpTool.encode("AllTypes", Self.fullText), Self.checkFull)
    }

    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func readsMultiSegmentMessagesWithFarPointers(segmentWords: Int) throws {
        let bytes = try CapnpTool.encode("AllTypes", Self.fullText, flags: ["--segment-size=\(segmentWords)"])
        #expect(try openFrame(bytes).segmentCount > 1)
        try withRoot(bytes, Self.checkFull)
    }

    @Test func absentFieldsReadAsDefaults() throws {
        try withRoot(try CapnpTool.encode("AllTypes", "()")) { (r: StructReader) throws in
        #expect(r.scalar(at: 48, default: Int32(42)) == 42)
        #expect(try r.textField(17, default: "hello") == "hello")
        #expect(r.float32(at: 52, defaultBits: Float(1.5).bitPattern) == 1.5)
        #expect(r.bool(atBit: 1, default: true) == true)
        #expect(try r.textField(0) == "")
        #expect(try r.listField(7).count == 0)
        #expect(try r.structField(2).scalar(at: 0) as Int32 == 0)
        #expect(try r.dataField(1, default: [9, 8]).array == [9, 8])
        }
    }
}
