import Testing
import Capnp

/// Packing against the real tool: our packed frames must be byte-identical to libcapnp's.
@Suite struct PackingTests {
    @Test func packFrameMatchesCapnpConvert() throws {
        // `capnp convert` copies the message into one segment before writing, which reproduces
        // our single-segment layout exactly, so the packed bytes must match byte for byte.
        let b = MessageBuilder()
        BuilderInteropTests.buildFull(b)
        let plain = Framing.encode(b)
        #expect(try CapnpTool.run(["convert", "binary:binary"], input: plain) == plain)
        let theirs = try CapnpTool.run(["convert", "binary:packed"], input: plain)
        let ours = Packing.packFrame(b)
        #expect(firstDifference(ours, theirs) == nil)
        #expect(ours.count < plain.count)
    }

    @Test(arguments: [1, 2, 5, 16])
    func packedMultiSegmentFramesMatchCapnpEncode(segmentWords: Int) throws {
        // Multi-segment: the tool's own plain and packed encodings of the same message; packing the
        // plain frame piece by piece must give the tool's packed bytes.
        let flags = ["--segment-size=\(segmentWords)"]
        let plain = try CapnpTool.encode("AllTypes", ReaderInteropTests.fullText, flags: flags)
        let theirs = try CapnpTool.encode("AllTypes", ReaderInteropTests.fullText, flags: flags + ["--packed"])
        let ours = try plain.withUnsafeBytes { try Packing.packFrame(framed: $0) }
        #expect(try openFrame(plain).segmentCount > 1)
        #expect(firstDifference(ours, theirs) == nil)
        // And a multi-segment message of ours survives pack -> tool decode.
        let b = MessageBuilder(firstSegmentWords: segmentWords, growth: .fixed)
        BuilderInteropTests.buildFull(b)
        #expect(try CapnpTool.decode("AllTypes", Packing.packFrame(b), flags: ["--packed"]) == CapnpTool.decode("AllTypes", plain))
    }

    @Test func unpacksTheToolsPackedOutput() throws {
        let text = ReaderInteropTests.fullText
        let packed = try CapnpTool.encode("AllTypes", text, flags: ["--packed"])
        let plain = try CapnpTool.encode("AllTypes", text)
        #expect(firstDifference(try packed.withUnsafeBytes { try Packing.unpack($0) }, plain) == nil)
        // The tool's packed encoding of its own message is what we produce from its plain bytes.
        let reader = try openFrame(plain)
        let b = MessageBuilder()
        try withExtendedLifetime(reader) { try b.setRoot(copying: reader.root()) }
        #expect(try CapnpTool.decode("AllTypes", Packing.packFrame(b), flags: ["--packed"]) == CapnpTool.decode("AllTypes", plain))
    }

    @Test func packsRunsAndEdgeWords() throws {
        // Zero runs longer than 255 words, 0xFF runs longer than 255 words, words with one zero byte.
        var words = [UInt64](repeating: 0, count: 300)  // total stays under the tool's 1024-word first segment
        words += (0..<600).map { 0x0101_0101_0101_0101 &+ UInt64($0) }
        words += [0x00FF_FFFF_FFFF_FFFF, 0x0000_FFFF_FFFF_FFFF, 1, 0, 0x8000_0000_0000_0000]
        let bytes = words.withUnsafeBytes { Array($0) }
        var packed = [UInt8]()
        bytes.withUnsafeBytes { Packing.pack($0, into: &packed) }
        #expect(firstDifference(try packed.withUnsafeBytes { try Packing.unpack($0) }, bytes) == nil)
        // libcapnp's packing of the same words, made a valid message (a root struct whose data
        // section is these words, which `capnp convert` copies verbatim) agrees with ours.
        let root = UInt64(words.count) << 32  // struct pointer, offset 0, data words, no pointers
        var frame = [UInt8](repeating: 0, count: 8)
        frame.withUnsafeMutableBytes { _ = Framing.writeHeader(segmentWordCounts: [words.count + 1], into: $0) }
        frame += withUnsafeBytes(of: root.littleEndian) { Array($0) } + bytes
        let theirs = try CapnpTool.run(["convert", "binary:packed"], input: frame)
        let ours = try frame.withUnsafeBytes { try Packing.packFrame(framed: $0) }
        #expect(firstDifference(ours, theirs) == nil)
    }

    @Test func everyTagRoundTripsThroughBothUnpackers() throws {
        // One word per tag value, its non-zero bytes exactly where the tag's bits are, followed
        // and preceded by words that force every tag kind; decoded whole (fast paths) and
        // through the incremental decoder.
        var words = [UInt64]()
        for tag in 0..<256 {
            var w: UInt64 = 0
            for b in 0..<8 where tag & (1 << b) != 0 { w |= UInt64(0x11 &* (b + 1) | 0x80) << UInt64(8 * b) }
            words.append(w)
        }
        words += words.reversed()
        let bytes = words.withUnsafeBytes { Array($0) }
        var packed = [UInt8]()
        bytes.withUnsafeBytes { Packing.pack($0, into: &packed) }
        #expect(firstDifference(try packed.withUnsafeBytes { try Packing.unpack($0) }, bytes) == nil)
        var decoder = PackedDecoder()
        var out = [UInt8](repeating: 0, count: bytes.count)
        var consumed = 0
        let produced = packed.withUnsafeBytes { input in out.withUnsafeMutableBytes { decoder.decode(input, consumed: &consumed, into: $0) } }
        #expect(produced == bytes.count && consumed == packed.count)
        #expect(firstDifference(out, bytes) == nil)
    }

    @Test func incrementalDecoderOneByteAtATime() throws {
        let b = MessageBuilder()
        BuilderInteropTests.buildFull(b)
        let plain = Framing.encode(b)
        let packed = Packing.packFrame(b)
        for outChunk in [1, 3, 8, 1000] {
            var decoder = PackedDecoder()
            var out = [UInt8]()
            var scratch = [UInt8](repeating: 0, count: outChunk)
            for byte in packed {
                let one = [byte]
                var consumed = 0
                while consumed < 1 {
                    let n = one.withUnsafeBytes { input in
                        scratch.withUnsafeMutableBytes { decoder.decode(input, consumed: &consumed, into: $0) }
                    }
                    out += scratch[0..<n]
                    if n == 0 && consumed == 0 { break }
                }
            }
            // Drain pending zeros.
            while true {
                var consumed = 0
                let n = scratch.withUnsafeMutableBytes { decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0), consumed: &consumed, into: $0) }
                if n == 0 { break }
                out += scratch[0..<n]
            }
            #expect(firstDifference(out, plain) == nil)
            #expect(decoder.isAtBoundary)
        }
    }

    @Test func truncatedPackedInputThrows() throws {
        let b = MessageBuilder()
        BuilderInteropTests.buildFull(b)
        let packed = Packing.packFrame(b)
        var threw = 0
        for cut in 0..<packed.count {
            let prefix = Array(packed[0..<cut])
            do { _ = try prefix.withUnsafeBytes { try Packing.unpack($0) } } catch let e as CapnpError {
                #expect(e.kind == .invalidPacked)
                threw += 1
            }
        }
        #expect(threw > packed.count / 2)
    }
}
