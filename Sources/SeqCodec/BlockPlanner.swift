/// Cuts sorted events into blocks of about `targetEvents` rows, and encodes them.
///
/// Cuts fall on user boundaries, so most users live in one block and a one-user scan decodes
/// one block; a user with more than `maxEvents` events is split across consecutive blocks.
public struct BlockPlanner: Sendable {
    public var targetEvents: Int
    public var maxEvents: Int
    /// Whether columns may use the entropy code (smaller) or only bit packing (faster decode).
    public var entropy: Bool

    public init(targetEvents: Int = 32_768, maxEvents: Int? = nil, entropy: Bool = true) {
        precondition(targetEvents > 0)
        self.targetEvents = targetEvents
        self.maxEvents = maxEvents ?? targetEvents * 4
        self.entropy = entropy
    }

    /// Encodes rows `range` of sorted `events` as one block with this planner's coding choice.
    public func encode(_ events: EventColumns, range: Range<Int>, sizes: inout SeqBlock.Sizes) -> [UInt8] {
        SeqBlock.encode(events, range: range, sizes: &sizes, entropy: entropy)
    }

    /// Row ranges of the blocks for `events` (sorted by user, time).
    public func ranges(_ events: EventColumns) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var i = 0
        let n = events.count
        while i < n {
            var j = i + 1
            while j < n && events.user[j] == events.user[i] { j += 1 }
            // [i, j) is one user's events.
            if j - start > maxEvents {
                if i > start { out.append(start..<i); start = i }
                while j - start > maxEvents { out.append(start..<(start + maxEvents)); start += maxEvents }
            }
            if j - start >= targetEvents { out.append(start..<j); start = j }
            i = j
        }
        if start < n { out.append(start..<n) }
        return out
    }
}
