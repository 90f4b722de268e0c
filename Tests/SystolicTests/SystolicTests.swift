import Testing
@testable import Systolic

/// The closed formulas against the stepped register model, SCALE-Sim's published figures, and
/// the topology and config parsers.
@Suite struct SystolicTests {
    /// A small seeded generator (SplitMix64), so failures reproduce.
    struct Rng { var s: UInt64; mutating func next(_ n: Int) -> Int { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return Int((z ^ (z >> 31)) % UInt64(n)) } }

    static func matrix(_ r: Int, _ c: Int, _ rng: inout Rng) -> [[Int]] { (0..<r).map { _ in (0..<c).map { _ in rng.next(7) - 3 } } }
    static func product(_ a: [[Int]], _ w: [[Int]]) -> [[Int]] {
        a.map { row in (0..<w[0].count).map { j in zip(row, w).reduce(0) { $0 + $1.0 * $1.1[j] } } }
    }

    @Test func formulasMatchTheSteppedArrayOnRandomLayers() {
        var rng = Rng(s: 14)
        for _ in 0..<60 {
            let rows = 1 + rng.next(5), cols = 1 + rng.next(5)
            // A small convolution; its GEMM view (M pixels × K window) · (K × N filters).
            let fh = 1 + rng.next(3), fw = 1 + rng.next(3), stride = 1 + rng.next(2)
            let layer = SystolicLayerShape(name: "l", ifmapHeight: fh + rng.next(4), ifmapWidth: fw + rng.next(4), filterHeight: fh,
                                           filterWidth: fw, channels: 1 + rng.next(3), filters: 1 + rng.next(7),
                                           strideHeight: stride, strideWidth: stride)
            let m = layer.outputPixels, k = layer.window, n = layer.filters
            let a = Self.matrix(m, k, &rng), w = Self.matrix(k, n, &rng)
            let reference = Self.product(a, w)
            let array = SteppedArray(rows: rows, cols: cols)
            for df in SystolicDataflow.allCases {
                let config = SystolicConfig(rows: rows, cols: cols, dataflow: df)
                let timing = SystolicModel.time(layer, config)
                let stepped: (out: [[Int]], cycles: Int)
                switch df {
                case .weightStationary: stepped = array.runStationary(a: a, w: w)
                case .outputStationary: stepped = array.runOutputStationary(a: a, w: w)
                case .inputStationary:
                    // IS keeps the inputs (K × M) and streams the filters: the transposed problem.
                    let t = array.runStationary(a: transpose(w), w: transpose(a))
                    stepped = (transpose(t.out), t.cycles)
                }
                #expect(stepped.out == reference, "\(df) \(rows)x\(cols) \(layer)")
                #expect(timing.computeCycles == stepped.cycles, "\(df) \(rows)x\(cols) M=\(m) N=\(n) K=\(k)")
            }
        }
    }

    func transpose(_ x: [[Int]]) -> [[Int]] { (0..<x[0].count).map { j in x.map { $0[j] } } }

    /// Issue 14's SCALE-Sim measurements on a 32×32 array.
    @Test func reproducesSCALESimsPublishedComputeCycles() {
        let gemm = SystolicLayerShape(name: "gemm", m: 256, n: 256, k: 256)
        let conv = SystolicLayerShape(name: "layer1.0.conv1", ifmapHeight: 58, ifmapWidth: 58, filterHeight: 3, filterWidth: 3,
                                      channels: 64, filters: 64, strideHeight: 1, strideWidth: 1)
        func cycles(_ l: SystolicLayerShape, _ df: SystolicDataflow) -> Int { SystolicModel.time(l, SystolicConfig(dataflow: df)).computeCycles }
        #expect(cycles(gemm, .weightStationary) == 22_399)
        #expect(cycles(gemm, .outputStationary) == 20_351)
        #expect(cycles(conv, .weightStationary) == 116_279)
        #expect(cycles(conv, .outputStationary) == 125_047)
        #expect(cycles(conv, .inputStationary) == 278_711)
    }

    @Test func foldEdgeCases() {
        // Exact multiples, one short, one over; a 1×1 array; a layer smaller than the array.
        let config = SystolicConfig(rows: 8, cols: 4, dataflow: .weightStationary)
        for (k, n, folds) in [(8, 4, (1, 1)), (7, 3, (1, 1)), (9, 5, (2, 2)), (16, 8, (2, 2)), (17, 9, (3, 3))] {
            let t = SystolicModel.time(SystolicLayerShape(name: "g", m: 10, n: n, k: k), config)
            #expect((t.rowFolds, t.colFolds) == folds)
            #expect(t.computeCycles == folds.0 * folds.1 * (2 * 8 + 4 + 10 - 2) - 1)
            #expect(abs(t.mappingEfficiency - Double(k * n) / Double(folds.0 * folds.1 * 32)) < 1e-12)
            #expect(t.filterSramReads == k * n)
        }
        let one = SystolicModel.time(SystolicLayerShape(name: "g", m: 3, n: 2, k: 5), SystolicConfig(rows: 1, cols: 1, dataflow: .outputStationary))
        #expect(one.rowFolds == 3 && one.colFolds == 2 && one.computeCycles == 6 * 5 - 1 && one.mappingEfficiency == 1)
    }

