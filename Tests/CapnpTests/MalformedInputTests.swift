import Testing
import Capnp

/// Hand-made hostile messages: every one must throw the right typed error, never trap or hang.
@Suite struct MalformedInputTests {
    func rootError(_ segments: [[UInt64]], limits: ReaderLimits = .default, _ body: (StructReader) throws -> Void = { _ in }) -> CapnpError? {
        do {
            try withRoot(Wire.frame(segments), limits: limits) { try body($0) }
            return nil
        } catch let e as CapnpError {
            return e
        } catch {
            return CapnpError(.unsupported, "unexpected \(error)")
        }
    }

    @Test func outOfBoundsPointers() {
        #expect(rootError([[Wire.structPointer(5, data: 1, pointers: 0)]])?.kind == .outOfBounds)
        #expect(rootError([[Wire.structPointer(-3, data: 1, pointers: 0), 0]])?.kind == .outOfBounds)
        #expect(rootError([[Wire.structPointer(0, data: 2, pointers: 0), 0]])?.kind == .outOfBounds)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .eightBytes, count: 2)]]) { r in
            _ = try r.listField(0)
        }?.kind == .outOfBounds)
        let far = rootError([[Wire.farPointer(segment: 9, pad: 0)]])
        #expect(far?.kind == .outOfBounds)
        #expect(far?.message == "pointer at segment 0 word 0: far pointer to segment 9 of 1")
        #expect(rootError([[Wire.farPointer(segment: 0, pad: 100)]])?.kind == .outOfBounds)
        #expect(rootError([[Wire.farPointer(segment: 1, pad: 0, double: true)], [0]])?.kind == .outOfBounds)
    }

    @Test func badLandingPads() {
        // Single-far pad that is itself far; double-far pad whose first word is not a far pointer.
        #expect(rootError([[Wire.farPointer(segment: 1, pad: 0)], [Wire.farPointer(segment: 0, pad: 0)]])?.kind == .invalidPointer)
        #expect(rootError([[Wire.farPointer(segment: 1, pad: 0, double: true)],
                           [Wire.structPointer(0, data: 1, pointers: 0), Wire.structPointer(0, data: 1, pointers: 0)]])?.kind == .invalidPointer)
        #expect(rootError([[Wire.farPointer(segment: 1, pad: 0, double: true)],
                           [Wire.farPointer(segment: 7, pad: 0), Wire.structPointer(0, data: 1, pointers: 0)]])?.kind == .outOfBounds)
    }

    @Test func validDoubleFarPointerIsFollowed() throws {
        let frame = Wire.frame([[Wire.farPointer(segment: 1, pad: 0, double: true)],
                                [Wire.farPointer(segment: 2, pad: 0), Wire.structPointer(0, data: 1, pointers: 0)],
                                [42]])
        #expect(try withRoot(frame) { $0.scalar(at: 0) as UInt64 } == 42)
    }

    @Test func structPointingAtItselfHitsTheNestingLimit() throws {
        let segments: [[UInt64]] = [[Wire.structPointer(0, data: 0, pointers: 1), Wire.structPointer(-1, data: 0, pointers: 1)]]
        let e = rootError(segments) { r in
            var s = r
            for _ in 0..<1000 { s = try s.structField(0) }
        }
        #expect(e?.kind == .nestingLimit)
        let copy = rootError(segments) { r in try MessageBuilder().setRoot(copying: r) }
        #expect(copy?.kind == .nestingLimit)
    }

    @Test func amplificationIsChargedToTheTraversalLimit() {
        // 2^29 - 1 zero-sized structs in zero words; and a void list of the same length.
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .inlineComposite, count: 0),
                            Wire.compositeTag(count: (1 << 29) - 1, data: 0, pointers: 0)]]) { r in
            _ = try r.listField(0)
        }?.kind == .traversalLimit)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .void, count: (1 << 29) - 1)]]) { r in
            _ = try r.listField(0)
        }?.kind == .traversalLimit)
        // Two pointers to the same 100-word list, read again and again: the budget runs out.
        var seg: [UInt64] = [Wire.structPointer(0, data: 0, pointers: 2), Wire.listPointer(1, size: .eightBytes, count: 100),
                             Wire.listPointer(0, size: .eightBytes, count: 100)]
        seg += [UInt64](repeating: 7, count: 100)
        let limited = ReaderLimits(traversalLimitWords: 1000)
        #expect(rootError([seg], limits: limited) { r in
            for _ in 0..<20 { _ = try r.listField(0); _ = try r.listField(1) }
        }?.kind == .traversalLimit)
        #expect(rootError([seg], limits: limited) { r in
            for _ in 0..<4 { _ = try r.listField(0); _ = try r.listField(1) }
        } == nil)
    }

    @Test func deepNestingHitsTheNestingLimit() throws {
        let b = MessageBuilder()
        var s = b.initRoot(dataWords: 1, pointerCount: 1)
        for i in 0..<100 {
            s.setScalar(UInt64(i), at: 0)
            s = s.initStruct(0, dataWords: 1, pointerCount: 1)
        }
        let bytes = Framing.encode(b)
        func depth(_ limits: ReaderLimits) throws -> Int {
            try withRoot(bytes, limits: limits) { r in
                var s = r, n = 0
                while !s.isNull(pointer: 0) { s = try s.structField(0); n += 1 }
                return n
            }
        }
        #expect { try depth(.default) } throws: { ($0 as? CapnpError)?.kind == .nestingLimit }
        #expect(try depth(ReaderLimits(nestingLimit: 200)) == 100)
    }

    @Test func hugeSegmentTables() throws {
        func parseError(_ header: [UInt32]) -> CapnpError.Kind? {
            let bytes = header.withUnsafeBytes { Array($0) } + [UInt8](repeating: 0, count: 64)
            do { _ = try bytes.withUnsafeBytes { try Framing.parse($0) }; return nil } catch let e as CapnpError { return e.kind } catch { return nil }
        }
        #expect(parseError([0xFFFF_FFFF, 1]) == .segmentLimit)
        #expect(parseError([600, 1]) == .segmentLimit)
        #expect(parseError([1, 0x8000_0000, 0x8000_0000, 0]) == .traversalLimit)
        // A stream reader rejects the header before buffering the claimed size.
        let reader = StreamReader(source: ArrayByteSource([1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0], chunkSize: 1))
        #expect { try reader.next() } throws: { ($0 as? CapnpError)?.kind == .traversalLimit }
        #expect(throws: CapnpError.self) { try Message(segments: [], limits: .default) }
    }

    @Test func textMustBeNulTerminated() {
        let noNul = [Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .byte, count: 3)] + Wire.words(Array("abc".utf8))
        #expect(rootError([noNul]) { _ = try $0.textField(0) }?.kind == .invalidText)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .byte, count: 0)]]) {
            _ = try $0.textField(0)
        }?.kind == .invalidText)
        // The same bytes are fine as Data.
        var data = [UInt8]()
        #expect(rootError([noNul]) { data = try $0.dataField(0).array } == nil)
        #expect(data == Array("abc".utf8))
    }

    @Test func wrongPointerTypesAndCapabilities() {
        #expect(rootError([[Wire.listPointer(0, size: .byte, count: 0)]])?.kind == .wrongPointerType)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.structPointer(-1, data: 0, pointers: 1)]]) {
            _ = try $0.listField(0)
        }?.kind == .wrongPointerType)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .fourBytes, count: 0)]]) {
            _ = try $0.textField(0)
        }?.kind == .wrongPointerType)
        #expect(rootError([[3]])?.kind == .wrongPointerType)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), 3]]) { try MessageBuilder().setRoot(copying: $0) }?.kind == .unsupported)
    }

    @Test func badInlineCompositeLists() {
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .inlineComposite, count: 1),
                            Wire.listPointer(0, size: .byte, count: 0), 0]]) { _ = try $0.listField(0) }?.kind == .invalidPointer)
        #expect(rootError([[Wire.structPointer(0, data: 0, pointers: 1), Wire.listPointer(0, size: .inlineComposite, count: 1),
                            Wire.compositeTag(count: 5, data: 1, pointers: 0), 0]]) { _ = try $0.listField(0) }?.kind == .outOfBounds)
    }

    @Test func framingErrors() throws {
        #expect { try Message(segments: [UnsafeRawBufferPointer(start: nil, count: 0)]).root() } throws: {
            ($0 as? CapnpError)?.kind == .truncated
        }
        let odd = [UInt8](repeating: 0, count: 12)
        #expect { try odd.withUnsafeBytes { try Message(segments: [$0]) } } throws: { ($0 as? CapnpError)?.kind == .invalidFraming }
        let frame = Wire.frame([[Wire.structPointer(0, data: 1, pointers: 0), 5]])
        for cut in 0..<frame.count {
            #expect { try Array(frame[0..<cut]).withUnsafeBytes { try Framing.decode($0) } } throws: { ($0 as? CapnpError)?.kind == .truncated }
        }
    }

    @Test func unalignedSegmentsAreReadable() throws {
        let frame = Wire.frame([[Wire.structPointer(0, data: 1, pointers: 1), 0x1122_3344_5566_7788, Wire.listPointer(0, size: .fourBytes, count: 2), 0x0000_0002_0000_0001]])
        var shifted = [UInt8](repeating: 0, count: 3) + frame
        try shifted.withUnsafeMutableBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[3...])
            let m = try Framing.decode(bytes).message
            try withExtendedLifetime(m) {
                let r = try m.root()
                #expect(r.scalar(at: 0) as UInt64 == 0x1122_3344_5566_7788)
                let l = try r.listField(0)
                #expect(l.scalar(at: 1) as Int32 == 2)
                #expect(l.withUnsafeScalars(as: Int32.self) { $0.count } == nil)  // unaligned: no typed buffer
                #expect(Array(PrimitiveList<Int32>(l)) == [1, 2])
            }
        }
    }
}
