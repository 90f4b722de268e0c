import Capnp

/// The first frame of every stream (`Stream.Header` in Formats/stream.capnp), as plain values.
///
/// Read and written through the envelope (union tag at data byte 0, payload at pointer 0), so
/// no frame type is needed: any stream's header reads the same way.
public struct StreamHeader: Equatable, Sendable, CustomStringConvertible {
    public var kind: String
    public var schemaVersion: UInt16
    public var frameType: String
    /// `Producer.tool`, `Producer.version`, `Producer.arguments`.
    public var tool: String
    public var toolVersion: String
    public var arguments: [String]

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

    // Field layout from `capnp compile -ocapnp Formats/stream.capnp`:
    // Header: 1 data word, 3 pointers: kind ptr0, schemaVersion bits[0,16), producer ptr1, frameType ptr2.
    // Producer: 0 data words, 3 pointers: tool ptr0, version ptr1, arguments ptr2 (List(Text)).
    static let headerDataWords = 1, headerPointers = 3, producerDataWords = 0, producerPointers = 3

    /// Reads the header from a frame's root; throws `.badHeader` when the frame is not a header.
    public init(frameRoot root: StructReader, source: String) throws {
        let tag: UInt16 = root.scalar(at: 0)
        guard tag == StreamKind.headerTag else {
            throw PipesError(.badHeader, source: source,
                             "the first frame is not a stream header (union tag \(tag)); is this a Sluice stream?")
        }
        do {
            let h = try root.structField(0)
            guard !root.isNull(pointer: 0), !h.isNull(pointer: 0) else {
                throw PipesError(.badHeader, source: source, "the stream header has no kind")
            }
            kind = try h.textField(0).string
            schemaVersion = h.scalar(at: 0)
            frameType = try h.textField(2).string
            let p = try h.structField(1)
            tool = try p.textField(0).string
            toolVersion = try p.textField(1).string
            let args = try p.listField(2)
            var list: [String] = []
            list.reserveCapacity(args.count)
            for i in 0 ..< args.count { list.append(try args.textElement(at: i).string) }
            arguments = list
        } catch let e as CapnpError {
            throw PipesError(.badHeader, source: source, "unreadable stream header: \(e.message)")
        }
    }

    /// Writes this header as the payload of a frame root (sets the union tag to `header`).
    public func write(into root: StructBuilder) {
        root.setScalar(StreamKind.headerTag, at: 0)
        let h = root.initStruct(0, dataWords: Self.headerDataWords, pointerCount: Self.headerPointers)
        h.setText(0, kind)
        h.setScalar(schemaVersion, at: 0)
        h.setText(2, frameType)
        let p = h.initStruct(1, dataWords: Self.producerDataWords, pointerCount: Self.producerPointers)
        p.setText(0, tool)
        p.setText(1, toolVersion)
        let list = p.initList(2, elementSize: .pointer, count: arguments.count)
        for (i, a) in arguments.enumerated() { list.setText(at: i, a) }
    }
}

/// The last frame of every stream (`Stream.Trailer`): the number of records before it.
public enum StreamTrailer {
    /// Trailer: 1 data word, 0 pointers; recordCount bits[0,64).
    static let dataWords = 1, pointers = 0

    /// Reads `recordCount` from a trailer frame's root.
    public static func recordCount(frameRoot root: StructReader) throws -> UInt64 {
        try root.structField(0).scalar(at: 0)
    }

    /// Writes a trailer payload with `recordCount` into a frame root tagged `tag`.
    public static func write(recordCount: UInt64, tag: UInt16, into root: StructBuilder) {
        root.setScalar(tag, at: 0)
        let t = root.initStruct(0, dataWords: dataWords, pointerCount: pointers)
        t.setScalar(recordCount, at: 0)
    }
}
