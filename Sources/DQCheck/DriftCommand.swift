import ArgumentParser
import Dispatch
import Columns
import Drift
import Pipes
import ProfileRecords
import Profiling
import TableRecords
import ToolKit

/// `dq-check drift REF CUR --stat S`: one exact drift statistic per column between a
/// reference and a current stream, one JSON object per column on stdout, exit 3 when any
/// column crosses the threshold.
struct DriftCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Drift statistics per column between a reference and a current stream (exact), or two profiles (approximate).",
        discussion: """
        Prints one JSON object per column: {"column", "stat", "value", "threshold", "drift", "ref_rows", "cur_rows"}, plus "statistic" and "method" for ks and chi2, whose value is a p-value (drift when below the threshold); the other statistics are distances (drift when at or above it). Exits 3 when any column drifts. Given two profile streams (dq-check profile), each column's sample is rebuilt from its sketches (KLL for numbers, exact value counts for strings and booleans) and the objects add "approximate": true and how; a string column with more distinct values than the profile counted exactly gets {"column", "stat", "skipped": reason} instead.
        """)

    @Argument(help: ArgumentHelp("The reference stream (table, events or seq-blocks), or a profile stream (approximate drift).", valueName: "ref"))
    var ref: String

    @Argument(help: ArgumentHelp("The current stream, of the same sort as the reference.", valueName: "cur"))
    var cur: String

    @Option(help: ArgumentHelp("The statistic: psi, js, ks, wasserstein, linf, chi2 or hellinger.", valueName: "stat"))
    var stat: DriftStat = .psi

    @Option(help: ArgumentHelp("Comma-separated columns (default: every column without a user, item or time role).", valueName: "names"))
    var columns: String?

    @Option(help: ArgumentHelp("Drift threshold (default: 0.1 for distances, 0.05 for the p-values of ks and chi2).", valueName: "x"))
    var threshold: Double?

    @Option(help: ArgumentHelp("The unit of an events stream's times (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    @Option(help: ArgumentHelp("Threads: 2 reads the reference and current streams side by side (same output).", valueName: "n"))
    var threads: Int = 1

    var common: CommonOptions { .defaults }

    func validate() throws {
        if ref == "-" && cur == "-" { throw ValidationError("the reference and current streams cannot both be standard input") }
        if let t = threshold, !t.isFinite || t < 0 { throw ValidationError("--threshold wants a non-negative number") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads wants 1 to 256, not \(threads)") }
    }

    /// One column's comparison: the statistic, the rows behind each side, and for profiles how
    /// the samples were approximated.
    struct Compared {
        var column: String
        var value: DriftValue
        var refRows: UInt64
        var curRows: UInt64
        var approximation: String? = nil
    }

    func run(_ tool: ToolContext) throws {
        let refStream = try StreamInput.openRowsOrProfile(ref, tool)
        let curStream = try StreamInput.openRowsOrProfile(cur, tool)
        let refProfiled = refStream.kind.name == StreamKind.profile.name
        guard refProfiled == (curStream.kind.name == StreamKind.profile.name) else {
            throw ToolError(refProfiled ? cur : ref, "compare a profile stream with a profile stream, or rows with rows (\(refStream.kind.name) and \(curStream.kind.name))")
        }
        var skipped: [(column: String, reason: String)] = []
        let compared = refProfiled ? try profiles(refStream, curStream, skipped: &skipped) : try rows(refStream, curStream)
        let limit = threshold ?? stat.defaultThreshold
        var lines = skipped.map { "{\"column\": \(JSONText.string($0.column)), \"stat\": \"\(stat.rawValue)\", \"skipped\": \(JSONText.string($0.reason))}" }
        var drifted: [String] = []
        for c in compared {
            let v = c.value
            let over = v.drifted(stat, threshold: limit)
            if over { drifted.append(c.column) }
            var fields = ["\"column\": \(JSONText.string(c.column))", "\"stat\": \"\(stat.rawValue)\"", "\"value\": \(JSONText.number(v.value))"]
            if let s = v.statistic { fields.append("\"statistic\": \(JSONText.number(s))") }
            if let m = v.method { fields.append("\"method\": \"\(m)\"") }
            fields += ["\"threshold\": \(JSONText.number(limit))", "\"drift\": \(over)", "\"ref_rows\": \(c.refRows)", "\"cur_rows\": \(c.curRows)"]
            if let a = c.approximation { fields += ["\"approximate\": true", "\"approximation\": \(JSONText.string(a))"] }
            lines.append("{" + fields.joined(separator: ", ") + "}")
        }
        let names = compared.map(\.column)
        let out = try tool.frameWriter()
        for l in lines { try out.write(text: l + "\n") }
        try out.flush()
        if !drifted.isEmpty {
            let rule = stat.isPValue ? "p < \(limit)" : "≥ \(limit)"
            throw ToolError.checkFailed("drift", "\(drifted.count) of \(names.count) columns drifted (\(stat.rawValue) \(rule)): \(drifted.joined(separator: ", "))")
        }
    }
}

extension DriftCommand {
    /// Exact statistics over every value of both streams. Each stream is read once, in place,
    /// sampling only the compared columns (`DriftInput`); with `--threads 2` the two streams are
    /// read side by side.
    func rows(_ refStream: RecordStreamReader, _ curStream: RecordStreamReader) throws -> [Compared] {
        let ra = TableStreamReader(refStream, timeUnit: timeUnit), rb = TableStreamReader(curStream, timeUnit: timeUnit)
        let sa = try ra.readSchema(), sb = try rb.readSchema()
        // A bad stream is reported before a column mismatch, as when the tables were read whole:
        // on a mismatch the streams are still read through (sampling nothing) first.
        let selected = Result { try DriftColumns.select(columns, sa, sb, refName: ref, curName: cur, stat: stat) }
        let names = (try? selected.get()) ?? []
        let ia = names.map { n in sa.fields.firstIndex { $0.name == n }! }
        let ib = names.map { n in sb.fields.firstIndex { $0.name == n }! }
        let (a, b) = try Self.readBoth(ra, ia, rb, ib, threads: threads)
        _ = try selected.get()
        return try names.indices.map { k in
            do {
                return Compared(column: names[k], value: try DriftStatistics.compute(stat, ref: a.samples[k], cur: b.samples[k]),
                                refRows: UInt64(a.rows), curRows: UInt64(b.rows))
            } catch let e as DriftError { throw ToolError(names[k], e.message) }
        }
    }

    /// Both streams' samples: one after the other, or on two threads (the same samples).
    static func readBoth(_ ra: TableStreamReader, _ ia: [Int], _ rb: TableStreamReader, _ ib: [Int], threads: Int) throws -> (DriftInput, DriftInput) {
        guard threads > 1 else { return (try DriftInput.read(ra, fields: ia), try DriftInput.read(rb, fields: ib)) }
        var results: [Result<DriftInput, Error>?] = [nil, nil]
        results.withUnsafeMutableBufferPointer { slots in
            let shared = slots
            DispatchQueue.concurrentPerform(iterations: 2) { t in
                shared[t] = Result { t == 0 ? try DriftInput.read(ra, fields: ia) : try DriftInput.read(rb, fields: ib) }
            }
        }
        // The reference's error first, as reading one after the other would report.
        return (try results[0]!.get(), try results[1]!.get())
    }

    /// Approximate statistics over samples rebuilt from two profiles' sketches (`ProfileDrift`).
    func profiles(_ refStream: RecordStreamReader, _ curStream: RecordStreamReader,
                  skipped: inout [(column: String, reason: String)]) throws -> [Compared] {
        let a = try ProfileRecord.read(refStream)
        let b = try ProfileRecord.read(curStream)
        let selected = try ProfileDrift.columns(columns, ref: a, cur: b, refName: ref, curName: cur, stat: stat)
        skipped = selected.skipped
        return try selected.names.map { name in
            let (x, y) = (a.profile(name)!, b.profile(name)!)
            let (refSample, how) = ProfileDrift.sample(x)
            let (curSample, _) = ProfileDrift.sample(y)
            do {
                return Compared(column: name, value: try DriftStatistics.compute(stat, ref: refSample, cur: curSample),
                                refRows: x.rows, curRows: y.rows, approximation: how)
            } catch let e as DriftError { throw ToolError(name, e.message) }
        }
    }
}

extension DriftStat: ExpressibleByArgument {}

/// Which columns drift and explain compare, and the checks that REF and CUR agree on them.
enum DriftColumns {
    static func select(_ list: String?, _ a: LoadedTable, _ b: LoadedTable, refName: String, curName: String, stat: DriftStat?) throws -> [String] {
        try select(list, a.schema, b.schema, refName: refName, curName: curName, stat: stat)
    }

    static func select(_ list: String?, _ sa: TableSchema, _ sb: TableSchema, refName: String, curName: String, stat: DriftStat?) throws -> [String] {
        let names: [String]
        if let list {
            names = list.split(separator: ",").map { String($0).trimmingSpaces }
            guard !names.isEmpty, !names.contains("") else { throw ToolError.usage("--columns", "expected comma-separated column names") }
            for n in names {
                guard let f = sa.fields.first(where: { $0.name == n }) else { throw ToolError(refName, "no column '\(n)'") }
                guard LoadedTable.driftable(f) else { throw ToolError(refName, "column '\(n)' is \(f.typeDescription); drift reads scalar numbers, strings and booleans") }
            }
        } else {
            // Without a list, ks and wasserstein take the numeric columns only.
            names = sa.fields.filter {
                LoadedTable.driftable($0) && ![.user, .item, .time].contains($0.role) && (stat?.needsNumbers != true || $0.type.isNumeric)
            }.map(\.name)
        }
        for n in names {
            let f = sa.fields.first { $0.name == n }!
            guard let g = sb.fields.first(where: { $0.name == n }) else {
                throw ToolError(curName, "no column '\(n)', which the reference has: the schemas differ")
            }
            guard g.isList == f.isList, f.type.isNumeric == g.type.isNumeric, f.type.isNumeric || f.type == g.type else {
                throw ToolError(curName, "column '\(n)' is \(g.typeDescription), \(f.typeDescription) in the reference: the schemas differ")
            }
            if let stat, stat.needsNumbers, !f.type.isNumeric {
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
