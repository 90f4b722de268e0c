import Columns

/// One rule's outcome: how many violations, and up to N example rows.
public struct RuleReport: Equatable, Sendable {
    /// The rule's position in the rules file.
    public var index: Int
    public var rule: Rule
    /// Violations counted: rows for row rules, users for sequence-length, 1 for freshness.
    public var violations: Int
    /// Up to the rules file's `examples`: row numbers (0-based over the whole input) and what was wrong.
    public var examples: [RuleExample]
}

/// One example of a violation.
public struct RuleExample: Equatable, Sendable {
    /// The row, counted from 0 over the whole input (nil for a rule about a user or the whole input).
    public var row: Int?
    public var what: String
}

/// Typed reads of one column's rows.
struct ColumnReader {
    let column: Column
    func isNull(_ i: Int) -> Bool {
        if column.isNull(i) { return true }
        switch column.values {
        case .float32(let v): return v[i].isNaN
        case .float64(let v): return v[i].isNaN
        default: return false
        }
    }
    func int(_ i: Int) -> Int64? {
        if column.isNull(i) { return nil }
        switch column.values {
        case .int64(let v): return v[i]
        case .int32(let v): return Int64(v[i])
        default: return nil
        }
    }
    func number(_ i: Int) -> Double? {
        if column.isNull(i) { return nil }
        switch column.values {
        case .int64(let v): return Double(v[i])
        case .int32(let v): return Double(v[i])
        case .float32(let v): return v[i].isNaN ? nil : Double(v[i])
        case .float64(let v): return v[i].isNaN ? nil : v[i]
        default: return nil
        }
    }
    func text(_ i: Int) -> String {
        if column.isNull(i) { return "null" }
        switch column.values {
        case .int64(let v): return String(v[i])
        case .int32(let v): return String(v[i])
        case .float32(let v): return String(v[i])
        case .float64(let v): return String(v[i])
        case .bool(let v): return v[i] ? "true" : "false"
        case .utf8(let v): return String(decoding: v[i], as: UTF8.self)
        case .bytes(let v): return v[i].map { String($0, radix: 16) }.joined()
        }
    }
}

/// Evaluates a rule set over a table's batches as they stream by: each rule keeps only what
/// it needs (per-user last time and action, key sets, per-user counts), so memory grows with
/// users and keys, never with the rows themselves (unique and duplicates keep their keys).
public final class RuleEvaluator {
    private let set: RuleSet
    private var states: [RuleState] = []
    private var rowBase = 0

    /// Binds the rules to a schema: every column must exist and have a type the rule can read.
    /// `now` is needed by no-future and freshness; `arrivalOrder` false (a seq-blocks input,
    /// sorted by user and time) refuses the rules that need arrival order.
    public init(_ set: RuleSet, schema: TableSchema, now: Int64?, arrivalOrder: Bool) throws {
        self.set = set
        for (i, rule) in set.rules.enumerated() {
            let at = "rules[\(i)]"
            var index: [Int] = []
            for name in rule.columns {
                guard let k = schema.fields.firstIndex(where: { $0.name == name }) else {
                    throw RulesError(at, "\(rule.name): no column '\(name)' (columns: \(schema.fields.map(\.name).joined(separator: ", ")))")
                }
                guard !schema.fields[k].isList else { throw RulesError(at, "\(rule.name): column '\(name)' is a list") }
                index.append(k)
            }
            func needInt(_ names: [String]) throws {
                for (n, k) in zip(rule.columns, index) where names.contains(n) {
                    guard schema.fields[k].type == .int64 || schema.fields[k].type == .int32 else {
                        throw RulesError(at, "\(rule.name): column '\(n)' is \(schema.fields[k].type.rawValue); the rule needs an integer column")
                    }
                }
            }
            if rule.needsArrivalOrder && !arrivalOrder {
                throw RulesError(at, "\(rule.name) needs arrival order, and a seq-blocks stream is sorted by user and time; check the events or table stream instead")
            }
            if rule.needsNow && now == nil { throw RulesError(at, "\(rule.name) needs --now") }
            switch rule {
            case .notNull: states.append(NotNullState(index[0]))
            case .range(_, let lo, let hi):
                guard schema.fields[index[0]].type.isNumeric else {
                    throw RulesError(at, "range: column '\(rule.columns[0])' is \(schema.fields[index[0]].type.rawValue), not a number")
                }
                states.append(RangeState(index[0], lo: lo, hi: hi))
            case .inSet(_, let values): states.append(InSetState(index[0], values))
            case .unique: states.append(UniqueState(index))
            case .monotoneTime(let u, let t): try needInt([u, t]); states.append(MonotoneState(index[0], index[1]))
            case .noFuture(let c): try needInt([c]); states.append(NoFutureState(index[0], now: now!))
            case .duplicates(let u, let it, let t, let w): try needInt([u, it, t]); states.append(DuplicatesState(index, window: w))
            case .transitions(let u, let a, let allowed): try needInt([u, a]); states.append(TransitionState(index[0], index[1], allowed))
            case .sequenceLength(let u, let lo, let hi): try needInt([u]); states.append(LengthState(index[0], lo: lo, hi: hi))
            case .freshness(let c, let age): try needInt([c]); states.append(FreshnessState(index[0], now: now!, maxAge: age))
            }
        }
    }

