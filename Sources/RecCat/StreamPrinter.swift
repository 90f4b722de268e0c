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

/// Reads a stream to its end, optionally checking every pointer of every record by copying it
/// into a scratch arena (a deep copy visits every reachable object under the reader limits).
enum StreamWalker {
    static func walk(_ stream: RecordStreamReader, validate: Bool, progress: ProgressLine) throws -> Int {
        let scratch = validate ? MessageBuilder() : nil
        while let root = try stream.next() {
            progress.update("\(stream.source): \(stream.recordCount) records")
            guard let scratch else { continue }
            scratch.reset()
            do { try scratch.setRoot(copying: root) } catch let e as CapnpError {
                throw PipesError(.invalidMessage, source: stream.source, "record \(stream.recordCount - 1): \(e.message)")
            }
        }
        return stream.recordCount
    }
}

/// `--head N`: the first N records of the inputs (all of one kind) as one new stream with the
/// first input's header and a trailer counting N. Records go through as bytes when possible.
struct StreamCutter {
    let tool: ToolContext
    let json: Bool

    func copy(first limit: Int, of paths: [String]) throws {
        var writer: RecordStreamWriter?
        var remaining = limit
        for path in paths where remaining > 0 || writer == nil {
            let stream = try tool.openStream(path) { header in
                let type = try StreamCatalog.resolve(header, source: path == "-" ? "stdin" : path)
                if let w = writer, w.kind != type.kind {
                    throw PipesError(.wrongKind, source: path == "-" ? "stdin" : path,
                                     "expected a\(w.kind.name.first.map { "aeiou".contains($0) } == true ? "n" : "") \(w.kind.name) stream like the first input, got \(header)")
                }
                return type.kind
            }
            if writer == nil {
                let type = try StreamCatalog.resolve(stream.header, source: stream.source)
                writer = try tool.streamWriter(kind: type.kind, render: json ? type.renderJSON : type.renderText,
                                               header: stream.header)
            }
            while remaining > 0, let root = try stream.next() {
                try writer!.writeRecord(copyingCurrentOf: stream, root: root)
                remaining -= 1
                tool.progress.update("\(limit - remaining) records")
            }
        }
        try writer?.finish()
    }
}
