import Capnp
import Foundation
import Testing
@testable import Pipes
import TestSupport

/// Interop: pycapnp (a Cap'n Proto implementation nobody here wrote) reads streams written by
/// Pipes, using only Formats/. Skipped with a recorded issue if python3/pycapnp are missing.
@Suite struct InteropTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func writeStream(to path: String, packed: Bool) throws {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fd, source: path, packed: packed),
                                   kind: .sample, header: Sample.header())
        for k in 0 ..< 6 { try w.writeRecord { Sample.fillRow($0, batch: k, rows: [0, 1, 500, 70_000, 3, 9][k]) } }
        try w.finish()
    }

    func pycapnpRead(_ args: [String]) throws -> (Int32, String) {
        let r = try Subprocess.run(["python3", "\(Self.root)/Tools/interop_read.py"] + args, timeoutSeconds: 120)
        return (r.status, r.text + r.stderr)
    }

    @Test(arguments: [false, true]) func pycapnpReadsWhatPipesWrites(packed: Bool) throws {
        let path = NSTemporaryDirectory() + "interop-\(getpid())-\(packed).bin"
        defer { unlink(path) }
        try writeStream(to: path, packed: packed)
        let (status, output) = try pycapnpRead((packed ? ["--packed"] : []) + [path])
        #expect(status == 0, "\(output)")
        #expect(output == "ok: sample v1 from pipes-tests ['--x'], 6 records, 70513 rows\n")
    }
}
