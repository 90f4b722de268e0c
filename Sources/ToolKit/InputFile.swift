import Pipes
#if canImport(Glibc)
import Glibc
#endif

/// One input: a file path or "-" (stdin), opened for reading.
public final class InputFile {
    /// "stdin" or the path.
    public let name: String
    /// The open descriptor (stdin is not closed when the input goes away).
    public let fd: Int32
    private let owned: Bool

    /// Opens `path` ("-" is stdin). Throws a `PipesError` naming the path.
    public init(path: String) throws {
        if path == "-" {
            name = "stdin"
            fd = 0
            owned = false
            return
        }
        name = path
        let d = open(path, O_RDONLY | O_CLOEXEC)
        guard d >= 0 else { throw PipesError(.io, source: path, FileIO.errorText(errno)) }
        fd = d
        owned = true
    }

    /// Reads the rest of the input (for non-stream inputs such as TSV or TOML files).
    public func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try FileIO.read(fd, into: $0, source: name) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0 ..< n])
        }
    }

    deinit { if owned { close(fd) } }
}
