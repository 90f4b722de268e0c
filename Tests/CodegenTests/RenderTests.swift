import Capnp
import Foundation
import Testing
import TestSupport

/// The Swift renderer prints exactly what `capnp decode` prints, in both of its forms.
@Suite struct RenderTests {
    static let messages = [
        EverythingValues.text,
        "()",
        "(number = 5, choice = (flag = false), enumField = unknown)",
        "(nested = (x = 1e100, y = -1.5e-7, label = \"\\x01\\x7f'\\\\\"), choice = (color = default))",
        "(pair = (left = -3, right = \"r\"), structList = [(x = 1.2345678901234567), (y = 123456789.123)])",
        "(pair = (left = 1), float32Field = 0.1, float64Field = 0.30000000000000004, int64List = [1234567890123456, 1])",
        "(textList = [\"123456789012345678901234\", \"b\"], int8List = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25])",
        "(structField = (structField = (structField = (textField = \"deep\"))), empty = void)",
    ]

    @Test(arguments: [false, true]) func matchesCapnpDecodeForAStream(short: Bool) throws {
        // All messages as one stream: capnp decode prints each, one after another.
        var stream: [UInt8] = []
        for m in Self.messages { stream += try Peers.encode(m) }
        let expected = try Peers.decode(stream, short: short)
        let frames = try Frames(stream)
        #expect(frames.messages.count == Self.messages.count)
        let ours = try renderStream(frames, as: Everything.Reader.self, style: short ? .capnpText : .capnpPretty)
        #expect(ours == expected)
        if ours != expected { print(firstDifference(ours, expected)) }
    }

    @Test func keywordsRenderLikeCapnpDecode() throws {
        let text = "(struct = 1, enum = \"e\", class = true, self = 2, init = 3, raw = 4, which = 5, return = \"r\", in = 1.5, is = true, description = \"d\", name = \"n\", hasName = true, setName = true, type = (self = 7), default = green, discriminant = \"x\", reader = (builder = \"b\"))"
        let bytes = try Peers.encode(text, type: "Keywords")
        let expected = try Peers.decode(bytes, type: "Keywords")
        let ours = try renderStream(try Frames(bytes), as: Keywords.Reader.self, style: .capnpPretty)
        #expect(ours == expected)
        let frames = try Frames(bytes)
        defer { withExtendedLifetime(frames) {} }
        let k = try frames.root(as: Keywords.Reader.self)
        #expect(k.struct == 1 && k.self_ == 2 && k.init_ == 3 && k.raw_ == 4 && k.which_ == 5)
        #expect(try k.enum == "e")
        #expect(try k.return == "r")
        #expect(k.class && k.is && k.hasName && k.setName && k.hasName_)
        #expect(try k.type.self_ == 7)
        #expect(try k.reader.builder == "b")
        #expect(k.default == .green)
        guard case .discriminant_(let d) = try k.which() else { Issue.record("which"); return }
        #expect(d == "x")
    }

    @Test func unknownValuesRenderLikeCapnpDecode() throws {
        // Written by "a newer schema": unknown enumerants and union discriminants.
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.enumField = Color(rawValue: 77)
        e.setEnumList([.red, Color(rawValue: 1000)])
        e.raw.setScalar(UInt16(42), at: Everything.Reader(e.raw.asReader()).discriminantOffsetForTests)
        let bytes = Framing.encode(b)
        for short in [false, true] {
            let expected = try Peers.decode(bytes, short: short)
            let ours = try renderStream(try Frames(bytes), as: Everything.Reader.self, style: short ? .capnpText : .capnpPretty)
            #expect(ours == expected)
        }
    }

    @Test func registryRendersByFrameTypeName() throws {
        let shared = Peers.fixtures.appendingPathComponent("shared.capnp").path
        let bytes = try Peers.encode("(x = 1, y = 2, label = \"reg\")", type: "Point", schema: shared)
        let frames = try Frames(bytes)
        defer { withExtendedLifetime(frames) {} }
        var r = TextRenderer(style: .capnpText)
        let render = try #require(SchemaRegistry.renderers["Point"])
        try render(try frames.messages[0].root(), &r)
        r.endMessage()
        #expect(r.output == (try Peers.decode(bytes, type: "Point", schema: shared, short: true)))
        let point = try frames.root(as: Point.Reader.self)
        #expect(point.description == "(x = 1, y = 2, label = \"reg\")")
        #expect(try point.rendered(.json) == "{\"x\":1.0,\"y\":2.0,\"label\":\"reg\"}")
        let union = try #require(SchemaRegistry.unions["Everything"])
        #expect(union.tags["word"] == 2 && union.tags["pair"] == 4 && union.tags.count == 5)
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.setWord("w")
        #expect(union.discriminantByteOffset == Everything.Reader(e.raw.asReader()).discriminantOffsetForTests)
        #expect(e.raw.scalar(at: union.discriminantByteOffset) as UInt16 == 2)
        #expect(SchemaRegistry.unions["Point"] == nil)
        #expect(SchemaRegistry.renderers.keys.sorted() == ["Empty", "Everything", "Keywords", "Ledger", "Point"])
    }

