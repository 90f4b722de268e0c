import Foundation
import GraphIR

/// A weight file read on demand: the file is memory-mapped on first use, so a model with
/// gigabytes of external data imports without touching the weights, and a pass that needs
/// a few of them pages in only those.
public final class FileRegionSource: WeightSource, @unchecked Sendable {
    public let path: String
    private var mapped: Data?
    private let lock = NSLock()

    public init(path: String) { self.path = path }

    /// The file's size, or nil when it cannot be read.
    public var fileSize: Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    public func read(offset: Int, length: Int) throws -> [UInt8] {
        try withBytes(offset: offset, length: length) { [UInt8]($0) }
    }

    public func withBytes<R>(offset: Int, length: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let data = try mappedData()
        guard offset >= 0, length >= 0, offset + length <= data.count else {
            throw GraphError.missingData(tensor: path, detail: "region \(offset)+\(length) is beyond the file's \(data.count) bytes")
        }
        return try data.withUnsafeBytes { all in
            let region = UnsafeRawBufferPointer(rebasing: all[offset ..< offset + length])
            // A large region is about to be read in full (folded, or handed to write(2)): map
            // its pages in one call rather than fault them in one by one.
            PageAdvice.willRead(region)
            return try body(region)
        }
    }

    /// The whole file, mapped on first use.
    private func mappedData() throws -> Data {
        lock.lock(); defer { lock.unlock() }
        if let mapped { return mapped }
        do { mapped = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw GraphError.missingData(tensor: path, detail: "cannot read external data file") }
        return mapped!
    }
}
