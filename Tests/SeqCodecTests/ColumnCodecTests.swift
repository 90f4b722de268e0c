import Testing
@testable import SeqCodec
import TestSupport

@Suite struct ColumnCodecTests {
    func roundTrip(_ values: [Int64]) throws -> (decoded: [Int64], bytes: Int) {
        var w = ByteWriter()
        values.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &w) }
        let size = w.count
        let padded = w.bytes + [UInt8](repeating: 0, count: 8)
        var out = [Int64](repeating: 0, count: values.count + 1)
        try padded.withUnsafeBytes { raw in
            var reader = ByteReader(raw, limit: size)
            try out.withUnsafeMutableBufferPointer {
                try ColumnCodec.decode(&reader, count: values.count, into: $0.baseAddress!, scratch: ColumnCodec.Scratch())
            }
            #expect(reader.remaining == 0)
        }
        return (Array(out.prefix(values.count)), size)
    }

    static let adversarial: [(String, [Int64])] = {
        var r = SplitMix64(seed: 7)
        return [
            ("empty", []),
            ("single", [42]),
            ("single negative", [-9_000_000_000_000]),
            ("all equal", [Int64](repeating: 123_456_789, count: 1000)),
            ("+1 increments", (0..<1000).map { 1_700_000_000_000 + Int64($0) }),
            ("-1 decrements", (0..<1000).map { 5 - Int64($0) }),
            ("huge outliers", (0..<1000).map { $0 % 97 == 0 ? Int64.max - Int64($0) : Int64($0 % 5) }),
            ("min and max", (0..<300).map { $0 % 2 == 0 ? Int64.min : Int64.max }),
            ("negative out of order", (0..<1000).map { _ in -Int64(r.below(1_000_000)) }),
            ("random 64-bit", (0..<777).map { _ in Int64(bitPattern: r.next()) }),
            ("few distinct", (0..<5000).map { _ in [3, 3, 3, 17, 1 << 40][r.below(5)] }),
            ("partial last block", (0..<129).map { Int64($0 * $0) }),
        ]
    }()

    @Test(arguments: adversarial.indices)
    func adversarialColumnsRoundTrip(_ i: Int) throws {
        let (name, values) = Self.adversarial[i]
        let (decoded, _) = try roundTrip(values)
        #expect(decoded == values, "\(name)")
    }

    @Test func constantAndArithmeticRunsCostAlmostNothing() throws {
        let (_, equal) = try roundTrip([Int64](repeating: 5, count: 12_800))
        let (_, steps) = try roundTrip((0..<12_800).map { Int64($0) * 1000 + 77 })
        // 100 mini-blocks of ~6 bytes each: well under one bit per value.
        #expect(equal < 1_000 && steps < 1_000)
    }

    @Test func patchesKeepOutliersFromWideningTheBlock() throws {
        var r = SplitMix64(seed: 3)
        var t: Int64 = 0
        let times = (0..<12_800).map { i -> Int64 in
            t += i % 64 == 0 ? 86_400_000 * 30 : Int64(r.below(1024)); return t
        }
        let (decoded, bytes) = try roundTrip(times)
        #expect(decoded == times)
        // 10-bit gaps plus 1/64 patched outliers: far below the 32 bits plain FOR would need.
        #expect(Double(bytes * 8) / Double(times.count) < 12.5)
    }

    @Test func zipfItemsPreferTheDictionary() throws {
        var r = SplitMix64(seed: 5)
        let ids = (0..<4096).map { _ in Int64(r.below(1 << r.below(10) + 1)) * 7919 % 100_003 }
        var w = ByteWriter()
        ids.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &w) }
        #expect([ColumnCodec.Transform.dictionary.rawValue, ColumnCodec.Transform.dictionaryEntropy.rawValue].contains(w.bytes.first!))
        #expect(try roundTrip(ids).decoded == ids)
    }
}

@Suite struct EntropyCoderTests {
    /// Gaps spread over many octaves, the case the entropy code is for.
    static func spreadValues(_ n: Int, seed: UInt64) -> [Int64] {
        var r = SplitMix64(seed: seed)
        var t: Int64 = 1_700_000_000_000
        return (0..<n).map { _ in t += Int64(r.next() >> UInt64(40 + r.below(24))); return t }
    }

