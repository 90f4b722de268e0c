/// One encoded sequence block: a run of users' events, sorted by (user, time), each column
/// coded on its own.
///
/// Layout (version 1):
///
///     version:u8  events:varint  users:varint  extraColumns:varint
///     [length:varint column]   users     (distinct user ids, ascending: delta-coded)
///     [length:varint column]   runs      (events per user, ≥ 1, summing to `events`)
///     [length:varint column]   time, item, action, extras…
///     checksum:u64 little-endian over everything before it
///
/// Columns carry their byte length so a reader can skip the ones it does not need, and the
/// trailing checksum means a corrupted block is rejected instead of decoding to other events.
/// It also guarantees eight readable bytes after every column, the slack the bit unpacker's
/// unaligned loads need.
public enum SeqBlock {
    public static let version: UInt8 = 1
    /// Most extra columns a block may declare.
    public static let maxExtraColumns = 64

    /// Encoded byte sizes of a block's parts, for per-column bit accounting.
    public struct Sizes: Sendable {
        public var header = 0, users = 0, time = 0, item = 0, action = 0, extras = 0, checksum = 8
        public init() {}
        public var total: Int { header + users + time + item + action + extras + checksum }
        public static func += (a: inout Sizes, b: Sizes) {
            a.header += b.header; a.users += b.users; a.time += b.time; a.item += b.item
            a.action += b.action; a.extras += b.extras; a.checksum += b.checksum
        }
    }

