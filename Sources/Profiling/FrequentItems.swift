/// A value as the frequent-items sketch keys it: a number by its 64-bit pattern (an integer's
/// two's complement, a float's canonical bits) or a string by its bytes.
public enum ProfileKey: Hashable, Sendable {
    case number(UInt64)
    case bytes([UInt8])
}

/// Exact counts of up to `capacity` distinct values, then the Misra–Gries heavy-hitters
/// summary (Misra and Gries, 1982) with `capacity` counters.
///
/// While at most `capacity` distinct values have been seen the counts are exact
/// (`errorBound == 0`). A new value that finds every counter taken decrements them all by one
/// (dropping those that reach zero), and `errorBound` grows by one. Merging adds counts and,
/// over capacity, subtracts the (capacity + 1)-th largest count from every counter, adding it
/// to the bound (Agarwal et al., "Mergeable Summaries", 2012). For every value v with true
/// count f(v): `count(v) ≤ f(v) ≤ count(v) + errorBound`, and errorBound ≤ n/(capacity + 1); a value
/// absent from the summary has f(v) ≤ errorBound.
///
/// The counters live in an open-addressing table (linear probing, at most half full) keyed by
/// the value's `Hash64` hash, which the profile computes once per value for HyperLogLog too; a
/// hash match is confirmed by comparing the number or the bytes, so counts stay exact.
public struct FrequentItems: Sendable {
    public let capacity: Int
    /// The most any count may be below the true count (0 while exact).
    public private(set) var errorBound: UInt64
    private var hashes: [UInt64]
    private var slotCounts: [UInt64]   // 0 = empty slot
    private var numbers: [UInt64]
    private var strings: [[UInt8]]     // allocated on the first string key
    private var isString: [Bool]
    private var used = 0
    private let mask: Int

    public static let defaultCapacity = 1024

    public init(capacity: Int = FrequentItems.defaultCapacity) {
        precondition(capacity >= 1, "FrequentItems capacity must be at least 1")
        self.capacity = capacity
        errorBound = 0
        var size = 4
        while size < 2 * capacity { size <<= 1 }
        mask = size - 1
        hashes = [UInt64](repeating: 0, count: size)
        slotCounts = [UInt64](repeating: 0, count: size)
        numbers = [UInt64](repeating: 0, count: size)
        strings = []
        isString = [Bool](repeating: false, count: size)
    }

    /// A summary from stored counts (a profile record), checked; `seed` is the hash seed of the values.
    public init(capacity: Int, errorBound: UInt64, counts: [ProfileKey: UInt64], seed: UInt64 = Hash64.defaultSeed) throws {
        guard capacity >= 1 && capacity <= 1 << 20 else { throw ProfilingError("frequent items capacity \(capacity)") }
        guard counts.count <= capacity else { throw ProfilingError("\(counts.count) frequent items over the capacity \(capacity)") }
        guard counts.values.allSatisfy({ $0 > 0 }) else { throw ProfilingError("a frequent item with count 0") }
        self.init(capacity: capacity)
        self.errorBound = errorBound
        for (key, c) in counts { insert(key, hash: Self.hash(key, seed: seed), count: c) }
    }

    /// The hash a key is stored under.
    public static func hash(_ key: ProfileKey, seed: UInt64) -> UInt64 {
        switch key {
        case .number(let n): return Hash64.hash(n, seed: seed)
        case .bytes(let b): return b.withUnsafeBytes { Hash64.hash($0, seed: seed) }
        }
    }

    /// Whether the counts are exact: every distinct value seen is held with its true count.
    public var isExact: Bool { errorBound == 0 }

    /// The held values and their counts.
    public var counts: [ProfileKey: UInt64] {
        var out: [ProfileKey: UInt64] = [:]
        out.reserveCapacity(used)
        for s in 0...mask where slotCounts[s] > 0 { out[key(at: s)] = slotCounts[s] }
        return out
    }

    /// Distinct values held.
    public var count: Int { used }

    private func key(at s: Int) -> ProfileKey { isString[s] ? .bytes(strings[s]) : .number(numbers[s]) }

    /// Counts a number whose `Hash64` hash is `hash`.
    public mutating func add(number: UInt64, hash: UInt64) {
        var s = Int(truncatingIfNeeded: hash) & mask
        while slotCounts[s] != 0 {
            if hashes[s] == hash && !isString[s] && numbers[s] == number { slotCounts[s] += 1; return }
            s = (s + 1) & mask
        }
        if used < capacity {
            hashes[s] = hash; numbers[s] = number; slotCounts[s] = 1; used += 1
        } else {
            decrementAll(by: 1)
        }
    }

