import DQReport
import Testing

@Suite struct ReportTests {
    func data(_ name: String) -> ReportData {
        ReportData(title: "t", reference: "a<b.tbl", current: "c&d.tbl", referenceRows: 10, currentRows: 12, stat: "js", threshold: 0.1,
                   features: [name, "x"], segments: ["s1", "s2", "s3"], values: [[0.0, 0.05, nil], [0.2, 1.0, 0.01]],
                   histograms: [HistogramPanel(feature: name, value: 0.2, labels: ["1", "2"], reference: [0.5, 0.5], current: [0.9, 0.1])],
                   violations: [ViolationRow(rule: "range <rating>", violations: 3, examples: "row 1: value \"9\"")])
    }

    @Test func thePageIsSelfContainedAndEscaped() {
        let html = HTMLReport.render(data("<script>alert(1)</script>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("a&lt;b.tbl") && html.contains("c&amp;d.tbl"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        // One heat map and one histogram; a rect per heat-map cell.
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains("no rows"))
        #expect(html.contains("range &lt;rating&gt;") && html.contains("class=\"fail\">3"))
    }

    @Test func cellsGoFromWhiteToRed() {
        let heat = HTMLReport.heatMap(data("f"))
        #expect(heat.contains("fill=\"#ffffff\""))    // 0
        #expect(heat.contains("fill=\"#cd281e\""))    // at or over the threshold
        #expect(heat.contains("fill=\"#eeeeee\""))    // no rows on one side
    }
}
