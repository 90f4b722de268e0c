import Capnp
import Testing

/// Packed framing both ways, and messages drip-fed one byte at a time through StreamReader.
@Suite struct PackedTests {
    @Test func readsWhatCapnpEncodesPacked() throws {
        let packed = try Peers.encode(EverythingValues.text, packed: true) + Peers.encode("()", packed: true)
        let frames = try packed.withUnsafeBytes { try Frames(try Packing.unpack($0)) }
        defer { withExtendedLifetime(frames) {} }
        #expect(frames.messages.count == 2)
        try ReadTests.checkAllFields(try frames.root(0, as: Everything.Reader.self))
        let expected = try Peers.decode(packed, packed: true)
        #expect(try renderStream(frames, as: Everything.Reader.self, style: .capnpPretty) == expected)
    }

    @Test func capnpDecodesWhatSwiftPacks() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        try BuildTests.fill(b.initRoot(Everything.Builder.self))
        let ours = try Peers.decode(Packing.packFrame(b), short: true, packed: true)
        #expect(ours == (try Peers.decode(try Peers.encode(EverythingValues.text), short: true)))
    }

    @Test(arguments: [false, true]) func streamReaderDripFedOneByteAtATime(packed: Bool) throws {
        var bytes: [UInt8] = []
        for text in RenderTests.messages { bytes += try Peers.encode(text, packed: packed) }
        let reader = StreamReader(source: ArrayByteSource(bytes, chunkSize: 1), packed: packed)
        var r = TextRenderer(style: .capnpText)
        var count = 0
        while let message = try reader.next() {
            try message.root(as: Everything.Reader.self).render(into: &r)
            r.endMessage()
            count += 1
        }
        #expect(count == RenderTests.messages.count)
        #expect(r.output == (try Peers.decode(bytes, short: true, packed: packed)))
    }
}
