/// The terminal rendering of bench results: one aligned row per result.
public enum TableRenderer {
    public static let columns = ["suite", "site", "op", "shape", "thr", "min ms", "median ms", "max ms",
                                 "GFLOP/s", "GB/s", "roofline", "peer", "ratio", "cpu ratio"]

    /// The header line, for printing before the first row.
    public static func header() -> String { format(columns) }

    /// One result as a table row.
    public static func row(_ r: BenchRecord) -> String {
        format([
            r.suite, r.site, r.op, r.dtype == "f32" ? r.shape : r.shape + " " + r.dtype, String(r.threads),
            fixed(r.timing.minSeconds * 1e3, 3), fixed(r.timing.medianSeconds * 1e3, 3), fixed(r.timing.maxSeconds * 1e3, 3),
            fixed(r.gflops, 1), fixed(r.gbPerSecond, 1),
            r.rooflineFraction.isNaN ? "-" : fixed(r.rooflineFraction * 100, 0) + "%",
            r.peer ?? "-",
            r.ratio.isNaN ? "-" : fixed(r.ratio, 2) + "x",
            r.cpuRatio.isNaN ? "-" : fixed(r.cpuRatio, 2) + "x",
        ])
    }

    /// `op-bench --list`: one tab-separated line per case (suite, site, op, shape, GFLOP, MB).
    public static func listing(_ cases: [BenchCase]) -> String {
        cases.map { c in
            [c.suite, c.site, c.spec.op, c.spec.shape, fixed(c.spec.flops / 1e9, 3) + " GFLOP",
             fixed(c.spec.bytes / 1e6, 3) + " MB"].joined(separator: "\t") + "\n"
        }.joined()
    }

    static let widths = [9, 18, 18, 28, 3, 9, 9, 9, 8, 7, 8, 14, 6, 9]

    static func format(_ cells: [String]) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            let width = widths[i]
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            // Numbers right-aligned, text left-aligned.
            line += (i >= 4 && i != 11 ? padding + cell : cell + padding) + (i + 1 < cells.count ? "  " : "")
        }
        return line
    }

    /// `value` with `digits` decimals, without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        if !value.isFinite { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (value < 0 && scaled != 0 ? "-" : "") + text
    }
}