    /// Feeds the next batch.
    public func consume(_ batch: ColumnBatch) {
        for s in states { s.consume(batch, rowBase: rowBase, examples: set.examples) }
        rowBase += batch.rows
    }

    /// The rows seen so far.
    public var rows: Int { rowBase }

    /// Every rule's report, in file order.
    public func finish() -> [RuleReport] {
        states.enumerated().map { i, s in
            let (n, ex) = s.finish(examples: set.examples)
            return RuleReport(index: i, rule: set.rules[i], violations: n, examples: ex)
        }
    }
}

/// A rule's running state.
class RuleState {
    var count = 0
    var examples: [RuleExample] = []
    func consume(_ batch: ColumnBatch, rowBase: Int, examples: Int) {}
    func finish(examples: Int) -> (Int, [RuleExample]) { (count, self.examples) }
    final func hit(_ row: Int?, _ what: @autoclosure () -> String, cap: Int) {
        count += 1
        if examples.count < cap { examples.append(RuleExample(row: row, what: what())) }
    }
}

final class NotNullState: RuleState {
    let c: Int
    init(_ c: Int) { self.c = c }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = ColumnReader(column: b.columns[c])
        if b.columns[c].validity == nil, case .int64 = b.columns[c].values { return }
        for i in 0..<b.rows where r.isNull(i) { hit(rowBase + i, "null", cap: examples) }
    }
}

final class RangeState: RuleState {
    let c: Int, lo: Double, hi: Double
    init(_ c: Int, lo: Double?, hi: Double?) { self.c = c; self.lo = lo ?? -.infinity; self.hi = hi ?? .infinity }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let col = b.columns[c]
        switch col.values {
        case .float64(let v) where col.validity == nil:
            for i in 0..<v.count where !(v[i] >= lo && v[i] <= hi) && !v[i].isNaN { hit(rowBase + i, "value \(v[i])", cap: examples) }
        case .int64(let v) where col.validity == nil:
            for i in 0..<v.count { let x = Double(v[i]); if x < lo || x > hi { hit(rowBase + i, "value \(v[i])", cap: examples) } }
        default:
            let r = ColumnReader(column: col)
            for i in 0..<b.rows { if let x = r.number(i), x < lo || x > hi { hit(rowBase + i, "value \(r.text(i))", cap: examples) } }
        }
    }
}

final class InSetState: RuleState {
    let c: Int, values: Set<String>
    init(_ c: Int, _ values: Set<String>) { self.c = c; self.values = values }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = ColumnReader(column: b.columns[c])
        if case .int64(let v) = b.columns[c].values {
            let ints = Set(values.compactMap { Int64($0) })
            for i in 0..<b.rows where !r.isNull(i) && !ints.contains(v[i]) { hit(rowBase + i, "value \(v[i])", cap: examples) }
            return
        }
        for i in 0..<b.rows where !r.isNull(i) {
            let t = r.text(i)
            if !values.contains(t) { hit(rowBase + i, "value \(t)", cap: examples) }
        }
    }
}

final class UniqueState: RuleState {
    let cs: [Int]
    var seen = Set<[Int64]>()
    var seenText = Set<String>()
    init(_ cs: [Int]) { self.cs = cs }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let rs = cs.map { ColumnReader(column: b.columns[$0]) }
        let allInts = cs.allSatisfy { c in b.columns[c].values.type == .int64 || b.columns[c].values.type == .int32 }
        for i in 0..<b.rows {
            let fresh: Bool
            if allInts {
                fresh = seen.insert(rs.map { $0.int(i) ?? Int64.min }).inserted
            } else {
                fresh = seenText.insert(rs.map { $0.text(i) }.joined(separator: "\u{1F}")).inserted
            }
            if !fresh { hit(rowBase + i, "key (\(rs.map { $0.text(i) }.joined(separator: ", "))) seen before", cap: examples) }
        }
    }
}

