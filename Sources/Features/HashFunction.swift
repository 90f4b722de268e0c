/// A seeded hash with its bucket count: the one definition of every hashed id, so `transform`
/// and `export` cannot disagree. The id of a value is `hash(bytes, seed) mod buckets`, the
/// hash read as an unsigned integer (64-bit for xxh64, 32-bit for murmur3_32).
public struct HashFunction: Equatable, Sendable {
    public enum Algorithm: String, CaseIterable, Sendable {
        case xxh64
        case murmur3 = "murmur3_32"
    }

    public var algorithm: Algorithm
    public var seed: UInt64
    public var buckets: UInt64

    public init(algorithm: Algorithm, seed: UInt64, buckets: UInt64) {
        self.algorithm = algorithm
        self.seed = seed
        self.buckets = buckets
    }

    /// The id of an integer value, hashed as its 8 little-endian bytes (int32 values widened).
    @inline(__always) public func id(int64 v: Int64) -> Int64 {
        switch algorithm {
        case .xxh64: return Int64(bitPattern: XXHash64.hash(int64: v, seed: seed) % buckets)
        case .murmur3: return Int64(UInt64(Murmur3.hash(int64: v, seed: UInt32(truncatingIfNeeded: seed))) % buckets)
        }
    }

    /// The id of a byte string (UTF-8 text as its bytes).
    @inline(__always) public func id(bytes: UnsafeRawBufferPointer) -> Int64 {
        switch algorithm {
        case .xxh64: return Int64(bitPattern: XXHash64.hash(bytes, seed: seed) % buckets)
        case .murmur3: return Int64(UInt64(Murmur3.hash(bytes, seed: UInt32(truncatingIfNeeded: seed))) % buckets)
        }
    }

    /// The ids of many integer values: the algorithm chosen once, not per value, and a mask
    /// instead of a 64-bit division when `buckets` is a power of two (the division is most of
    /// the time otherwise).
    public func ids(int64s v: UnsafeBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Int64>) {
        let n = v.count
        let mask = buckets &- 1
        let pow2 = buckets & mask == 0
        switch algorithm {
        case .xxh64:
            if pow2 {
                // Eight lanes at a time (AVX-512 has 64-bit multiplies and rotates), the tail one by one.
                let src = UnsafeRawPointer(v.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
                let m = SIMD8<UInt64>(repeating: mask)
                var i = 0
                while i + 8 <= n {
                    let x = src.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<UInt64>.self)
                    dst.storeBytes(of: XXHash64.hash8(x, seed: seed) & m, toByteOffset: i * 8, as: SIMD8<UInt64>.self)
                    i += 8
                }
                while i < n { out[i] = Int64(bitPattern: XXHash64.hash(int64: v[i], seed: seed) & mask); i += 1 }
            } else {
                for i in 0..<n { out[i] = Int64(bitPattern: XXHash64.hash(int64: v[i], seed: seed) % buckets) }
            }
        case .murmur3:
            let s32 = UInt32(truncatingIfNeeded: seed)
            if pow2 {
                for i in 0..<n { out[i] = Int64(UInt64(Murmur3.hash(int64: v[i], seed: s32)) & mask) }
            } else if buckets <= UInt64(UInt32.max) {
                let b32 = UInt32(buckets)   // a 32-bit division is several times cheaper
                for i in 0..<n { out[i] = Int64(Murmur3.hash(int64: v[i], seed: s32) % b32) }
            } else {
                for i in 0..<n { out[i] = Int64(UInt64(Murmur3.hash(int64: v[i], seed: s32)) % buckets) }
            }
        }
    }
}
