/// The seeded 64-bit hash behind the distinct-count sketch: the SplitMix64 finalizer (Steele,
/// Lea and Flood, 2014), a bijection on 64 bits whose output bits each depend on every input
/// bit, applied to the seed-mixed value (numbers) or chained over 8-byte words (strings).
/// Deterministic across runs and machines, so two shards hash a value alike and their sketches merge.
public enum Hash64 {
    /// The default seed of every profile (any fixed value works; it must match to merge).
    public static let defaultSeed: UInt64 = 0x5EED_51C3_D0C4_EC4B

    /// The SplitMix64 output function.
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hash of a 64-bit value (an integer, or a float's canonical bit pattern).
    public static func hash(_ word: UInt64, seed: UInt64) -> UInt64 {
        mix(word &+ seed &* 0x9E37_79B9_7F4A_7C15 ^ 0xD6E8_FEB8_6659_FD93)
    }

    /// Hash of a byte string: each little-endian 8-byte word folded through `mix`, the tail
    /// zero-padded, the length mixed in last (so "a" and "a\0" differ).
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = mix(seed ^ 0xA076_1D64_78BD_642F)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &+ 0x9E37_79B9_7F4A_7C15
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            for j in i..<n { tail |= UInt64(bytes[j]) << UInt64(8 * (j - i)) }
            h = mix(h ^ tail) &+ 0x9E37_79B9_7F4A_7C15
        }
        return mix(h ^ UInt64(n))
    }

    /// The bits a float is hashed and counted by: -0 is 0 and every NaN is one NaN, so
    /// values that compare equal count as one distinct value.
    public static func canonicalBits(_ x: Double) -> UInt64 {
        if x == 0 { return 0 }
        if x.isNaN { return Double.nan.bitPattern }
        return x.bitPattern
    }
}
