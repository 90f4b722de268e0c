import Testing
import Capnp

/// The wire's schema-evolution rules, with messages from the real tool.
@Suite struct SchemaEvolutionTests {
    @Test func oldAndNewStructVersions() throws {
        // Old writer, new reader: the missing fields read as their defaults.
        try withRoot(try CapnpTool.encode("OldRecord", "(x = 5)")) { (r: StructReader) throws in
            #expect(r.scalar(at: 0) as Int32 == 5)
            #expect(r.scalar(at: 8, default: Int64(7)) == 7)
            #expect(try r.textField(0) == "")
        }
        // New writer, old reader: the extra fields are simply not looked at; deep copy keeps them.
        let newer = try CapnpTool.encode("NewRecord", "(x = 5, y = 9, name = \"n\")")
        try withRoot(newer) { (r: StructReader) throws in
            #expect(r.scalar(at: 0) as Int32 == 5)
            let b = MessageBuilder()
            try b.setRoot(copying: r)
            #expect(try CapnpTool.decode("NewRecord", Framing.encode(b)) == CapnpTool.decode("NewRecord", newer))
        }
        // Builders enlarge a struct that was written smaller (getStruct with a newer size).
        let b = MessageBuilder()
        let old = b.initRoot(dataWords: 1, pointerCount: 0)
        old.setScalar(Int32(5), at: 0)
        let grown = b.getRoot(dataWords: 2, pointerCount: 1)
        grown.setText(0, "n")
        grown.setScalar(Int64(9), at: 8, default: 7)
        #expect(try CapnpTool.decode("NewRecord", Framing.encode(b)) == CapnpTool.decode("NewRecord", newer))
    }

    @Test func primitiveListReadAsStructList() throws {
        try withRoot(try CapnpTool.encode("PrimHolder", "(values = [1, -2, 3], names = [\"a\", \"bc\"])")) { (r: StructReader) throws in
            let values = try r.listField(0)
            #expect(values.count == 3)
            #expect((0..<3).map { values.structElement(at: $0).scalar(at: 0) as Int32 } == [1, -2, 3])
            #expect(values.structElement(at: 0).scalar(at: 4) as Int16 == 0)  // beyond the 4-byte element: default
            let names = try r.listField(1)
            #expect(try (0..<2).map { try names.structElement(at: $0).textField(0).string } == ["a", "bc"])
        }
    }

    @Test func structListReadAsPrimitiveList() throws {
        let text = "(values = [(v = 1, extra = 100), (v = -2), (v = 3)], names = [(n = \"a\"), (n = \"bc\")])"
        try withRoot(try CapnpTool.encode("StructHolder", text)) { (r: StructReader) throws in
            let values = try r.listField(0)
            #expect(values.elementSize == .inlineComposite)
            #expect(Array(PrimitiveList<Int32>(values)) == [1, -2, 3])
            #expect(values.withUnsafeScalars(as: Int32.self) { _ in 0 } == nil)  // not a packed Int32 array
            let names = try r.listField(1)
            #expect(try TextList(names).strings() == ["a", "bc"])
        }
    }
}
