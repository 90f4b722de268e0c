@testable import SeqCodec
import TestSupport

/// Session-like events: users with bursts of closely spaced events and long gaps between bursts.
func sessionEvents(users: Int, perUser: Int, seed: UInt64, extras: Int = 0) -> EventColumns {
    var r = SplitMix64(seed: seed)
    var e = EventColumns(extraColumnCount: extras)
    for u in 0..<users {
        var t: Int64 = 1_700_000_000_000 + Int64(r.below(86_400_000))
        let n = 1 + r.below(perUser * 2)
        for _ in 0..<n {
            t += r.below(20) == 0 ? Int64(r.below(3_000_000_000)) : Int64(r.below(60_000))
            let zipf = Int64(1 << r.below(17)) + Int64(r.below(64))
            e.append(user: Int64(u * 7 + 3), time: t, item: zipf, action: Int64(r.below(10) == 0 ? 1 + r.below(3) : 0))
            for c in 0..<extras { e.extras[c].append(c == 0 ? Int64((Float(r.below(50)) / 10).bitPattern) : Int64(r.below(1000))) }
        }
    }
    return e
}

/// Encodes `events` (any order) into blocks and decodes them back, concatenated.
func roundTrip(_ events: EventColumns, target: Int = 1000) throws -> (EventColumns, Int) {
    let sorted = events.sortedByUserTime()
    var out = EventColumns(extraColumnCount: events.extraColumnCount)
    var bytes = 0
    var block = EventColumns()
    let scratch = ColumnCodec.Scratch()
    var sizes = SeqBlock.Sizes()
    for range in BlockPlanner(targetEvents: target).ranges(sorted) {
        let encoded = SeqBlock.encode(sorted, range: range, sizes: &sizes)
        bytes += encoded.count
        try encoded.withUnsafeBytes { try SeqBlock.decode($0, into: &block, scratch: scratch) }
        out.append(block)
    }
    return (out, bytes)
}
