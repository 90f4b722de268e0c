import Capnp
import Foundation
import Schemas
import Testing

/// The committed Sources/Schemas (generated from Formats/): the stream envelope and the
/// frame registry other tools use.
@Suite struct SchemasModuleTests {
    static let streamSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Formats/stream.capnp").standardized.path

    @Test func headerBuiltInSwiftDecodesWithCapnpAndRendersThroughTheRegistry() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        let h = b.initRoot(Schemas.Header.Builder.self)
        h.setKind("graph")
        h.schemaVersion = 3
        h.producer.setTool("graph-opt")          // get-or-create builder accessor
        h.producer.setVersion("1.0")
        h.producer.setArguments(["--arch", "mesh-8x8"])
        h.setFrameType("GraphFrame")
        let bytes = Framing.encode(b)
        let expected = try Peers.decode(bytes, type: "Header", schema: Self.streamSchema, short: true)
        #expect(expected == "(kind = \"graph\", schemaVersion = 3, producer = (tool = \"graph-opt\", version = \"1.0\", arguments = [\"--arch\", \"mesh-8x8\"]), frameType = \"GraphFrame\")\n")

        let frames = try Frames(bytes)
        defer { withExtendedLifetime(frames) {} }
        let render = try #require(Schemas.SchemaRegistry.renderers["Header"])
        var r = TextRenderer(style: .capnpText)
        try render(try frames.messages[0].root(), &r)
        r.endMessage()
        #expect(r.output == expected)
        #expect(Set(Schemas.SchemaRegistry.renderers.keys).isSuperset(of: ["Header", "Producer", "Trailer"]))
    }
}
