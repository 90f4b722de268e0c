#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AtomicFiles

/// The store's only contact with the operating system: whole-file atomic writes, positioned
/// reads, directory listing and a writer lock. Kept in one file so the crash-safety rules are
/// in one place:
///
///  * a new file is written under a temporary name, fsynced, renamed into place, and its
///    directory fsynced (`AtomicFile` with `durable`), so after a crash it either exists whole
///    or not at all;
///  * the manifest is replaced the same way, last, so it only ever names complete runs.
enum FileSystem {
    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Writes `bytes` to `path` atomically and durably (temp file, fsync, rename, fsync dir).
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        do { try AtomicFile.write(bytes, to: path, durable: true) } catch let e as FileError {
            throw StoreError(.io, e.location, e.reason)
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw StoreError(.io, path, "cannot create directory: \(errorText())")
        }
    }

    static func remove(_ path: String) { unlink(path) }

    static func removeDirectoryIfEmpty(_ path: String) { rmdir(path) }

    /// Names in a directory, without `.` and `..`.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Takes the store's writer lock (one writer at a time; readers never lock).
    static func lock(_ path: String) throws -> Int32 {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, path, "cannot open lock: \(errorText())") }
        guard flock(fd, LOCK_EX) == 0 else { close(fd); throw StoreError(.io, path, "lock: \(errorText())") }
        return fd
    }

    static func unlock(_ fd: Int32) { close(fd) }
}

/// A read-only open file with positioned reads.
final class ReadOnlyFile {
    let path: String
    let fd: Int32
    let size: Int

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.io, path, "cannot open: \(FileSystem.errorText())") }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); throw StoreError(.io, path, "stat: \(FileSystem.errorText())") }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset`; a short file is a damaged file.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw StoreError(.damaged, path, "damaged: range \(offset)+\(count) is outside the \(size)-byte file")
        }
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { raw in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw StoreError(n == 0 ? .damaged : .io, path, "read: \(n == 0 ? "unexpected end of file" : FileSystem.errorText())") }
                done += n
            }
        }
        return out
    }
}
