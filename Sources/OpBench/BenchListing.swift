import Benchmarking
import Pipes
import ToolKit

/// `--list`: the listing text written to the output as is.
enum BenchListing {
    static func write(_ cases: [BenchCase], to out: OutputTarget) throws {
        let bytes = Array(TableRenderer.listing(cases).utf8)
        try bytes.withUnsafeBytes { try FileIO.writeAll(out.fd, $0, source: out.name) }
    }
}
