import Capnp
import Pipes

/// A stream kind a tool can read without being told about it: its envelope facts and how to
/// render its frames. rec-cat, and every tool printing to a terminal, look kinds up here.
public struct StreamType {
    /// Envelope facts (names, version, trailer tag).
    public var kind: StreamKind
    /// Renders a frame root as one line of Cap'n Proto text (as `capnp decode --short` prints).
    public var renderText: RecordStreamWriter.Renderer
    /// Renders a frame root as one line of JSON.
    public var renderJSON: RecordStreamWriter.Renderer

    public init(kind: StreamKind, renderText: @escaping RecordStreamWriter.Renderer,
                renderJSON: @escaping RecordStreamWriter.Renderer) {
        self.kind = kind
        self.renderText = renderText
        self.renderJSON = renderJSON
    }
}

/// Every stream kind this build knows, by the frame type its header names.
public enum StreamCatalog {
    /// The known stream types.
    public static var all: [StreamType] { knownTypes }

    /// The type for a header: by `frameType`, which must also agree on the kind name.
    public static func find(_ header: StreamHeader) -> StreamType? {
        knownTypes.first { $0.kind.frameType == header.frameType && $0.kind.name == header.kind }
    }

    /// The type for a header, or a `PipesError(.wrongKind)` naming what is known.
    public static func resolve(_ header: StreamHeader, source: String) throws -> StreamType {
        if let t = find(header) { return t }
        let known = knownTypes.map { "\($0.kind.name) (\($0.kind.frameType))" }.joined(separator: ", ")
        throw PipesError(.wrongKind, source: source,
                         "no frame type '\(header.frameType)' for kind \(header) in this build (known: \(known))")
    }

    /// The renderer for `kind` (terminal output of tools), if it is in the catalog.
    public static func textRenderer(for kind: StreamKind) -> RecordStreamWriter.Renderer? {
        knownTypes.first { $0.kind == kind }?.renderText
    }
}
