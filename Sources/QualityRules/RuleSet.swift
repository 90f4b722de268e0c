import AvroSchemas

/// One data-quality rule from a rules file.
public enum Rule: Equatable, Sendable {
    /// The column has no nulls (and, for floats, no NaN).
    case notNull(column: String)
    /// Every non-null value lies in [min, max] (either bound may be absent).
    case range(column: String, min: Double?, max: Double?)
    /// Every non-null value is one of `values` (compared as text: 3 and "3" are the same).
    case inSet(column: String, values: Set<String>)
    /// No two rows share the values of `columns`.
    case unique(columns: [String])
    /// Within each user, times never decrease in arrival order.
    case monotoneTime(user: String, time: String)
    /// No time is later than `--now`.
    case noFuture(column: String)
    /// No two events of one (user, item) lie within `window` time units of each other.
    case duplicates(user: String, item: String, time: String, window: Int64)
    /// Within each user, consecutive actions (in arrival order) follow an allowed pair.
    case transitions(user: String, action: String, allowed: Set<[Int64]>)
    /// Each user has between `min` and `max` events.
    case sequenceLength(user: String, min: Int?, max: Int?)
    /// The newest time is at most `maxAge` before `--now`.
    case freshness(column: String, maxAge: Int64)

    /// The rule's name in the rules file.
    public var name: String {
        switch self {
        case .notNull: return "not-null"
        case .range: return "range"
        case .inSet: return "in-set"
        case .unique: return "unique"
        case .monotoneTime: return "monotone-time"
        case .noFuture: return "no-future"
        case .duplicates: return "duplicates"
        case .transitions: return "transitions"
        case .sequenceLength: return "sequence-length"
        case .freshness: return "freshness"
        }
    }

    /// Rules that compare rows in arrival order: a sorted (seq-blocks) input cannot answer them.
    public var needsArrivalOrder: Bool {
        switch self {
        case .monotoneTime, .transitions: return true
        default: return false
        }
    }

    /// Rules that compare times with `--now`.
    public var needsNow: Bool {
        switch self {
        case .noFuture, .freshness: return true
        default: return false
        }
    }

    /// The columns the rule reads.
    public var columns: [String] {
        switch self {
        case .notNull(let c), .range(let c, _, _), .inSet(let c, _), .noFuture(let c), .freshness(let c, _): return [c]
        case .unique(let cs): return cs
        case .monotoneTime(let u, let t): return [u, t]
        case .duplicates(let u, let i, let t, _): return [u, i, t]
        case .transitions(let u, let a, _): return [u, a]
        case .sequenceLength(let u, _, _): return [u]
        }
    }
}

/// A malformed rules file: where (a key path such as `rules[2].max`) and what.
public struct RulesError: Error, Equatable, CustomStringConvertible {
    public let location: String
    public let message: String
    public init(_ location: String, _ message: String) { self.location = location; self.message = message }
    public var description: String { "\(location): \(message)" }
}

/// A rules file: `{"examples": N, "rules": [{"rule": NAME, ...}, ...]}`.
public struct RuleSet: Equatable, Sendable {
    /// The rules in file order.
    public var rules: [Rule]
    /// How many example rows each rule keeps (default 5).
    public var examples: Int

    public init(rules: [Rule], examples: Int = 5) { self.rules = rules; self.examples = examples }

