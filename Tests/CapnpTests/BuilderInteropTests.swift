import Testing
import Capnp

/// Messages built in Swift and decoded by the real `capnp decode`.
@Suite struct BuilderInteropTests {
    /// Builds the same message as `ReaderInteropTests.fullText`.
    static func buildFull(_ b: MessageBuilder) {
        let r = b.initRoot(dataWords: 7, pointerCount: 20)
        r.setBool(true, atBit: 0)
        r.setScalar(Int8(-5), at: 1)
        r.setScalar(Int16(-1234), at: 2)
        r.setScalar(Int32(-123456), at: 4)
        r.setScalar(Int64(-1234567890123), at: 8)
        r.setScalar(UInt8(200), at: 16)
        r.setScalar(UInt16(60000), at: 18)
        r.setScalar(UInt32(4000000000), at: 20)
        r.setScalar(UInt64(18000000000000000000), at: 24)
        r.setFloat32(3.5, at: 32)
        r.setFloat64(-2.25, at: 40)
        r.setText(0, "h\u{e9}llo")
        r.setData(1, [1, 2, 255])
        let inner = r.initStruct(2, dataWords: 1, pointerCount: 1)
        inner.setScalar(Int32(7), at: 0)
        inner.setText(0, "inner")
        r.setScalar(UInt16(2), at: 36)
        _ = r.initList(3, elementSize: .void, count: 3)
        let bools = r.initList(4, elementSize: .bit, count: 9)
        for (i, v) in [true, false, true, true, false, false, false, false, true].enumerated() { bools.setBool(v, at: i) }
        let i8 = r.initList(5, elementSize: .byte, count: 2)
        i8.setScalar(Int8(-1), at: 0); i8.setScalar(Int8(2), at: 1)
        let i16 = r.initList(6, elementSize: .twoBytes, count: 2)
        i16.setScalar(Int16(-300), at: 0); i16.setScalar(Int16(300), at: 1)
        let i32 = r.initList(7, elementSize: .fourBytes, count: 3)
        _ = i32.withUnsafeMutableScalars(as: Int32.self) { $0[0] = 1; $0[1] = -2; $0[2] = 3 }
        let i64 = r.initList(8, elementSize: .eightBytes, count: 2)
        i64.setScalar(Int64(-9000000000), at: 0); i64.setScalar(Int64(5), at: 1)
        r.initList(9, elementSize: .eightBytes, count: 1).setScalar(UInt64.max, at: 0)
        let f32 = r.initList(10, elementSize: .fourBytes, count: 2)
        f32.setFloat32(1.5, at: 0); f32.setFloat32(-2.5, at: 1)
        r.initList(11, elementSize: .eightBytes, count: 1).setFloat64(0.125, at: 0)
        let texts = r.initList(12, elementSize: .pointer, count: 3)
        texts.setText(at: 0, "a"); texts.setText(at: 1, "bc"); texts.setText(at: 2, "")
        let datas = r.initList(13, elementSize: .pointer, count: 2)
        datas.setData(at: 0, [0]); datas.setData(at: 1, [])
        let structs = r.initStructList(14, count: 2, dataWords: 1, pointerCount: 1)
        structs.structElement(at: 0).setScalar(Int32(1), at: 0)
        structs.structElement(at: 0).setText(0, "x")
        structs.structElement(at: 1).setScalar(Int32(2), at: 0)
        let enums = r.initList(15, elementSize: .twoBytes, count: 3)
        enums.setScalar(UInt16(1), at: 0); enums.setScalar(UInt16(0), at: 1); enums.setScalar(UInt16(2), at: 2)
        let lists = r.initList(16, elementSize: .pointer, count: 3)
        let l0 = lists.initList(at: 0, elementSize: .fourBytes, count: 2)
        l0.setScalar(Int32(1), at: 0); l0.setScalar(Int32(2), at: 1)
        _ = lists.initList(at: 1, elementSize: .fourBytes, count: 0)
        lists.initList(at: 2, elementSize: .fourBytes, count: 1).setScalar(Int32(3), at: 0)
        r.setScalar(Int32(5), at: 48, default: 42)
        r.setText(17, "world")
        r.setFloat32(2.5, at: 52, defaultBits: Float(1.5).bitPattern)
        r.setBool(false, atBit: 1, default: true)
        let next = r.initStruct(18, dataWords: 7, pointerCount: 20)
        next.setScalar(Int32(99), at: 4)
        next.initStruct(18, dataWords: 7, pointerCount: 20).setText(0, "deep")
    }

