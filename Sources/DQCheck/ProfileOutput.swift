import ArgumentParser
import Foundation
import Pipes
import ProfileRecords
import Profiling
import ToolKit

/// How `profile` and `merge` write their result.
enum ProfileFormat: String, CaseIterable, ExpressibleByArgument {
    /// A profile stream (the default; printed as Cap'n Proto text on a terminal).
    case stream
    /// One readable line per (column, segment), then the sequence summary.
    case text
    /// One JSON object with the same summary.
    case json
}

/// The output options of the commands that write a profile.
struct ProfileOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("What to write: stream (a profile stream), text or json (a summary for people).", valueName: "format"))
    var format: ProfileFormat = .stream

    /// Writes `profile` to the tool's output in the chosen format.
    func write(_ profile: ProfileSet, _ tool: ToolContext) throws {
        switch format {
        case .stream:
            let out = try tool.streamWriter(kind: .profile)
            try ProfileRecord.write(profile, to: out)
            try out.finish()
        case .text:
            try print(ProfileSummary.text(profile), tool)
        case .json:
            try print([ProfileSummary.json(profile)], tool)
        }
    }

    private func print(_ lines: [String], _ tool: ToolContext) throws {
        let out = try tool.frameWriter()
        for line in lines { try out.write(text: line + "\n") }
        try out.flush()
    }
}

/// The readable forms of a profile (text lines and JSON), from its public parts.
enum ProfileSummary {
    /// The quantiles every summary reports.
    static let quantiles: [Double] = [0.01, 0.25, 0.5, 0.75, 0.99]
    /// The quantiles of the JSON summary (keys p1 … p99).
    static let jsonQuantiles: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
    static let topItems = 5

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.10g", x)
    }

    static func top(_ c: ColumnProfile) -> [(String, UInt64)] {
        c.frequent.top(topItems).map { (ValueText.render($0.key, type: c.type, isList: c.measure == .listLength), $0.count) }
    }

    /// One line per (column, segment), a header line first, then the sequence profile's lines.
    static func text(_ p: ProfileSet) -> [String] {
        var lines = ["rows \(p.rows)" + (p.segmentBy.isEmpty ? "" : ", segmented by \(p.segmentBy)")]
        for c in p.columns {
            let m = c.moments
            let std = m.variance.map { number($0.squareRoot()) } ?? "-"
            let qs = m.count > 0 ? c.quantiles.quantiles(quantiles).map(number).joined(separator: "/") : "-"
            let distinct = (c.distinctIsExact ? "" : "~") + number(c.distinctCount.rounded())
            let items = top(c).map { "\($0.0)×\($0.1)" }.joined(separator: " ")
            let segment = c.segment.isEmpty ? "" : " [\(p.segmentBy)=\(c.segment)]"
            let what = c.measure == .value ? c.type.rawValue : "\(c.type.rawValue) \(c.measure.rawValue)"
            lines.append("\(c.column)\(segment) (\(what)): rows \(c.rows) nulls \(c.nulls) mean \(m.count > 0 ? number(m.mean) : "-") std \(std) "
                + "min \(m.count > 0 ? number(m.min) : "-") p1/p25/p50/p75/p99 \(qs) max \(m.count > 0 ? number(m.max) : "-") distinct \(distinct)"
                + (items.isEmpty ? "" : " top \(items)"))
        }
        if let q = p.sequence {
            lines.append("sequences by \(q.userColumn), \(q.timeColumn)\(q.itemColumn.isEmpty ? "" : ", \(q.itemColumn)"): events \(q.events) users \(q.users) "
                + "out-of-order \(q.outOfOrder) duplicates \(q.duplicates) future \(q.now == nil ? "-" : String(q.future))")
            for (name, k) in [("length", q.lengths), ("gap", q.gaps)] where k.n > 0 {
                lines.append("  \(name): n \(k.n) min \(number(k.min)) p1/p25/p50/p75/p99 \(k.quantiles(quantiles).map(number).joined(separator: "/")) max \(number(k.max))")
            }
        }
        return lines
    }

    /// The summary as one JSON object (keys sorted for a stable output).
    static func json(_ p: ProfileSet) -> String {
        func finite(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        func kll(_ k: KLLSketch) -> [String: Any] {
            var out: [String: Any] = ["n": k.n]
            if k.n > 0 {
                out["min"] = finite(k.min); out["max"] = finite(k.max)
                out["quantiles"] = Dictionary(uniqueKeysWithValues: zip(jsonQuantiles.map { "p\(Int(($0 * 100).rounded()))" }, k.quantiles(jsonQuantiles).map(finite)))
            }
            return out
        }
        var columns: [[String: Any]] = []
        for c in p.columns {
            var o: [String: Any] = ["column": c.column, "segment": c.segment, "type": c.type.rawValue, "measure": c.measure.rawValue,
                                    "rows": c.rows, "nulls": c.nulls, "count": c.moments.count, "nan": c.moments.nanCount,
                                    "distinct": c.distinctCount.rounded(), "distinct_exact": c.distinctIsExact,
                                    "frequent_error_bound": c.frequent.errorBound,
                                    "top": top(c).map { ["value": $0.0, "count": $0.1] as [String: Any] },
                                    "quantiles": kll(c.quantiles)]
            if c.moments.count > 0 {
                o["mean"] = finite(c.moments.mean); o["min"] = finite(c.moments.min); o["max"] = finite(c.moments.max)
                o["variance"] = finite(c.moments.variance!)
            }
            columns.append(o)
        }
        var root: [String: Any] = ["rows": p.rows, "segment_by": p.segmentBy, "columns": columns]
        if let q = p.sequence {
            var s: [String: Any] = ["user": q.userColumn, "time": q.timeColumn, "item": q.itemColumn, "events": q.events, "users": q.users,
                                    "out_of_order": q.outOfOrder, "duplicates": q.duplicates, "lengths": kll(q.lengths), "gaps": kll(q.gaps)]
            if let now = q.now { s["now"] = now; s["future"] = q.future }
            root["sequence"] = s
        }
        let data = try! JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
