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
}
