import AtomicFiles
import Foundation

/// Appends large constants (weights graph-opt computed, e.g. Conv+BatchNorm folded) to one
/// file that the graph stream references by path and offset. Regions start 64-byte aligned
/// so a consumer can map them and load vectors directly.
///
/// The file is created only when the first constant arrives, as an `AtomicFile` (durable by
/// default: fsynced before it is renamed into place) by `commit()`, so a failed run leaves no
/// partial weights file.
public final class WeightFileWriter: WeightSink {
    /// The final path, as the stream references it (absolute).
    public let path: String
    private var file: AtomicFile?
    private var size = 0
    private let durable: Bool

    /// `durable: false` for a file that is part of a tool's `-o` output (ONNX external data):
    /// it is then as durable as that output, written without fsync.
    public init(path: String, durable: Bool = true) {
        self.path = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        self.durable = durable
    }

    public func append(_ bytes: [UInt8]) throws -> (path: String, offset: Int) {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends a region without copying it first (a mapped input's weight goes straight to write(2)).
    public func append(_ bytes: UnsafeRawBufferPointer) throws -> (path: String, offset: Int) {
        if file == nil { file = try AtomicFile(path: path, durable: durable) }
        let pad = (64 - size % 64) % 64
        if pad > 0 { try file!.write([UInt8](repeating: 0, count: pad)); size += pad }
        let offset = size
        try file!.write(bytes)
        size += bytes.count
        return (path, offset)
    }

    /// Appends `length` bytes at `offset` of the file at `sourcePath` (an input's external
    /// data) copied by the kernel from file to file (`FileRangeCopy`): no mapping of the source
    /// and no trip through user memory, which for a 2.3 GB model is most of the write.
    /// Returns nil, having written nothing, when the kernel cannot copy between these files;
    /// the caller then appends the bytes itself.
    public func append(copyingFrom sourcePath: String, offset: Int, length: Int) throws -> (path: String, offset: Int)? {
        if file == nil { file = try AtomicFile(path: path, durable: durable) }
        let pad = (64 - size % 64) % 64
        if pad > 0 { try file!.write([UInt8](repeating: 0, count: pad)); size += pad }
        guard try copier.copy(from: sourcePath, offset: offset, length: length, to: file!.fd) else { return nil }
        defer { size += length }
        return (path, size)
    }

    private let copier = FileRangeCopy()

    /// Closes the file and renames it into place (nothing happens if nothing was written).
    public func commit() throws {
        try file?.commit()
        file = nil
    }

    /// Removes the partial file.
    public func abort() {
        file?.abort()
        file = nil
    }
}
