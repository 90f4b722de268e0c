import Columns

/// The profile of user sequences: which columns hold the user, the time and (optionally) the
/// item; how many events and users; the per-user length and inter-event gap distributions
/// (KLL); and the counts of events that break sequence order.
///
/// - out of order: an event whose time is before the latest time already seen for its user
///   (in the order the rows arrive);
/// - duplicate: an event whose (user, time, item) — (user, time) without an item column — was
///   already seen;
/// - future: an event whose time is after `now` (when given).
/// A gap is the time from a user's latest event so far to the next in-order event.
///
/// Merging adds counts and merges the sketches. It is exact (counts) and within the KLL bound
/// (sketches) when the shards partition the users (split by user, as a store partitioned by
/// user hash is); a user split across shards counts as two sequences, and a duplicate or an
/// out-of-order event across the split is not seen.
public struct SequenceProfile: Equatable, Sendable {
    public var userColumn: String
    public var timeColumn: String
    /// "" when duplicates are keyed by (user, time) alone.
    public var itemColumn: String
    public var events: UInt64 = 0
    public var users: UInt64 = 0
    public var outOfOrder: UInt64 = 0
    public var duplicates: UInt64 = 0
    public var future: UInt64 = 0
    /// The `now` future times were checked against (nil when not checked).
    public var now: Int64?
    public var lengths: KLLSketch
    public var gaps: KLLSketch

    public init(userColumn: String, timeColumn: String, itemColumn: String, now: Int64?, k: Int = KLLSketch.defaultK,
                seed: UInt64 = KLLSketch.defaultSeed) {
        self.userColumn = userColumn
        self.timeColumn = timeColumn
        self.itemColumn = itemColumn
        self.now = now
        lengths = KLLSketch(k: k, seed: Hash64.mix(seed ^ 1))
        gaps = KLLSketch(k: k, seed: Hash64.mix(seed ^ 2))
    }

    /// Both shards' sequences (see the type's note on partitioning).
    public mutating func merge(_ other: SequenceProfile) throws {
        guard other.userColumn == userColumn, other.timeColumn == timeColumn, other.itemColumn == itemColumn else {
            throw ProfilingError("sequence profiles of (\(userColumn), \(timeColumn)) and (\(other.userColumn), \(other.timeColumn)) do not merge")
        }
        guard other.now == now else { throw ProfilingError("sequence profiles checked against different --now values do not merge") }
        events += other.events
        users += other.users
        outOfOrder += other.outOfOrder
        duplicates += other.duplicates
        future += other.future
        try lengths.merge(other.lengths)
        try gaps.merge(other.gaps)
    }
}

/// Builds a `SequenceProfile` from rows: keeps per user the event count and latest time, and
/// the hashes of (user, time, item) seen. Users and items are keyed by their 64-bit hash
/// (`Hash64`); two different keys colliding has probability about n²/2⁶⁵.
public struct SequenceBuilder {
    public private(set) var profile: SequenceProfile
    private struct UserState { var count: UInt64; var latest: Int64 }
    private var perUser: [UInt64: UserState] = [:]
    private var seen = Set<UInt64>()
    private let userIndex: Int, timeIndex: Int, itemIndex: Int?
    private let seed: UInt64

    /// A builder for `schema`'s columns `user`, `time` (an integer column) and optionally `item`.
    public init(schema: TableSchema, user: String, time: String, item: String?, now: Int64?,
                parameters: ColumnProfile.Parameters = .init()) throws {
        guard let u = schema.index(of: user) else { throw ProfilingError("--sequence: no column '\(user)'") }
        guard let t = schema.index(of: time) else { throw ProfilingError("--sequence: no column '\(time)'") }
        guard schema.fields[t].type.isInteger, !schema.fields[t].isList else {
            throw ProfilingError("--sequence: the time column '\(time)' is \(schema.fields[t].typeDescription), not an integer")
        }
        guard !schema.fields[u].isList else { throw ProfilingError("--sequence: the user column '\(user)' is a list") }
        var i: Int? = nil
        if let item {
            guard let x = schema.index(of: item) else { throw ProfilingError("--sequence: no column '\(item)'") }
            i = x
        }
        userIndex = u; timeIndex = t; itemIndex = i
        seed = parameters.hashSeed
        profile = SequenceProfile(userColumn: user, timeColumn: time, itemColumn: item ?? "", now: now,
                                  k: parameters.kllK, seed: parameters.kllSeed)
    }

    /// A row's key in a column as a hash (nil for a null).
    private func key(_ c: Column, _ i: Int) -> UInt64? {
        if c.isNull(i) { return nil }
        if let o = c.listOffsets { return Hash64.hash(UInt64(o[i + 1] - o[i]), seed: seed) }
        switch c.values {
        case .int64(let v): return Hash64.hash(UInt64(bitPattern: v[i]), seed: seed)
        case .int32(let v): return Hash64.hash(UInt64(bitPattern: Int64(v[i])), seed: seed)
        case .float64(let v): return Hash64.hash(Hash64.canonicalBits(v[i]), seed: seed)
        case .float32(let v): return Hash64.hash(Hash64.canonicalBits(Double(v[i])), seed: seed)
        case .bool(let v): return Hash64.hash(v[i] ? 1 : 0, seed: seed)
        case .utf8(let v), .bytes(let v): return v[i].withUnsafeBytes { Hash64.hash($0, seed: seed) }
        }
    }

    /// Adds a batch's rows in order; rows with a null user or time are skipped.
    public mutating func add(_ batch: ColumnBatch) {
        let users = batch.columns[userIndex], times = batch.columns[timeIndex]
        let items = itemIndex.map { batch.columns[$0] }
        for i in 0..<batch.rows {
            guard let u = key(users, i), !times.isNull(i) else { continue }
            let t: Int64
            switch times.values {
            case .int64(let v): t = v[i]
            case .int32(let v): t = Int64(v[i])
            default: continue
            }
            profile.events += 1
            if let now = profile.now, t > now { profile.future += 1 }
            let itemHash = items.flatMap { key($0, i) } ?? 0
            if !seen.insert(Hash64.mix(u ^ Hash64.hash(UInt64(bitPattern: t), seed: itemHash))).inserted { profile.duplicates += 1 }
            if var s = perUser[u] {
                s.count += 1
                if t < s.latest {
                    profile.outOfOrder += 1
                } else {
                    profile.gaps.add(Double(t - s.latest))
                    s.latest = t
                }
                perUser[u] = s
            } else {
                perUser[u] = UserState(count: 1, latest: t)
            }
        }
    }

    /// The profile, with every user's length added (call once, after the last batch).
    public mutating func finish() -> SequenceProfile {
        var p = profile
        p.users = UInt64(perUser.count)
        // Sorted by user hash, so the sketch's coin flips see the same order on every run.
        for u in perUser.keys.sorted() { p.lengths.add(Double(perUser[u]!.count)) }
        return p
    }
}
