import Capnp
import Schemas

/// The first frame of every stream (`Stream.Header` in Formats/stream.capnp), as plain values.
///
/// Read and written through the envelope (union tag at data byte 0, payload at pointer 0), so
/// no frame type is needed: any stream's header reads the same way.
public struct StreamHeader: Equatable, Sendable, CustomStringConvertible {
    /// `Header.kind`, `Header.schemaVersion`, `Header.frameType`.
    public var kind: String
    public var schemaVersion: UInt16
    public var frameType: String
    /// `Producer.tool`, `Producer.version`, `Producer.arguments`.
    public var tool: String
    public var toolVersion: String
    public var arguments: [String]

    /// A header from its fields.
    public init(kind: String, schemaVersion: UInt16, frameType: String, tool: String,
                toolVersion: String, arguments: [String] = []) {
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.frameType = frameType
        self.tool = tool
        self.toolVersion = toolVersion
        self.arguments = arguments
    }

    /// A header for `kind` written by `tool`.
    public init(kind: StreamKind, tool: String, toolVersion: String, arguments: [String] = []) {
        self.init(kind: kind.name, schemaVersion: kind.schemaVersion, frameType: kind.frameType,
                  tool: tool, toolVersion: toolVersion, arguments: arguments)
    }

    /// "seq-blocks v1 (from seq-encode)": how error messages name a stream.
    public var description: String {
        "\(kind.isEmpty ? "unnamed" : kind) v\(schemaVersion)" + (tool.isEmpty ? "" : " (from \(tool))")
    }

    /// Reads the header from a frame's root; throws `.badHeader` when the frame is not a header.
    /// Any frame type works: the envelope puts the tag at byte 0 and the header at pointer 0.
    public init(frameRoot root: StructReader, source: String) throws {
        let tag: UInt16 = root.scalar(at: 0)
        guard tag == StreamKind.headerTag else {
            throw PipesError(.badHeader, source: source,
                             "the first frame is not a stream header (union tag \(tag)); is this a Sluice stream?")
        }
        do {
            guard !root.isNull(pointer: 0) else {
                throw PipesError(.badHeader, source: source, "the stream header is empty")
            }
            let h = Header.Reader(try root.structField(0))
            guard h.hasKind else { throw PipesError(.badHeader, source: source, "the stream header has no kind") }
            kind = try h.kind.string
            schemaVersion = h.schemaVersion
            frameType = try h.frameType.string
            let p = try h.producer
            tool = try p.tool.string
            toolVersion = try p.version.string
            let args = try p.arguments
            var list: [String] = []
            list.reserveCapacity(args.count)
            for i in 0 ..< args.count { list.append(try args.get(i).string) }
            arguments = list
        } catch let e as CapnpError {
            throw PipesError(.badHeader, source: source, "unreadable stream header: \(e.message)")
        }
    }

    /// Writes this header as the payload of a frame root (sets the union tag to `header`).
    public func write(into root: StructBuilder) {
        root.setScalar(StreamKind.headerTag, at: 0)
        let h = Header.Builder(root.initStruct(0, dataWords: Header.dataWordCount, pointerCount: Header.pointerCount))
        h.setKind(kind)
        h.schemaVersion = schemaVersion
        h.setFrameType(frameType)
        let p = h.initProducer()
        p.setTool(tool)
        p.setVersion(toolVersion)
        p.setArguments(arguments)
    }
}

/// The last frame of every stream (`Stream.Trailer`): the number of records before it.
public enum StreamTrailer {
    /// Reads `recordCount` from a trailer frame's root.
    public static func recordCount(frameRoot root: StructReader) throws -> UInt64 {
        Trailer.Reader(try root.structField(0)).recordCount
    }

    /// Writes a trailer payload with `recordCount` (and any named `counts`) into a frame root tagged `tag`.
    public static func write(recordCount: UInt64, counts: [(name: String, value: UInt64)] = [], tag: UInt16, into root: StructBuilder) {
        root.setScalar(tag, at: 0)
        let t = Trailer.Builder(root.initStruct(0, dataWords: Trailer.dataWordCount, pointerCount: Trailer.pointerCount))
        t.recordCount = recordCount
        guard !counts.isEmpty else { return }
        let list = t.initCounts(count: counts.count)
        for (i, c) in counts.enumerated() {
            let w = Count.Builder(list.structElement(at: i))
            w.setName(c.name)
            w.value = c.value
        }
    }

    /// The named counts of a trailer frame (empty for producers that keep none).
    public static func counts(frameRoot root: StructReader) throws -> [(name: String, value: UInt64)] {
        let t = Trailer.Reader(try root.structField(0))
        guard t.hasCounts else { return [] }
        return try t.counts.map { (try $0.name.string, $0.value) }
    }
}
