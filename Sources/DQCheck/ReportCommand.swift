import ArgumentParser
import Columns
import DQReport
import Drift
import QualityRules
import SeqStore
import ToolKit

/// `dq-check report REF CUR -o report.html`: a self-contained HTML page with inline SVG — a
/// heat map of drift per feature and segment, histograms of the top drifting features side by
/// side, and the rule violations of the current input.
struct ReportCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML drift report (inline SVG, no scripts) for a reference and a current stream.",
        discussion: "Without -o the page goes to standard output. The heat map's columns are the --segment-by values (each segment's current rows against its reference rows), or with --days the current stream's UTC days (each against the whole reference), else one column, all rows.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The reference stream.", valueName: "ref"))
    var ref: String

    @Argument(help: ArgumentHelp("The current stream.", valueName: "cur"))
    var cur: String

    @Option(help: ArgumentHelp("The column whose values are the heat map's columns (segments or days).", valueName: "col"))
    var segmentBy: String?

    @Option(help: ArgumentHelp("A time column: the heat map's columns are the current stream's days (UTC), each against the whole reference.", valueName: "col"))
    var days: String?

    @Option(help: ArgumentHelp("The statistic: js, psi, hellinger, linf or wasserstein.", valueName: "stat"))
    var stat: DriftStat = .js

    @Option(help: ArgumentHelp("Comma-separated features (default: every column without a user, item or time role, but the segment).", valueName: "names"))
    var columns: String?

    @Option(help: ArgumentHelp("Histograms for this many top drifting features.", valueName: "n"))
    var top: Int = 4

    @Option(help: ArgumentHelp("Also check the current stream against this rules file.", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("The present for the rules' no-future and freshness, in the time column's unit.", valueName: "time"))
    var now: Int64?

    @Option(help: ArgumentHelp("The unit of an events stream's times.", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    func validate() throws {
        if ref == "-" && cur == "-" { throw ValidationError("the reference and current streams cannot both be standard input") }
        if stat.isPValue { throw ValidationError("the report shows a distance: --stat js, psi, hellinger, linf or wasserstein") }
        if top < 0 { throw ValidationError("--top wants a number ≥ 0") }
        if segmentBy != nil && days != nil { throw ValidationError("give --segment-by or --days, not both") }
    }

    func run(_ tool: ToolContext) throws {
        var ruleSet: RuleSet? = nil
        var rulesName = ""
        if let rules {
            let file = try tool.openInput(rules)
            rulesName = file.name
            do { ruleSet = try RuleSet.parse(try file.readAll()) } catch let e as RulesError { throw ToolError(file.name, e.description) }
        }
        let a = try LoadedTable.read(ref, tool, timeUnit: timeUnit)
        let b = try LoadedTable.read(cur, tool, timeUnit: timeUnit)
        var names = try DriftColumns.select(columns, a, b, refName: ref, curName: cur, stat: stat)
        if columns == nil, let s = segmentBy { names.removeAll { $0 == s } }
        let segA: [String?], segB: [String?]
        if let d = days {
            guard let j = b.index(of: d) else { throw ToolError(cur, "no column '\(d)' for --days") }
            let f = b.schema.fields[j]
            let unit = f.timeUnit != .none ? f.timeUnit : timeUnit
            guard f.type == .int64 || f.type == .int32, let perDay = Self.ticksPerDay(unit) else {
                throw ToolError(cur, "--days needs an integer time column with a unit; '\(d)' is \(f.typeDescription)\(unit == .none ? " without one (give --time-unit)" : "")")
            }
            if columns == nil { names.removeAll { $0 == d } }
            segB = b.numbers(j).map { $0.map { CivilDate.string(fromDay: Int64(($0 / perDay).rounded(.down))) } }
            segA = []
        } else if let s = segmentBy {
            guard let i = a.index(of: s) else { throw ToolError(ref, "no column '\(s)' for --segment-by") }
            guard let j = b.index(of: s) else { throw ToolError(cur, "no column '\(s)' for --segment-by") }
            segA = a.texts(i); segB = b.texts(j)
        } else {
            segA = Array(repeating: "all", count: a.rows); segB = Array(repeating: "all", count: b.rows)
        }
        let segments = Self.order(Set(segA.compactMap { $0 }).union(segB.compactMap { $0 }))
        var overall: [(String, Double)] = []
        var values: [[Double?]] = []
        for n in names {
            let i = a.index(of: n)!, j = b.index(of: n)!
            var row: [Double?] = []
            for s in segments {
                let ra = days != nil ? a.sample(i) : a.sample(i, keep: { segA[$0] == s }), rb = b.sample(j, keep: { segB[$0] == s })
                row.append(ra.count > 0 && rb.count > 0 ? try DriftStatistics.compute(stat, ref: ra, cur: rb).value : nil)
            }
            values.append(row)
            let ra = a.sample(i), rb = b.sample(j)
            overall.append((n, ra.count > 0 && rb.count > 0 ? try DriftStatistics.compute(stat, ref: ra, cur: rb).value : 0))
        }
        var panels: [HistogramPanel] = []
        for (n, v) in overall.sorted(by: { ($0.1, $1.0) > ($1.1, $0.0) }).prefix(top) {
            let ra = a.sample(a.index(of: n)!), rb = b.sample(b.index(of: n)!)
            guard ra.count > 0, rb.count > 0 else { continue }
            var (labels, r, c) = try Binning.labeledShares(ra, rb)
            if labels.count > 40 {  // many categories: the 40 largest by combined share
                let keep = labels.indices.sorted { r[$0] + c[$0] > r[$1] + c[$1] }.prefix(40).sorted()
                labels = keep.map { labels[$0] }; r = keep.map { r[$0] }; c = keep.map { c[$0] }
            }
            panels.append(HistogramPanel(feature: n, value: v, labels: labels, reference: r, current: c))
        }
        var violations: [ViolationRow]? = nil
        if let set = ruleSet {
            let ev: RuleEvaluator
            do { ev = try RuleEvaluator(set, schema: b.schema, now: now, arrivalOrder: !b.sorted) } catch let e as RulesError { throw ToolError(rulesName, e.description) }
            for k in 0..<(b.columns.first?.count ?? 0) {
                ev.consume(ColumnBatch(rows: b.columns[0][k].rows, columns: b.columns.map { $0[k] }))
            }
            violations = ev.finish().map { r in
                ViolationRow(rule: "\(r.rule.name) \(r.rule.columns.joined(separator: ","))", violations: r.violations,
                             examples: r.examples.map { ($0.row.map { "row \($0): " } ?? "") + $0.what }.joined(separator: "; "))
            }
        }
        let data = ReportData(title: "dq-check report", reference: ref, current: cur, referenceRows: a.rows, currentRows: b.rows,
                              stat: stat.rawValue, threshold: stat.defaultThreshold, features: names, segments: segments,
                              values: values, histograms: panels, violations: violations)
        let out = try tool.frameWriter()
        try out.write(text: HTMLReport.render(data))
        try out.flush()
    }

    /// Time ticks in a day for a unit (nil for none).
    static func ticksPerDay(_ u: TimeUnit) -> Double? {
        switch u {
        case .s: return 86_400
        case .ms: return 86_400e3
        case .us: return 86_400e6
        case .ns: return 86_400e9
        case .none: return nil
        }
    }

    /// Segments in numeric order when they are all numbers (days, ids), else by text.
    static func order(_ s: Set<String>) -> [String] {
        if s.allSatisfy({ Double($0) != nil }) { return s.sorted { Double($0)! < Double($1)! } }
        return s.sorted()
    }
}
