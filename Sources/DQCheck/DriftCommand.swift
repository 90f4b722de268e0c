import ArgumentParser
import Columns
import Drift
import TableRecords
import ToolKit

/// `dq-check drift REF CUR --stat S`: one exact drift statistic per column between a
/// reference and a current stream, one JSON object per column on stdout, exit 3 when any
/// column crosses the threshold.
struct DriftCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Exact drift statistics per column between a reference and a current stream.",
        discussion: """
        Prints one JSON object per column: {"column", "stat", "value", "threshold", "drift", "ref_rows", "cur_rows"}, plus "statistic" and "method" for ks and chi2, whose value is a p-value (drift when below the threshold); the other statistics are distances (drift when at or above it). Exits 3 when any column drifts.
        """)

    @Argument(help: ArgumentHelp("The reference stream (table, events or seq-blocks).", valueName: "ref"))
    var ref: String

    @Argument(help: ArgumentHelp("The current stream.", valueName: "cur"))
    var cur: String

    @Option(help: ArgumentHelp("The statistic: psi, js, ks, wasserstein, linf, chi2 or hellinger.", valueName: "stat"))
    var stat: DriftStat = .psi

    @Option(help: ArgumentHelp("Comma-separated columns (default: every column without a user, item or time role).", valueName: "names"))
    var columns: String?

    @Option(help: ArgumentHelp("Drift threshold (default: 0.1 for distances, 0.05 for the p-values of ks and chi2).", valueName: "x"))
    var threshold: Double?

    @Option(help: ArgumentHelp("The unit of an events stream's times (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    var common: CommonOptions { .defaults }

    func validate() throws {
        if ref == "-" && cur == "-" { throw ValidationError("the reference and current streams cannot both be standard input") }
        if let t = threshold, !t.isFinite || t < 0 { throw ValidationError("--threshold wants a non-negative number") }
    }

    func run(_ tool: ToolContext) throws {
        let a = try LoadedTable.read(ref, tool, timeUnit: timeUnit)
        let b = try LoadedTable.read(cur, tool, timeUnit: timeUnit)
        let names = try DriftColumns.select(columns, a, b, refName: ref, curName: cur, stat: stat)
        let limit = threshold ?? stat.defaultThreshold
        var lines: [String] = []
        var drifted: [String] = []
        for name in names {
            let i = a.index(of: name)!, j = b.index(of: name)!
            let v: DriftValue
            do { v = try DriftStatistics.compute(stat, ref: a.sample(i), cur: b.sample(j)) } catch let e as DriftError {
                throw ToolError(name, e.message)
            }
            let over = v.drifted(stat, threshold: limit)
            if over { drifted.append(name) }
            var fields = ["\"column\": \(JSONText.string(name))", "\"stat\": \"\(stat.rawValue)\"", "\"value\": \(JSONText.number(v.value))"]
            if let s = v.statistic { fields.append("\"statistic\": \(JSONText.number(s))") }
            if let m = v.method { fields.append("\"method\": \"\(m)\"") }
            fields += ["\"threshold\": \(JSONText.number(limit))", "\"drift\": \(over)", "\"ref_rows\": \(a.rows)", "\"cur_rows\": \(b.rows)"]
            lines.append("{" + fields.joined(separator: ", ") + "}")
        }
        let out = try tool.frameWriter()
        for l in lines { try out.write(text: l + "\n") }
        try out.flush()
        if !drifted.isEmpty {
            let rule = stat.isPValue ? "p < \(limit)" : "≥ \(limit)"
            throw ToolError.checkFailed("drift", "\(drifted.count) of \(names.count) columns drifted (\(stat.rawValue) \(rule)): \(drifted.joined(separator: ", "))")
        }
    }
}

extension DriftStat: ExpressibleByArgument {}

/// Which columns drift and explain compare, and the checks that REF and CUR agree on them.
enum DriftColumns {
    static func select(_ list: String?, _ a: LoadedTable, _ b: LoadedTable, refName: String, curName: String, stat: DriftStat?) throws -> [String] {
        let names: [String]
        if let list {
            names = list.split(separator: ",").map { String($0).trimmingSpaces }
            guard !names.isEmpty, !names.contains("") else { throw ToolError.usage("--columns", "expected comma-separated column names") }
            for n in names {
                guard let f = a.schema.fields.first(where: { $0.name == n }) else { throw ToolError(refName, "no column '\(n)'") }
                guard LoadedTable.driftable(f) else { throw ToolError(refName, "column '\(n)' is \(f.typeDescription); drift reads scalar numbers, strings and booleans") }
            }
        } else {
            // Without a list, ks and wasserstein take the numeric columns only.
            let numbers: Set<ValueType> = [.int32, .int64, .float32, .float64]
            names = a.schema.fields.filter {
                LoadedTable.driftable($0) && ![.user, .item, .time].contains($0.role) && (stat?.needsNumbers != true || numbers.contains($0.type))
            }.map(\.name)
        }
        for n in names {
            let f = a.schema.fields.first { $0.name == n }!
            guard let g = b.schema.fields.first(where: { $0.name == n }) else {
                throw ToolError(curName, "no column '\(n)', which the reference has: the schemas differ")
            }
            let numeric: Set<ValueType> = [.int32, .int64, .float32, .float64]
            guard g.isList == f.isList, numeric.contains(f.type) == numeric.contains(g.type), numeric.contains(f.type) || f.type == g.type else {
                throw ToolError(curName, "column '\(n)' is \(g.typeDescription), \(f.typeDescription) in the reference: the schemas differ")
            }
            if let stat, stat.needsNumbers, !numeric.contains(f.type) {
                throw ToolError(n, "\(stat.rawValue) needs a numeric column; '\(n)' is \(f.typeDescription) (use psi, js, linf, chi2 or hellinger)")
            }
        }
        if names.isEmpty { throw ToolError(refName, "no columns to compare (give --columns)") }
        return names
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
