import Capnp
import Testing

/// Generated Builders write what `capnp` reads: the same content as EverythingValues.text.
@Suite struct BuildTests {
    /// Fills `e` with exactly the values of `EverythingValues.text`.
    static func fill(_ e: Everything.Builder) throws {
        e.boolField = true
        e.int8Field = -8
        e.int16Field = -16
        e.int32Field = -32
        e.int64Field = -6_400_000_000
        e.uint8Field = 200
        e.uint16Field = 60000
        e.uint32Field = 4_000_000_000
        e.uint64Field = 18_000_000_000_000_000_000
        e.float32Field = 1.5
        e.float64Field = -2.25
        e.setTextField("text \"é\"\n\tend")
        e.setDataField([0x00, 0xFF, 0x10, 0x41])
        let nested = e.initStructField()
        nested.int32Field = 7
        nested.setTextField("nested")
        nested.uint64Default = 0
        e.enumField = .blueSky
        e.boolDefault = false
        e.int8Default = 0
        e.int16Default = 1
        e.int32Default = 2
        e.int64Default = 3
        e.uint8Default = 4
        e.uint16Default = 5
        e.uint32Default = 6
        e.uint64Default = 7
        e.float32Default = 0
        e.float64Default = 8.5
        e.setTextDefault("")
        e.setDataDefault([])
        e.initStructDefault().x = 9
        e.enumDefault = .red
        e.nanDefault = 1
        e.initVoidList(count: 3)
        e.setBoolList([true, false, true, true, false, false, false, false, true])
        e.setInt8List([-1, 2])
        e.setInt16List([-300, 300])
        e.setInt32List([-70000, 70000])
        e.setInt64List([Int64.min, Int64.max])
        e.setUint8List([0, 255])
        e.setUint16List([65535])
        e.setUint32List([UInt32.max, 1])
        e.setUint64List([UInt64.max])
        e.setFloat32List([0.5, -1e10, .infinity])
        e.setFloat64List([1e-300, -0.0, .nan])
        e.setTextList(["a", "", "c"])
        e.setDataList([[1], []])
        let points = e.initStructList(count: 2)
        let p0 = Point.Builder(points.structElement(at: 0))
        p0.x = 1
        p0.y = 2
        p0.setLabel("p")
        Point.Builder(points.structElement(at: 1)).x = 3
        e.setEnumList([.red, .unknown_, .default])
        let ll = e.initListList(count: 3)
        let l0 = ll.initList(at: 0, elementSize: .fourBytes, count: 2)
        l0.setScalar(Int32(1), at: 0)
        l0.setScalar(Int32(2), at: 1)
        _ = ll.initList(at: 1, elementSize: .fourBytes, count: 0)
        ll.initList(at: 2, elementSize: .fourBytes, count: 1).setScalar(Int32(3), at: 0)
        let tll = e.initTextListList(count: 2)
        tll.initList(at: 0, elementSize: .pointer, count: 1).setText(at: 0, "x")
        let t1 = tll.initList(at: 1, elementSize: .pointer, count: 2)
        t1.setText(at: 0, "y")
        t1.setText(at: 1, "z")
        let sll = e.initStructListList(count: 2)
        Point.Builder(sll.initStructList(at: 0, count: 1, dataWords: Point.dataWordCount, pointerCount: Point.pointerCount)
            .structElement(at: 0)).x = 1
        _ = sll.initStructList(at: 1, count: 0, dataWords: Point.dataWordCount, pointerCount: Point.pointerCount)
        let deep = e.initDeepList(count: 2)
        let d0 = deep.initList(at: 0, elementSize: .pointer, count: 2)
        d0.initList(at: 0, elementSize: .byte, count: 1).setScalar(Int8(1), at: 0)
        let d01 = d0.initList(at: 1, elementSize: .byte, count: 2)
        d01.setScalar(Int8(2), at: 0)
        d01.setScalar(Int8(3), at: 1)
        _ = deep.initList(at: 1, elementSize: .pointer, count: 0)
        e.setInt32ListDefault([9])
        e.setTextListDefault([])
        e.initStructListDefault(count: 0)
        e.setBoolListDefault([false])
        e.level = .quiet
        let pt = e.initPoint()
        pt.x = 0.5
        pt.y = 0.25
        pt.setLabel("pt")
        e.setWord("union text")
        e.choice.setInts([1, -1])
        e.outer.a = 1
        e.outer.inner.setB("inner b")
        e.outer.inner.c = 2.5
        let inner = e.initInner()
        inner.value = -5
        inner.kind = .beta
        e.initInnerDefault().value = 1
    }

