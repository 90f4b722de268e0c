import Capnp
import Foundation
import Testing
@testable import Pipes

@Suite struct FrameWriterTests {
    /// A tiny non-blocking pipe (one page) drained slowly: writev must resume after partial
    /// writes and EAGAIN, and the bytes must equal the reference framing.
    @Test func partialWritesResumeAndKeepFramesWhole() throws {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, Int32(4096))
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        var expected: [UInt8] = []
        let b = MessageBuilder()
        final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }
        let received = Box()
        let readFD = fds[0]
        let drainer = Thread {
            var buf = [UInt8](repeating: 0, count: 1000) // small reads: many partial writes
            while true {
                let n = buf.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                received.bytes += buf[0 ..< n]
            }
        }
        drainer.start()
        // FrameWriter enlarges pipes; shrink after it did so the test really sees a 4 KiB pipe.
        let w = try FrameWriter(fd: fds[1], source: "pipe", pendingBytes: 8192, coalesceBelow: 2048)
        _ = fcntl(fds[1], 1031, Int32(4096))
        for k in 0 ..< 40 {
            b.reset()
            Sample.fillRow(b.initRoot(dataWords: 1, pointerCount: 1), batch: k, rows: (k % 4) * 3000 + 5)
            expected += Framing.encode(b)
            try w.write(b)
        }
        try w.flush()
        #expect(w.bytesWritten == expected.count)
        close(fds[1])
        while !drainer.isFinished { usleep(1000) }
        close(fds[0])
        #expect(received.bytes == expected)
    }

    @Test func brokenPipeIsADistinctError() throws {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let w = try FrameWriter(fd: fds[1], source: "stdout")
        let b = MessageBuilder()
        Sample.fillRow(b.initRoot(dataWords: 1, pointerCount: 1), batch: 0, rows: 100_000)
        do {
            try w.write(b)
            try w.flush()
            Issue.record("writing to a closed pipe succeeded")
        } catch let e as PipesError {
            #expect(e.kind == .brokenPipe)
        }
    }

    @Test func packedOutputDecodesToTheSameMessages() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fds[1], source: "pipe", packed: true),
                                   kind: .sample, header: Sample.header())
        for k in 0 ..< 3 { try w.writeRecord { Sample.fillRow($0, batch: k, rows: 10) } }
        try w.finish()
        close(fds[1])
        let stream = try RecordStreamReader(frames: FrameReader(fd: fds[0], source: "pipe", packed: true), expecting: .sample)
        var k = 0
        while let root = try stream.next() { _ = try Sample.checkRow(root, batch: k); k += 1 }
        #expect(k == 3)
        close(fds[0])
    }
}

/// A filter stage must not sit on finished frames while it waits for more input: the reader's
/// `beforeBlocking` hook flushes the writer, so a live stream flows through.
@Suite struct FlushOnBlockTests {
    final class Result: @unchecked Sendable { var arrived = false }

    @Test(arguments: [false, true]) func pendingFramesGoOutBeforeTheReaderBlocks(packed: Bool) throws {
        signal(SIGPIPE, SIG_IGN)
        var a: [Int32] = [0, 0], b: [Int32] = [0, 0]
        #expect(pipe(&a) == 0 && pipe(&b) == 0)
        let (inRead, inWrite, outRead, outWrite) = (a[0], a[1], b[0], b[1])
        // One small frame goes in; the input then stays open and silent.
        let builder = MessageBuilder()
        Sample.fillRow(builder.initRoot(dataWords: 1, pointerCount: 1), batch: 0, rows: 3)
        let frame = packed ? Packing.packFrame(builder) : Framing.encode(builder)
        _ = frame.withUnsafeBytes { write(inWrite, $0.baseAddress, $0.count) }
        let result = Result()
        let watcher = Thread {
            // Downstream: wait up to 5 s for the frame, then end the input either way.
            var p = pollfd(fd: outRead, events: Int16(POLLIN), revents: 0)
            result.arrived = poll(&p, 1, 5000) == 1
            close(inWrite)
        }
        watcher.start()
        let reader = try FrameReader(fd: inRead, source: "in", packed: packed)
        let writer = try FrameWriter(fd: outWrite, source: "out", packed: packed)
        reader.beforeBlocking = { try writer.flush() }
        let copy = MessageBuilder()
        while let m = try reader.next() {
            copy.reset()
            try copy.setRoot(copying: m.root())
            try writer.write(copy) // small: stays pending until a flush
        }
        while !watcher.isFinished { usleep(1000) }
        #expect(result.arrived, "the frame stayed in the writer while the reader blocked")
        for fd in [inRead, outRead, outWrite] { close(fd) }
    }
}