    /// Parses a rules file's bytes; errors name the key path.
    public static func parse(_ bytes: [UInt8]) throws -> RuleSet {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes, source: "rules") } catch let e as SchemaError { throw RulesError("rules file", e.reason) }
        guard case .object(let top) = json else { throw RulesError("rules file", "expected a JSON object with a \"rules\" array") }
        for k in top.keys.sorted() where !["rules", "examples", "doc"].contains(k) {
            throw RulesError(k, "unknown key (known: rules, examples, doc)")
        }
        var examples = 5
        if let v = top["examples"] {
            guard case .integer(let n) = v, n >= 0, n <= 1000 else { throw RulesError("examples", "expected an integer from 0 to 1000") }
            examples = Int(n)
        }
        guard case .array(let list)? = top["rules"] else { throw RulesError("rules", "expected an array of rules") }
        var rules: [Rule] = []
        for (i, item) in list.enumerated() { rules.append(try parseRule(item, at: "rules[\(i)]")) }
        return RuleSet(rules: rules, examples: examples)
    }

    static let keys: [String: [String]] = [
        "not-null": ["column"], "range": ["column", "min", "max"], "in-set": ["column", "values"],
        "unique": ["columns"], "monotone-time": ["user", "time"], "no-future": ["column"],
        "duplicates": ["user", "item", "time", "window"], "transitions": ["user", "action", "allowed"],
        "sequence-length": ["user", "min", "max"], "freshness": ["column", "max-age"],
    ]

    static func parseRule(_ v: JSONValue, at path: String) throws -> Rule {
        guard case .object(let o) = v else { throw RulesError(path, "expected an object with a \"rule\" key") }
        guard case .string(let name)? = o["rule"] else { throw RulesError("\(path).rule", "expected a rule name (\(keys.keys.sorted().joined(separator: ", ")))") }
        guard let known = keys[name] else { throw RulesError("\(path).rule", "unknown rule '\(name)' (known: \(keys.keys.sorted().joined(separator: ", ")))") }
        for k in o.keys.sorted() where k != "rule" && k != "doc" && !known.contains(k) {
            throw RulesError("\(path).\(k)", "unknown key for \(name) (known: \(known.joined(separator: ", ")))")
        }
        func string(_ k: String) throws -> String {
            guard case .string(let s)? = o[k], !s.isEmpty else { throw RulesError("\(path).\(k)", "expected a column name") }
            return s
        }
        func number(_ k: String) throws -> Double? {
            switch o[k] {
            case nil: return nil
            case .integer(let n)?: return Double(n)
            case .number(let d)? where d.isFinite: return d
            default: throw RulesError("\(path).\(k)", "expected a number")
            }
        }
        func integer(_ k: String, required: Bool) throws -> Int64? {
            switch o[k] {
            case nil where !required: return nil
            case .integer(let n)? where n >= 0: return n
            default: throw RulesError("\(path).\(k)", "expected a non-negative integer")
            }
        }
        switch name {
        case "not-null": return .notNull(column: try string("column"))
        case "range":
            let lo = try number("min"), hi = try number("max")
            guard lo != nil || hi != nil else { throw RulesError(path, "range needs min, max or both") }
            if let lo, let hi, lo > hi { throw RulesError("\(path).min", "min \(lo) is above max \(hi)") }
            return .range(column: try string("column"), min: lo, max: hi)
        case "in-set":
            guard case .array(let vs)? = o["values"], !vs.isEmpty else { throw RulesError("\(path).values", "expected a non-empty array of values") }
            var set = Set<String>()
            for (j, x) in vs.enumerated() {
                switch x {
                case .string(let s): set.insert(s)
                case .integer(let n): set.insert(String(n))
                case .bool(let b): set.insert(b ? "true" : "false")
                default: throw RulesError("\(path).values[\(j)]", "expected a string, an integer or a boolean")
                }
            }
            return .inSet(column: try string("column"), values: set)
        case "unique":
            guard case .array(let cs)? = o["columns"], !cs.isEmpty else { throw RulesError("\(path).columns", "expected a non-empty array of column names") }
            return .unique(columns: try cs.enumerated().map { j, c in
                guard case .string(let s) = c, !s.isEmpty else { throw RulesError("\(path).columns[\(j)]", "expected a column name") }
                return s
            })
        case "monotone-time": return .monotoneTime(user: try string("user"), time: try string("time"))
        case "no-future": return .noFuture(column: try string("column"))
        case "duplicates":
            return .duplicates(user: try string("user"), item: try string("item"), time: try string("time"),
                               window: try integer("window", required: false) ?? 0)
        case "transitions":
            guard case .array(let pairs)? = o["allowed"] else { throw RulesError("\(path).allowed", "expected an array of [from, to] action pairs") }
            var allowed = Set<[Int64]>()
            for (j, p) in pairs.enumerated() {
                guard case .array(let ab) = p, ab.count == 2, case .integer(let a) = ab[0], case .integer(let b) = ab[1] else {
                    throw RulesError("\(path).allowed[\(j)]", "expected a pair of integer actions [from, to]")
                }
                allowed.insert([a, b])
            }
            return .transitions(user: try string("user"), action: try string("action"), allowed: allowed)
        case "sequence-length":
            let lo = try integer("min", required: false), hi = try integer("max", required: false)
            guard lo != nil || hi != nil else { throw RulesError(path, "sequence-length needs min, max or both") }
            if let lo, let hi, lo > hi { throw RulesError("\(path).min", "min \(lo) is above max \(hi)") }
            return .sequenceLength(user: try string("user"), min: lo.map(Int.init), max: hi.map(Int.init))
        default:
            return .freshness(column: try string("column"), maxAge: try integer("max-age", required: true)!)
        }
    }
}
