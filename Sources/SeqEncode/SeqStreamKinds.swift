import Pipes
import Schemas

/// The two stream kinds of Formats/events.capnp and Formats/seq-blocks.capnp.
extension StreamKind {
    /// `EventsFrame`: header, schema, batch…, trailer (union tag 3).
    public static let events = StreamKind(name: EventsSchema.kind, frameType: "EventsFrame",
                                          schemaVersion: EventsSchema.schemaVersion, trailerTag: 3,
                                          frameDataWords: EventsFrame.dataWordCount, framePointers: EventsFrame.pointerCount)
    /// `SeqFrame`: header, schema, block…, trailer (union tag 3).
    public static let seqBlocks = StreamKind(name: SeqBlocksSchema.kind, frameType: "SeqFrame",
                                             schemaVersion: SeqBlocksSchema.schemaVersion, trailerTag: 3,
                                             frameDataWords: SeqFrame.dataWordCount, framePointers: SeqFrame.pointerCount)
}
