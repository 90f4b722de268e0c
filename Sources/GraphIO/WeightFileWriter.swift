import Foundation

/// Appends large constants (weights graph-opt computed, e.g. Conv+BatchNorm folded) to one
/// file that the graph stream references by path and offset. Regions start 64-byte aligned
/// so a consumer can map them and load vectors directly.
///
/// The file is created only when the first constant arrives, written beside its final path
/// and renamed into place by `commit()`, so a failed run leaves no partial weights file.
public final class WeightFileWriter: WeightSink {
    /// The final path, as the stream references it (absolute).
    public let path: String
    private var handle: FileHandle?
    private var tempPath: String?
    private var size = 0

    public init(path: String) {
        self.path = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    public func append(_ bytes: [UInt8]) throws -> (path: String, offset: Int) {
        if handle == nil {
            let temp = path + ".tmp.\(getpid())"
            guard FileManager.default.createFile(atPath: temp, contents: nil), let h = FileHandle(forWritingAtPath: temp) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            handle = h
            tempPath = temp
        }
        let pad = (64 - size % 64) % 64
        if pad > 0 { try handle!.write(contentsOf: Data(count: pad)); size += pad }
        let offset = size
        try handle!.write(contentsOf: Data(bytes))
        size += bytes.count
        return (path, offset)
    }

    /// Closes the file and renames it into place (nothing happens if nothing was written).
    public func commit() throws {
        guard let h = handle, let temp = tempPath else { return }
        try h.synchronize()
        try h.close()
        handle = nil
        tempPath = nil
        if rename(temp, path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// Removes the partial file.
    public func abort() {
        try? handle?.close()
        handle = nil
        if let temp = tempPath { unlink(temp) }
        tempPath = nil
    }
}
