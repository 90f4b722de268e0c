import EventRecords
import Testing
import SeqCodec
@testable import SeqEncode

@Suite struct CodecBenchmarkTests {
    static func events(_ n: Int) -> EventColumns {
        var e = EventColumns()
        var state: UInt64 = 12345
        func next() -> Int64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int64(state >> 40) }
        for i in 0..<n { e.append(user: next() % 97, time: 1_700_000_000_000 + next() % 1_000_000, item: next() % 5000, action: Int64(i % 4)) }
        return e
    }

    @Test func everyDecodeRunMaterializesTheWholeTable() throws {
        let input = Self.events(70_000)
        let bench = CodecBenchmark(planner: BlockPlanner(targetEvents: 8192), repetitions: 3)
        let result = try bench.run(input)
        #expect(result.encodeRuns.count == 3 && result.decodeRuns.count == 3)
        #expect(result.blocks > 1)
        let sorted = input.sortedByUserTime()
        let expected = [sorted.user, sorted.time, sorted.item, sorted.action].map { $0.reduce(0, &+) }
        #expect(result.sums == expected)
        let (_, encoded) = try bench.encode(input)
        let (seconds, sums) = try bench.decodeOnce(encoded)
        #expect(seconds > 0 && sums == expected)
        #expect(result.json.contains("\"decode_runs_s\": ["))
    }

    @Test func aWrongBlockIsCaught() throws {
        let bench = CodecBenchmark(planner: BlockPlanner(targetEvents: 4096), repetitions: 1)
        var (_, encoded) = try bench.encode(Self.events(10_000))
        encoded.events.time[5] &+= 1
        #expect(throws: EventTextError.self) { _ = try bench.decodeOnce(encoded) }
    }
}