    func encoded(_ values: [Int64]) -> [UInt8] {
        var w = ByteWriter()
        values.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &w) }
        return w.bytes
    }

    func decode(_ bytes: [UInt8], count: Int) throws -> [Int64] {
        let padded = bytes + [UInt8](repeating: 0, count: 8)
        var out = [Int64](repeating: 0, count: max(count, 1))
        try padded.withUnsafeBytes { raw in
            var reader = ByteReader(raw, limit: bytes.count)
            try out.withUnsafeMutableBufferPointer {
                try ColumnCodec.decode(&reader, count: count, into: $0.baseAddress!, scratch: ColumnCodec.Scratch())
            }
        }
        return Array(out.prefix(count))
    }

    @Test func spreadGapsChooseTheEntropyCodeAndRoundTrip() throws {
        for n in [1, 2, 3, 5, 64, 65, 66, 67, 1000, 4097] {
            let values = Self.spreadValues(n, seed: UInt64(n))
            // Forced, so the tail paths (n mod 4 values) run for small n too.
            var forced = ByteWriter()
            forced.byte(ColumnCodec.Transform.entropyDelta.rawValue)
            values.withUnsafeBufferPointer { EntropyCoder.encode($0, delta: true, into: &forced) }
            #expect(try decode(forced.bytes, count: n) == values, "n \(n)")
            let chosen = encoded(values)
            if n >= 1000 { #expect(chosen[0] == ColumnCodec.Transform.entropyDelta.rawValue, "n \(n)") }
            #expect(try decode(chosen, count: n) == values)
        }
    }

    @Test func extremeMagnitudesAndSignsRoundTrip() throws {
        var r = SplitMix64(seed: 21)
        let values = (0..<3000).map { i -> Int64 in
            switch i % 7 {
            case 0: return .min
            case 1: return .max
            default: return Int64(bitPattern: r.next()) >> UInt64(r.below(64))
            }
        }
        var w = ByteWriter()
        values.withUnsafeBufferPointer { EntropyCoder.encode($0, delta: false, into: &w) }
        var w2 = ByteWriter()
        w2.byte(ColumnCodec.Transform.entropy.rawValue)
        w2.append(w.bytes)
        #expect(try decode(w2.bytes, count: values.count) == values)
    }

    /// The decoder takes a value from one 64-bit load when code + mantissa fit in 56 bits (a
    /// load at any bit offset holds at least 57) and loads the mantissa apart otherwise.
    /// Bit lengths 48...60 in both signs put code + mantissa on either side of that boundary,
    /// at every bit offset; lone-symbol columns (1-bit code) put it exactly at 56 and 57.
    @Test func valuesEitherSideOfTheOneLoadBoundaryRoundTrip() throws {
        var r = SplitMix64(seed: 33)
        func value(length: Int, negative: Bool) -> Int64 {
            let low = Int64(bitPattern: r.next() & ((UInt64(1) << UInt64(length - 1)) - 1))
            let v = (Int64(1) << Int64(length - 1)) | low
            return negative ? -v : v
        }
        var columns = [(0..<4000).map { _ in value(length: 48 + r.below(13), negative: r.below(2) == 0) }]
        for length in [56, 57, 58] {
            columns.append((0..<131).map { _ in value(length: length, negative: false) })
        }
        for values in columns {
            var w = ByteWriter()
            w.byte(ColumnCodec.Transform.entropy.rawValue)
            values.withUnsafeBufferPointer { EntropyCoder.encode($0, delta: false, into: &w) }
            #expect(try decode(w.bytes, count: values.count) == values)
        }
    }

    @Test func mutatedEntropyStreamsThrowOrDecodeButNeverTrap() throws {
        let values = Self.spreadValues(2000, seed: 5)
        let bytes = encoded(values)
        var r = TestSeed.generator("ColumnCodecTests.mutatedEntropyStreamsThrowOrDecodeButNeverTrap", default: 6)
        var threw = 0
        for trial in 0..<3000 {
            var bad = bytes
            bad[1 + r.below(bad.count - 1)] = UInt8(truncatingIfNeeded: r.next())
            if trial % 3 == 0 { bad.removeLast(r.below(bad.count - 1)) }
            do { _ = try decode(bad, count: values.count) } catch is SeqCodecError { threw += 1 }
        }
        #expect(threw > 500)
        for cut in 0..<bytes.count {
            #expect(throws: SeqCodecError.self) { _ = try decode(Array(bytes.prefix(cut)), count: values.count) }
        }
    }
}

@Suite struct FastDecodeTests {
    @Test func withoutEntropyEveryColumnIsBitPackedAndRoundTrips() throws {
        let values = EntropyCoderTests.spreadValues(5000, seed: 9)
        var w = ByteWriter()
        values.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &w, entropy: false) }
        #expect([ColumnCodec.Transform.direct.rawValue, ColumnCodec.Transform.dictionary.rawValue].contains(w.bytes[0]))
        let events = sessionEvents(users: 100, perUser: 30, seed: 12, extras: 1).sortedByUserTime()
        var sizes = SeqBlock.Sizes()
        let block = BlockPlanner(targetEvents: 1 << 20, entropy: false).encode(events, range: 0..<events.count, sizes: &sizes)
        #expect(try SeqBlock.decode(block) == events)
    }
}

@Suite struct ValueTableTests {
    @Test func countsAndPositionsSurviveGrowthAndRenumbering() {
        var table = ValueTable(capacity: 4)
        var r = SplitMix64(seed: 77)
        var expected: [Int64: Int] = [:]
        // Multiples of 2^32 collide in the low bits a weak hash would use.
        let values = (0..<5000).map { _ in Int64(r.below(700)) << 32 | Int64(r.below(2)) }
        for v in values { table.add(v); expected[v, default: 0] += 1 }
        #expect(table.count == expected.count)
        for (i, v) in table.order.enumerated() {
            #expect(table.position(v) == i)
            #expect(table.counts[i] == expected[v])
        }
        let reversed = Array((0..<table.count).reversed())
        table.renumber(reversed)
        for (i, v) in table.order.enumerated() { #expect(table.position(v) == table.count - 1 - i) }
    }
}
