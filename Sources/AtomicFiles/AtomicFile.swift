#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// A file written under a temporary name beside its final path and renamed over it only by
/// `commit()`: readers see the old file or the whole new one, never a part, and a failed run
/// (`abort()`, or the object going away uncommitted) leaves the old file untouched.
///
/// The temporary file is in the final path's directory, so `rename(2)` stays on one filesystem
/// and is atomic. With `durable`, `commit()` also fsyncs the file before the rename and the
/// directory after it, so the new file survives a crash of the machine (the store's rule);
/// without it the file is as durable as any ordinary write (a tool's `-o`).
public final class AtomicFile {
    /// The final path (as given).
    public let path: String
    /// The temporary file's descriptor: write here.
    public let fd: Int32
    private let durable: Bool
    private var tempPath: String?

    /// Creates the temporary file (mode 0666 & ~umask, as a plain create would).
    public init(path: String, durable: Bool = false) throws {
        self.path = path
        self.durable = durable
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp.XXXXXX".utf8CString)
        let tfd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard tfd >= 0 else {
            throw FileError(path, "cannot create a temporary file in \(dir): \(FileError.systemText(errno))")
        }
        let mask = umask(0)
        umask(mask)
        fchmod(tfd, 0o666 & ~mask)
        fd = tfd
        tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Writes all of `bytes` (retrying short writes and EINTR).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileError(tempPath ?? path, "write: \(FileError.systemText(errno))") }
            done += n
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Makes the file final: (fsync,) close, rename over `path` (, fsync the directory).
    public func commit() throws {
        guard let temp = tempPath else { return }
        tempPath = nil
        if durable && fsync(fd) != 0 {
            let e = errno
            close(fd)
            unlink(temp)
            throw FileError(path, "fsync: \(FileError.systemText(e))")
        }
        if close(fd) != 0 {
            let e = errno
            unlink(temp)
            throw FileError(path, "close failed: \(FileError.systemText(e))")
        }
        if rename(temp, path) != 0 {
            let e = errno
            unlink(temp)
            throw FileError(path, "cannot rename the temporary file into place: \(FileError.systemText(e))")
        }
        if durable { try Self.syncDirectory(of: path) }
    }

    /// Discards the temporary file; the old file at `path` stays as it was.
    public func abort() {
        guard let temp = tempPath else { return }
        tempPath = nil
        close(fd)
        unlink(temp)
    }

    deinit { abort() }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool) throws {
        let file = try AtomicFile(path: path, durable: durable)
        try file.write(bytes)
        try file.commit()
    }

    /// fsyncs the directory holding `path`, so a rename into it is on disk.
    public static func syncDirectory(of path: String) throws {
        let dir: String
        if let slash = path.lastIndex(of: "/") { dir = slash == path.startIndex ? "/" : String(path[..<slash]) } else { dir = "." }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw FileError(dir, "cannot open directory: \(FileError.systemText(errno))") }
        defer { close(dfd) }
        guard fsync(dfd) == 0 else { throw FileError(dir, "fsync: \(FileError.systemText(errno))") }
    }
}

/// write(2), named apart from `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
