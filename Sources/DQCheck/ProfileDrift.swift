import Columns
import Drift
import Profiling
import ToolKit

/// Drift between two `profile` streams. The values are gone, so each column's sample is rebuilt
/// from its sketches and the statistics are approximate (the output says so):
/// - numbers: the KLL sketch's retained items, each repeated by its weight — a sample of the
///   column's size whose empirical CDF is the sketch's, within its normalized rank error;
/// - strings and booleans: the frequent-items counts, which `columns` only selects while both
///   summaries hold them exactly (`notComparable`).
/// Only whole-table profiles (segment "") are compared.
enum ProfileDrift {
    /// The column's rebuilt sample and a line saying how it was approximated.
    static func sample(_ c: Profiling.ColumnProfile) -> (sample: DriftSample, method: String) {
        if c.type.isNumeric {
            var values: [Double] = []
            values.reserveCapacity(Int(c.quantiles.n))
            for (x, w) in c.quantiles.weightedItems { values.append(contentsOf: repeatElement(x, count: Int(w))) }
            let error = KLLSketch.normalizedRankError(k: c.quantiles.k, allRanks: true)
            let method = "profile: KLL k=\(c.quantiles.k) (ranks within \(String(format: "%.2g", error * 100))%)"
            return (.numbers(values, integer: c.type.isInteger), method)
        }
        precondition(c.frequent.isExact, "ProfileDrift.sample: a Misra–Gries summary is not a sample (see notComparable)")
        var labels: [String] = []
        for (key, count) in c.frequent.counts.sorted(by: { FrequentItems.order($0.key, $1.key) }) {
            let label: String
            switch key {
            case .bytes(let b): label = String(decoding: b, as: UTF8.self)
            case .number(let n): label = c.type == .bool ? (n == 0 ? "false" : "true") : String(n)
            }
            labels.append(contentsOf: repeatElement(label, count: Int(count)))
        }
        return (.categorical(labels), "profile: exact value counts")
    }

    /// Why a column cannot be compared from profiles, or nil: strings and booleans need exact
    /// value counts on both sides. A Misra–Gries summary (more distinct values than its
    /// capacity) undercounts every value by a different amount on each side, so comparing two of
    /// them measures the summaries, not the data.
    static func notComparable(_ a: Profiling.ColumnProfile, _ b: Profiling.ColumnProfile) -> String? {
        if a.type.isNumeric || (a.frequent.isExact && b.frequent.isExact) { return nil }
        return "more distinct values than the profile's frequent-items capacity (\(a.frequent.capacity)) on one side: "
            + "compare the streams, or profile with a larger --frequent-capacity"
    }

    /// The columns both profiles have (whole-table segment), in the reference's order, checked as
    /// `DriftColumns.select` checks streams. Without a list, columns that `notComparable` rejects
    /// are left out and returned as `skipped` (named in a list, they are an error).
    static func columns(_ list: String?, ref: ProfileSet, cur: ProfileSet, refName: String, curName: String,
                        stat: DriftStat) throws -> (names: [String], skipped: [(column: String, reason: String)]) {
        let whole = ref.columns.filter { $0.segment == "" }
        var names = whole.filter { stat.needsNumbers ? $0.type.isNumeric : $0.type != .bytes }.map(\.column)
        if let list {
            names = list.split(separator: ",").map { String($0).trimmingSpaces }
            guard !names.isEmpty, !names.contains("") else { throw ToolError.usage("--columns", "expected comma-separated column names") }
        }
        for n in names {
            guard let a = ref.profile(n) else { throw ToolError(refName, "no profile of column '\(n)'") }
            guard let b = cur.profile(n) else { throw ToolError(curName, "no profile of column '\(n)', which the reference has: the profiles differ") }
            guard a.type.isNumeric == b.type.isNumeric, a.type.isNumeric || a.type == b.type else {
                throw ToolError(curName, "column '\(n)' is \(b.type.rawValue), \(a.type.rawValue) in the reference: the profiles differ")
            }
            if stat.needsNumbers && !a.type.isNumeric {
                throw ToolError(n, "\(stat.rawValue) needs a numeric column; '\(n)' is \(a.type.rawValue) (use psi, js, linf, chi2 or hellinger)")
            }
            guard a.quantiles.k == b.quantiles.k else {
                throw ToolError(curName, "column '\(n)': KLL k \(b.quantiles.k), \(a.quantiles.k) in the reference: profile both with the same --kll-k")
            }
        }
        var skipped: [(column: String, reason: String)] = []
        for n in names {
            guard let reason = notComparable(ref.profile(n)!, cur.profile(n)!) else { continue }
            if list != nil { throw ToolError(n, reason) }
            skipped.append((n, reason))
        }
        names.removeAll { n in skipped.contains { $0.column == n } }
        if names.isEmpty { throw ToolError(refName, "no columns to compare (give --columns)") }
        return (names, skipped)
    }
}
