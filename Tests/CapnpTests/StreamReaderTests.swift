import Testing
import Capnp

/// Multi-message streams, both directions, fed in arbitrary chunks.
@Suite struct StreamReaderTests {
    static let texts = ["(int32Field = 1, textField = \"one\")", "(int32Field = 2, next = (textField = \"two\"))", "()"]

    static func checkThree(_ reader: StreamReader<ArrayByteSource>) throws {
        var seen = [Int32]()
        while let m = try reader.next() {
            let r = try m.root()
            seen.append(r.scalar(at: 4))
            switch seen.count {
            case 1: #expect(try r.textField(0) == "one")
            case 2: #expect(try r.structField(18).textField(0) == "two")
            default: #expect(try r.textField(0) == "")
            }
            withExtendedLifetime(m) {}
        }
        #expect(seen == [1, 2, 0])
    }

    @Test(arguments: [1, 2, 7, 64, 65536])
    func readsTheToolsStreamInChunks(chunk: Int) throws {
        let bytes = try CapnpTool.encode("AllTypes", Self.texts.joined(separator: "\n"), flags: ["--segment-size=4"])
        try Self.checkThree(StreamReader(source: ArrayByteSource(bytes, chunkSize: chunk), chunkSize: 64))
    }

    @Test(arguments: [1, 3, 65536])
    func readsTheToolsPackedStreamInChunks(chunk: Int) throws {
        let bytes = try CapnpTool.encode("AllTypes", Self.texts.joined(separator: "\n"), flags: ["--packed"])
        try Self.checkThree(StreamReader(source: ArrayByteSource(bytes, chunkSize: chunk), packed: true, chunkSize: 64))
    }

    @Test func toolDecodesOurStreamPlainAndPacked() throws {
        var plain = [UInt8](), packed = [UInt8]()
        let b = MessageBuilder(firstSegmentWords: 4, growth: .fixed)
        for _ in 0..<3 {
            b.reset()
            BuilderInteropTests.buildFull(b)
            Framing.append(b, to: &plain)
            Packing.appendPackedFrame(b, to: &packed)
        }
        let one = try CapnpTool.decode("AllTypes", CapnpTool.encode("AllTypes", ReaderInteropTests.fullText))
        #expect(try CapnpTool.decode("AllTypes", plain) == one + one + one)
        #expect(try CapnpTool.decode("AllTypes", packed, flags: ["--packed"]) == one + one + one)
        // And we read our own stream back one byte at a time.
        for (bytes, isPacked) in [(plain, false), (packed, true)] {
            let reader = StreamReader(source: ArrayByteSource(bytes, chunkSize: 1), packed: isPacked, chunkSize: 16)
            var n = 0
            while let m = try reader.next() {
                try withExtendedLifetime(m) { try ReaderInteropTests.checkFull(m.root()) }
                n += 1
            }
            #expect(n == 3)
        }
    }

    @Test func emptyInputIsACleanEnd() throws {
        #expect(try StreamReader(source: ArrayByteSource([])).next() == nil)
        #expect(try StreamReader(source: ArrayByteSource([]), packed: true).next() == nil)
    }

    @Test func endOfInputInsideAFrameIsTruncated() throws {
        let b = MessageBuilder()
        BuilderInteropTests.buildFull(b)
        let frame = Framing.encode(b)
        let packed = Packing.packFrame(b)
        for cut in stride(from: 1, to: frame.count, by: 13) {
            let reader = StreamReader(source: ArrayByteSource(frame + frame[0..<cut], chunkSize: 5))
            #expect(try reader.next() != nil)
            #expect { try reader.next() } throws: { ($0 as? CapnpError)?.kind == .truncated }
        }
        for cut in 1..<packed.count {
            let reader = StreamReader(source: ArrayByteSource(Array(packed[0..<cut]), chunkSize: 3), packed: true)
            #expect { try reader.next() } throws: {
                let kind = ($0 as? CapnpError)?.kind
                return kind == .truncated || kind == .invalidPacked
            }
        }
    }
}
