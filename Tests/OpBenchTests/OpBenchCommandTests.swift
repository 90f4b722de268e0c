import Foundation
import OpBench
import Testing
import ToolKit

/// op-bench end to end, in process: options, exit status, the one error line, and output.
@Suite struct OpBenchCommandTests {
    func run(_ args: [String]) -> (status: Int32, stderr: String) {
        var err = ""
        let status = ToolRunner.run(OpBenchCommand.self, arguments: args) { err += $0 }
        return (status, err)
    }

    @Test func listWritesTheSelectedCases() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("op-bench-list-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = run(["--suite", "resnet50", "--filter", "avgpool", "--list", "-o", path])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("GlobalAveragePool"), "\(text)")
    }

    @Test(arguments: [["--threads", "0"], ["--threads", "1,x"], ["--compare", "matlab"], ["--reps", "0"], ["--suite", "nope"]])
    func badOptionsAreUsageErrors(_ args: [String]) {
        let r = run(args + ["--list"])
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.hasPrefix("op-bench: "), "\(r.stderr)")
        #expect(r.stderr.filter { $0 == "\n" }.count == 1, "\(r.stderr)")
    }

    @Test func missingGraphStreamIsARuntimeError() {
        let r = run(["--graph", "/nonexistent/model.graph", "--list"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("op-bench: /nonexistent/model.graph: "), "\(r.stderr)")
    }
}
