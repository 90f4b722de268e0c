import Testing
import Foundation
import Capnp
import TestSupport

/// Seeded mutation fuzzing over valid messages: every case must throw a `CapnpError` or succeed,
/// never trap or hang. `FUZZ_CASES` raises the case count (`make fuzz-capnp`).
@Suite struct FuzzTests {
    static let cases = Int(ProcessInfo.processInfo.environment["FUZZ_CASES"] ?? "") ?? 3000
    static let limits = ReaderLimits(traversalLimitWords: 1 << 16, nestingLimit: 64, segmentLimit: 64)

    static func seeds() throws -> [[UInt8]] {
        let b = MessageBuilder(firstSegmentWords: 3, growth: .fixed)
        BuilderInteropTests.buildFull(b)
        let multi = Framing.encode(b)
        b.reset()
        BuilderInteropTests.buildFull(b)
        return [try CapnpTool.encode("AllTypes", ReaderInteropTests.fullText),
                try CapnpTool.encode("AllTypes", ReaderInteropTests.fullText, flags: ["--segment-size=4"]),
                multi, Framing.encode(b)]
    }

    /// One mutation of `bytes`, chosen by `rng`.
    static func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        let n = bytes.count
        switch rng.next() % 6 {
        case 0:  // flip a bit
            let i = Int(rng.next() % UInt64(n)); bytes[i] ^= UInt8(1 << (rng.next() % 8))
        case 1:  // random byte
            bytes[Int(rng.next() % UInt64(n))] = UInt8(truncatingIfNeeded: rng.next())
        case 2:  // a plausible pointer word with a small offset, random kind and sizes
            let w = (Int(rng.next() % UInt64(n / 8))) * 8
            var p = rng.next() & 0xFFFF_00FF_0000_0003
            p |= UInt64(UInt32(bitPattern: Int32(Int(rng.next() % 64) - 32) << 2))
            if rng.next() % 3 == 0 { p = (p & 0x0000_0000_FFFF_FFFF) | ((rng.next() % 5) << 32) }
            withUnsafeBytes(of: p.littleEndian) { for k in 0..<8 { bytes[w + k] = $0[k] } }
        case 3:  // truncate
            bytes.removeLast(Int(rng.next() % UInt64(n)))
        case 4:  // corrupt the header's counts
            bytes[Int(rng.next() % 8)] = UInt8(truncatingIfNeeded: rng.next())
        default:  // copy one word over another (duplicated and crossed pointers)
            let a = Int(rng.next() % UInt64(n / 8)) * 8, b = Int(rng.next() % UInt64(n / 8)) * 8
            for k in 0..<8 { bytes[b + k] = bytes[a + k] }
        }
    }

    /// Reads everything, deep-copies and re-reads the copy. Returns whether it threw.
    static func exercise(_ bytes: [UInt8]) -> Bool {
        do {
            let message = try openFrame(bytes, limits: limits)
            try withExtendedLifetime(message) {
                var walker = Walker()
                try walker.walk(message.rootPointer())
                message.resetTraversalLimit()
                let copy = MessageBuilder()
                try copy.setRoot(copying: message.rootPointer())
                let again = Framing.encode(copy)
                let reread = try openFrame(again, limits: ReaderLimits(traversalLimitWords: 1 << 20, nestingLimit: 128))
                try withExtendedLifetime(reread) { var w = Walker(); try w.walk(reread.rootPointer()) }
            }
            return false
        } catch is CapnpError {
            return true
        } catch {
            Issue.record("non-CapnpError thrown: \(error)")
            return true
        }
    }

    @Test func mutatedMessagesThrowOrSucceed() throws {
        let seeds = try Self.seeds()
        var rng = TestSeed.generator("FuzzTests.mutatedMessagesThrowOrSucceed", default: 0x5EED_CA9E)
        var threw = 0
        for c in 0..<Self.cases {
            var bytes = seeds[c % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 4)) where bytes.count >= 16 { Self.mutate(&bytes, &rng) }
            if Self.exercise(bytes) { threw += 1 }
        }
        // Both outcomes must occur, or the fuzzer is not reaching the decoder's error paths.
        #expect(threw > Self.cases / 20 && threw < Self.cases)
    }

    @Test func mutatedPackedStreamsThrowOrSucceed() throws {
        var stream = [UInt8]()
        for seed in try Self.seeds() { stream += try seed.withUnsafeBytes { try Packing.packFrame(framed: $0) } }
        var rng = TestSeed.generator("FuzzTests.mutatedPackedStreamsThrowOrSucceed", default: 0xFACE)
        for _ in 0..<max(Self.cases / 10, 50) {
            var bytes = stream
            for _ in 0..<(1 + Int(rng.next() % 3)) where bytes.count >= 16 { Self.mutate(&bytes, &rng) }
            let reader = StreamReader(source: ArrayByteSource(bytes, chunkSize: 1 + Int(rng.next() % 100)), limits: Self.limits, packed: true)
            do {
                while let m = try reader.next() {
                    try withExtendedLifetime(m) { var w = Walker(); try w.walk(m.rootPointer()) }
                }
            } catch is CapnpError {
            } catch {
                Issue.record("non-CapnpError thrown: \(error)")
            }
        }
    }
}
