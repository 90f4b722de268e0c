import EventRecords
import SeqCodec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the codec on a set of events, single-threaded and in memory, the same way the
/// Parquet/zstd side of Benchmarks/seq_bench.py measures its peers: sizes per column, then
/// encode and decode throughput in MB/s of raw column data (8 bytes per value).
public struct CodecBenchmark {
    public struct Result: Sendable {
        public var events: Int
        public var blocks: Int
        public var sizes: SeqBlock.Sizes
        public var sortSeconds: Double
        public var encodeSeconds: Double
        public var decodeSeconds: Double
        public var rawBytes: Int

        /// One JSON object, the interface to the benchmark script.
        public var json: String {
            func bits(_ bytes: Int) -> String { events == 0 ? "0" : String(Double(bytes * 8) / Double(events)) }
            return """
            {"events": \(events), "blocks": \(blocks), "bytes": \(sizes.total), \
            "bits_per_event": \(bits(sizes.total)), "bits": {"user": \(bits(sizes.users)), \
            "time": \(bits(sizes.time)), "item": \(bits(sizes.item)), "action": \(bits(sizes.action)), \
            "extras": \(bits(sizes.extras)), "framing": \(bits(sizes.header + sizes.checksum))}, \
            "sort_s": \(sortSeconds), "encode_s": \(encodeSeconds), "decode_s": \(decodeSeconds), \
            "encode_MBps": \(Double(rawBytes) / encodeSeconds / 1e6), "decode_MBps": \(Double(rawBytes) / decodeSeconds / 1e6)}
            """
        }
    }

    public var planner: BlockPlanner
    public var repetitions: Int

    public init(planner: BlockPlanner = BlockPlanner(), repetitions: Int = 5) {
        self.planner = planner
        self.repetitions = max(1, repetitions)
    }

    /// Runs the benchmark; the decoded events are checked against the input (bit-exact), so a
    /// fast but wrong codec cannot report a result.
    public func run(_ input: EventColumns) throws -> Result {
        let t0 = Self.now()
        let events = input.sortedByUserTime()
        let sortSeconds = Self.now() - t0
        let ranges = planner.ranges(events)
        var blocks: [[UInt8]] = []
        var sizes = SeqBlock.Sizes()
        var encodeSeconds = Double.infinity
        for _ in 0..<repetitions {
            var s = SeqBlock.Sizes()
            let start = Self.now()
            let b = ranges.map { planner.encode(events, range: $0, sizes: &s) }
            encodeSeconds = min(encodeSeconds, Self.now() - start)
            blocks = b
            sizes = s
        }
        var decodeSeconds = Double.infinity
        var out = EventColumns()
        let scratch = ColumnCodec.Scratch()
        for rep in 0..<repetitions {
            var checked = EventColumns(extraColumnCount: events.extraColumnCount)
            let start = Self.now()
            for block in blocks {
                try block.withUnsafeBytes { try SeqBlock.decode($0, into: &out, scratch: scratch) }
                if rep == 0 { checked.append(out) }
            }
            if rep > 0 { decodeSeconds = min(decodeSeconds, Self.now() - start) }
            if rep == 0 {
                guard checked == events else { throw EventTextError("benchmark: decoded events differ from the input") }
                if repetitions == 1 { decodeSeconds = Self.now() - start }
            }
        }
        return Result(events: events.count, blocks: blocks.count, sizes: sizes, sortSeconds: sortSeconds,
                      encodeSeconds: encodeSeconds, decodeSeconds: decodeSeconds,
                      rawBytes: events.count * 8 * (4 + events.extraColumnCount))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
