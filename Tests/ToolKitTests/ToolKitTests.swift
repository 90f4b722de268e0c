import ArgumentParser
import Capnp
import Foundation
import Pipes
import Testing
@testable import ToolKit

/// A tool whose behaviour the test picks with --fail: the runner's mapping of outcomes to exit
/// status, stderr lines and output files is what is under test.
struct Probe: SluiceCommand {
    static let configuration = CommandConfiguration(commandName: "probe", version: "9.9")
    @OptionGroup var common: CommonOptions
    @OptionGroup var inputs: InputFiles
    @Option var fail: String = "none"

    func run(_ tool: ToolContext) throws {
        let out = try tool.streamWriter(kind: .sample)
        try out.writeRecord { root in
            root.setScalar(UInt16(1), at: 0)
            root.initStruct(0, dataWords: 0, pointerCount: 3).setText(2, "hello")
        }
        switch fail {
        case "tool": throw ToolError("stdin", "bad record 3")
        case "usage": throw ToolError.usage("--fail", "no good")
        case "validation": throw ValidationError("bad combination")
        case "epipe": throw PipesError(.brokenPipe, source: "stdout", "closed")
        case "capnp": throw CapnpError(.outOfBounds, "pointer out of bounds")
        case "unfinished": return
        case "multiline": throw ToolError("x", "line one\nline two")
        default: try out.finish()
        }
    }
}

/// Runs Probe in-process; returns (status, what it would print on stderr).
func runProbe(_ args: [String]) -> (Int32, String) {
    var text = ""
    let status = ToolRunner.run(Probe.self, arguments: args) { text += $0 }
    return (status, text)
}

@Suite(.serialized) struct ToolRunnerTests {
    let dir = NSTemporaryDirectory() + "toolkit-tests-\(getpid())"

    init() { mkdir(dir, 0o755) }