    @Test func memoryThatFitsNeverStalls() {
        // Everything fits 512 KB; at 4 words per cycle the fill and the drain bracket compute.
        let layer = SystolicLayerShape(name: "small3x3", ifmapHeight: 18, ifmapWidth: 18, filterHeight: 3, filterWidth: 3,
                                       channels: 16, filters: 24, strideHeight: 1, strideWidth: 1)
        let t = SystolicModel.time(layer, SystolicConfig(bandwidth: 4))
        #expect(t.stallModel == "exact" && t.stallCycles == 0)
        // SCALE-Sim 3.0.0: 19,668 cycles with prefetch, 1,749 compute (Tests/Data/systolic/conv.csv).
        #expect(t.computeCycles == 1_749 && t.cyclesWithPrefetch == 19_668)
        #expect(SystolicModel.time(layer, SystolicConfig()).stallModel == "none")
    }

    /// Where operands fit, the memory replay and the closed formulas are two derivations of one
    /// model: they must agree on every figure.
    @Test func replayAgreesWithTheFormulasWhereOperandsFit() {
        var rng = Rng(s: 99)
        var compared = 0
        for _ in 0..<80 {
            let layer = SystolicLayerShape(name: "g", m: 1 + rng.next(40), n: 1 + rng.next(40), k: 1 + rng.next(40))
            let config = SystolicConfig(rows: 1 + rng.next(8), cols: 1 + rng.next(8), dataflow: SystolicDataflow.allCases[rng.next(3)],
                                        ifmapKB: 4, filterKB: 4, ofmapKB: 4, bandwidth: 1 + rng.next(8))
            let t = SystolicModel.time(layer, config)
            guard t.stallModel == "exact" else { continue }
            let r = SystolicMemoryReplay(layer: layer, config: config, dims: t.dims, rowFolds: t.rowFolds, colFolds: t.colFolds,
                                         foldCycles: t.foldCycles, bandwidth: config.bandwidth!)
            #expect(r.stallCycles == 0)
            #expect(r.totalCycles == t.totalCycles)
            #expect(r.cyclesWithPrefetch == t.cyclesWithPrefetch, "\(layer) \(config)")
            #expect(r.ifmapDramReads == t.ifmapDramReads && r.filterDramReads == t.filterDramReads && r.ofmapDramWrites == t.ofmapDramWrites)
            compared += 1
        }
        #expect(compared > 40)
    }

    /// Less SRAM or less bandwidth never makes a layer faster.
    @Test func stallsGrowAsMemoryShrinks() {
        let layer = SystolicLayerShape(name: "c", ifmapHeight: 20, ifmapWidth: 20, filterHeight: 3, filterWidth: 3,
                                       channels: 8, filters: 16, strideHeight: 1, strideWidth: 1)
        for df in SystolicDataflow.allCases {
            var previous = -1
            for bw in [64, 16, 4, 1] {
                let t = SystolicModel.time(layer, SystolicConfig(rows: 8, cols: 8, dataflow: df, ifmapKB: 1, filterKB: 1, ofmapKB: 1, bandwidth: bw))
                #expect(t.stallModel == "replay")
                #expect(t.cyclesWithPrefetch! >= previous, "\(df) bw \(bw)")
                previous = t.cyclesWithPrefetch!
            }
        }
    }

    @Test func calcModeReadsEachTouchedWordOnce() {
        // SCALE-Sim 3.0.0 (CALC): 18x18x16 fully covered; 23x23x8 at stride 2 too; a stride
        // wider than the filter leaves rows and columns out.
        let full = SystolicLayerShape(name: "a", ifmapHeight: 18, ifmapWidth: 18, filterHeight: 3, filterWidth: 3, channels: 16, filters: 24, strideHeight: 1, strideWidth: 1)
        let strided = SystolicLayerShape(name: "b", ifmapHeight: 23, ifmapWidth: 23, filterHeight: 3, filterWidth: 3, channels: 8, filters: 40, strideHeight: 2, strideWidth: 2)
        let gaps = SystolicLayerShape(name: "c", ifmapHeight: 10, ifmapWidth: 9, filterHeight: 2, filterWidth: 2, channels: 3, filters: 4, strideHeight: 4, strideWidth: 4)
        #expect(SystolicModel.time(full, SystolicConfig()).ifmapDramReads == 5_184)
        #expect(SystolicModel.time(strided, SystolicConfig()).ifmapDramReads == 4_232)
        // Rows [0,2) [4,6) [8,10); columns [0,2) [4,6) [8,9) (the last window runs off the edge,
        // SCALE-Sim reads what is inside): 6 · 5 · 3.
        #expect(SystolicModel.time(gaps, SystolicConfig()).ifmapDramReads == 90)
        #expect(SystolicModel.time(full, SystolicConfig()).filterDramReads == 144 * 24)
    }

