import Capnp
import Pipes
import Schemas
import ToolKit

/// A placed stream read whole, as owned copies of its records in stream order. Standard input
/// can be read only once, and both stages of npu-sim (the timing simulation and `--check`)
/// need the records: each decodes what it needs from these copies.
struct PlacedFrames {
    /// Where the stream came from, for error messages ("stdin" or the path).
    var source: String
    var messages: [MessageBuilder]

    static func read(_ stream: RecordStreamReader, source: String) throws -> PlacedFrames {
        var messages: [MessageBuilder] = []
        while let root = try stream.next() {
            let copy = MessageBuilder()
            try copy.setRoot(copying: root)
            messages.append(copy)
        }
        return PlacedFrames(source: source, messages: messages)
    }

    /// Calls `body` with every record, in stream order.
    func forEach(_ body: (PlacedFrame.Reader.Which) throws -> Void) throws {
        for m in messages { try body(try PlacedFrame.Reader(try m.rootReader()).which()) }
    }
}