    @Test func builtMessageDecodesLikeTheToolsOwn() throws {
        let b = MessageBuilder()
        Self.buildFull(b)
        let ours = try CapnpTool.decode("AllTypes", Framing.encode(b))
        let theirs = try CapnpTool.decode("AllTypes", CapnpTool.encode("AllTypes", ReaderInteropTests.fullText))
        #expect(ours == theirs)
        #expect(ours.contains("textField = \"h\u{e9}llo\""))
        // And our own reader reads back what we built, through the builder and through a frame.
        try withExtendedLifetime(b) { try ReaderInteropTests.checkFull(b.rootReader()) }
        try withRoot(Framing.encode(b), ReaderInteropTests.checkFull)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13])
    func tinySegmentsForceFarAndDoubleFarPointers(segmentWords: Int) throws {
        let b = MessageBuilder(firstSegmentWords: segmentWords, growth: .fixed)
        Self.buildFull(b)
        #expect(b.segmentCount > 1)
        let bytes = Framing.encode(b)
        let theirs = try CapnpTool.decode("AllTypes", CapnpTool.encode("AllTypes", ReaderInteropTests.fullText))
        #expect(try CapnpTool.decode("AllTypes", bytes) == theirs)
        try withRoot(bytes, ReaderInteropTests.checkFull)
    }

    @Test func resetReusesTheArena() throws {
        let b = MessageBuilder(firstSegmentWords: 8)
        Self.buildFull(b)
        let first = Framing.encode(b)
        b.reset()
        Self.buildFull(b)
        #expect(b.segmentCount == 1)  // the grown arena was merged into one segment
        let second = Framing.encode(b)
        #expect(try CapnpTool.decode("AllTypes", first) == CapnpTool.decode("AllTypes", second))
        b.reset()
        Self.buildFull(b)
        #expect(Framing.encode(b) == second)
    }

    @Test func deepCopyReproducesTheMessage() throws {
        let frame = try openFrame(try CapnpTool.encode("AllTypes", ReaderInteropTests.fullText, flags: ["--segment-size=3"]))
        let b = MessageBuilder()
        try withExtendedLifetime(frame) { try b.setRoot(copying: frame.root()) }
        try withExtendedLifetime(b) { try ReaderInteropTests.checkFull(b.rootReader()) }
        let theirs = try CapnpTool.decode("AllTypes", CapnpTool.encode("AllTypes", ReaderInteropTests.fullText))
        #expect(try CapnpTool.decode("AllTypes", Framing.encode(b)) == theirs)
    }
}

/// The arena's far-pointer paths, checked on the wire words themselves.
@Suite struct FarPointerTests {
    /// The far pointer words reachable from `p` (bit 2 set = double-far).
    static func farWords(_ p: AnyPointerReader) throws -> [UInt64] {
        var out = p.wireWord & 3 == 2 ? [p.wireWord] : []
        switch try p.kind() {
        case .struct?:
            let s = try p.asStruct()
            for i in 0..<s.pointerCount { out += try farWords(s.anyPointerField(i)) }
        case .list?:
            let l = try p.asList()
            for i in 0..<l.count where l.elementPointerCount > 0 {
                if l.elementSize == .inlineComposite {
                    let e = l.structElement(at: i)
                    for j in 0..<e.pointerCount { out += try farWords(e.anyPointerField(j)) }
                } else {
                    out += try farWords(l.anyPointerElement(at: i))
                }
            }
        default: break
        }
        return out
    }

    @Test func smallSegmentsProduceFarPointers() throws {
        var sawSingle = false
        for size in 1...12 {
            let b = MessageBuilder(firstSegmentWords: size, growth: .fixed)
            BuilderInteropTests.buildFull(b)
            let bytes = Framing.encode(b)
            let m = try openFrame(bytes)
            for w in try withExtendedLifetime(m, { try Self.farWords(m.rootPointer()) }) {
                if w & 4 == 0 { sawSingle = true }
            }
            try withRoot(bytes, ReaderInteropTests.checkFull)
        }
        #expect(sawSingle)
    }

    @Test func enlargingAStructAcrossSegmentsUsesDoubleFarPointers() throws {
        // The old struct's pointers are re-aimed from its new location; with every segment full,
        // the landing pad goes in a fresh segment: a double-far pointer.
        let b = MessageBuilder(firstSegmentWords: 2, growth: .fixed)
        let old = b.initRoot(dataWords: 1, pointerCount: 1)
        old.setScalar(Int32(5), at: 0)
        old.setText(0, "n")
        let grown = b.getRoot(dataWords: 2, pointerCount: 1)
        grown.setScalar(Int64(9), at: 8, default: 7)
        let bytes = Framing.encode(b)
        let m = try openFrame(bytes)
        let far = try withExtendedLifetime(m) { try Self.farWords(m.rootPointer()) }
        #expect(far.contains { $0 & 4 != 0 })
        #expect(try CapnpTool.decode("NewRecord", bytes) == CapnpTool.decode("NewRecord", CapnpTool.encode("NewRecord", "(x = 5, y = 9, name = \"n\")")))
    }
}
