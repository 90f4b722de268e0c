import Benchmarking
import Capnp
import Schemas

/// Terminal rendering of bench frames: the header frame becomes the column titles, each
/// result a row, the trailer a count.
enum BenchTable {
    static func render(_ root: StructReader) throws -> String {
        switch try BenchFrame.Reader(root).which() {
        case .header: return TableRenderer.header()
        case .result(let r): return TableRenderer.row(try BenchRecord(r))
        case .trailer(let t): return "(\(t.recordCount) results)"
        case .unknown(let tag): return "(unknown frame \(tag))"
        }
    }
}
