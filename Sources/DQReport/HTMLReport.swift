/// What the drift report shows, computed by the caller.
public struct ReportData: Sendable {
    /// The page title and the names of the two inputs.
    public var title: String
    public var reference: String
    public var current: String
    public var referenceRows: Int
    public var currentRows: Int
    /// The statistic the heat map shows (e.g. "js") and its drift threshold.
    public var stat: String
    public var threshold: Double
    /// Heat map: row labels (features), column labels (segments or days), values[row][column]
    /// (nil where a cell has no rows on one side).
    public var features: [String]
    public var segments: [String]
    public var values: [[Double?]]
    /// Side-by-side histograms of the top drifting features.
    public var histograms: [HistogramPanel]
    /// Rule results on the current input; nil when no rules were given.
    public var violations: [ViolationRow]?

    public init(title: String, reference: String, current: String, referenceRows: Int, currentRows: Int, stat: String,
                threshold: Double, features: [String], segments: [String], values: [[Double?]], histograms: [HistogramPanel],
                violations: [ViolationRow]?) {
        self.title = title; self.reference = reference; self.current = current
        self.referenceRows = referenceRows; self.currentRows = currentRows; self.stat = stat; self.threshold = threshold
        self.features = features; self.segments = segments; self.values = values; self.histograms = histograms
        self.violations = violations
    }
}

/// One feature's reference and current shares per bin.
public struct HistogramPanel: Sendable {
    public var feature: String
    public var value: Double
    public var labels: [String]
    public var reference: [Double]
    public var current: [Double]
    public init(feature: String, value: Double, labels: [String], reference: [Double], current: [Double]) {
        self.feature = feature; self.value = value; self.labels = labels; self.reference = reference; self.current = current
    }
}

/// One rule's line in the report.
public struct ViolationRow: Sendable {
    public var rule: String
    public var violations: Int
    public var examples: String
    public init(rule: String, violations: Int, examples: String) { self.rule = rule; self.violations = violations; self.examples = examples }
}

