import SeqCodec

/// How the columns of an event table map onto `EventColumns`: which header column is the
/// user, time, item and action, and which are extra columns (ints, or floats kept as their
/// IEEE-754 binary64 bit patterns so they round-trip bit-exact).
///
/// Columns keep their text order and names (including RecBole's `:token`/`:float` type
/// suffix), so decoding writes back the header it read.
public struct EventLayout: Equatable, Sendable {
    public enum Role: Equatable, Sendable {
        case user, time, item, action
        case extraInt(Int), extraFloat(Int)
    }

    public struct Column: Equatable, Sendable {
        /// The header field as written, e.g. `rating:float`.
        public var header: String
        public var role: Role
        public init(header: String, role: Role) { self.header = header; self.role = role }
        /// The name without a `:type` suffix.
        public var name: String { String(header.split(separator: ":", maxSplits: 1).first ?? "") }
    }

    public var columns: [Column]

    public init(columns: [Column]) { self.columns = columns }

    /// The default schema of `user_id item_id action timestamp` tables with no extras.
    public static let standard = EventLayout(columns: [
        Column(header: "user_id:token", role: .user), Column(header: "item_id:token", role: .item),
        Column(header: "action:token", role: .action), Column(header: "timestamp:float", role: .time),
    ])

    public var extraColumnCount: Int {
        columns.reduce(0) { n, c in
            switch c.role { case .extraInt, .extraFloat: return n + 1; default: return n }
        }
    }

    /// Which header names play the four roles. `action` may be absent from the table: then
    /// every event's action is 0.
    public struct Mapping: Sendable {
        public var user = "user_id", time = "timestamp", item = "item_id", action = "action"
        public init() {}
    }

    /// Builds the schema from a header line's fields; every column not mapped to a role
    /// becomes an extra column, so no input column is dropped.
    public static func fromHeader(_ fields: [String], mapping: Mapping) throws -> EventLayout {
        func name(_ f: String) -> String { String(f.split(separator: ":", maxSplits: 1).first ?? "") }
        var seen = Set<String>()
        for f in fields where !seen.insert(name(f)).inserted {
            throw EventTextError("header: column '\(name(f))' appears twice")
        }
        for (role, wanted) in [("user", mapping.user), ("time", mapping.time), ("item", mapping.item)]
        where !fields.contains(where: { name($0) == wanted }) {
            throw EventTextError("header: no column '\(wanted)' for the \(role) (columns: \(fields.map(name).joined(separator: ", ")))")
        }
        let roles: [String: Role] = [mapping.user: .user, mapping.time: .time, mapping.item: .item, mapping.action: .action]
        guard Set([mapping.user, mapping.time, mapping.item, mapping.action]).count == 4 else {
            throw EventTextError("options: one column is mapped to two roles")
        }
        var extras = 0
        let columns = fields.map { f -> Column in
            if let role = roles[name(f)] { return Column(header: f, role: role) }
            defer { extras += 1 }
            return Column(header: f, role: f.hasSuffix(":float") ? .extraFloat(extras) : .extraInt(extras))
        }
        guard extras <= SeqBlock.maxExtraColumns else {
            throw EventTextError("header: \(extras) extra columns, at most \(SeqBlock.maxExtraColumns)")
        }
        return EventLayout(columns: columns)
    }
}

/// A malformed event table; `message` says where (`line N`) and what.
public struct EventTextError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a null (a blank field, or a `--null` token) in an extra column travels through event
/// streams and blocks, which have no validity bitmap: as a value no table can hold otherwise,
/// so it decodes back to a blank field and converts to a table null.
public enum EventNull {
    /// A null integer extra. Input text naming this value is refused (it is reserved).
    public static let int: Int64 = .min
    /// A null float extra: a quiet NaN with payload 0x4E554C ("NUL"), kept as its bits.
    /// Text never parses to it (`nan` reads as the default NaN), so the mapping stays one-to-one.
    public static let floatBits: Int64 = 0x7FF8_0000_004E_554C
}
