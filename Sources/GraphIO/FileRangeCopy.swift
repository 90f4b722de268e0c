import GraphIR
#if canImport(Glibc)
import Glibc
#endif

/// Copies byte ranges of input files to an output descriptor inside the kernel
/// (copy_file_range(2)): a weight graph-opt did not change goes from the model (or its
/// external data) to the written file without being mapped or passing through user memory.
/// Source files are opened once each and closed with the copier.
public final class FileRangeCopy {
    private var sources: [String: Int32] = [:]

    public init() {}

    deinit {
        for fd in sources.values where fd >= 0 { close(fd) }
    }

    /// Copies `length` bytes at `offset` of `sourcePath` to `fd` at its current offset (which
    /// advances). False, with nothing written, when the kernel cannot copy between the two (a
    /// pipe, another filesystem on an old kernel): the caller then writes the bytes itself.
    public func copy(from sourcePath: String, offset: Int, length: Int, to fd: Int32) throws -> Bool {
        #if os(Linux)
        guard length > 0, let copyFileRange = Self.copyFileRange else { return false }
        let src = descriptor(sourcePath)
        guard src >= 0 else { return false }
        var inOffset = Int64(offset)
        var done = 0
        while done < length {
            let n = copyFileRange(src, &inOffset, fd, nil, length - done, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let e = errno
                if done == 0 && n < 0 && [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(e) { return false }
                throw GraphError.missingData(tensor: sourcePath, detail: n == 0 ? "the file ended early" : "copy failed: \(String(cString: strerror(e)))")
            }
            done += n
        }
        return true
        #else
        return false
        #endif
    }

    private func descriptor(_ path: String) -> Int32 {
        if let fd = sources[path] { return fd }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        sources[path] = fd
        return fd
    }

    #if os(Linux)
    /// glibc's copy_file_range (2.27+; declared only under _GNU_SOURCE, which the Glibc module
    /// does not promise).
    nonisolated(unsafe) private static let copyFileRange: (@convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int).self)
    }()
    #endif
}
