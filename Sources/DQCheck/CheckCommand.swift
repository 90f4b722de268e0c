import ArgumentParser
import Columns
import QualityRules
import TableRecords
import ToolKit

/// `dq-check check --rules FILE [STREAM]`: evaluates a rules file over a stream's batches as
/// they arrive; one line per rule, exit 3 when any rule has a violation.
struct CheckCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a table, events or seq-blocks stream against a rules file.",
        discussion: """
        Rules (JSON): {"examples": N, "rules": [{"rule": "not-null", "column": C}, {"rule": "range", "column": C, "min": A, "max": B}, {"rule": "in-set", "column": C, "values": [...]}, {"rule": "unique", "columns": [...]}, {"rule": "monotone-time", "user": U, "time": T}, {"rule": "no-future", "column": T}, {"rule": "duplicates", "user": U, "item": I, "time": T, "window": W}, {"rule": "transitions", "user": U, "action": A, "allowed": [[a, b], ...]}, {"rule": "sequence-length", "user": U, "min": A, "max": B}, {"rule": "freshness", "column": T, "max-age": D}]}. Prints one line per rule (ok or FAIL with the count and examples); exits 3 when any rule fails.
        """)

    @Option(help: ArgumentHelp("The rules file (JSON).", valueName: "file"))
    var rules: String

    @Option(help: ArgumentHelp("The present, in the time column's unit (no-future and freshness).", valueName: "time"))
    var now: Int64?

    @Flag(help: "Print one JSON object per rule instead of text lines.")
    var json = false

    @Option(help: ArgumentHelp("The unit of an events stream's times (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    @Argument(help: ArgumentHelp("The stream to check (default: stdin).", valueName: "stream"))
    var input: String = "-"

    var common: CommonOptions { .defaults }

    func run(_ tool: ToolContext) throws {
        let file = try tool.openInput(rules)
        let set: RuleSet
        do { set = try RuleSet.parse(try file.readAll()) } catch let e as RulesError { throw ToolError(file.name, e.description) }
        let reader = try StreamInput.open(input, tool, timeUnit: timeUnit)
        let schema = try reader.readSchema()
        let evaluator: RuleEvaluator
        do {
            evaluator = try RuleEvaluator(set, schema: schema, now: now, arrivalOrder: !StreamInput.isSorted(reader))
        } catch let e as RulesError { throw ToolError(file.name, e.description) }
        while let batch = try reader.next() { evaluator.consume(batch) }
        let reports = evaluator.finish()
        let out = try tool.frameWriter()
        for r in reports { try out.write(text: (json ? Self.json(r) : Self.text(r)) + "\n") }
        try out.flush()
        let failed = reports.filter { $0.violations > 0 }
        if !failed.isEmpty {
            let total = failed.reduce(0) { $0 + $1.violations }
            throw ToolError.checkFailed("check", "\(failed.count) of \(reports.count) rules failed, \(total) violations in \(evaluator.rows) rows")
        }
    }

    static func label(_ r: RuleReport) -> String { "rules[\(r.index)] \(r.rule.name) \(r.rule.columns.joined(separator: ","))" }

    static func text(_ r: RuleReport) -> String {
        guard r.violations > 0 else { return "ok   \(label(r))" }
        let ex = r.examples.map { ($0.row.map { "row \($0): " } ?? "") + $0.what }.joined(separator: "; ")
        return "FAIL \(label(r)): \(r.violations) violation\(r.violations == 1 ? "" : "s")" + (ex.isEmpty ? "" : " (\(ex))")
    }

    static func json(_ r: RuleReport) -> String {
        let ex = r.examples.map { "{\"row\": \($0.row.map(String.init) ?? "null"), \"what\": \(JSONText.string($0.what))}" }.joined(separator: ", ")
        return "{\"index\": \(r.index), \"rule\": \"\(r.rule.name)\", \"columns\": [\(r.rule.columns.map(JSONText.string).joined(separator: ", "))], \"violations\": \(r.violations), \"examples\": [\(ex)]}"
    }
}