    @Test func jsonIsValidAndCarriesTheValues() throws {
        let frames = try Frames(try Peers.encode(EverythingValues.text) + Peers.encode("()"))
        let lines = try renderStream(frames, as: Everything.Reader.self, style: .json).split(separator: "\n")
        #expect(lines.count == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["int64Field"] as? Int == -6_400_000_000)
        #expect((object["uint64Field"] as? NSNumber)?.uint64Value == 18_000_000_000_000_000_000)
        #expect(object["textField"] as? String == "text \"é\"\n\tend")
        #expect(object["dataField"] as? String == "AP8QQQ==")   // base64 of 00 ff 10 41
        #expect(object["enumField"] as? String == "blueSky")
        #expect(object["word"] as? String == "union text")
        #expect(object["number"] == nil)
        #expect(object["voidField"] is NSNull)
        let floats = try #require(object["float32List"] as? [Any])
        #expect(floats.count == 3 && floats[2] as? String == "Infinity")
        let doubles = try #require(object["float64List"] as? [Any])
        #expect(doubles[2] as? String == "NaN")
        let outer = try #require(object["outer"] as? [String: Any])
        #expect((outer["inner"] as? [String: Any])?["b"] as? String == "inner b")
        let empty = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(empty["textField"] == nil)
        #expect(empty["int8Default"] as? Int == -123)
        #expect(empty["empty"] is NSNull)
    }

    @Test func anyPointerRendersOpaque() throws {
        let pb = MessageBuilder()
        pb.initRoot(Point.Builder.self).x = 1
        let point = try Frames(Framing.encode(pb))
        defer { withExtendedLifetime(point) {} }
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        try e.setAnyPointerField(point.messages[0].rootPointer())
        let bytes = Framing.encode(b)
        let expected = try Peers.decode(bytes, short: true)
        let ours = try renderStream(try Frames(bytes), as: Everything.Reader.self, style: .capnpText)
        #expect(ours == expected)
    }
}

/// Where two renderings first differ (for a readable failure).
func firstDifference(_ a: String, _ b: String) -> String {
    let x = Array(a.utf8), y = Array(b.utf8)
    var i = 0
    while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
    let from = max(0, i - 80)
    return "differs at byte \(i):\n ours: \(String(decoding: x[from..<min(x.count, i + 80)], as: UTF8.self))\n capnp: \(String(decoding: y[from..<min(y.count, i + 80)], as: UTF8.self))"
}

/// Float spelling is the fiddliest part of matching `capnp decode`: random bit patterns.
@Suite struct FloatSpellingTests {
    @Test func randomFloatsPrintLikeCapnpDecode() throws {
        var rng = SplitMix64(seed: 42)
        var doubles: [Double] = [0, 1, -1, 10, 1e14, 123456789012345, 1234567890123456, 0.0001, 0.00001, 12.5, 1e-4, 9.999e-5, 0.1, 1e100, 1e-5, 1.5e-7, 1e15, 1e16, 1e21, Double.leastNonzeroMagnitude, -0.0,
                                 1.7976931348623157e308, 123456789.123, 0.30000000000000004, 100, 2.5e-5, 1.2345678901234568e18]
        var floats: [Float] = [0, 1, 100000, 1000000, 1e6, 1e7, 123456, 1234567, 0.0001, 1e-5, 0.1, 123456789.123, 1e-10, 16777216, 3.4028235e38, Float.leastNonzeroMagnitude,
                               Float.leastNormalMagnitude, -103.21731567382812, 0.3]
        for _ in 0..<300 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { doubles.append(d) }
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite { floats.append(f) }
            doubles.append(Double(Int64(bitPattern: rng.next()) >> 20) / 1024)   // human-sized values
            let scale = [1e-6, 1e-3, 0.01, 1, 100, 1e5, 1e12, 1e15, 1e17][Int(rng.next() % 9)]
            doubles.append((Double(rng.next() % 1_000_000) / 1000) * scale)          // short decimals
            floats.append(Float(Double(rng.next() % 100_000) / 100) * Float(scale))
        }
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let e = b.initRoot(Everything.Builder.self)
        e.setFloat64List(doubles)
        e.setFloat32List(floats)
        let bytes = Framing.encode(b)
        let expected = try Peers.decode(bytes, short: true)
        let ours = try renderStream(try Frames(bytes), as: Everything.Reader.self, style: .capnpText)
        #expect(ours == expected)
        if ours != expected { print(firstDifference(ours, expected)) }
    }
}

/// Schema evolution: a message written with a smaller (older) or larger (newer) struct than the
/// reader's renders exactly as `capnp decode` renders it (missing fields read as defaults).
@Suite struct EvolutionRenderTests {
    @Test func smallStructReadAsLargeAndLargeAsSmall() throws {
        let shared = Peers.fixtures.appendingPathComponent("shared.capnp").path
        let small = try Peers.encode("(x = 1.5, y = -2, label = \"old\")", type: "Point", schema: shared)
        let asEverything = try renderStream(try Frames(small), as: Everything.Reader.self, style: .capnpPretty)
        #expect(asEverything == (try Peers.decode(small)))
        let large = try Peers.encode(EverythingValues.text)
        let asPoint = try renderStream(try Frames(large), as: Point.Reader.self, style: .capnpText)
        #expect(asPoint == (try Peers.decode(large, type: "Point", schema: shared, short: true)))
    }
}
