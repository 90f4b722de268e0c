/// Behaviour events as columns (struct of arrays): row i is one event.
///
/// `user`, `time`, `item` and `action` are the fixed columns; `extras` holds any number of
/// further Int64 columns (float columns travel as their IEEE bit patterns, so they round-trip
/// bit-exact). All columns have `count` rows.
public struct EventColumns: Equatable, Sendable {
    public var user: [Int64]
    public var time: [Int64]
    public var item: [Int64]
    public var action: [Int64]
    public var extras: [[Int64]]

    public init(extraColumnCount: Int = 0) {
        user = []; time = []; item = []; action = []
        extras = Array(repeating: [], count: extraColumnCount)
    }

    public init(user: [Int64], time: [Int64], item: [Int64], action: [Int64], extras: [[Int64]] = []) {
        precondition(time.count == user.count && item.count == user.count && action.count == user.count
                     && extras.allSatisfy { $0.count == user.count }, "EventColumns: columns differ in length")
        self.user = user; self.time = time; self.item = item; self.action = action; self.extras = extras
    }

    @inlinable public var count: Int { user.count }
    public var extraColumnCount: Int { extras.count }

    public mutating func reserveCapacity(_ n: Int) {
        user.reserveCapacity(n); time.reserveCapacity(n); item.reserveCapacity(n); action.reserveCapacity(n)
        for c in extras.indices { extras[c].reserveCapacity(n) }
    }

    public mutating func append(user u: Int64, time t: Int64, item i: Int64, action a: Int64) {
        user.append(u); time.append(t); item.append(i); action.append(a)
    }

    /// Appends rows `range` of `other` (same extra column count).
    public mutating func append(_ other: EventColumns, range: Range<Int>? = nil) {
        let r = range ?? 0..<other.count
        user.append(contentsOf: other.user[r]); time.append(contentsOf: other.time[r])
        item.append(contentsOf: other.item[r]); action.append(contentsOf: other.action[r])
        for c in extras.indices { extras[c].append(contentsOf: other.extras[c][r]) }
    }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        user.removeAll(keepingCapacity: keepingCapacity); time.removeAll(keepingCapacity: keepingCapacity)
        item.removeAll(keepingCapacity: keepingCapacity); action.removeAll(keepingCapacity: keepingCapacity)
        for c in extras.indices { extras[c].removeAll(keepingCapacity: keepingCapacity) }
    }

    /// Whether rows are ordered by user, then time: the order blocks are encoded in.
    public func isSortedByUserTime() -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count {
            if user[i - 1] > user[i] || (user[i - 1] == user[i] && time[i - 1] > time[i]) { return false }
        }
        return true
    }

    /// The rows reordered by (user, time), ties kept in input order (a stable sort), so that
    /// decoding gives back exactly this order.
    public func sortedByUserTime() -> EventColumns {
        if isSortedByUserTime() { return self }
        var order = Array(0..<count)
        order.sort { a, b in
            if user[a] != user[b] { return user[a] < user[b] }
            if time[a] != time[b] { return time[a] < time[b] }
            return a < b
        }
        return permuted(order)
    }

    /// The rows in the order `order` lists them.
    public func permuted(_ order: [Int]) -> EventColumns {
        EventColumns(user: order.map { user[$0] }, time: order.map { time[$0] },
                     item: order.map { item[$0] }, action: order.map { action[$0] },
                     extras: extras.map { column in order.map { column[$0] } })
    }

    /// Rows whose index is in `range`.
    public func slice(_ range: Range<Int>) -> EventColumns {
        EventColumns(user: Array(user[range]), time: Array(time[range]), item: Array(item[range]),
                     action: Array(action[range]), extras: extras.map { Array($0[range]) })
    }

    /// Rows for which `keep` is true.
    public func filter(_ keep: (_ user: Int64, _ time: Int64) -> Bool) -> EventColumns {
        var out = EventColumns(extraColumnCount: extraColumnCount)
        for i in 0..<count where keep(user[i], time[i]) {
            out.append(user: user[i], time: time[i], item: item[i], action: action[i])
            for c in extras.indices { out.extras[c].append(extras[c][i]) }
        }
        return out
    }
}
