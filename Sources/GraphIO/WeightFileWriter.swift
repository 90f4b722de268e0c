import Foundation

/// Appends large constants (weights graph-opt computed, e.g. Conv+BatchNorm folded) to one
/// file that the graph stream references by path and offset. Regions start 64-byte aligned
/// so a consumer can map them and load vectors directly.
public final class WeightFileWriter: WeightSink {
    public let path: String
    private let handle: FileHandle
    private var size = 0

    /// Creates (truncates) the file at `path`.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        self.path = path
        handle = h
    }

    public func append(_ bytes: [UInt8]) throws -> (path: String, offset: Int) {
        let pad = (64 - size % 64) % 64
        if pad > 0 { try handle.write(contentsOf: Data(count: pad)); size += pad }
        let offset = size
        try handle.write(contentsOf: Data(bytes))
        size += bytes.count
        return (path, offset)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try handle.synchronize()
        try handle.close()
    }
}
