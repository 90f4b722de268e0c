import AtomicFiles
import Pipes
#if canImport(Glibc)
import Glibc
#endif

/// Where a tool's output goes: stdout, or the `-o FILE` path written atomically.
///
/// For `-o FILE` the bytes go to an `AtomicFile`: a temporary file in FILE's directory that
/// `commit()` renames over FILE and `abort()` deletes. An old FILE is therefore untouched by
/// any failed run.
public final class OutputTarget {
    /// "stdout" or the final path: the name used in messages.
    public let name: String
    /// The descriptor to write to.
    public let fd: Int32
    /// True when the output is a terminal (stdout only): tools print text then.
    public let isTerminal: Bool
    /// The `-o` file being written (nil for stdout or a device written in place).
    private let atomicFile: AtomicFile?
    /// True for a device or FIFO opened in place (closed by `commit`).
    private let ownsDescriptor: Bool

    /// Standard output.
    public static func standardOutput() -> OutputTarget { OutputTarget(stdoutIsTerminal: Terminal.stdoutIsTerminal) }

    private init(stdoutIsTerminal: Bool) {
        name = "stdout"
        fd = 1
        isTerminal = stdoutIsTerminal
        atomicFile = nil
        ownsDescriptor = false
    }

    /// Opens a temporary file beside `path` (`AtomicFile`); nothing at `path` changes until `commit()`.
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
            isTerminal = isatty(dfd) == 1
            atomicFile = nil
            ownsDescriptor = true
            return
        }
        let file: AtomicFile
        do { file = try AtomicFile(path: path) } catch let e as FileError {
            throw PipesError(.io, source: e.location, e.reason)
        }
        atomicFile = file
        fd = file.fd
        isTerminal = false
        ownsDescriptor = false
    }

    /// Makes the output final: for `-o`, close and rename the temporary file over the path.
    public func commit() throws {
        if ownsDescriptor { close(fd); return }
        do { try atomicFile?.commit() } catch let e as FileError {
            throw PipesError(.io, source: e.location, e.reason)
        }
    }

    /// Discards a `-o` output: the temporary file is removed, the old file stays as it was.
    public func abort() {
        atomicFile?.abort()
    }
}