    /// Counts a byte string whose `Hash64` hash is `hash`.
    public mutating func add(bytes: UnsafeRawBufferPointer, hash: UInt64) {
        var s = Int(truncatingIfNeeded: hash) & mask
        while slotCounts[s] != 0 {
            if hashes[s] == hash && isString[s] && strings[s].elementsEqual(bytes) { slotCounts[s] += 1; return }
            s = (s + 1) & mask
        }
        if used < capacity {
            if strings.isEmpty { strings = [[UInt8]](repeating: [], count: mask + 1) }
            hashes[s] = hash; strings[s] = Array(bytes); isString[s] = true; slotCounts[s] = 1; used += 1
        } else {
            decrementAll(by: 1)
        }
    }

    /// Counts `key` (hashed with `seed`).
    public mutating func add(_ key: ProfileKey, seed: UInt64 = Hash64.defaultSeed) {
        let h = Self.hash(key, seed: seed)
        switch key {
        case .number(let n): add(number: n, hash: h)
        case .bytes(let b): b.withUnsafeBytes { add(bytes: $0, hash: h) }
        }
    }

    /// Adds `count` to `key`'s counter, inserting it (the caller keeps the table within capacity).
    private mutating func insert(_ key: ProfileKey, hash: UInt64, count: UInt64) {
        var s = Int(truncatingIfNeeded: hash) & mask
        while slotCounts[s] != 0 {
            if hashes[s] == hash && self.key(at: s) == key { slotCounts[s] += count; return }
            s = (s + 1) & mask
        }
        hashes[s] = hash
        slotCounts[s] = count
        switch key {
        case .number(let n): numbers[s] = n; isString[s] = false
        case .bytes(let b):
            if strings.isEmpty { strings = [[UInt8]](repeating: [], count: mask + 1) }
            strings[s] = b; isString[s] = true
        }
        used += 1
    }

    /// Every counter less `amount`; those at or below it are dropped (the table is rebuilt,
    /// since linear probing cannot delete in place).
    private mutating func decrementAll(by amount: UInt64) {
        errorBound += amount
        let old = self
        self = FrequentItems(capacity: capacity)
        errorBound = old.errorBound
        for s in 0...old.mask where old.slotCounts[s] > amount {
            insert(old.key(at: s), hash: old.hashes[s], count: old.slotCounts[s] - amount)
        }
    }

    /// The summary of both streams.
    public mutating func merge(_ other: FrequentItems) throws {
        guard other.capacity == capacity else {
            throw ProfilingError("frequent-item summaries of capacity \(capacity) and \(other.capacity) do not merge")
        }
        // Counts add first (into a table with room for both), then the excess is cut.
        var both = FrequentItems(capacity: capacity + other.used)
        for side in [self, other] {
            for s in 0...side.mask where side.slotCounts[s] > 0 { both.insert(side.key(at: s), hash: side.hashes[s], count: side.slotCounts[s]) }
        }
        var cut: UInt64 = 0
        if both.used > capacity {
            let sorted = both.slotCounts.filter { $0 > 0 }.sorted(by: >)
            cut = sorted[capacity]
        }
        let bound = errorBound + other.errorBound + cut
        self = FrequentItems(capacity: capacity)
        errorBound = bound
        for s in 0...both.mask where both.slotCounts[s] > cut { insert(both.key(at: s), hash: both.hashes[s], count: both.slotCounts[s] - cut) }
    }

    /// The held values, most frequent first (ties by key order for a stable output).
    public func top(_ n: Int) -> [(key: ProfileKey, count: UInt64)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : Self.order($0.key, $1.key) }.prefix(n).map { ($0.key, $0.value) }
    }

    /// Keys in a fixed order: numbers by bits, then strings by bytes.
    public static func order(_ a: ProfileKey, _ b: ProfileKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.number, .bytes): return true
        case (.bytes, .number): return false
        case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
        }
    }
}

extension FrequentItems: Equatable {
    /// Same capacity, bound and counts (the table's layout may differ).
    public static func == (a: FrequentItems, b: FrequentItems) -> Bool {
        a.capacity == b.capacity && a.errorBound == b.errorBound && a.used == b.used && a.counts == b.counts
    }
}
