import Capnp
import Pipes
import ToolKit

/// Prints every frame of a stream as one line of text or JSON.
enum StreamPrinter {
    static func print(_ stream: RecordStreamReader, json: Bool, to out: FrameWriter) throws {
        let type = try StreamCatalog.resolve(stream.header, source: stream.source)
        let render = json ? type.renderJSON : type.renderText
        try out.write(text: try render(stream.headerRoot) + "\n")
        while let frame = try stream.nextFrame() {
            switch frame {
            case .record(let root), .trailer(let root):
                do { try out.write(text: try render(root) + "\n") } catch let e as CapnpError {
                    throw PipesError(.invalidMessage, source: stream.source, "record \(stream.recordCount - 1): \(e.message)")
                }
            }
        }
    }
}
