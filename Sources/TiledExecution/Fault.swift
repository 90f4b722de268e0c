/// A deliberate error in the tiled schedule (`npu-sim --inject-fault KIND:GROUP`), so that a
/// test can see the check catch it. Each is a mistake a real compiler makes.
public struct Fault: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// The first output tile reads its input slice one row too low (a halo off by one).
        case halo
        /// One partial sum of the first output tile is never accumulated.
        case partialSum = "partial-sum"
        /// The first two equally shaped output tiles are stored in each other's place (the tile
        /// order misread).
        case order
    }

    public var kind: Kind
    /// A group index or name, as given.
    public var group: String

    public init(kind: Kind, group: String) {
        self.kind = kind
        self.group = group
    }

    /// Parses `KIND:GROUP`; nil when the text is not of that form or names no known kind.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) else { return nil }
        let group = String(text[text.index(after: colon)...])
        if group.isEmpty { return nil }
        self.init(kind: kind, group: group)
    }

    /// The index of the group it names among `groups`, or nil.
    public func groupIndex(in groups: [GroupSchedule]) -> Int? {
        if let i = Int(group), groups.contains(where: { $0.index == i }) { return i }
        return groups.first { $0.name == group }?.index
    }

    public var description: String { "\(kind.rawValue):\(group)" }
}
