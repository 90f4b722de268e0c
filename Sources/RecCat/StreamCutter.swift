import Capnp
import Pipes
import ToolKit

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
