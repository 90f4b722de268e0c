import Foundation
import Placement
import Simulation

/// `--heatmap`: the mesh drawn once per time window (small multiples, left to right in time):
/// each core a square coloured by its compute utilization in the window (MAC array or vector
/// unit busy / window length), each link between neighbours a line coloured and thickened by
/// its load (busy / window length, the busier direction), each DRAM channel a small square at
/// its edge. Every number is also in `data-*` attributes and a `<title>` (hover), and a legend
/// explains the scale; plain SVG, no script or external file, so it reads offline.
enum HeatMap {
    static let windows = 8

    static func svg(_ r: SimResult, _ input: PlacedProgram) -> String {
        let topo = input.topology
        let R = topo.rows, C = topo.cols, N = topo.nodeCount
        let W = windows
        let span = max(r.makespan, 1)
        let window = (Double(span) / Double(W))
        // Busy cycles per window: compute per core, per link, per channel.
        var coreBusy = [Double](repeating: 0, count: N * W)
        var linkBusy = [Double](repeating: 0, count: topo.linkCount * W)
        var channelBusy = [Double](repeating: 0, count: topo.channelCount * W)
        let ev = r.events
        for k in 0..<ev.count {
            let u = ev.unit[k], res = Int(ev.resource[k])
            guard u != SimUnit.sramPort.rawValue else { continue }
            let s = Double(ev.start[k]), e = Double(ev.end[k])
            var w = min(W - 1, Int(s / window))
            while w < W, Double(w) * window < e {
                let overlap = min(e, Double(w + 1) * window) - max(s, Double(w) * window)
                if overlap > 0 {
                    switch u {
                    case SimUnit.nocLink.rawValue: if res < topo.linkCount { linkBusy[res * W + w] += overlap }
                    case SimUnit.dramChannel.rawValue: if res < topo.channelCount { channelBusy[res * W + w] += overlap }
                    default: if res < N { coreBusy[res * W + w] += overlap }
                    }
                }
                w += 1
            }
        }
        let cell = 16.0, gap = 6.0, margin = 14.0
        let meshW = Double(C) * (cell + gap) + 2 * margin, meshH = Double(R) * (cell + gap) + 2 * margin + 16
        let perRow = min(W, 4)
        let width = Double(perRow) * meshW + 40, height = Double((W + perRow - 1) / perRow) * meshH + 150
        var s = ""
        func p(_ x: String) { s += x + "\n" }
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        func v(_ x: Double) -> String { String(format: "%.4f", min(max(x, 0), 9.9999)) }
        let cyclesPerMicro = input.arch.clockGhz * 1000
        p("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\" data-graph=\"\(xml(input.graphName))\" data-arch=\"\(xml(input.arch.name))\" data-makespan-cycles=\"\(r.makespan)\" data-windows=\"\(W)\" data-window-cycles=\"\(f(window))\">")
        p("<title>npu-sim heat map: \(xml(input.graphName)) on \(xml(input.arch.name))</title>")
        p("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        p("<text x=\"20\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(xml(input.graphName)) on \(xml(input.arch.name)): \(r.makespan) cycles (\(String(format: "%.1f", Double(r.makespan) / cyclesPerMicro)) µs), MAC utilization \(String(format: "%.1f%%", 100 * r.macUtilization))</text>")
        p("<text x=\"20\" y=\"38\">Each panel is the \(R)x\(C) mesh in one of \(W) equal time windows. Squares: core compute busy (MAC array or vector unit).</text>")
        p("<text x=\"20\" y=\"52\">Lines: link load, the busier direction (wrap-around links not drawn). Small squares at the edges: DRAM channels.</text>")
        for w in 0..<W {
            let ox = 20 + Double(w % perRow) * meshW, oy = 62 + Double(w / perRow) * meshH
            let t0 = Double(w) * window, t1 = Double(w + 1) * window
            p("<g data-window=\"\(w)\" data-start-cycle=\"\(Int(t0))\" data-end-cycle=\"\(Int(t1))\" transform=\"translate(\(f(ox)),\(f(oy)))\">")
            p("<text x=\"\(f(margin))\" y=\"10\">window \(w): cycles \(Int(t0))–\(Int(t1))</text>")
            func center(_ n: Int) -> (Double, Double) {
                (margin + Double(n % C) * (cell + gap) + cell / 2, 16 + margin + Double(n / C) * (cell + gap) + cell / 2)
            }
            // Links between neighbours (the wrap-around links of a torus are not drawn; their load is in the stream).
            for n in 0..<N {
                for d in [0, 2] {
                    let l = 4 * n + d
                    let m = topo.linkTo[l]
                    guard m >= 0, topo.exists(l) else { continue }
                    let back = 4 * m + (d == 0 ? 1 : 3)
                    let (ax, ay) = center(n), (bx, by) = center(m)
                    guard abs(ax - bx) + abs(ay - by) <= cell + gap + 0.5 else { continue }
                    let a = linkBusy[l * W + w] / window, b = back < topo.linkCount ? linkBusy[back * W + w] / window : 0
                    let load = max(a, b)
                    let width = 1 + 4 * min(load, 1)
                    p("<line x1=\"\(f(ax))\" y1=\"\(f(ay))\" x2=\"\(f(bx))\" y2=\"\(f(by))\" stroke=\"\(color(load, links: true))\" stroke-width=\"\(f(width))\" data-link=\"\(l)\" data-link-back=\"\(back)\" data-load=\"\(v(a))\" data-load-back=\"\(v(b))\"><title>links \(l) and \(back) (core \(n) - core \(m)): load \(pct(a)) / \(pct(b))</title></line>")
                }
            }
            for n in 0..<N {
                let (x, y) = center(n)
                if !topo.enabled[n] {
                    p("<rect x=\"\(f(x - cell / 2))\" y=\"\(f(y - cell / 2))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"#999\" data-core=\"\(n)\" data-disabled=\"true\"><title>core \(n): disabled</title></rect>")
                    continue
                }
                let u = coreBusy[n * W + w] / window
                p("<rect x=\"\(f(x - cell / 2))\" y=\"\(f(y - cell / 2))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(color(u, links: false))\" stroke=\"#444\" stroke-width=\"0.5\" data-core=\"\(n)\" data-row=\"\(n / C)\" data-col=\"\(n % C)\" data-utilization=\"\(v(u))\"><title>core \(n) (\(n / C),\(n % C)): compute busy \(pct(u))</title></rect>")
            }
            for ch in 0..<topo.channelCount {
                let (x, y) = center(topo.channelNode[ch])
                let dx = input.arch.dram[ch].col < 0 ? -(cell / 2 + gap / 2 + 4) : (input.arch.dram[ch].col >= C ? cell / 2 + gap / 2 + 4 : 0)
                let dy = input.arch.dram[ch].row < 0 ? -(cell / 2 + gap / 2 + 4) : (input.arch.dram[ch].row >= R ? cell / 2 + gap / 2 + 4 : 0)
                let u = channelBusy[ch * W + w] / window
                p("<rect x=\"\(f(x + dx - 4))\" y=\"\(f(y + dy - 4))\" width=\"8\" height=\"8\" fill=\"\(color(u, links: true))\" stroke=\"#000\" stroke-width=\"0.5\" data-channel=\"\(ch)\" data-load=\"\(v(u))\"><title>DRAM channel \(ch): busy \(pct(u))</title></rect>")
            }
            p("</g>")
        }
        // Legend.
        let ly = height - 80
        p("<g data-legend=\"true\" transform=\"translate(20,\(f(ly)))\">")
        p("<text x=\"0\" y=\"0\" font-weight=\"bold\">Legend</text>")
        for i in 0...10 {
            let x = Double(i) / 10
            p("<rect x=\"\(f(Double(i) * 22))\" y=\"8\" width=\"22\" height=\"12\" fill=\"\(color(x, links: false))\" data-value=\"\(v(x))\"/>")
            p("<rect x=\"\(f(300 + Double(i) * 22))\" y=\"8\" width=\"22\" height=\"12\" fill=\"\(color(x, links: true))\" data-value=\"\(v(x))\"/>")
        }
        p("<text x=\"0\" y=\"34\">core compute busy: 0% … 100% of the window</text>")
        p("<text x=\"300\" y=\"34\">link / DRAM channel busy: 0% … 100% (lines also thicker)</text>")
        p("<text x=\"0\" y=\"52\">grey: a disabled core. Values: data-utilization, data-load (fractions of the window); cycles in data-start-cycle/data-end-cycle.</text>")
        p("</g>")
        p("</svg>")
        return s
    }

    static func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

    /// White to dark blue for cores, white to dark red for links (0 ... 1, clamped).
    static func color(_ x: Double, links: Bool) -> String {
        let t = min(max(x.isFinite ? x : 0, 0), 1)
        let to: (Double, Double, Double) = links ? (165, 15, 21) : (8, 48, 107)
        let from: (Double, Double, Double) = (247, 251, 255)
        let c = [from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t, from.2 + (to.2 - from.2) * t]
        return "#" + c.map { String(format: "%02x", Int($0.rounded())) }.joined()
    }

    /// Text for an XML attribute or element.
    static func xml(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
