import ArgumentParser
import Columns
import Profiling
import ToolKit

/// `dq-check align A B --on KEYS [--time-col T --tolerance D] [--min-coverage X]`: do two
/// streams describe the same things? Coverage both ways, keys duplicated on one side, and the
/// time skew between matched rows.
struct AlignCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Check that two streams cover the same keys (and times).",
        discussion: "Prints the share of A's distinct keys found in B and of B's found in A, the keys that occur more than once on each side, and with --time-col the skew (B minus A) between the first rows of each matched key. Exits 3 when a coverage is below --min-coverage or more than --max-skewed of the matched keys are further apart than --tolerance.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The two streams (table, events or seq-blocks).", valueName: "stream"))
    var files: [String]

    @Option(help: ArgumentHelp("The key columns, present in both streams with the same types.", valueName: "col,..."))
    var on: String

    @Option(help: ArgumentHelp("An integer time column of both streams: report the skew of matched keys.", valueName: "column"))
    var timeCol: String?

    @Option(help: ArgumentHelp("With --time-col: matched keys further apart than this (in the time column's unit) are skewed.", valueName: "d"))
    var tolerance: Int64?

    @Option(help: ArgumentHelp("With --tolerance: the largest share of matched keys that may be skewed (default 0).", valueName: "x"))
    var maxSkewed: Double = 0

    @Option(help: ArgumentHelp("Fail (exit 3) when either coverage is below this share (0-1).", valueName: "x"))
    var minCoverage: Double?

    @Option(help: ArgumentHelp("The unit of an events stream's times (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    func validate() throws {
        guard files.count == 2 else { throw ValidationError("align wants two streams, A and B; got \(files.count)") }
        guard !keyNames.isEmpty, keyNames.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("--on wants column names separated by commas, not '\(on)'") }
        if let x = minCoverage, !(0...1).contains(x) { throw ValidationError("--min-coverage wants a share from 0 to 1, not \(x)") }
        guard (0...1).contains(maxSkewed) else { throw ValidationError("--max-skewed wants a share from 0 to 1, not \(maxSkewed)") }
        if tolerance != nil && timeCol == nil { throw ValidationError("--tolerance needs --time-col") }
        if let t = tolerance, t < 0 { throw ValidationError("--tolerance must be at least 0") }
    }

    var keyNames: [String] { on.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    /// One side's keys: the first row's time per key and how many rows had it.
    struct Side {
        var name = ""
        var rows = 0
        var nullKeys = 0
        var keys: [[ProfileKey]: (count: Int, time: Int64?)] = [:]
        var duplicatedKeys: Int { keys.values.filter { $0.count > 1 }.count }
        var duplicatedRows: Int { keys.values.filter { $0.count > 1 }.reduce(0) { $0 + $1.count } }
    }

    func read(_ path: String, _ tool: ToolContext, reference: TableSchema?) throws -> (Side, TableSchema) {
        var side = Side()
        side.name = path == "-" ? "stdin" : path
        var keyIndex: [Int] = []
        var timeIndex: Int? = nil
        var schema: TableSchema? = nil
        try RowInput(tool: tool, timeUnit: timeUnit).read([path], onSchema: { s in
            schema = s
            for k in keyNames {
                guard let i = s.index(of: k) else { throw ToolError(side.name, "no key column '\(k)'") }
                guard !s.fields[i].isList else { throw ToolError(side.name, "key column '\(k)' is a list") }
                if let r = reference, let j = r.index(of: k), r.fields[j].type != s.fields[i].type {
                    throw ToolError(side.name, "key column '\(k)' is \(s.fields[i].type.rawValue), in \(files[0] == "-" ? "stdin" : files[0]) \(r.fields[j].type.rawValue)")
                }
                keyIndex.append(i)
            }
            if let t = timeCol {
                guard let i = s.index(of: t) else { throw ToolError(side.name, "no time column '\(t)'") }
                guard s.fields[i].type.isInteger, !s.fields[i].isList else {
                    throw ToolError(side.name, "time column '\(t)' is \(s.fields[i].typeDescription), not an integer")
                }
                timeIndex = i
            }
        }) { batch in
            side.rows += batch.rows
            let keyColumns = keyIndex.map { batch.columns[$0] }
            let times = timeIndex.map { batch.columns[$0] }
            for i in 0..<batch.rows {
                if keyColumns.contains(where: { $0.isNull(i) }) { side.nullKeys += 1; continue }
                let key = keyColumns.map { ValueText.key($0, i) }
                var time: Int64? = nil
                if let t = times, !t.isNull(i) {
                    switch t.values {
                    case .int64(let v): time = v[i]
                    case .int32(let v): time = Int64(v[i])
                    default: break
                    }
                }
                if let old = side.keys[key] { side.keys[key] = (old.count + 1, old.time ?? time) } else { side.keys[key] = (1, time) }
            }
        }
        return (side, schema!)
    }

    func run(_ tool: ToolContext) throws {
        let (a, schemaA) = try read(files[0], tool, reference: nil)
        let (b, _) = try read(files[1], tool, reference: schemaA)
        var matched = 0
        var skews = KLLSketch()
        var skewed = 0
        var timed = 0
        for (key, va) in a.keys {
            guard let vb = b.keys[key] else { continue }
            matched += 1
            if let ta = va.time, let tb = vb.time {
                let (d, overflow) = tb.subtractingReportingOverflow(ta)
                timed += 1
                skews.add(overflow ? (tb > ta ? .infinity : -.infinity) : Double(d))
                if let tol = tolerance, overflow || d.magnitude > tol.magnitude { skewed += 1 }
            }
        }
        let coverageA = a.keys.isEmpty ? 1 : Double(matched) / Double(a.keys.count)
        let coverageB = b.keys.isEmpty ? 1 : Double(matched) / Double(b.keys.count)
        func share(_ x: Double) -> String { ProfileSummary.number((x * 1e6).rounded() / 1e6) }
        var lines = ["keys \(keyNames.joined(separator: ","))"]
        for s in [a, b] {
            lines.append("\(s.name): rows \(s.rows) distinct keys \(s.keys.count) duplicated keys \(s.duplicatedKeys) (\(s.duplicatedRows) rows) null keys \(s.nullKeys)")
        }
        lines.append("coverage A→B \(share(coverageA)) (\(matched) of \(a.keys.count) keys)")
        lines.append("coverage B→A \(share(coverageB)) (\(matched) of \(b.keys.count) keys)")
        if let t = timeCol {
            var line = "time skew \(t) (B − A) over \(timed) matched keys"
            if timed > 0 {
                let q = skews.quantiles([0.01, 0.5, 0.99]).map(ProfileSummary.number)
                line += ": min \(ProfileSummary.number(skews.min)) p1 \(q[0]) p50 \(q[1]) p99 \(q[2]) max \(ProfileSummary.number(skews.max))"
            }
            if let tol = tolerance { line += "; \(skewed) beyond ±\(tol)" }
            lines.append(line)
        }
        let out = try tool.frameWriter()
        for l in lines { try out.write(text: l + "\n") }
        try out.flush()
        var failures: [String] = []
        if let x = minCoverage {
            if coverageA < x { failures.append("coverage A→B \(share(coverageA)) below \(x)") }
            if coverageB < x { failures.append("coverage B→A \(share(coverageB)) below \(x)") }
        }
        if tolerance != nil, timed > 0, Double(skewed) / Double(timed) > maxSkewed {
            failures.append("\(skewed) of \(timed) matched keys skewed beyond ±\(tolerance!) (max share \(maxSkewed))")
        }
        if !failures.isEmpty { throw ToolError.checkFailed("align", failures.joined(separator: "; ")) }
    }
}
