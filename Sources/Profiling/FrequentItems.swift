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
public struct FrequentItems: Equatable, Sendable {
    public let capacity: Int
    public private(set) var counts: [ProfileKey: UInt64]
    /// The most any count may be below the true count (0 while exact).
    public private(set) var errorBound: UInt64

    public static let defaultCapacity = 1024

    public init(capacity: Int = FrequentItems.defaultCapacity) {
        precondition(capacity >= 1, "FrequentItems capacity must be at least 1")
        self.capacity = capacity
        counts = [:]
        errorBound = 0
    }

    /// A summary from stored counts (a profile record), checked.
    public init(capacity: Int, errorBound: UInt64, counts: [ProfileKey: UInt64]) throws {
        guard capacity >= 1 else { throw ProfilingError("frequent items capacity \(capacity)") }
        guard counts.count <= capacity else { throw ProfilingError("\(counts.count) frequent items over the capacity \(capacity)") }
        guard counts.values.allSatisfy({ $0 > 0 }) else { throw ProfilingError("a frequent item with count 0") }
        self.capacity = capacity
        self.errorBound = errorBound
        self.counts = counts
    }

    /// Whether the counts are exact: every distinct value seen is held with its true count.
    public var isExact: Bool { errorBound == 0 }

    public mutating func add(_ key: ProfileKey) {
        if let i = counts.index(forKey: key) {
            counts.values[i] += 1
        } else if counts.count < capacity {
            counts[key] = 1
        } else {
            decrementAll(by: 1)
        }
    }

    mutating func decrementAll(by amount: UInt64) {
        errorBound += amount
        var kept: [ProfileKey: UInt64] = [:]
        kept.reserveCapacity(capacity)
        for (key, c) in counts where c > amount { kept[key] = c - amount }
        counts = kept
    }

    /// The summary of both streams.
    public mutating func merge(_ other: FrequentItems) throws {
        guard other.capacity == capacity else {
            throw ProfilingError("frequent-item summaries of capacity \(capacity) and \(other.capacity) do not merge")
        }
        errorBound += other.errorBound
        for (key, c) in other.counts { counts[key, default: 0] += c }
        if counts.count > capacity {
            let sorted = counts.values.sorted(by: >)
            decrementAll(by: sorted[capacity])
        }
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