/// A self-contained HTML page with inline SVG (no script, no external resource), readable
/// offline and renderable by any browser or SVG rasterizer.
public enum HTMLReport {
    /// The whole page.
    public static func render(_ d: ReportData) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(d.title))</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2430;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
        .meta{color:#5b6574;font-size:13px}table{border-collapse:collapse;font-size:13px}
        td,th{border:1px solid #dde2ea;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f5f8}
        .fail{color:#b3261e;font-weight:600}.ok{color:#1e7a3c}.panels{display:flex;flex-wrap:wrap;gap:18px}
        </style></head><body>
        <h1>\(esc(d.title))</h1>
        <div class="meta">reference <b>\(esc(d.reference))</b> (\(d.referenceRows) rows) · current <b>\(esc(d.current))</b> (\(d.currentRows) rows) · statistic \(esc(d.stat)), drift at ≥ \(fmt(d.threshold))</div>

        """
        h += "<h2>Drift by feature and \(d.segments.count == 1 ? "input" : "segment")</h2>\n" + heatMap(d) + "\n"
        if !d.histograms.isEmpty {
            h += "<h2>Top drifting features</h2>\n<div class=\"panels\">\n"
            for p in d.histograms { h += histogram(p) + "\n" }
            h += "</div>\n"
        }
        if let v = d.violations {
            h += "<h2>Rule violations (current)</h2>\n<table><tr><th>rule</th><th>violations</th><th>examples</th></tr>\n"
            for r in v {
                h += "<tr><td>\(esc(r.rule))</td><td class=\"\(r.violations > 0 ? "fail" : "ok")\">\(r.violations)</td><td>\(esc(r.examples))</td></tr>\n"
            }
            h += "</table>\n"
        }
        return h + "</body></html>\n"
    }

    /// The heat map as one SVG: a cell per (feature, segment), white at 0 to red at the
    /// threshold and beyond, the value printed in the cell.
    public static func heatMap(_ d: ReportData) -> String {
        let cw = 64.0, ch = 24.0, left = 150.0, top = 70.0
        let w = left + cw * Double(d.segments.count) + 20, hgt = top + ch * Double(d.features.count) + 10
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(w))\" height=\"\(fmt(hgt))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        for (j, seg) in d.segments.enumerated() {
            let x = left + cw * Double(j) + cw / 2
            s += "<text x=\"\(fmt(x))\" y=\"\(fmt(top - 6))\" transform=\"rotate(-35 \(fmt(x)) \(fmt(top - 6)))\">\(esc(clip(seg, 14)))</text>\n"
        }
        for (i, f) in d.features.enumerated() {
            let y = top + ch * Double(i)
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + ch * 0.65))\" text-anchor=\"end\">\(esc(clip(f, 22)))</text>\n"
            for j in d.segments.indices {
                let x = left + cw * Double(j)
                let v = d.values[i][j]
                let fill = v.map { color($0 / max(d.threshold, 1e-12)) } ?? "#eeeeee"
                s += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cw - 2))\" height=\"\(fmt(ch - 2))\" fill=\"\(fill)\"><title>\(esc(f)) × \(esc(d.segments[j])): \(v.map(fmt) ?? "no rows")</title></rect>\n"
                s += "<text x=\"\(fmt(x + cw / 2 - 1))\" y=\"\(fmt(y + ch * 0.65))\" text-anchor=\"middle\" fill=\"\((v ?? 0) > d.threshold * 0.7 ? "#fff" : "#1d2430")\">\(v.map { fmt($0, digits: 3) } ?? "–")</text>\n"
            }
        }
        return s + "</svg>"
    }

    /// Reference and current shares as paired bars.
    public static func histogram(_ p: HistogramPanel) -> String {
        let w = 360.0, h = 200.0, left = 36.0, bottom = 40.0, top = 26.0
        let n = max(p.labels.count, 1)
        let peak = max((p.reference + p.current).max() ?? 0, 1e-12)
        let bw = (w - left - 8) / Double(n)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" font-family=\"sans-serif\" font-size=\"10\">\n"
        s += "<text x=\"\(fmt(left))\" y=\"14\" font-size=\"12\" font-weight=\"bold\">\(esc(clip(p.feature, 30))) — \(fmt(p.value, digits: 4))</text>\n"
        s += "<rect x=\"\(fmt(w - 150))\" y=\"6\" width=\"10\" height=\"10\" fill=\"#7a8ca6\"/><text x=\"\(fmt(w - 136))\" y=\"15\">reference</text>"
        s += "<rect x=\"\(fmt(w - 80))\" y=\"6\" width=\"10\" height=\"10\" fill=\"#d9534f\"/><text x=\"\(fmt(w - 66))\" y=\"15\">current</text>\n"
        let plot = h - bottom - top
        s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(h - bottom))\" x2=\"\(fmt(w - 8))\" y2=\"\(fmt(h - bottom))\" stroke=\"#888\"/>\n"
        s += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(top + 8))\" text-anchor=\"end\">\(fmt(peak, digits: 2))</text>\n"
        for i in 0..<p.labels.count {
            let x = left + bw * Double(i)
            for (k, share) in [p.reference[i], p.current[i]].enumerated() {
                let bh = plot * share / peak
                s += "<rect x=\"\(fmt(x + 1 + Double(k) * (bw - 2) / 2))\" y=\"\(fmt(h - bottom - bh))\" width=\"\(fmt(max((bw - 2) / 2, 0.5)))\" height=\"\(fmt(bh))\" fill=\"\(k == 0 ? "#7a8ca6" : "#d9534f")\"/>\n"
            }
            if n <= 12 || i % ((n + 11) / 12) == 0 {
                let lx = x + bw / 2
                s += "<text x=\"\(fmt(lx))\" y=\"\(fmt(h - bottom + 12))\" text-anchor=\"end\" transform=\"rotate(-30 \(fmt(lx)) \(fmt(h - bottom + 12)))\">\(esc(clip(p.labels[i], 10)))</text>\n"
            }
        }
        return s + "</svg>"
    }

    /// White → amber → red as `t` goes 0 → 0.5 → 1 (clamped).
    static func color(_ t0: Double) -> String {
        let t = min(max(t0, 0), 1)
        let (r, g, b): (Double, Double, Double) = t < 0.5
            ? (255, 255 - 60 * t * 2, 255 - 155 * t * 2)
            : (255 - 50 * (t - 0.5) * 2, 195 - 155 * (t - 0.5) * 2, 100 - 70 * (t - 0.5) * 2)
        func hex(_ x: Double) -> String { let v = Int(x.rounded()); return (v < 16 ? "0" : "") + String(v, radix: 16) }
        return "#" + hex(r) + hex(g) + hex(b)
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    static func fmt(_ x: Double) -> String { fmt(x, digits: 2) }

    /// A number with at most `digits` decimals, no exponent for ordinary magnitudes.
    static func fmt(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return x > 0 ? "∞" : x < 0 ? "-∞" : "nan" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (x * p).rounded() / p
        var s = "\(r)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        if s.contains("e") { s = "\(x)" }
        return s
    }

    /// Text escaped for HTML and SVG.
    public static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
