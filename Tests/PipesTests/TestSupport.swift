import Capnp
import Foundation
@testable import Pipes
import Schemas

/// A pipe whose write end is fed by a background thread, so the reader meets real pipe
/// behaviour (short reads, blocking) instead of a file.
final class FedPipe {
    let readFD: Int32
    private let thread: Thread

    /// Writes `bytes` to the pipe in `chunk`-byte writes from a thread, then closes it.
    init(_ bytes: [UInt8], chunk: Int = 1 << 16) {
        signal(SIGPIPE, SIG_IGN) // a reader that stops early must make the feeder see EPIPE, not die
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        readFD = fds[0]
        let w = fds[1]
        thread = Thread {
            bytes.withUnsafeBytes { all in
                var off = 0
                while off < all.count {
                    let n = Glibc.write(w, all.baseAddress! + off, min(chunk, all.count - off))
                    if n <= 0 { if errno == EINTR { continue }; break }
                    off += n
                }
            }
            close(w)
        }
        thread.start()
    }

    deinit { close(readFD) }
}

/// Builds and checks sample-kind frames with the generated Schemas types (Formats/sample.capnp).
enum Sample {
    static func fillRow(_ root: StructBuilder, batch k: Int, rows: Int) {
        let row = SampleFrame.Builder(root).initRow()
        // Bulk column fill, the way producers should write columnar batches.
        row.initIds(count: rows).withUnsafeMutableScalars(as: Int64.self) { ids in
            for i in 0 ..< rows { ids[i] = Int64(k * rows + i) }
        }
        row.initValues(count: rows).withUnsafeMutableScalars(as: Float.self) { values in
            for i in 0 ..< rows { values[i] = Float(k * rows + i) * 0.5 }
        }
        row.setLabel("batch \(k)")
    }

    /// Checks a row frame against `fillRow`'s content; returns the batch's row count.
    static func checkRow(_ root: StructReader, batch k: Int) throws -> Int {
        guard case .row(let row) = try SampleFrame.Reader(root).which() else { throw CheckFailure("not a row") }
        let ids = try row.ids
        let values = try row.values
        guard ids.count == values.count else { throw CheckFailure("column lengths differ") }
        let rows = ids.count
        for i in 0 ..< rows {
            guard ids[i] == Int64(k * rows + i), values[i] == Float(k * rows + i) * 0.5 else {
                throw CheckFailure("row \(i) of batch \(k)")
            }
        }
        guard try row.label == "batch \(k)" else { throw CheckFailure("label of batch \(k)") }
        return rows
    }

    static func header(kind: String = "sample") -> StreamHeader {
        StreamHeader(kind: kind, schemaVersion: 1, frameType: "SampleFrame", tool: "pipes-tests", toolVersion: "1", arguments: ["--x"])
    }

    /// A whole stream as bytes: header, `batches` rows of `rows`, trailer (unless `trailer` is false).
    static func stream(batches: Int, rows: Int, kind: String = "sample", trailer: Bool = true,
                       trailerCount: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        let b = MessageBuilder()
        let kindInfo = StreamKind.sample
        func frame(_ fill: (StructBuilder) -> Void) {
            b.reset()
            fill(b.initRoot(dataWords: kindInfo.frameDataWords, pointerCount: kindInfo.framePointers))
            out += Framing.encode(b)
        }
        frame { header(kind: kind).write(into: $0) }
        for k in 0 ..< batches { frame { fillRow($0, batch: k, rows: rows) } }
        if trailer {
            frame { StreamTrailer.write(recordCount: UInt64(trailerCount ?? batches), tag: kindInfo.trailerTag, into: $0) }
        }
        return out
    }
}

struct CheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Reads everything from `fd` until EOF.
func drain(_ fd: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
        out += buf[0 ..< n]
    }
    return out
}
