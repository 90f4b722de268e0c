import Capnp
import Schemas

/// `EventLayout` to and from the `EventSchema` record of events and seq-blocks streams, and to
/// and from the compact text the store keeps in its manifest (one `role<TAB>header` per line).
extension EventLayout {
    public static let roleNames: [(EventSchema.Role, String)] = [
        (.user, "user"), (.time, "time"), (.item, "item"), (.action, "action"), (.extraInt, "extraInt"), (.extraFloat, "extraFloat"),
    ]

    private var wireRoles: [(String, EventSchema.Role)] {
        columns.map { c in
            switch c.role {
            case .user: return (c.header, .user)
            case .time: return (c.header, .time)
            case .item: return (c.header, .item)
            case .action: return (c.header, .action)
            case .extraInt: return (c.header, .extraInt)
            case .extraFloat: return (c.header, .extraFloat)
            }
        }
    }

    /// Fills an `EventSchema` record.
    public func write(into schema: EventSchema.Builder) {
        let roles = wireRoles
        let list = schema.initColumns(count: roles.count)
        for (i, (name, role)) in roles.enumerated() {
            let column = EventSchema.Column.Builder(list.structElement(at: i))
            column.setName(name)
            column.role = role
        }
    }

    /// Builds a layout from wire columns (header, role), numbering extras in order.
    public static func fromWire(_ columns: [(String, EventSchema.Role)], source: String) throws -> EventLayout {
        var extras = 0
        var out: [Column] = []
        for (name, role) in columns {
            switch role {
            case .user: out.append(Column(header: name, role: .user))
            case .time: out.append(Column(header: name, role: .time))
            case .item: out.append(Column(header: name, role: .item))
            case .action: out.append(Column(header: name, role: .action))
            case .extraInt: out.append(Column(header: name, role: .extraInt(extras))); extras += 1
            case .extraFloat: out.append(Column(header: name, role: .extraFloat(extras))); extras += 1
            default: throw EventTextError("\(source): schema: column '\(name)' has an unknown role \(role.rawValue)")
            }
        }
        for (role, name) in [(Role.user, "user"), (.time, "time"), (.item, "item")] {
            guard out.filter({ $0.role == role }).count == 1 else {
                throw EventTextError("\(source): schema: needs exactly one \(name) column")
            }
        }
        guard out.filter({ $0.role == .action }).count <= 1 else { throw EventTextError("\(source): schema: two action columns") }
        return EventLayout(columns: out)
    }

    /// Reads an `EventSchema` record.
    public static func read(_ schema: EventSchema.Reader, source: String) throws -> EventLayout {
        let list = try schema.columns
        var wire: [(String, EventSchema.Role)] = []
        for i in 0..<list.count {
            let c = try list.get(i)
            wire.append((try c.name.string, c.role))
        }
        return try fromWire(wire, source: source)
    }

    /// The manifest form.
    public var storeText: [UInt8] {
        Array(wireRoles.map { name, role in "\(Self.roleNames.first { $0.0 == role }!.1)\t\(name)\n" }.joined().utf8)
    }

    public static func fromStoreText(_ bytes: [UInt8], source: String) throws -> EventLayout {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        let wire = try lines.map { line -> (String, EventSchema.Role) in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2, let role = roleNames.first(where: { $0.1 == parts[0] })?.0 else {
                throw EventTextError("\(source): damaged schema line '\(line)'")
            }
            return (parts[1], role)
        }
        return try fromWire(wire, source: source)
    }
}
