import Capnp
import Foundation
import Testing
@testable import Pipes

/// Signals without SA_RESTART make blocking read/write return EINTR (or a partial count);
/// FileIO must resume. The reading thread is bombarded with SIGUSR1 while a slow writer feeds
/// the pipe, and the writing side is interrupted while blocked on a full pipe.
@Suite struct SignalTests {
    static let installHandler: Void = {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }  // a no-op: only the interruption matters
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0                                // no SA_RESTART: syscalls see EINTR
        sigaction(SIGUSR1, &action, nil)
    }()

    final class Flag: @unchecked Sendable { var done = false }

    /// Test threads come from a pool that blocks most signals; let SIGUSR1 through while `body`
    /// runs, then restore the mask.
    func withSIGUSR1Unblocked<R>(_ body: () throws -> R) rethrows -> R {
        var set = sigset_t(), old = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGUSR1)
        pthread_sigmask(SIG_UNBLOCK, &set, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return try body()
    }

    func bombard(_ thread: pthread_t, until flag: Flag) -> Thread {
        let t = Thread {
            while !flag.done {
                pthread_kill(thread, SIGUSR1)
                usleep(200)
            }
        }
        t.start()
        return t
    }

    @Test func readerResumesAfterEINTR() throws {
        _ = Self.installHandler
        let bytes = Sample.stream(batches: 30, rows: 3000)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        let feeder = Thread {
            bytes.withUnsafeBytes { all in
                var off = 0
                while off < all.count {
                    let n = write(writeFD, all.baseAddress! + off, min(4096, all.count - off))
                    if n < 0 { if errno == EINTR { continue }; break }
                    off += n
                    usleep(50) // keep the reader blocked in read(2) often
                }
            }
            close(writeFD)
        }
        feeder.start()
        let flag = Flag()
        let noise = bombard(pthread_self(), until: flag)
        defer { flag.done = true; while !noise.isFinished { usleep(100) } }
        let k = try withSIGUSR1Unblocked { () throws -> Int in
            let reader = try FrameReader(fd: readFD, source: "pipe", bufferBytes: 8192)
            let stream = try RecordStreamReader(frames: reader, expecting: .sample)
            var k = 0
            while let root = try stream.next() { _ = try Sample.checkRow(root, batch: k); k += 1 }
            return k
        }
        #expect(k == 30)
        close(readFD)
    }

    @Test func writerResumesAfterEINTR() throws {
        _ = Self.installHandler
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }
        let received = Box()
        let drainer = Thread {
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                received.bytes += buf[0 ..< n]
                usleep(20) // slow reader: the writer blocks on a full pipe
            }
        }
        drainer.start()
        let flag = Flag()
        let noise = bombard(pthread_self(), until: flag)
        defer { flag.done = true }
        let w = try FrameWriter(fd: writeFD, source: "pipe", coalesceBelow: 1024)
        _ = fcntl(writeFD, 1031 /* F_SETPIPE_SZ */, Int32(4096))
        var expected: [UInt8] = []
        let b = MessageBuilder()
        try withSIGUSR1Unblocked {
            for k in 0 ..< 20 {
                b.reset()
                Sample.fillRow(b.initRoot(dataWords: 1, pointerCount: 1), batch: k, rows: 2000)
                expected += Framing.encode(b)
                try w.write(b)
            }
            try w.flush()
        }
        flag.done = true
        while !noise.isFinished { usleep(100) }
        close(writeFD)
        while !drainer.isFinished { usleep(1000) }
        close(readFD)
        #expect(received.bytes == expected)
    }
}
