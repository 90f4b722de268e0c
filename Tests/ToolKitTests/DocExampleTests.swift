import ArgumentParser
import Capnp
import Foundation
import Pipes
import Schemas
import Testing
@testable import ToolKit

/// The example tool of Docs/substrate.md, compiled and run here so the documented API stays true.
struct KeepLabel: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep-label", abstract: "Keep rows with a label.", version: Sluice.version)
    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles
    @Option(help: "The label to keep.") var label: String

    func run(_ tool: ToolContext) throws {
        let out = try tool.streamWriter(kind: .sample)
        try tool.forEachRecord(in: inputs.paths, expecting: .sample) { root, input in
            guard case .row(let row) = try SampleFrame.Reader(root).which(), try row.label == label else { return }
            try out.writeRecord(copyingCurrentOf: input, root: root)
        }
        try out.finish()
    }
}

@Suite struct DocExampleTests {
    @Test func exampleToolFiltersAcrossInputs() throws {
        let dir = NSTemporaryDirectory() + "doc-example-\(getpid())"
        mkdir(dir, 0o755)
        // Two inputs written with the builder API: labels a, b, a and b, a.
        func write(_ path: String, _ labels: [String]) throws {
            let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
            defer { close(fd) }
            let w = RecordStreamWriter(frames: try FrameWriter(fd: fd, source: path), kind: .sample,
                                       header: StreamHeader(kind: .sample, tool: "test", toolVersion: "1"))
            for (i, l) in labels.enumerated() {
                try w.writeRecord { frame in
                    let row = SampleFrame.Builder(frame).initRow()
                    row.setIds([Int64(i)])
                    row.setLabel(l)
                }
            }
            try w.finish()
        }
        try write(dir + "/1.bin", ["a", "b", "a"])
        try write(dir + "/2.bin", ["b", "a"])
        var err = ""
        let status = ToolRunner.run(KeepLabel.self, arguments: ["--label", "a", "-o", dir + "/out.bin", dir + "/1.bin", dir + "/2.bin"]) { err += $0 }
        #expect(status == 0, "\(err)")
        let fd = open(dir + "/out.bin", O_RDONLY)
        defer { close(fd) }
        let stream = try RecordStreamReader(frames: FrameReader(fd: fd, source: "out"), expecting: .sample)
        #expect(stream.header.tool == "keep-label")
        var ids: [Int64] = []
        while let frame = try stream.next(as: SampleFrame.Reader.self) {
            guard case .row(let row) = try frame.which() else { continue }
            #expect(try row.label == "a")
            ids.append(try row.ids[0])
        }
        #expect(ids == [0, 2, 1])
    }
}