    @Test func capnpDecodesWhatSwiftBuilds() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        try Self.fill(b.initRoot(Everything.Builder.self))
        let ours = try Peers.decode(Framing.encode(b))
        let theirs = try Peers.decode(try Peers.encode(EverythingValues.text))
        #expect(ours == theirs)
        if ours != theirs { print(firstDifference(ours, theirs)) }
        // And the builder's own reader view sees the values.
        try ReadTests.checkAllFields(b.initRootReaderForTests())
    }

    @Test func multiSegmentBuildsWithFarPointers() throws {
        let b = MessageBuilder(firstSegmentWords: 8, growth: .fixed)
        defer { withExtendedLifetime(b) {} }
        try Self.fill(b.initRoot(Everything.Builder.self))
        #expect(b.segmentCount > 10)
        let ours = try Peers.decode(Framing.encode(b), short: true)
        let theirs = try Peers.decode(try Peers.encode(EverythingValues.text), short: true)
        #expect(ours == theirs)
    }

    @Test func streamOfMessagesReusingOneBuilder() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        var stream: [UInt8] = []
        for i in 0..<5 {
            b.reset()
            let e = b.initRoot(Everything.Builder.self)
            e.int32Field = Int32(i)
            if i % 2 == 0 { e.setWord("w\(i)") } else { e.initNested().x = Double(i) }
            e.choice.color = .green
            Framing.append(b, to: &stream)
        }
        let expected = (0..<5).map { i in
            i % 2 == 0 ? "(int32Field = \(i), word = \"w\(i)\", choice = (color = green))"
                       : "(int32Field = \(i), nested = (x = \(i)), choice = (color = green))"
        }.joined(separator: "\n")
        let theirs = try Peers.decode(stream, short: true)
        #expect(theirs == (try Peers.decode(try Peers.encode(expected), short: true)))
        #expect(theirs.split(separator: "\n").count == 5)
    }

    @Test func unionGroupInitClearsAndSelects() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.number = 12345
        let pair = e.initPair()
        guard case .pair(let p) = try e.which() else { Issue.record("pair not selected"); return }
        #expect(p.left == 0)          // the number's bits were cleared
        pair.left = -3
        pair.setRight("r")
        #expect(try e.asReader().pair.right == "r")
        e.setEmpty()
        guard case .empty = try e.asReader().which() else { Issue.record("empty not selected"); return }
    }

    @Test func copiesTextAndDataFromAReader() throws {
        let source = try Frames(try Peers.encode(EverythingValues.text))
        defer { withExtendedLifetime(source) {} }
        let from = try source.root(as: Everything.Reader.self)
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.setTextField(try from.textField)
        e.setDataField(try from.dataField)
        e.setWord(try from.textField)
        let r = e.asReader()
        #expect(try r.textField == "text \"é\"\n\tend")
        #expect(try r.dataField.array == [0x00, 0xFF, 0x10, 0x41])
        guard case .word(let w) = try r.which() else { Issue.record("word"); return }
        #expect(w == "text \"é\"\n\tend")
    }

    @Test func builderGettersSeeDefaults() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        #expect(e.int8Default == -123)
        #expect(e.float32Default == 1234.5)
        #expect(e.boolDefault == true)
        #expect(e.enumDefault == .blueSky)
        e.int8Default = -123        // storing the default writes zero bits
        let bytes = Array(e.raw.asReader().dataBytes)
        #expect(bytes.allSatisfy { $0 == 0 }, "\(bytes.enumerated().filter { $0.element != 0 })")
    }
}

extension MessageBuilder {
    func initRootReaderForTests() throws -> Everything.Reader { Everything.Reader(try rootReader()) }
}
