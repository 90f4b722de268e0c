import Features
import TestSupport
import Testing

/// XXH64 and MurmurHash3_x86_32 against values the reference libraries give (Python's
/// xxhash 4.1.0 and mmh3 5.3.1); the Python tests check 1M more ids against them.
@Suite struct HashTests {
    // (bytes, seed, xxh64, murmur3_32)
    static let vectors: [([UInt8], UInt64, UInt64, UInt32)] = [
        ([], 0, 17_241_709_254_077_376_921, 0),
        (Array("a".utf8), 0, 15_154_266_338_359_012_955, 1_009_084_850),
        (Array("abc".utf8), 7, 11_418_122_616_350_078_679, 940_791_465),
        (Array("The quick brown fox jumps over the lazy dog".utf8), 0, 802_816_344_064_684_476, 776_992_547),
        (Array(0..<100), 123_456_789, 17_973_676_097_338_326_260, 2_511_120_522),
    ]

    @Test func knownValues() {
        for (bytes, seed, x, m) in Self.vectors {
            #expect(XXHash64.hash(bytes: bytes, seed: seed) == x, "xxh64 of \(bytes.count) bytes")
            #expect(Murmur3.hash(bytes: bytes, seed: UInt32(seed)) == m, "murmur3 of \(bytes.count) bytes")
        }
        // The example: xxh64 of little-endian int64 196, seed 0.
        #expect(XXHash64.hash(int64: 196, seed: 0) == 16_065_820_773_547_479_695)
        #expect(XXHash64.hash(int64: -5, seed: 3) == 7_955_459_083_170_711_256)
        #expect(Murmur3.hash(int64: -5, seed: 3) == 4_028_559_457)
    }

    /// The unrolled 8-byte paths equal the general algorithm on every input length class.
    @Test func integerPathsEqualTheByteAlgorithm() {
        var rng = SplitMix64(seed: TestSeed.resolve("FeaturesTests.integerPaths", default: 17))
        for _ in 0..<2000 {
            let v = Int64(bitPattern: rng.next())
            let seed = rng.next() >> UInt64(rng.below(64))
            let bytes = withUnsafeBytes(of: v.littleEndian) { Array($0) }
            #expect(XXHash64.hash(int64: v, seed: seed) == XXHash64.hash(bytes: bytes, seed: seed))
            #expect(Murmur3.hash(int64: v, seed: UInt32(truncatingIfNeeded: seed)) == Murmur3.hash(bytes: bytes, seed: UInt32(truncatingIfNeeded: seed)))
        }
    }

    @Test func idsAreUnsignedModulo() {
        let h = HashFunction(algorithm: .xxh64, seed: 0, buckets: 1000)
        #expect(h.id(int64: 196) == Int64(UInt64(16_065_820_773_547_479_695) % 1000))
        let m = HashFunction(algorithm: .murmur3, seed: 3, buckets: 7)
        #expect(m.id(int64: -5) == Int64(UInt64(4_028_559_457) % 7))
    }
}

/// The batch paths (one algorithm switch, a mask for powers of two, 32-bit division for
/// murmur3) equal the per-value definition.
@Suite struct BatchIdTests {
    @Test func batchIdsEqualPerValueIds() {
        var rng = SplitMix64(seed: TestSeed.resolve("FeaturesTests.batchIds", default: 23))
        let values = (0..<5000).map { _ in Int64(bitPattern: rng.next()) }
        for algorithm in HashFunction.Algorithm.allCases {
            for buckets: UInt64 in [1, 2, 1 << 20, 1000, 4_294_967_295, 4_294_967_296, 1 << 40, (1 << 61) - 1] {
                let h = HashFunction(algorithm: algorithm, seed: 7, buckets: buckets)
                var out = [Int64](repeating: -1, count: values.count)
                values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { h.ids(int64s: v, into: $0) } }
                #expect(out == values.map { h.id(int64: $0) }, "\(algorithm) mod \(buckets)")
            }
        }
    }
}