    /// Encodes rows `range` of `events`, which must be sorted by (user, time) within it.
    /// `entropy: false` keeps every column bit-packed (see `ColumnCodec.encode`).
    public static func encode(_ events: EventColumns, range: Range<Int>, sizes: inout Sizes, entropy: Bool = true) -> [UInt8] {
        let n = range.count
        var userIds: [Int64] = []
        var runs: [Int64] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let u = events.user[i]
            var j = i + 1
            while j < range.upperBound && events.user[j] == u { j += 1 }
            precondition(userIds.last.map { $0 < u } ?? true, "SeqBlock.encode: rows not sorted by user")
            userIds.append(u)
            runs.append(Int64(j - i))
            i = j
        }
        var out = ByteWriter(capacity: n * 6 + 64)
        out.byte(version)
        out.varint(n)
        out.varint(userIds.count)
        out.varint(events.extraColumnCount)
        sizes.header += out.count
        func column(_ values: ArraySlice<Int64>, _ size: inout Int) {
            var col = ByteWriter(capacity: values.count * 4 + 16)
            values.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &col, entropy: entropy) }
            let before = out.count
            out.varint(col.count)
            out.append(col.bytes)
            size += out.count - before
        }
        column(userIds[...], &sizes.users)
        column(runs[...], &sizes.users)
        column(events.time[range], &sizes.time)
        column(events.item[range], &sizes.item)
        column(events.action[range], &sizes.action)
        for c in events.extras { column(c[range], &sizes.extras) }
        out.uint64LE(Checksum.of(out.bytes))
        return out.bytes
    }

    /// Convenience: encodes all of `events` (sorted by user, time) as one block.
    public static func encode(_ events: EventColumns) -> [UInt8] {
        var sizes = Sizes()
        return encode(events, range: 0..<events.count, sizes: &sizes)
    }

    /// What a block holds, read from its header without decoding the columns.
    public struct Summary: Equatable, Sendable {
        public var eventCount: Int
        public var userCount: Int
        public var extraColumnCount: Int
    }

    /// Limits that stop a corrupted header from asking for huge allocations.
    public struct Limits: Sendable {
        public var maxEvents: Int
        public init(maxEvents: Int = 1 << 24) { self.maxEvents = maxEvents }
    }

    /// Checks the checksum and reads the header. Throws on any damage.
    public static func summary(_ bytes: UnsafeRawBufferPointer, limits: Limits = Limits()) throws -> Summary {
        var reader = try openReader(bytes)
        return try readHeader(&reader, limits: limits)
    }

    static func openReader(_ bytes: UnsafeRawBufferPointer) throws -> ByteReader {
        guard bytes.count >= 9 else {
            throw SeqCodecError(.truncated, "block: \(bytes.count) bytes is shorter than any block")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        guard Checksum.of(body) == stored else {
            throw SeqCodecError(.checksumMismatch, "block: checksum mismatch (\(bytes.count) bytes): the block is corrupted or truncated")
        }
        return ByteReader(bytes, limit: bytes.count - 8)
    }

    static func readHeader(_ reader: inout ByteReader, limits: Limits) throws -> Summary {
        let v = try reader.byte("block version")
        guard v == version else { throw SeqCodecError(.malformed, "block: version \(v), expected \(version)") }
        // Even at width 0 a 128-value mini-block costs 5 bytes, so a body of B bytes cannot
        // describe more than ~26·B values per column; tighter than the limit for small blocks.
        let plausible = min(limits.maxEvents, reader.limit * 32)
        let n = try reader.count("block event count", maximum: plausible)
        let u = try reader.count("block user count", maximum: n)
        guard (n == 0) == (u == 0) else { throw SeqCodecError(.malformed, "block: \(u) users for \(n) events") }
        let c = try reader.count("block extra column count", maximum: maxExtraColumns)
        return Summary(eventCount: n, userCount: u, extraColumnCount: c)
    }

    /// Sets `a`'s count in place, so arrays reused across blocks keep their capacity.
    static func resize(_ a: inout [Int64], _ count: Int) {
        if a.count > count { a.removeLast(a.count - count) } else if a.count < count {
            a.append(contentsOf: repeatElement(0, count: count - a.count))
        }
    }

    /// The destination of an empty column (never written: a zero-count column decodes nothing).
    private static let emptyColumn = UnsafeMutablePointer<Int64>.allocate(capacity: 1)

    /// Where a block's columns are decoded to: one destination per column (user, time, item,
    /// action, then each extra column), each with room for `capacity` events.
    public struct Destination {
        public var user, time, item, action: UnsafeMutablePointer<Int64>
        public var extras: [UnsafeMutablePointer<Int64>]
        public var capacity: Int

        public init(user: UnsafeMutablePointer<Int64>, time: UnsafeMutablePointer<Int64>, item: UnsafeMutablePointer<Int64>,
                    action: UnsafeMutablePointer<Int64>, extras: [UnsafeMutablePointer<Int64>], capacity: Int) {
            (self.user, self.time, self.item, self.action, self.extras, self.capacity) = (user, time, item, action, extras, capacity)
        }
    }

    /// Decodes a whole block, replacing the contents of `out` (its capacity is reused).
    public static func decode(_ bytes: UnsafeRawBufferPointer, into out: inout EventColumns,
                              scratch: ColumnCodec.Scratch, limits: Limits = Limits()) throws {
        var reader = try openReader(bytes)
        let s = try readHeader(&reader, limits: limits)
        let n = s.eventCount
        if out.extras.count != s.extraColumnCount { out.extras = Array(repeating: [], count: s.extraColumnCount) }
        resize(&out.user, n); resize(&out.time, n); resize(&out.item, n); resize(&out.action, n)
        // Each column decodes straight into its array.
        try out.user.withUnsafeMutableBufferPointer { user in try out.time.withUnsafeMutableBufferPointer { time in
            try out.item.withUnsafeMutableBufferPointer { item in try out.action.withUnsafeMutableBufferPointer { action in
                func base(_ b: UnsafeMutableBufferPointer<Int64>) -> UnsafeMutablePointer<Int64> { b.baseAddress ?? emptyColumn }
                var destination = Destination(user: base(user), time: base(time), item: base(item), action: base(action),
                                              extras: [], capacity: n)
                try decodeColumns(bytes, &reader, s, into: &destination, extras: &out.extras, scratch: scratch)
            } }
        } }
    }

    /// Decodes a whole block into `destination` (e.g. straight into the right rows of
    /// full-length output columns, with no copy); returns its event count. Throws when the
    /// block holds more events than `destination.capacity` or another number of extra columns.
    public static func decode(_ bytes: UnsafeRawBufferPointer, into destination: Destination,
                              scratch: ColumnCodec.Scratch, limits: Limits = Limits()) throws -> Int {
        var reader = try openReader(bytes)
        let s = try readHeader(&reader, limits: limits)
        guard s.eventCount <= destination.capacity else {
            throw SeqCodecError(.malformed, "block: \(s.eventCount) events, room for \(destination.capacity)")
        }
        guard s.extraColumnCount == destination.extras.count else {
            throw SeqCodecError(.malformed, "block: \(s.extraColumnCount) extra columns, expected \(destination.extras.count)")
        }
        var d = destination
        var none: [[Int64]] = []
        try decodeColumns(bytes, &reader, s, into: &d, extras: &none, scratch: scratch)
        return s.eventCount
    }

    /// The columns after the header. Extra columns go to `destination.extras` when it has them,
    /// else into the arrays of `extras` (already sized).
    static func decodeColumns(_ bytes: UnsafeRawBufferPointer, _ reader: inout ByteReader, _ s: Summary,
                              into destination: inout Destination, extras: inout [[Int64]], scratch: ColumnCodec.Scratch) throws {
        let n = s.eventCount
        func column(_ count: Int, _ name: String, into dst: UnsafeMutablePointer<Int64>) throws {
            let length = try reader.count("\(name) column length", maximum: reader.remaining)
            let start = try reader.skip(length, "\(name) column")
            var sub = ByteReader(bytes, offset: start, limit: start + length)
            try ColumnCodec.decode(&sub, count: count, into: dst, scratch: scratch)
            guard sub.remaining == 0 else {
                throw SeqCodecError(.malformed, "\(name) column: \(sub.remaining) bytes left over")
            }
        }
        func array(_ a: inout [Int64], _ count: Int, _ name: String) throws {
            resize(&a, count)
            try a.withUnsafeMutableBufferPointer { buffer in try column(count, name, into: buffer.baseAddress ?? emptyColumn) }
        }
        // Users: decode the run table into scratch, then expand it into the user column.
        try array(&scratch.users, s.userCount, "users")
        try array(&scratch.runs, s.userCount, "runs")
        let ids = scratch.users, runs = scratch.runs
        let users = destination.user
        var filled = 0
        for r in 0..<s.userCount {
            let length = runs[r]
            guard length >= 1, length <= Int64(n - filled) else {
                throw SeqCodecError(.malformed, "runs column: run \(r) of \(length) events overflows \(n)")
            }
            if r > 0 && ids[r] <= ids[r - 1] {
                throw SeqCodecError(.malformed, "users column: user ids not ascending at run \(r)")
            }
            let id = ids[r]
            for i in filled..<(filled + Int(length)) { users[i] = id }
            filled += Int(length)
        }
        guard filled == n else { throw SeqCodecError(.malformed, "runs column: runs cover \(filled) of \(n) events") }
        try column(n, "time", into: destination.time)
        try column(n, "item", into: destination.item)
        try column(n, "action", into: destination.action)
        for c in 0..<s.extraColumnCount {
            if c < destination.extras.count { try column(n, "extra column \(c)", into: destination.extras[c]) }
            else { try array(&extras[c], n, "extra column \(c)") }
        }
        guard reader.remaining == 0 else {
            throw SeqCodecError(.malformed, "block: \(reader.remaining) bytes after the last column")
        }
    }

    /// Convenience: decodes a block into fresh columns.
    public static func decode(_ bytes: [UInt8], limits: Limits = Limits()) throws -> EventColumns {
        var out = EventColumns()
        try bytes.withUnsafeBytes { try decode($0, into: &out, scratch: ColumnCodec.Scratch(), limits: limits) }
        return out
    }

    /// Recomputes the checksum of a block whose body was edited: lets tests drive the column
    /// parsers with damage the checksum would otherwise catch first.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 8 else { return bytes }
        var out = Array(bytes[0..<(bytes.count - 8)])
        let sum = Checksum.of(out)
        withUnsafeBytes(of: sum.littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
