import Pipes
#if canImport(Glibc)
import Glibc
#endif

/// Where a tool's output goes: stdout, or the `-o FILE` path written atomically.
///
/// For `-o FILE` the bytes go to a temporary file in FILE's directory (same filesystem, so the
/// final `rename(2)` is atomic); `commit()` renames it over FILE, `abort()` deletes it. An old
/// FILE is therefore untouched by any failed run.
public final class OutputTarget {
    /// "stdout" or the final path: the name used in messages.
    public let name: String
    /// The descriptor to write to.
    public let fd: Int32
    /// True when the output is a terminal (stdout only): tools print text then.
    public let isTerminal: Bool
    private let finalPath: String?
    private var tempPath: String?

    /// Standard output.
    public static func standardOutput() -> OutputTarget { OutputTarget(stdoutIsTerminal: Terminal.stdoutIsTerminal) }

    private init(stdoutIsTerminal: Bool) {
        name = "stdout"
        fd = 1
        isTerminal = stdoutIsTerminal
        finalPath = nil
    }

    /// Opens a temporary file beside `path`; nothing at `path` changes until `commit()`.
    ///
    /// A path that already names something other than a regular file (`/dev/null`, a FIFO, a
    /// terminal, a socket) is opened and written in place: renaming a file over it would
    /// replace the device node itself.
    public init(atomicPath path: String) throws {
        name = path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            let dfd = open(path, O_WRONLY | O_CLOEXEC)
            guard dfd >= 0 else {
                throw PipesError(.io, source: path, "cannot open for writing: \(FileIO.errorText(errno))")
            }
            fd = dfd
            finalPath = nil
            isTerminal = isatty(dfd) == 1
            return
        }
        finalPath = path
        isTerminal = false
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp.XXXXXX".utf8CString)
        let tfd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard tfd >= 0 else {
            throw PipesError(.io, source: path, "cannot create a temporary file in \(dir): \(FileIO.errorText(errno))")
        }
        // mkstemp makes 0600 files; give the output the mode a plain create would (0666 & ~umask).
        let mask = umask(0)
        umask(mask)
        fchmod(tfd, 0o666 & ~mask)
        fd = tfd
        tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Makes the output final: for `-o`, close and rename the temporary file over the path.
    public func commit() throws {
        guard let temp = tempPath, let path = finalPath else {
            if fd > 2 { close(fd) }   // a device or FIFO opened in place
            return
        }
        tempPath = nil
        if close(fd) != 0 {
            let e = errno
            unlink(temp)
            throw PipesError(.io, source: path, "close failed: \(FileIO.errorText(e))")
        }
        if rename(temp, path) != 0 {
            let e = errno
            unlink(temp)
            throw PipesError(.io, source: path, "cannot rename the temporary file into place: \(FileIO.errorText(e))")
        }
    }

    /// Discards a `-o` output: the temporary file is removed, the old file stays as it was.
    public func abort() {
        guard let temp = tempPath else { return }
        tempPath = nil
        close(fd)
        unlink(temp)
    }

    deinit { abort() }
}
