/// XXH64 (Yann Collet's xxHash, 64-bit variant), written from the algorithm's specification
/// (xxhash.com, "xxHash fast digest algorithm", XXH64 section). Serving code in any language
/// reproduces feat-etl's ids with any conforming XXH64 (e.g. Python's `xxhash.xxh64_intdigest`).
public enum XXHash64 {
    static let p1: UInt64 = 11_400_714_785_074_694_791
    static let p2: UInt64 = 14_029_467_366_897_019_727
    static let p3: UInt64 = 1_609_587_929_392_839_161
    static let p4: UInt64 = 9_650_029_242_287_828_579
    static let p5: UInt64 = 2_870_177_450_012_600_261

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(acc &+ lane &* p2, 31) &* p1
    }

    @inline(__always) static func mergeRound(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* p1 &+ p4
    }

    @inline(__always) static func avalanche(_ h0: UInt64) -> UInt64 {
        var h = h0
        h ^= h >> 33; h = h &* p2
        h ^= h >> 29; h = h &* p3
        h ^= h >> 32
        return h
    }

    /// XXH64 of the 8 little-endian bytes of `value`: the general algorithm's path for an
    /// 8-byte input, unrolled (no stripes, one 8-byte lane, no tail).
    @inline(__always) public static func hash(int64 value: Int64, seed: UInt64) -> UInt64 {
        var h = seed &+ p5 &+ 8
        h ^= round(0, UInt64(bitPattern: value))
        h = rotl(h, 27) &* p1 &+ p4
        return avalanche(h)
    }

    /// `hash(int64:seed:)` of eight values at once, lane for lane.
    @inline(__always) public static func hash8(_ v: SIMD8<UInt64>, seed: UInt64) -> SIMD8<UInt64> {
        @inline(__always) func rotl(_ x: SIMD8<UInt64>, _ r: UInt64) -> SIMD8<UInt64> { (x &<< r) | (x &>> (64 - r)) }
        let k = rotl(v &* p2, 31) &* p1
        var h = SIMD8<UInt64>(repeating: seed &+ p5 &+ 8) ^ k
        h = rotl(h, 27) &* p1 &+ p4
        h ^= h &>> 33; h = h &* p2
        h ^= h &>> 29; h = h &* p3
        h ^= h &>> 32
        return h
    }

    /// XXH64 of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let n = bytes.count
        var i = 0
        @inline(__always) func read64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        @inline(__always) func read32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i + 32 <= n {
                v1 = round(v1, read64(i)); v2 = round(v2, read64(i + 8))
                v3 = round(v3, read64(i + 16)); v4 = round(v4, read64(i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = mergeRound(h, v1); h = mergeRound(h, v2); h = mergeRound(h, v3); h = mergeRound(h, v4)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(n)
        while i + 8 <= n {
            h ^= round(0, read64(i))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(read32(i)) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        return avalanche(h)
    }

    /// XXH64 of a byte array.
    public static func hash(bytes: [UInt8], seed: UInt64) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}
