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
        lock.lock(); defer { lock.unlock() }
        if mapped == nil {
            do { mapped = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
            catch { throw GraphError.missingData(tensor: path, detail: "cannot read external data file") }
        }
        let data = mapped!
        guard offset >= 0, length >= 0, offset + length <= data.count else {
            throw GraphError.missingData(tensor: path, detail: "region \(offset)+\(length) is beyond the file's \(data.count) bytes")
        }
        return [UInt8](data[data.startIndex + offset ..< data.startIndex + offset + length])
    }
}
