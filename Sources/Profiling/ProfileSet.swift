import Columns

/// A whole profile: what the rows were, one `ColumnProfile` per (column, segment) and the
/// sequence profile when asked for. This is what a `profile` stream holds and what `merge`
/// combines.
public struct ProfileSet: Equatable, Sendable {
    /// The column rows were segmented by ("" for none).
    public var segmentBy: String
    /// Rows profiled.
    public var rows: UInt64
    /// In a fixed order: all-rows profiles first (column order), then each segment (by name) in column order.
    public var columns: [ColumnProfile]
    public var sequence: SequenceProfile?

    public init(segmentBy: String, rows: UInt64, columns: [ColumnProfile], sequence: SequenceProfile?) {
        self.segmentBy = segmentBy
        self.rows = rows
        self.columns = columns
        self.sequence = sequence
    }

    /// The profile of `column` in `segment` ("" = all rows).
    public func profile(_ column: String, segment: String = "") -> ColumnProfile? {
        columns.first { $0.column == column && $0.segment == segment }
    }

    /// The profile of both row sets. Profiles of the same (column, segment) merge; a pair
    /// present on one side only is kept (a segment that appears in one shard only). The
    /// column lists of the all-rows profiles must agree.
    public mutating func merge(_ other: ProfileSet) throws {
        guard other.segmentBy == segmentBy else {
            throw ProfilingError("profiles segmented by '\(segmentBy)' and '\(other.segmentBy)' do not merge")
        }
        let mine = columns.filter { $0.segment.isEmpty }.map(\.column), theirs = other.columns.filter { $0.segment.isEmpty }.map(\.column)
        guard mine == theirs else {
            throw ProfilingError("profiles of different columns do not merge (\(mine.joined(separator: ",")) vs \(theirs.joined(separator: ",")))")
        }
        var index: [String: Int] = [:]
        for (i, c) in columns.enumerated() { index[c.column + "\u{0}" + c.segment] = i }
        for c in other.columns {
            if let i = index[c.column + "\u{0}" + c.segment] { try columns[i].merge(c) } else { columns.append(c) }
        }
        let order = Dictionary(uniqueKeysWithValues: mine.enumerated().map { ($1, $0) })
        columns.sort { a, b in
            if a.segment != b.segment {
                if a.segment.isEmpty || b.segment.isEmpty { return a.segment.isEmpty }
                return a.segment < b.segment
            }
            return order[a.column]! < order[b.column]!
        }
        rows += other.rows
        switch (sequence, other.sequence) {
        case (nil, nil): break
        case (.some(var s), .some(let o)): try s.merge(o); sequence = s
        default: throw ProfilingError("one profile has a sequence profile and the other does not")
        }
    }
}
