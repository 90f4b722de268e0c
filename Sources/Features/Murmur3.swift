/// MurmurHash3_x86_32 (Austin Appleby's MurmurHash3, the 32-bit x86 variant), written from its
/// published description. Equals Python's `mmh3.hash(key, seed, signed=False)`.
public enum Murmur3 {
    static let c1: UInt32 = 0xcc9e_2d51
    static let c2: UInt32 = 0x1b87_3593

    @inline(__always) static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    @inline(__always) static func mixBlock(_ h: UInt32, _ k0: UInt32) -> UInt32 {
        var k = k0 &* c1
        k = rotl(k, 15) &* c2
        let x = h ^ k
        return rotl(x, 13) &* 5 &+ 0xe654_6b64
    }

    @inline(__always) static func finalize(_ h0: UInt32, length: Int) -> UInt32 {
        var h = h0 ^ UInt32(truncatingIfNeeded: length)
        h ^= h >> 16; h = h &* 0x85eb_ca6b
        h ^= h >> 13; h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    /// MurmurHash3_x86_32 of the 8 little-endian bytes of `value`: two blocks, no tail.
    @inline(__always) public static func hash(int64 value: Int64, seed: UInt32) -> UInt32 {
        let u = UInt64(bitPattern: value)
        var h = mixBlock(seed, UInt32(truncatingIfNeeded: u))
        h = mixBlock(h, UInt32(truncatingIfNeeded: u >> 32))
        return finalize(h, length: 8)
    }

    /// MurmurHash3_x86_32 of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        let n = bytes.count
        var h = seed
        var i = 0
        while i + 4 <= n {
            h = mixBlock(h, UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
            i += 4
        }
        var k: UInt32 = 0
        let rest = n - i
        if rest >= 3 { k ^= UInt32(bytes[i + 2]) << 16 }
        if rest >= 2 { k ^= UInt32(bytes[i + 1]) << 8 }
        if rest >= 1 {
            k ^= UInt32(bytes[i])
            k = k &* c1
            k = rotl(k, 15) &* c2
            h ^= k
        }
        return finalize(h, length: n)
    }

    /// MurmurHash3_x86_32 of a byte array.
    public static func hash(bytes: [UInt8], seed: UInt32) -> UInt32 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}
