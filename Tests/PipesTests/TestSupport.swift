import Capnp
import Foundation
@testable import Pipes

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

/// Builds sample-kind frames with the raw builder API (layout from Formats/sample.capnp:
/// SampleFrame union tag at byte 0, payload pointer 0; SampleBatch ids ptr0, values ptr1, label ptr2).
enum Sample {
    static let rowTag: UInt16 = 1

    static func fillRow(_ root: StructBuilder, batch k: Int, rows: Int) {
        root.setScalar(rowTag, at: 0)
        let row = root.initStruct(0, dataWords: 0, pointerCount: 3)
        let ids = row.initList(0, elementSize: .eightBytes, count: rows)
        let values = row.initList(1, elementSize: .fourBytes, count: rows)
        for i in 0 ..< rows {
            ids.setScalar(Int64(k * rows + i), at: i)
            values.setFloat32(Float(k * rows + i) * 0.5, at: i)
        }
        row.setText(2, "batch \(k)")
    }

    /// Checks a row frame against `fillRow`'s content; returns the batch's row count.
    static func checkRow(_ root: StructReader, batch k: Int) throws -> Int {
        guard root.scalar(at: 0) as UInt16 == rowTag else { throw CheckFailure("not a row") }
        let row = try root.structField(0)
        let ids = try row.listField(0)
        let values = try row.listField(1)
        guard ids.count == values.count else { throw CheckFailure("column lengths differ") }
        let rows = ids.count
        for i in 0 ..< rows {
            guard ids.scalar(at: i) as Int64 == Int64(k * rows + i),
                  values.float32(at: i) == Float(k * rows + i) * 0.5 else { throw CheckFailure("row \(i) of batch \(k)") }
        }
        guard try row.textField(2).string == "batch \(k)" else { throw CheckFailure("label of batch \(k)") }
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
