import EventRecords
import SeqCodec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the codec on a set of events, single-threaded and in memory, for
/// Benchmarks/seq_bench.py: sizes per column, then encode and decode times per run.
///
/// A decode run produces the whole decoded table, as `pyarrow.parquet.read_table` does on the
/// peer side: it allocates one full-length Int64 array per column (fresh every run, like
/// pyarrow's output buffers) and decodes each block straight into its rows
/// (`SeqBlock.decode(_:into: Destination)`). Every run's output is compared with the input outside the timed part, and its
/// per-column wrapping sums are reported so the script can check them against pyarrow's.
public struct CodecBenchmark {
    public struct Result: Sendable {
        public var events: Int
        public var blocks: Int
        public var sizes: SeqBlock.Sizes
        public var sortSeconds: Double
        public var encodeRuns: [Double]
        public var decodeRuns: [Double]
        public var rawBytes: Int
        /// Wrapping sums of the decoded user, time, item and action columns.
        public var sums: [Int64]

        static func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
        }

        /// One JSON object, the interface to the benchmark script.
        public var json: String {
            func bits(_ bytes: Int) -> String { events == 0 ? "0" : String(Double(bytes * 8) / Double(events)) }
            func list(_ v: [Double]) -> String { "[" + v.map { String($0) }.joined(separator: ", ") + "]" }
            let encodeSeconds = Self.median(encodeRuns), decodeSeconds = Self.median(decodeRuns)
            return """
            {"events": \(events), "blocks": \(blocks), "bytes": \(sizes.total), \
            "bits_per_event": \(bits(sizes.total)), "bits": {"user": \(bits(sizes.users)), \
            "time": \(bits(sizes.time)), "item": \(bits(sizes.item)), "action": \(bits(sizes.action)), \
            "extras": \(bits(sizes.extras)), "framing": \(bits(sizes.header + sizes.checksum))}, \
            "sort_s": \(sortSeconds), "encode_s": \(encodeSeconds), "decode_s": \(decodeSeconds), \
            "encode_runs_s": \(list(encodeRuns)), "decode_runs_s": \(list(decodeRuns)), \
            "sums": {"user": \(sums[0]), "time": \(sums[1]), "item": \(sums[2]), "action": \(sums[3])}, \
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

    /// The encoded blocks of a benchmark input and the sorted events they must decode to.
    public struct Encoded {
        public var events: EventColumns
        public var blocks: [[UInt8]]
    }

    /// Runs the benchmark: `repetitions` encodes, then `repetitions` decodes; every decode is
    /// checked against the input (bit-exact), so a fast but wrong codec cannot report a result.
    public func run(_ input: EventColumns) throws -> Result {
        let (encodedResult, encoded) = try encode(input)
        var result = encodedResult
        for _ in 0..<repetitions {
            let (seconds, sums) = try decodeOnce(encoded)
            result.decodeRuns.append(seconds)
            result.sums = sums
        }
        return result
    }

    /// Sorts and encodes `input` `repetitions` times; the result has no decode runs yet.
    public func encode(_ input: EventColumns) throws -> (Result, Encoded) {
        let t0 = Self.now()
        let events = input.sortedByUserTime()
        let sortSeconds = Self.now() - t0
        let ranges = planner.ranges(events)
        var blocks: [[UInt8]] = []
        var sizes = SeqBlock.Sizes()
        var encodeRuns: [Double] = []
        for _ in 0..<repetitions {
            var s = SeqBlock.Sizes()
            let start = Self.now()
            let b = ranges.map { planner.encode(events, range: $0, sizes: &s) }
            encodeRuns.append(Self.now() - start)
            blocks = b
            sizes = s
        }
        let result = Result(events: events.count, blocks: blocks.count, sizes: sizes, sortSeconds: sortSeconds,
                            encodeRuns: encodeRuns, decodeRuns: [], rawBytes: events.count * 8 * (4 + events.extraColumnCount),
                            sums: [0, 0, 0, 0])
        return (result, Encoded(events: events, blocks: blocks))
    }

    /// One timed decode of every block into fresh full-length columns; returns its seconds
    /// (allocation + decode of each block into its rows) and the columns' wrapping sums. The
    /// output is compared with the input after the clock stops.
    public func decodeOnce(_ encoded: Encoded) throws -> (Double, [Int64]) {
        let n = encoded.events.count
        let extraCount = encoded.events.extraColumnCount
        let scratch = ColumnCodec.Scratch()
        let start = Self.now()
        // Fresh full-length columns, as pyarrow allocates its output; each block decodes straight
        // into its rows (no block buffer, no copy).
        let columns = (0..<(4 + extraCount)).map { _ in UnsafeMutablePointer<Int64>.allocate(capacity: max(n, 1)) }
        defer { columns.forEach { $0.deallocate() } }
        var filled = 0
        var destination = SeqBlock.Destination(user: columns[0], time: columns[1], item: columns[2], action: columns[3],
                                               extras: Array(columns[4...]), capacity: n)
        for bytes in encoded.blocks {
            let m = try bytes.withUnsafeBytes { try SeqBlock.decode($0, into: destination, scratch: scratch) }
            filled += m
            // The next block's rows (moved in place: no allocation per block).
            destination.user += m; destination.time += m; destination.item += m; destination.action += m
            for c in destination.extras.indices { destination.extras[c] += m }
            destination.capacity -= m
        }
        let seconds = Self.now() - start
        // Checked after the clock stops.
        let column = { (c: Int) in Array(UnsafeBufferPointer(start: columns[c], count: filled)) }
        let full = EventColumns(user: column(0), time: column(1), item: column(2), action: column(3),
                                extras: (0..<extraCount).map { column(4 + $0) })
        guard filled == n, full == encoded.events else {
            throw EventTextError("benchmark: decoded events differ from the input")
        }
        func sum(_ a: [Int64]) -> Int64 { a.reduce(0, &+) }
        return (seconds, [sum(full.user), sum(full.time), sum(full.item), sum(full.action)])
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