final class MonotoneState: RuleState {
    let u: Int, t: Int
    var last: [Int64: Int64] = [:]
    init(_ u: Int, _ t: Int) { self.u = u; self.t = t }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let ur = ColumnReader(column: b.columns[u]), tr = ColumnReader(column: b.columns[t])
        for i in 0..<b.rows {
            guard let user = ur.int(i), let time = tr.int(i) else { continue }
            if let prev = last[user], time < prev {
                hit(rowBase + i, "user \(user): time \(time) after \(prev)", cap: examples)
            } else {
                last[user] = time
            }
        }
    }
}

final class NoFutureState: RuleState {
    let c: Int, now: Int64
    init(_ c: Int, now: Int64) { self.c = c; self.now = now }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = ColumnReader(column: b.columns[c])
        for i in 0..<b.rows { if let x = r.int(i), x > now { hit(rowBase + i, "time \(x) after now \(now)", cap: examples) } }
    }
}

final class DuplicatesState: RuleState {
    let cs: [Int], window: Int64
    /// (user, item, time, row) of every event; sorted at the end.
    var keys: [(Int64, Int64, Int64, Int)] = []
    init(_ cs: [Int], window: Int64) { self.cs = cs; self.window = window }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = cs.map { ColumnReader(column: b.columns[$0]) }
        for i in 0..<b.rows {
            guard let u = r[0].int(i), let it = r[1].int(i), let t = r[2].int(i) else { continue }
            keys.append((u, it, t, rowBase + i))
        }
    }
    override func finish(examples: Int) -> (Int, [RuleExample]) {
        keys.sort { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }
        var found: [(Int, String)] = []
        for k in keys.indices.dropFirst() {
            let a = keys[k - 1], b = keys[k]
            if a.0 == b.0 && a.1 == b.1 && b.2 - a.2 <= window {
                count += 1
                if found.count < examples * 4 { found.append((b.3, "user \(b.0) item \(b.1): time \(b.2) within \(window) of row \(a.3) (time \(a.2))")) }
            }
        }
        found.sort { $0.0 < $1.0 }
        return (count, found.prefix(examples).map { RuleExample(row: $0.0, what: $0.1) })
    }
}

final class TransitionState: RuleState {
    let u: Int, a: Int, allowed: Set<[Int64]>
    var last: [Int64: Int64] = [:]
    init(_ u: Int, _ a: Int, _ allowed: Set<[Int64]>) { self.u = u; self.a = a; self.allowed = allowed }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let ur = ColumnReader(column: b.columns[u]), ar = ColumnReader(column: b.columns[a])
        for i in 0..<b.rows {
            guard let user = ur.int(i), let action = ar.int(i) else { continue }
            if let prev = last[user], !allowed.contains([prev, action]) {
                hit(rowBase + i, "user \(user): action \(prev) → \(action) not allowed", cap: examples)
            }
            last[user] = action
        }
    }
}

final class LengthState: RuleState {
    let u: Int, lo: Int, hi: Int
    var counts: [Int64: Int] = [:]
    init(_ u: Int, lo: Int?, hi: Int?) { self.u = u; self.lo = lo ?? 0; self.hi = hi ?? .max }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = ColumnReader(column: b.columns[u])
        for i in 0..<b.rows { if let user = r.int(i) { counts[user, default: 0] += 1 } }
    }
    override func finish(examples: Int) -> (Int, [RuleExample]) {
        for (user, n) in counts.sorted(by: { $0.key < $1.key }) where n < lo || n > hi {
            hit(nil, "user \(user): \(n) events", cap: examples)
        }
        return (count, self.examples)
    }
}

final class FreshnessState: RuleState {
    let c: Int, now: Int64, maxAge: Int64
    var newest: Int64? = nil
    init(_ c: Int, now: Int64, maxAge: Int64) { self.c = c; self.now = now; self.maxAge = maxAge }
    override func consume(_ b: ColumnBatch, rowBase: Int, examples: Int) {
        let r = ColumnReader(column: b.columns[c])
        for i in 0..<b.rows { if let x = r.int(i) { newest = max(newest ?? x, x) } }
    }
    override func finish(examples: Int) -> (Int, [RuleExample]) {
        guard let n = newest else { hit(nil, "no times at all", cap: examples); return (count, self.examples) }
        if now - n > maxAge { hit(nil, "newest time \(n) is \(now - n) before now \(now), over \(maxAge)", cap: examples) }
        return (count, self.examples)
    }
}
