import Testing
@testable import SeqCodec
import TestSupport

@Suite struct SeqBlockTests {
    @Test func sessionEventsRoundTripInUserTimeOrder() throws {
        let events = sessionEvents(users: 300, perUser: 40, seed: 11, extras: 2)
        let (decoded, _) = try roundTrip(events, target: 2000)
        #expect(decoded == events.sortedByUserTime())
        #expect(decoded.isSortedByUserTime())
    }

    @Test func outOfOrderInputIsSortedStably() throws {
        let events = EventColumns(user: [2, 1, 2, 1, 1], time: [5, 9, -3, 9, 2], item: [1, 2, 3, 4, 5], action: [0, 0, 0, 0, 0])
        let (decoded, _) = try roundTrip(events)
        #expect(decoded.user == [1, 1, 1, 2, 2])
        #expect(decoded.time == [2, 9, 9, -3, 5])
        #expect(decoded.item == [5, 2, 4, 3, 1]) // equal times keep input order
    }

    @Test func singleEventAndEmptyBlocks() throws {
        let one = EventColumns(user: [Int64.min], time: [Int64.max], item: [-1], action: [255])
        #expect(try SeqBlock.decode(SeqBlock.encode(one)) == one)
        let empty = EventColumns()
        #expect(try SeqBlock.decode(SeqBlock.encode(empty)) == empty)
    }

    @Test func plannerCutsOnUserBoundariesAndSplitsGiants() {
        var e = EventColumns()
        for (u, n) in [(1, 5), (2, 3), (3, 40), (4, 1)] {
            for i in 0..<n { e.append(user: Int64(u), time: Int64(i), item: 0, action: 0) }
        }
        let ranges = BlockPlanner(targetEvents: 6, maxEvents: 16).ranges(e)
        #expect(ranges.first == 0..<8)
        #expect(ranges.map(\.count).reduce(0, +) == e.count)
        #expect(ranges.allSatisfy { $0.count <= 16 })
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
    }

    @Test func everyTruncationThrows() throws {
        let block = SeqBlock.encode(sessionEvents(users: 20, perUser: 10, seed: 2).sortedByUserTime())
        for n in 0..<block.count {
            #expect(throws: SeqCodecError.self) { try SeqBlock.decode(Array(block.prefix(n))) }
        }
    }

    @Test func randomMutationsAreCaughtByTheChecksum() throws {
        let block = SeqBlock.encode(sessionEvents(users: 20, perUser: 10, seed: 4, extras: 1).sortedByUserTime())
        var r = TestSeed.generator("SeqBlockTests.randomMutationsAreCaughtByTheChecksum", default: 99)
        for _ in 0..<2000 {
            var bad = block
            bad[r.below(bad.count)] ^= UInt8(1 + r.below(255))
            #expect(throws: SeqCodecError.self) { try SeqBlock.decode(bad) }
        }
    }

    /// Mutations behind a fixed-up checksum reach the column parsers: they must throw a typed
    /// error or decode to some events, never trap or over-read.
    @Test func resealedMutationsNeverTrap() throws {
        let original = sessionEvents(users: 30, perUser: 20, seed: 8, extras: 1).sortedByUserTime()
        let block = SeqBlock.encode(original)
        var r = TestSeed.generator("SeqBlockTests.resealedMutationsNeverTrap", default: 1234)
        var threw = 0
        for trial in 0..<5000 {
            var bad = Array(block.dropLast(8))
            for _ in 0..<(1 + trial % 3) { bad[r.below(bad.count)] = UInt8(truncatingIfNeeded: r.next()) }
            if trial % 5 == 0 { bad.removeLast(r.below(bad.count)) }
            do {
                let decoded = try SeqBlock.decode(SeqBlock.resealed(bad + [0, 0, 0, 0, 0, 0, 0, 0]))
                #expect(decoded.time.count == decoded.user.count)
            } catch is SeqCodecError {
                threw += 1
            }
        }
        #expect(threw > 1000) // most damage is structural and must be reported
    }
}
