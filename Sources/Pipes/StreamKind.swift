import Capnp
import Schemas

/// What a consumer or producer knows about one stream kind: the names its header carries and
/// the layout of its frame struct, which is all the envelope code needs.
///
/// Every frame struct opens with a union whose ordinal 0 is `header` and whose last member is
/// `trailer` (Formats/stream.capnp), so the union tag is the UInt16 at data byte 0 and the
/// payload is pointer 0; `trailerTag` is the trailer's union tag (the number of union members
/// minus one).
public struct StreamKind: Sendable, Equatable, CustomStringConvertible {
    /// `Header.kind`, e.g. "sample", "graph".
    public var name: String
    /// The root frame struct's name in Formats/, e.g. "SampleFrame" (`Header.frameType`).
    public var frameType: String
    /// The `Header.schemaVersion` this code reads and writes.
    public var schemaVersion: UInt16
    /// The union tag of `trailer` in the frame struct.
    public var trailerTag: UInt16
    /// Data words and pointers of the frame struct (for building frames).
    public var frameDataWords: Int
    public var framePointers: Int

    /// A kind from its facts; prefer `init(name:frameType:schemaVersion:frame:)` for generated frame types.
    public init(name: String, frameType: String, schemaVersion: UInt16, trailerTag: UInt16,
                frameDataWords: Int = 1, framePointers: Int = 1) {
        self.name = name
        self.frameType = frameType
        self.schemaVersion = schemaVersion
        self.trailerTag = trailerTag
        self.frameDataWords = frameDataWords
        self.framePointers = framePointers
    }

    /// The kind of a generated frame type: the trailer tag comes from `SchemaRegistry.unions`
    /// and the layout from the generated builder, e.g.
    /// `StreamKind(name: SampleSchema.kind, frameType: "SampleFrame", schemaVersion: SampleSchema.schemaVersion, frame: SampleFrame.Builder.self)`.
    /// `frameType` must name a generated struct that follows the envelope (a programming error otherwise).
    public init<Frame: StructBuilderView>(name: String, frameType: String, schemaVersion: UInt16, frame: Frame.Type) {
        guard let union = SchemaRegistry.unions[frameType], union.discriminantByteOffset == 0,
              union.tags["header"] == StreamKind.headerTag, let trailer = union.tags["trailer"] else {
            preconditionFailure("\(frameType) is not a generated frame struct (union with header @0 ... trailer)")
        }
        self.init(name: name, frameType: frameType, schemaVersion: schemaVersion, trailerTag: trailer,
                  frameDataWords: Frame.dataWordCount, framePointers: Frame.pointerCount)
    }

    /// "sample v1".
    public var description: String { "\(name) v\(schemaVersion)" }

    /// The union tag of `header` in every frame struct.
    public static let headerTag: UInt16 = 0
}
