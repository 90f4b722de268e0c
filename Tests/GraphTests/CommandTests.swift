import Foundation
import GraphIO
import GraphIR
import GraphOpt
import OnnxProto
import Pipes
import SwiftProtobuf
import Testing
import ToolKit

/// graph-opt end to end, in process: exit status, the one error line, and outputs.
@Suite struct CommandTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("graph-cmd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func write(_ model: Onnx_ModelProto, _ name: String) throws -> String {
        let path = dir + "/" + name
        try model.serializedData().write(to: URL(fileURLWithPath: path))
        return path
    }

    func run(_ args: [String]) -> (Int32, String) {
        var err = ""
        let status = ToolRunner.run(GraphOptCommand.self, arguments: args) { err += $0 }
        return (status, err)
    }

    @Test func badInputsFailWithOneLine() throws {
        let good = try OnnxFixture.smallCNN().serializedData()
        let truncated = dir + "/truncated.onnx"
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: truncated))
        var cyclic = OnnxFixture.smallCNN()
        cyclic.graph.node[0].input[0] = "y"  // Conv reads the pool's output
        let cycle = try write(cyclic, "cycle.onnx")
        var external = OnnxFixture.smallCNN()
        external.graph.initializer[0].clearRawData()
        external.graph.initializer[0].dataLocation = .external
        var loc = Onnx_StringStringEntryProto(); loc.key = "location"; loc.value = "gone.bin"
        external.graph.initializer[0].externalData = [loc]
        let missing = try write(external, "missing.onnx")

        let cases: [(String, String)] = [
            (truncated, "graph-opt: \(truncated): not a valid ONNX model: protobuf decoding failed"),
            (cycle, "graph-opt: \(cycle): graph has a cycle through nodes"),
            (missing, "graph-opt: \(missing): tensor 'w': external data file 'gone.bin' not found"),
            (dir + "/absent.onnx", "graph-opt: \(dir)/absent.onnx: no such file"),
        ]
        for (path, prefix) in cases {
            let out = dir + "/out.graph"
            try Data("old".utf8).write(to: URL(fileURLWithPath: out))
            let (status, err) = run(["-o", out, path])
            #expect(status == 1, "\(path)")
            #expect(err.hasPrefix(prefix), "\(err)")
            #expect(err.filter { $0 == "\n" }.count == 1)
            // -o on failure leaves the old file untouched and no weights file behind.
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "old")
            #expect(!FileManager.default.fileExists(atPath: out + ".weights"))
        }
    }

    /// A weight large enough to be written apart (over 64 KiB) and left unchanged is copied
    /// from the input file to the output (copy_file_range), and -o replaces an old file: the
    /// same bytes as the weight, nothing left beside the output.
    @Test func largeUnchangedWeightIsCopiedIntoAReplacedFile() throws {
        var m = OnnxFixture.smallCNN()
        let values: [Float] = (0..<1728).map { (i: Int) -> Float in Float(i % 97) / 97 - 0.5 }
        m.graph.initializer = [OnnxFixture.tensor("w", values, [64, 3, 3, 3])]
        m.graph.output = [OnnxFixture.valueInfo("y", [nil, 64, 1, 1])]
        // A big weight: 64 output channels, repeated so the region is over 64 KiB.
        let big: [Float] = (0..<36864).map { (i: Int) -> Float in Float(i % 89) / 89 - 0.25 }
        m.graph.initializer.append(OnnxFixture.tensor("w2", big, [64, 64, 3, 3]))
        m.graph.node.insert(OnnxFixture.node("Conv", ["r", "w2"], ["r2"], name: "conv2", ints: ["pads": [1, 1, 1, 1]]), at: 2)
        m.graph.node[3].input = ["r2"]
        let model = try write(m, "big.onnx")
        let out = dir + "/big.opt.onnx"
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        for _ in 0..<2 {  // once over the old text file, once over the previous output
            let (status, err) = run(["-O3", "--emit", "onnx", "-o", out, model])
            #expect(status == 0, "\(err)")
        }
        let written = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: out)))
        let w2 = try #require(written.graph.initializer.first { $0.name == "w2" })
        let expected = big.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data in Data(raw) }
        #expect(w2.rawData == expected)
        #expect(written.graph.node.count == 4)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp.") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func usageErrorsExitTwo() {
        #expect(run(["-O9", "m.onnx"]).0 == 2)
        #expect(run(["--emit", "pdf", "m.onnx"]).0 == 2)
        let (status, err) = run(["--passes", "fold-constants,bogus", dir + "/x.onnx"])
        #expect(status == 2)
        #expect(err.contains("unknown pass 'bogus'"))
    }

    @Test func streamOutputReadsBackAndReferencesWeights() throws {
        let model = try write(OnnxFixture.smallCNN(), "m.onnx")
        let out = dir + "/m.graph"
        let (status, err) = run(["-O3", "--verify", "-o", out, model])
        #expect(status == 0, "\(err)")
        let fd = open(out, O_RDONLY)
        defer { close(fd) }
        let stream = try RecordStreamReader(frames: FrameReader(fd: fd, source: out), expecting: .graph)
        let g = try GraphStreamInput.read(stream)
        #expect(g.nodes.map(\.qualifiedOp) == ["sluice.FusedConv", "GlobalAveragePool"])
        #expect(g.shape(g.outputs[0]) == Shape([.symbol("batch"), .known(4), .known(1), .known(1)]))
    }

    @Test func emittedOnnxReimports() throws {
        let model = try write(OnnxFixture.smallCNN(), "m.onnx")
        let out = dir + "/m.opt.onnx"
        #expect(run(["-O2", "--emit", "onnx", "-o", out, model]).0 == 0)
        let g = try OnnxImporter.load(path: out)
        #expect(g.nodes.map(\.op) == ["Conv", "Relu", "GlobalAveragePool"])
    }
}