    func contents(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".tmp.") }
    }

    @Test func successWritesTheFileAtomically() throws {
        let out = dir + "/ok.bin"
        let (status, err) = runProbe(["-o", out])
        #expect(status == 0)
        #expect(err == "")
        let bytes = try #require(contents(out))
        // The file is a whole stream: header, one record, trailer counting 1.
        let fd = open(out, O_RDONLY)
        defer { close(fd) }
        let stream = try RecordStreamReader(frames: FrameReader(fd: fd, source: out), expecting: .sample)
        #expect(stream.header.tool == "probe" && stream.header.toolVersion == "9.9")
        #expect(stream.header.arguments == ["-o", out])
        #expect(try stream.next() != nil)
        #expect(try stream.next() == nil)
        #expect(bytes.count > 0)
        #expect(leftovers().isEmpty)
    }

    @Test func failureLeavesTheOldFileUntouched() throws {
        let out = dir + "/keep.bin"
        _ = FileManager.default.createFile(atPath: out, contents: Data("old contents".utf8))
        for (mode, status, line) in [
            ("tool", Int32(1), "probe: stdin: bad record 3\n"),
            ("usage", 2, "probe: --fail: no good\n"),
            ("validation", 2, "probe: usage: bad combination\n"),
            ("capnp", 1, "probe: input: pointer out of bounds\n"),
            ("unfinished", 1, "probe: internal: the sample output stream was not finished (no trailer written)\n"),
            ("multiline", 1, "probe: x: line one line two\n"),
        ] {
            let (s, err) = runProbe(["-o", out, "--fail", mode])
            #expect(s == status, "\(mode)")
            #expect(err == line, "\(mode)")
            #expect(contents(out) == Array("old contents".utf8), "\(mode)")
        }
        #expect(leftovers().isEmpty)
    }

    /// `-o` onto a FIFO (or /dev/null) writes through it: renaming a temporary file over the
    /// path would replace the special file with a regular one.
    @Test func outputOntoASpecialFileWritesInPlace() throws {
        let fifo = dir + "/out.fifo"
        unlink(fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] }   // written by the reader thread only
        let received = Received()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
                if n <= 0 { break }
                received.bytes += chunk[0..<n]
            }
            close(fd)
        }
        reader.start()
        let (status, err) = runProbe(["-o", fifo])
        #expect(status == 0)
        #expect(err == "")
        while !reader.isFinished { usleep(1000) }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        let stream = StreamReader(source: ArrayByteSource(received.bytes))
        var frames = 0
        while try stream.next() != nil { frames += 1 }
        #expect(frames == 3)   // header, record, trailer
        #expect(leftovers().isEmpty)
    }

    @Test func brokenPipeEndsQuietly() {
        let (s, err) = runProbe(["-o", dir + "/epipe.bin", "--fail", "epipe"])
        #expect(s == 0)
        #expect(err == "")
    }

    @Test func usageErrorsAreOneLineWithStatus2() {
        let (s, err) = runProbe(["--no-such-flag"])
        #expect(s == 2)
        #expect(err.hasPrefix("probe: usage: "))
        #expect(err.filter { $0 == "\n" }.count == 1)
        let (s2, err2) = runProbe(["--numa-node", "notanumber"])
        #expect(s2 == 2)
        #expect(err2.hasPrefix("probe: usage: "))
    }

    @Test func missingOutputDirectoryIsARuntimeError() {
        let (s, err) = runProbe(["-o", dir + "/no/such/dir/out.bin"])
        #expect(s == 1)
        #expect(err.hasPrefix("probe: \(dir)/no/such/dir/out.bin: cannot create a temporary file"))
    }

    @Test func outputModeFollowsTheUmask() throws {
        let out = dir + "/mode.bin"
        let old = umask(0o022)
        defer { umask(old) }
        #expect(runProbe(["-o", out]).0 == 0)
        var st = stat()
        #expect(stat(out, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o644)
    }

    @Test func forEachRecordVisitsEveryInputInOrder() throws {
        let a = dir + "/a.bin", b = dir + "/b.bin"
        #expect(runProbe(["-o", a]).0 == 0)
        #expect(runProbe(["-o", b]).0 == 0)
        let tool = try ToolContext(name: "t", version: "1", arguments: [], options: CommonOptions.parse([]))
        var seen: [String] = []
        try tool.forEachRecord(in: [a, b], expecting: .sample) { root, stream in
            seen.append("\(stream.source):\(try root.structField(0).textField(2).string)")
        }
        #expect(seen == ["\(a):hello", "\(b):hello"])
        let graph = StreamKind(name: "graph", frameType: "GraphFrame", schemaVersion: 1, trailerTag: 3)
        #expect(throws: PipesError.self) { try tool.forEachRecord(in: [a], expecting: graph) { _, _ in } }
    }

    @Test func inputsDefaultToStdin() throws {
        #expect(try InputFiles.parse([]).paths == ["-"])
        #expect(try InputFiles.parse(["a", "-"]).paths == ["a", "-"])
        #expect(try InputFile(path: "-").name == "stdin")
        let text = dir + "/in.tsv"
        _ = FileManager.default.createFile(atPath: text, contents: Data("a\tb\n".utf8))
        #expect(try InputFile(path: text).readAll() == Array("a\tb\n".utf8))
        do {
            _ = try InputFile(path: dir + "/missing")
            Issue.record("opened a missing file")
        } catch let e as PipesError {
            #expect(e.description == "\(dir)/missing: No such file or directory")
        }
    }
}

@Suite struct ProgressLineTests {
    final class Sink { var text = "" }

    @Test func silentWhenDisabledOrEarly() {
        let sink = Sink()
        let off = ProgressLine(tool: "t", enabled: false, delay: 0) { sink.text += $0 }
        off.update("x")
        off.clear()
        let early = ProgressLine(tool: "t", enabled: true, delay: 3600) { sink.text += $0 }
        early.update("x")
        early.clear()
        #expect(sink.text == "")
    }

    @Test func overwritesOneLineRateLimitedAndClears() {
        let sink = Sink()
        let p = ProgressLine(tool: "t", enabled: true, delay: 0) { sink.text += $0 }
        p.update("1 records")
        p.update("2 records") // within 0.1 s of the first: dropped
        #expect(sink.text == "\r\u{1B}[Kt: 1 records")
        p.clear()
        #expect(sink.text == "\r\u{1B}[Kt: 1 records\r\u{1B}[K")
    }
}
