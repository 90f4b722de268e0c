import Capnp
import Foundation
import Testing

/// Writes Swift-built messages for `Tools/pycapnp_reads_swift.py` (make test-codegen-pycapnp
/// sets CODEGEN_INTEROP_DIR). Without it the files go to a temporary directory and are read
/// back here, so the writer path is exercised in every unit-test run.
@Suite struct InteropFiles {
    @Test func writeForPycapnp() throws {
        let dir: URL
        var temporary = false
        if let d = ProcessInfo.processInfo.environment["CODEGEN_INTEROP_DIR"] {
            dir = URL(fileURLWithPath: d)
        } else {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-interop-\(UUID().uuidString)")
            temporary = true
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if temporary { try? FileManager.default.removeItem(at: dir) } }

        // One message with every field set.
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        try BuildTests.fill(b.initRoot(Everything.Builder.self))
        try Data(Framing.encode(b)).write(to: dir.appendingPathComponent("everything.bin"))
        try Data(Packing.packFrame(b)).write(to: dir.appendingPathComponent("everything.packed.bin"))

        // The same, spread over many 8-word segments (far pointers).
        let small = MessageBuilder(firstSegmentWords: 8, growth: .fixed)
        defer { withExtendedLifetime(small) {} }
        try BuildTests.fill(small.initRoot(Everything.Builder.self))
        try Data(Framing.encode(small)).write(to: dir.appendingPathComponent("multisegment.bin"))

        // A stream of 100 messages from one reused builder.
        var stream: [UInt8] = []
        for i in 0..<100 {
            b.reset()
            let e = b.initRoot(Everything.Builder.self)
            e.int64Field = Int64(i) * 1_000_000_007
            e.setTextField("row \(i)")
            e.setFloat64List((0..<i % 7).map { Double($0) / 4 })
            if i % 3 == 0 { e.number = Int32(i) } else { e.initNested().setLabel("n\(i)") }
            Framing.append(b, to: &stream)
        }
        try Data(stream).write(to: dir.appendingPathComponent("stream.bin"))

        // Our JSON of both, for comparison with pycapnp's own to_dict().
        for name in ["everything", "stream"] {
            let frames = try Frames(Array(try Data(contentsOf: dir.appendingPathComponent("\(name).bin"))))
            defer { withExtendedLifetime(frames) {} }
            let json = try renderStream(frames, as: Everything.Reader.self, style: .json)
            try Data(json.utf8).write(to: dir.appendingPathComponent("\(name).jsonl"))
        }

        // Read back here too.
        let frames = try Frames(Array(try Data(contentsOf: dir.appendingPathComponent("stream.bin"))))
        defer { withExtendedLifetime(frames) {} }
        #expect(frames.messages.count == 100)
        let last = try frames.root(99, as: Everything.Reader.self)
        #expect(last.int64Field == 99 * 1_000_000_007)
        #expect(try last.textField == "row 99")
    }
}
