import Testing
import Capnp

/// The pieces of the public API generated code leans on: defaults, typed lists, builder views.
@Suite struct APITests {
    struct Color: CapnpEnum, Equatable {
        let rawValue: UInt16
        init(rawValue: UInt16) { self.rawValue = rawValue }
        static let red = Color(rawValue: 0), green = Color(rawValue: 1), blue = Color(rawValue: 2)
    }
    struct InnerReader: StructView {
        let raw: StructReader
        init(_ raw: StructReader) { self.raw = raw }
        var a: Int32 { raw.scalar(at: 0) }
        var b: Text { get throws { try raw.textField(0) } }
    }
    struct InnerBuilder: StructBuilderView {
        static let dataWordCount = 1, pointerCount = 1
        let raw: StructBuilder
        init(_ raw: StructBuilder) { self.raw = raw }
        var a: Int32 { get { raw.scalar(at: 0) } nonmutating set { raw.setScalar(newValue, at: 0) } }
        func setB(_ v: String) { raw.setText(0, v) }
    }

    /// A struct default as `capnp compile` hands it over: a root pointer, then the value.
    static let innerDefault = DefaultValue(words: [Wire.structPointer(0, data: 1, pointers: 1), 77,
                                                   Wire.listPointer(0, size: .byte, count: 3)] + Wire.words(Array("hi\0".utf8)))
    static let listDefault = DefaultValue(words: [Wire.listPointer(0, size: .fourBytes, count: 3), 0x0000_0002_0000_0001, 3])

    @Test func structAndListDefaults() throws {
        try withRoot(try CapnpTool.encode("AllTypes", "()")) { (r: StructReader) throws in
            let inner = InnerReader(try r.structField(2, default: Self.innerDefault))
            #expect(inner.a == 77)
            #expect(try inner.b == "hi")
            #expect(Array(PrimitiveList<Int32>(try r.listField(7, default: Self.listDefault))) == [1, 2, 3])
        }
        // A set field wins over the default.
        try withRoot(try CapnpTool.encode("AllTypes", "(structField = (a = 1), int32List = [9])")) { (r: StructReader) throws in
            #expect(InnerReader(try r.structField(2, default: Self.innerDefault)).a == 1)
            #expect(Array(PrimitiveList<Int32>(try r.listField(7, default: Self.listDefault))) == [9])
        }
    }

    @Test func typedListsAndBuilderViews() throws {
        let b = MessageBuilder()
        let root = b.initRoot(dataWords: 7, pointerCount: 20)
        let inner = root.initStruct(2, as: InnerBuilder.self)
        inner.a = 5
        inner.setB("five")
        let list = root.initStructList(14, count: 2, dataWords: 1, pointerCount: 1)
        list.structElement(at: 1, as: InnerBuilder.self).a = 8
        let enums = root.initList(15, elementSize: .twoBytes, count: 2)
        enums.setElement(Color.blue.rawValue, at: 0)
        enums.setElement(UInt16(9), at: 1)
        root.getList(15)!.setElement(Color.green.rawValue, at: 0)  // in place, no new list
        #expect(root.getList(14)?.structElement(at: 1).scalar(at: 0) as Int32? == 8)
        #expect(root.getList(3) == nil)
        withExtendedLifetime(b) {
            // Builders read back through asReader() without a copy.
            #expect(InnerReader(inner.raw.asReader()).a == 5)
            #expect(StructList<InnerReader>(list.asReader())[1].a == 8)
            #expect(Array(EnumList<Color>(enums.asReader())) == [.green, Color(rawValue: 9)])
        }
        let text = try CapnpTool.decode("AllTypes", Framing.encode(b))
        #expect(text.contains("structField = (a = 5, b = \"five\")"))
        #expect(text.contains("structList = [(a = 0), (a = 8)]"))
        #expect(text.contains("enumList = [green, (9)]"))  // how capnp prints an unknown enumerant
    }

    @Test func reusableMessageLoopsOverFrames() throws {
        let b = MessageBuilder(firstSegmentWords: 4, growth: .fixed)
        var frames = [UInt8]()
        BuilderInteropTests.buildFull(b)
        Framing.append(b, to: &frames)  // several segments
        let small = MessageBuilder()
        small.initRoot(dataWords: 1, pointerCount: 0).setScalar(UInt64(7), at: 0)
        Framing.append(small, to: &frames)  // one segment
        Framing.append(b, to: &frames)
        let message = Message(reusableWith: .default)
        var seen = [UInt64]()
        try frames.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                offset += try Framing.decode(UnsafeRawBufferPointer(rebasing: all[offset...]), into: message)
                let r = try message.root()
                seen.append(r.dataByteCount == 8 ? r.scalar(at: 0) : UInt64(message.segmentCount))
                if r.dataByteCount > 8 { try ReaderInteropTests.checkFull(r) }
            }
        }
        #expect(seen.count == 3 && seen[1] == 7 && seen[0] > 1)
        withExtendedLifetime(message) {}
    }
}
