import ArgumentParser
import Columns
import Drift
import ToolKit

/// `dq-check explain REF CUR --segment-by COL`: which (feature, segment) pairs carry the
/// change, and with a label and a score, which segments carry the AUC change.
struct ExplainCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Rank (feature, segment) pairs by their share of the change between two streams.",
        discussion: """
        A pair's contribution is w·D: D the statistic between the segment's reference and current rows of the feature, w the segment's share of the current rows; shares divide by the sum over all pairs. With --label and --score, each segment also gets its reference and current AUC and the current AUC with that segment's rows replaced by its reference rows ("restored"); segments rank by how much restoring them recovers. One JSON object per line, best first. See Docs/dq.md.
        """)

    @Argument(help: ArgumentHelp("The reference stream.", valueName: "ref"))
    var ref: String

    @Argument(help: ArgumentHelp("The current stream.", valueName: "cur"))
    var cur: String

    @Option(help: ArgumentHelp("The column whose values are the segments (default: one segment, all rows).", valueName: "col"))
    var segmentBy: String?

    @Option(help: ArgumentHelp("The distance per pair: js, psi, hellinger, linf or wasserstein.", valueName: "stat"))
    var stat: DriftStat = .js

    @Option(help: ArgumentHelp("Comma-separated features (default: every column without a user, item or time role, but the segment, label and score).", valueName: "names"))
    var columns: String?

    @Option(help: ArgumentHelp("A binary label column (nonzero or true is positive).", valueName: "col"))
    var label: String?

    @Option(help: ArgumentHelp("The model's score column.", valueName: "col"))
    var score: String?

    @Option(help: ArgumentHelp("Print at most this many pairs.", valueName: "n"))
    var top: Int = 20

    @Option(help: ArgumentHelp("The unit of an events stream's times.", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    var common: CommonOptions { .defaults }

    func validate() throws {
        if ref == "-" && cur == "-" { throw ValidationError("the reference and current streams cannot both be standard input") }
        if stat.isPValue { throw ValidationError("explain ranks by a distance: --stat js, psi, hellinger, linf or wasserstein") }
        if (label == nil) != (score == nil) { throw ValidationError("--label and --score go together") }
        if top < 1 { throw ValidationError("--top wants a positive number") }
    }

    func run(_ tool: ToolContext) throws {
        let a = try LoadedTable.read(ref, tool, timeUnit: timeUnit)
        let b = try LoadedTable.read(cur, tool, timeUnit: timeUnit)
        let exclude = Set([segmentBy, label, score].compactMap { $0 })
        var names = try DriftColumns.select(columns ?? defaultColumns(a, exclude: exclude), a, b, refName: ref, curName: cur, stat: stat)
        names.removeAll { exclude.contains($0) && columns == nil }
        let segA = try segments(a, ref), segB = try segments(b, cur)
        let keys = Set(segA).union(segB).compactMap { $0 }.sorted()
        var pairs: [(feature: String, segment: String, d: Double, w: Double)] = []
        for s in keys {
            let inA = segA.map { $0 == s }, inB = segB.map { $0 == s }
            let w = Double(inB.filter { $0 }.count) / Double(max(b.rows, 1))
            for n in names {
                let ra = a.sample(a.index(of: n)!, keep: { inA[$0] }), rb = b.sample(b.index(of: n)!, keep: { inB[$0] })
                guard ra.count > 0, rb.count > 0 else { continue }
                let d = try DriftStatistics.compute(stat, ref: ra, cur: rb).value
                pairs.append((n, s, d, w))
            }
        }
        let total = pairs.reduce(0) { $0 + $1.d * $1.w }
        pairs.sort { ($0.d * $0.w, $1.feature, $1.segment) > ($1.d * $1.w, $0.feature, $0.segment) }
        var lines: [String] = []
        for p in pairs.prefix(top) {
            let c = p.d * p.w
            lines.append("{\"feature\": \(JSONText.string(p.feature)), \"segment\": \(JSONText.string(p.segment)), \"stat\": \"\(stat.rawValue)\", \"value\": \(JSONText.number(p.d)), \"weight\": \(JSONText.number(p.w)), \"contribution\": \(JSONText.number(c)), \"share\": \(JSONText.number(total > 0 ? c / total : 0))}")
        }
        if let label, let score { lines += try aucLines(a, b, segA, segB, keys, label: label, score: score) }
        let out = try tool.frameWriter()
        for l in lines { try out.write(text: l + "\n") }
        try out.flush()
    }

    func defaultColumns(_ a: LoadedTable, exclude: Set<String>) -> String? {
        let names = a.schema.fields.filter { LoadedTable.driftable($0) && ![.user, .item, .time].contains($0.role) && !exclude.contains($0.name) }.map(\.name)
        return names.isEmpty ? nil : names.joined(separator: ",")
    }

    /// Each row's segment (nil for a null segment value: such rows belong to no segment).
    func segments(_ t: LoadedTable, _ source: String) throws -> [String?] {
        guard let s = segmentBy else { return Array(repeating: "all", count: t.rows) }
        guard let i = t.index(of: s) else { throw ToolError(source, "no column '\(s)' for --segment-by") }
        return t.texts(i)
    }

    /// Per segment: reference, current and restored AUC, ranked by recovery (restored − current).
    func aucLines(_ a: LoadedTable, _ b: LoadedTable, _ segA: [String?], _ segB: [String?], _ keys: [String],
                  label: String, score: String) throws -> [String] {
        func columnsOf(_ t: LoadedTable, _ source: String) throws -> ([Double?], [Double?]) {
            guard let l = t.index(of: label) else { throw ToolError(source, "no column '\(label)' for --label") }
            guard let s = t.index(of: score) else { throw ToolError(source, "no column '\(score)' for --score") }
            return (t.numbers(l), t.numbers(s))
        }
        let (la, sa) = try columnsOf(a, ref), (lb, sb) = try columnsOf(b, cur)
        func auc(_ rows: [(Bool, Double)]) -> Double? {
            try? AUC.compute(labels: rows.map(\.0), scores: rows.map(\.1))
        }
        func rows(_ l: [Double?], _ s: [Double?], _ keep: (Int) -> Bool) -> [(Bool, Double)] {
            var out: [(Bool, Double)] = []
            for i in l.indices where keep(i) { if let y = l[i], let x = s[i] { out.append((y != 0, x)) } }
            return out
        }
        let curAll = rows(lb, sb) { _ in true }
        guard let aucCur = auc(curAll), let aucRef = auc(rows(la, sa) { _ in true }) else {
            throw ToolError(label, "the AUC needs both classes in the reference and the current stream")
        }
        var out: [(String, Double?, Double?, Double?)] = []
        for s in keys {
            let restored = rows(lb, sb) { segB[$0] != s } + rows(la, sa) { segA[$0] == s }
            out.append((s, auc(rows(la, sa) { segA[$0] == s }), auc(rows(lb, sb) { segB[$0] == s }), auc(restored)))
        }
        out.sort { (($0.3 ?? aucCur) - aucCur, $1.0) > (($1.3 ?? aucCur) - aucCur, $0.0) }
        func n(_ x: Double?) -> String { x.map(JSONText.number) ?? "null" }
        var lines = ["{\"auc_ref\": \(n(aucRef)), \"auc_cur\": \(n(aucCur))}"]
        for (s, r, c, x) in out {
            lines.append("{\"segment\": \(JSONText.string(s)), \"auc_ref\": \(n(r)), \"auc_cur\": \(n(c)), \"auc_restored\": \(n(x)), \"recovery\": \(n(x.map { $0 - aucCur }))}")
        }
        return lines
    }
}
