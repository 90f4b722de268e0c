import Capnp
import Pipes
import ToolKit

/// Reads a stream to its end, optionally checking every pointer of every record by copying it
/// into a scratch arena (a deep copy visits every reachable object under the reader limits).
enum StreamWalker {
    static func walk(_ stream: RecordStreamReader, validate: Bool, progress: ProgressLine) throws -> Int {
        let scratch = validate ? MessageBuilder() : nil
        while let root = try stream.next() {
            progress.update("\(stream.source): \(stream.recordCount) records")
            guard let scratch else { continue }
            scratch.reset()
            do { try scratch.setRoot(copying: root) } catch let e as CapnpError {
                throw PipesError(.invalidMessage, source: stream.source, "record \(stream.recordCount - 1): \(e.message)")
            }
        }
        return stream.recordCount
    }
}
