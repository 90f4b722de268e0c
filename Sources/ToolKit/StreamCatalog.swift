import Capnp
import Pipes
import Schemas

/// A stream kind a tool can read without being told about it: its envelope facts and how to
/// render its frames. rec-cat, and every tool printing to a terminal, look kinds up here.
public struct StreamType {
    /// Envelope facts (names, version, trailer tag).
    public var kind: StreamKind
    /// Renders a frame root as one line of Cap'n Proto text (as `capnp decode --short` prints).
    public var renderText: RecordStreamWriter.Renderer
    /// Renders a frame root as one line of JSON.
    public var renderJSON: RecordStreamWriter.Renderer

    /// A stream type from its kind and renderers.
    public init(kind: StreamKind, renderText: @escaping RecordStreamWriter.Renderer,
                renderJSON: @escaping RecordStreamWriter.Renderer) {
        self.kind = kind
        self.renderText = renderText
        self.renderJSON = renderJSON
    }
}

/// Every frame type this build knows: the generated `SchemaRegistry` (all of Formats/), so a
/// new Formats file needs no change here.
public enum StreamCatalog {
    /// The type of the stream a header announces: its frame type must be a generated struct
    /// whose union has a `trailer` member.
    public static func find(_ header: StreamHeader) -> StreamType? {
        guard let tag = trailerTag(frameType: header.frameType),
              let text = renderer(header.frameType, style: .capnpText),
              let json = renderer(header.frameType, style: .json) else { return nil }
        let kind = StreamKind(name: header.kind, frameType: header.frameType,
                              schemaVersion: header.schemaVersion, trailerTag: tag)
        return StreamType(kind: kind, renderText: text, renderJSON: json)
    }

    /// The type for a header, or a `PipesError(.wrongKind)` naming the frame types known.
    public static func resolve(_ header: StreamHeader, source: String) throws -> StreamType {
        if let t = find(header) { return t }
        let known = SchemaRegistry.renderers.keys.filter { trailerTag(frameType: $0) != nil }.sorted()
        throw PipesError(.wrongKind, source: source,
                         "no frame type '\(header.frameType)' for \(header) in this build (known: \(known.joined(separator: ", ")))")
    }

    /// A one-line renderer for frames of `frameType` (nil when not generated).
    public static func renderer(_ frameType: String, style: TextRenderer.Style) -> RecordStreamWriter.Renderer? {
        guard let render = SchemaRegistry.renderers[frameType] else { return nil }
        let box = RendererBox(style: style)
        return { root in
            box.renderer.reset()
            try render(root, &box.renderer)
            return box.renderer.output
        }
    }

    /// The text renderer for a kind's frames, for tools printing to a terminal.
    public static func textRenderer(for kind: StreamKind) -> RecordStreamWriter.Renderer? {
        renderer(kind.frameType, style: .capnpText)
    }

    /// The union tag of the member named `trailer` in `frameType`, from the generated
    /// `SchemaRegistry.unions`; nil unless the type follows the envelope (an unnamed union at
    /// data byte 0 with `header` as tag 0 and a `trailer` member).
    public static func trailerTag(frameType: String) -> UInt16? {
        guard let union = SchemaRegistry.unions[frameType], union.discriminantByteOffset == 0,
              union.tags["header"] == StreamKind.headerTag else { return nil }
        return union.tags["trailer"]
    }

    private final class RendererBox {
        var renderer: TextRenderer
        init(style: TextRenderer.Style) { renderer = TextRenderer(style: style) }
    }
}