    @Test func topologyParsing() throws {
        let layers = try SystolicTopology.parse("Layer, h, w, fh, fw, c, n, s,\nconv1, 10, 12, 3, 3, 4, 8, 2,\n\ngemm, 64, 32, 16,\nDPw, 8, 8, 3, 3, 3, 1, 1, 1:1,\n")
        #expect(layers.map(\.name) == ["conv1", "gemm", "DPwChannel_0", "DPwChannel_1", "DPwChannel_2"])
        #expect(layers[0].ofmapHeight == 5 && layers[0].ofmapWidth == 6)   // ⌈(10 − 3 + 2) / 2⌉, ⌈(12 − 3 + 2) / 2⌉
        #expect(layers[1].outputPixels == 64 && layers[1].window == 16 && layers[1].filters == 32)
        for (text, line) in [("h\nx, 1, 2,\n", 2), ("h\nok, 4, 4, 4,\nbad, 4, 4, five,\n", 3), ("h\nc, 3, 3, 4, 4, 1, 1, 1,\n", 2),
                             ("h\nz, 0, 4, 4,\n", 2), ("h\ns, 4, 4, 4, 2:4,\n", 2), ("only a header\n", 1)] {
            #expect(throws: SystolicInputError.self) { _ = try SystolicTopology.parse(text) }
            do { _ = try SystolicTopology.parse(text) } catch let e as SystolicInputError { #expect(e.line == line, "\(text)") } catch {}
        }
    }

    @Test func topologyParsingSurvivesRandomMutations() {
        var rng = Rng(s: 7)
        let base = Array("Layer,a,b,c,d,e,f,g,\nconv1, 10, 12, 3, 3, 4, 8, 2,\ngemm, 64, 32, 16,\n".utf8)
        for _ in 0..<500 {
            var bytes = base
            for _ in 0..<1 + rng.next(4) { bytes[rng.next(bytes.count)] = UInt8(rng.next(128)) }
            if let layers = try? SystolicTopology.parse(String(decoding: bytes, as: UTF8.self)) {
                for l in layers { #expect(l.problem == nil) }
            }
        }
    }

    @Test func configParsingSurvivesRandomMutations() {
        var rng = Rng(s: 21)
        let base = Array("[run_presets]\nInterfaceBandwidth = USER\n[architecture_presets]\nArrayHeight = 16\nArrayWidth = 8\nIfmapSramSzkB = 64\nFilterSramSzkB = 32\nOfmapSramSzkB = 16\nDataflow = is\nBandwidth = 20\n".utf8)
        var accepted = 0
        for _ in 0..<500 {
            var bytes = base
            for _ in 0..<1 + rng.next(3) { bytes[rng.next(bytes.count)] = UInt8(rng.next(128)) }
            if let c = try? SystolicConfigFile.parse(String(decoding: bytes, as: UTF8.self)) { #expect(c.problem == nil); accepted += 1 }
        }
        #expect(accepted < 500)
    }

    @Test func configParsing() throws {
        let text = """
            [general]
            run_name = t
            [run_presets]
            InterfaceBandwidth = USER
            [architecture_presets]
            ArrayHeight = 16
            ArrayWidth = 8
            IfmapSramSzkB = 64
            FilterSramSzkB = 32
            OfmapSramSzkB = 16
            Dataflow = is
            Bandwidth = 20
            """
        let c = try SystolicConfigFile.parse(text)
        #expect(c == SystolicConfig(rows: 16, cols: 8, dataflow: .inputStationary, ifmapKB: 64, filterKB: 32, ofmapKB: 16, bandwidth: 20))
        for (bad, line) in [(text.replacingLine("Dataflow = is", "Dataflow = rs"), 11), (text.replacingLine("ArrayWidth = 8", "ArrayWidth = eight"), 7),
                            (text.replacingLine("Bandwidth = 20", "Bandwidth = fast"), 12), (text + "\n[sparsity]\nSparsitySupport = true", 14)] {
            do { _ = try SystolicConfigFile.parse(bad); Issue.record("accepted \(bad)") } catch let e as SystolicInputError { #expect(e.line == line, "\(e)") } catch { Issue.record("\(error)") }
        }
    }
}

extension String {
    func replacingLine(_ old: String, _ new: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix(old) ? Substring($0.dropLast(old.count) + new) : $0 }.joined(separator: "\n")
    }
}
