/// A 64-bit checksum over a block's bytes, so that corrupted blocks are rejected instead of
/// decoding to different events.
///
/// Each step folds 16 bytes with one 64×64→128-bit multiply (the high and low halves xored,
/// the "mum" mix of wyhash-style hashes), two independent lanes over 32-byte strides, so it
/// runs at several bytes per cycle; it checks compressed bytes, ~1/8 of the decoded size.
/// It detects accidental corruption; it is not a cryptographic MAC.
public enum Checksum {
    @usableFromInline static let p0: UInt64 = 0xA076_1D64_78BD_642F
    @usableFromInline static let p1: UInt64 = 0xE703_7ED1_A0B4_28DB
    @usableFromInline static let p2: UInt64 = 0x8EBC_6AF0_9C88_C6E3
    @usableFromInline static let p3: UInt64 = 0x5899_65CC_7537_4CC3

    @inlinable @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inlinable @inline(__always)
    static func word(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The checksum of `bytes`.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return p3 }
        var a = p0 ^ UInt64(n), b = p1
        var i = 0
        while i + 32 <= n {
            a = mix(word(base, i) ^ p2, word(base, i + 8) ^ a)
            b = mix(word(base, i + 16) ^ p3, word(base, i + 24) ^ b)
            i += 32
        }
        var tail: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tail) { t in
            for j in 0..<(n - i) { t[j] = base.load(fromByteOffset: i + j, as: UInt8.self) }
        }
        a = mix(tail.0 ^ p2, tail.1 ^ a)
        b = mix(tail.2 ^ p3, tail.3 ^ b)
        return mix(a ^ p0, b ^ p1 ^ UInt64(n - i))
    }

    public static func of(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { of($0) } }
}
