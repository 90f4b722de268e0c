#if canImport(Glibc)
import Glibc
#endif

/// Thin, EINTR-safe wrappers over read/write system calls. Errors become `PipesError` naming
/// `source`; EPIPE becomes the distinct `.brokenPipe` kind.
public enum FileIO {
    /// The text of an errno value.
    public static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// One `read(2)` into `buffer`, retrying on EINTR and waiting on EAGAIN (a non-blocking fd
    /// inherited from a parent). Returns 0 at EOF.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, source: String) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { waitFor(fd, events: Int16(POLLIN)); continue }
            throw PipesError(.io, source: source, "read failed: \(errorText(e))")
        }
    }

    /// Reads `fd` to its end in `chunkBytes` reads into one reused buffer, handing each chunk
    /// (valid only during the call) to `body`: for parsers that take text in pieces.
    public static func forEachChunk(_ fd: Int32, source: String, chunkBytes: Int = 1 << 20,
                                    _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = try read(fd, into: buffer, source: source)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Writes every byte of every iovec with `writev(2)`, resuming after partial writes and
    /// EINTR. The iovec array is consumed (advanced in place).
    public static func writeAll(_ fd: Int32, _ iov: inout [iovec], source: String) throws {
        var first = 0
        // Skip empty leading entries so `first` always points at bytes still to write.
        while first < iov.count && iov[first].iov_len == 0 { first += 1 }
        while first < iov.count {
            let count = min(iov.count - first, 1024) // IOV_MAX on Linux
            let n = iov.withUnsafeBufferPointer { writev(fd, $0.baseAddress! + first, Int32(count)) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { waitFor(fd, events: Int16(POLLOUT)); continue }
                if e == EPIPE { throw PipesError(.brokenPipe, source: source, "the reader closed the pipe") }
                throw PipesError(.io, source: source, "write failed: \(errorText(e))")
            }
            var done = n
            while done > 0 {
                let len = iov[first].iov_len
                if done >= len {
                    done -= len
                    iov[first].iov_len = 0
                    first += 1
                } else {
                    iov[first].iov_base = iov[first].iov_base! + done
                    iov[first].iov_len = len - done
                    done = 0
                }
            }
            while first < iov.count && iov[first].iov_len == 0 { first += 1 }
        }
    }

    /// Writes all of `bytes`.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, source: String) throws {
        guard bytes.count > 0 else { return }
        var iov = [iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), iov_len: bytes.count)]
        try writeAll(fd, &iov, source: source)
    }

    /// Enlarges the kernel buffer of a pipe (best effort): with 1 MiB instead of 64 KiB, each
    /// read/write moves 16x more bytes per system call. Not a pipe, or not allowed: no change.
    public static func enlargePipe(_ fd: Int32, to bytes: Int = 1 << 20) {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFIFO else { return }
        let F_SETPIPE_SZ: Int32 = 1031 // Linux fcntl.h; not exported by Glibc's Swift overlay
        _ = fcntl(fd, F_SETPIPE_SZ, Int32(bytes))
    }

    /// True when a read on `fd` would return at once (data, EOF or an error is pending).
    public static func hasInput(_ fd: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&p, 1, 0)
            if r >= 0 { return r > 0 }
            if errno != EINTR { return true } // let the read report the error
        }
    }

    private static func waitFor(_ fd: Int32, events: Int16) {
        var p = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&p, 1, -1)
    }
}
