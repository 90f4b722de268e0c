import Capnp
import Foundation
import Kernels
import Benchmarking
import Schemas
import Testing

@Suite struct OpBenchTests {
    /// One small case of every operator kind, so every runner path executes.
    static let tinySpecs: [OpSpec] = [
        .matmul(batch: 2, m: 5, n: 7, k: 3, transposedB: false),
        .matmul(batch: 1, m: 1, n: 9, k: 20, transposedB: true),
        .conv2d(n: 1, cin: 4, h: 6, w: 6, cout: 8, kh: 3, kw: 3, stride: 2, pad: 1, groups: 2),
        .conv2d(n: 1, cin: 4, h: 6, w: 6, cout: 4, kh: 3, kw: 3, stride: 1, pad: 1, groups: 4),
        .softmax(rows: 3, n: 17), .layerNorm(rows: 3, n: 17), .rmsNorm(rows: 3, n: 17),
        .unary(.geluErf, count: 33), .binary(.mul, count: 33),
        .attention(b: 1, hq: 2, hkv: 1, sq: 5, sk: 9, d: 8, causal: true),
        .maxPool(n: 1, c: 2, h: 9, w: 9, kernel: 3, stride: 2, pad: 1),
        .globalAveragePool(n: 1, c: 3, h: 4, w: 4),
        .resize(n: 1, c: 2, h: 5, w: 7, oh: 10, ow: 3, linear: true), .resize(n: 1, c: 2, h: 5, w: 7, oh: 9, ow: 14, linear: false),
        .gridSample(n: 2, c: 3, h: 5, w: 7, oh: 4, ow: 6, linear: true), .gridSample(n: 1, c: 3, h: 5, w: 7, oh: 4, ow: 6, linear: false),
        .lowPrecisionMatmul(dtype: .bf16, m: 9, n: 50, k: 13), .lowPrecisionMatmul(dtype: .int8, m: 9, n: 50, k: 13),
    ]

    @Test func everySpecRunsAndCountsWork() throws {
        for spec in Self.tinySpecs {
            let run = try PreparedCase.make(spec, threading: .single)
            run()
            // Nearest resampling only copies: no arithmetic, judged by bytes.
            #expect((spec.flops > 0 || spec.shape.hasSuffix("nearest")) && spec.bytes > 0, "\(spec.op) \(spec.shape)")
            #expect(!spec.op.isEmpty && !spec.shape.isEmpty)
        }
        #expect(OpSpec.matmul(batch: 1, m: 2048, n: 2048, k: 2048, transposedB: false).flops == 2 * pow(2048, 3))
        // Causal attention counts the visible half (plus diagonal) of the score matrix.
        let full = OpSpec.attention(b: 1, hq: 1, hkv: 1, sq: 4, sk: 4, d: 2, causal: false).flops
        let causal = OpSpec.attention(b: 1, hq: 1, hkv: 1, sq: 4, sk: 4, d: 2, causal: true).flops
        #expect(causal == full * 10 / 16)
    }

    @Test func peerRequestsAreJSONWithTheShape() throws {
        for (i, spec) in Self.tinySpecs.enumerated() {
            let line = PeerRequest.prepare(id: i, peer: "numpy", threads: 2, spec: spec)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["id"] as? Int == i && object["threads"] as? Int == 2 && object["peer"] as? String == "numpy")
            #expect(object["op"] is String && object["cmd"] as? String == "prepare")
        }
        let conv = PeerRequest.prepare(id: 0, peer: "onnxruntime", threads: 1, spec: Self.tinySpecs[2])
        let object = try JSONSerialization.jsonObject(with: Data(conv.utf8)) as! [String: Any]
        #expect(object["groups"] as? Int == 2 && object["stride"] as? Int == 2 && object["cout"] as? Int == 8)
        let batch = try JSONSerialization.jsonObject(with: Data(PeerRequest.batch(id: 7, minRepetitions: 2, maxRepetitions: 25,
                                                                                  minSeconds: 0.05).utf8)) as! [String: Any]
        #expect(batch["id"] as? Int == 7 && batch["cmd"] as? String == "batch" && batch["min_reps"] as? Int == 2
                && batch["max_reps"] as? Int == 25 && batch["min_seconds"] as? Double == 0.05)
    }

    /// A peer that logs its calls and answers every batch with fixed samples.
    final class FakePeer: BenchPeer {
        var log: [String] = []
        var skip: String?
        func prepare(id: Int, case c: BenchCase, threads: Int) throws -> PeerReply {
            log.append("prepare \(id)")
            return skip.map { .skipped(reason: $0) } ?? .ready(peer: "fake 1.0; path")
        }
        func batch(id: Int, minRepetitions: Int, maxRepetitions: Int, minSeconds: Double) throws -> TimingSamples {
            log.append("batch \(id) \(minRepetitions)-\(maxRepetitions) \(minSeconds)")
            return TimingSamples(samples: Array(repeating: 2.0, count: minRepetitions), cpuSeconds: 4.0 * Double(minRepetitions))
        }
    }

    @Test func peerBatchesAlternateWithOurs() throws {
        let c = BenchCase(suite: "s", site: "x", spec: .softmax(rows: 2, n: 3))
        var plan = BenchPlan(cases: [c], threadCounts: [1])
        plan.peer = "fake"
        plan.minRepetitions = 5
        plan.maxRepetitions = 40
        plan.minSeconds = 0
        plan.rounds = 4
        let peer = FakePeer()
        var records: [BenchRecord] = []
        try BenchRunner.run(plan, peer: peer) { records.append($0) }
        // 5 runs over 4 rounds: 2 a batch, at most 10; the peer's batches are timed in between ours.
        #expect(peer.log == ["prepare 0"] + Array(repeating: "batch 0 2-10 0.0", count: 4))
        let r = try #require(records.first)
        #expect(r.timing.repetitions == 8 && r.peer == "fake 1.0; path" && r.peerMedianSeconds == 2 && r.peerCpuSeconds == 4)
        #expect(r.peerRepetitions == 8 && r.peerMinSeconds == 2 && r.peerMaxSeconds == 2)
        peer.skip = "no such op"
        peer.log = []
        records = []
        try BenchRunner.run(plan, peer: peer) { records.append($0) }
        #expect(peer.log == ["prepare 0"] && records.first?.peerNote == "no such op" && records.first?.peer == nil)
        #expect(records.first?.timing.repetitions == 5)
    }

    @Test func timingStatistics() {
        let odd = Timing(samples: [3, 1, 2])
        #expect(odd.minSeconds == 1 && odd.medianSeconds == 2 && odd.maxSeconds == 3 && odd.repetitions == 3)
        #expect(Timing(samples: [4, 1, 3, 2]).medianSeconds == 2.5)
        var calls = 0
        let measured = Timing.measure(minRepetitions: 4, maxRepetitions: 6, minSeconds: 0) { calls += 1 }
        #expect(measured.repetitions == 4 && calls == 5)  // one untimed warm-up
        #expect(measured.cpuSeconds >= 0 && measured.cpuSeconds.isFinite)
        var batches = TimingSamples()
        batches.measure(minRepetitions: 2, maxRepetitions: 2, minSeconds: 0) { calls += 1 }
        batches.add(TimingSamples(samples: [7, 9], cpuSeconds: 1))
        #expect(calls == 7 && batches.samples.count == 4 && batches.timing.maxSeconds == 9)
    }

    @Test func recordsRoundTripThroughTheSchema() throws {
        let c = BenchCase(suite: "kernels", site: "sgemm", spec: .matmul(batch: 1, m: 64, n: 64, k: 64, transposedB: false))
        var timing = Timing(samples: [0.001, 0.002, 0.004])
        timing.cpuSeconds = 0.0025
        var record = BenchRecord(case: c, threads: 2, timing: timing,
                                 roofline: Roofline(threads: 2, peakFlops: 200e9, bandwidth: 40e9))
        record.peer = "numpy 2.4.6"
        record.peerMedianSeconds = 0.003
        record.peerCpuSeconds = 0.005
        record.peerMinSeconds = 0.0025
        record.peerMaxSeconds = 0.004
        record.peerRepetitions = 6
        let builder = MessageBuilder()
        let frame = BenchFrame.Builder(builder.initRoot(dataWords: BenchFrame.dataWordCount, pointerCount: BenchFrame.pointerCount))
        record.write(into: frame.initResult())
        guard case .result(let reader) = try frame.asReader().which() else {
            Issue.record("not a result frame")
            return
        }
        let back = try BenchRecord(reader)
        #expect(back == record)
        #expect(Swift.abs(reader.ratio - 1.5) < 1e-12 && Swift.abs(reader.gflopsPerSecond - record.gflops) < 1e-9)
        #expect(reader.cpuSeconds == 0.0025 && reader.peerCpuSeconds == 0.005 && back.cpuRatio == 2)
        #expect(Swift.abs(reader.rooflineFraction - max(c.spec.flops / 200e9, c.spec.bytes / 40e9) / 0.002) < 1e-12)
        // Without a roofline or a peer those fields are NaN / empty and read back as nil.
        var one = Timing(samples: [1])
        one.cpuSeconds = 1
        let plain = BenchRecord(case: c, threads: 1, timing: one, roofline: nil)
        builder.reset()
        let frame2 = BenchFrame.Builder(builder.initRoot(dataWords: BenchFrame.dataWordCount, pointerCount: BenchFrame.pointerCount))
        plain.write(into: frame2.initResult())
        guard case .result(let r2) = try frame2.asReader().which() else { return }
        let plainBack = try BenchRecord(r2)
        #expect(r2.rooflineFraction.isNaN && r2.ratio.isNaN && plainBack == plain)
    }

    @Test func suiteSelection() throws {
        #expect(throws: KernelError.self) { try BenchPlan.select(suites: ["nope"], filter: nil) }
        for name in Suites.names {
            let cases = try BenchPlan.select(suites: [name], filter: nil)
            #expect(!cases.isEmpty, "\(name)")
        }
        let convs = try BenchPlan.select(suites: ["resnet50"], filter: "CONV")
        #expect(!convs.isEmpty && convs.allSatisfy { $0.spec.op.hasPrefix("Conv") })
        let none = try BenchPlan.select(suites: ["resnet50", "bert-base"], filter: "no such thing")
        #expect(none.isEmpty)
    }

    @Test func tableFormatting() {
        #expect(TableRenderer.fixed(12.5, 0) == "13" && TableRenderer.fixed(-0.25, 1) == "-0.3")
        #expect(TableRenderer.fixed(0.05, 3) == "0.050" && TableRenderer.fixed(.nan, 2) == "nan")
        let listing = TableRenderer.listing([BenchCase(suite: "s", site: "x", spec: .softmax(rows: 2, n: 3))])
        #expect(listing == "s\tx\tSoftmax\t2×3\t0.000 GFLOP\t0.000 MB\n")
        let row = TableRenderer.row(BenchRecord(case: BenchCase(suite: "s", site: "x", spec: .softmax(rows: 2, n: 3)),
                                                threads: 1, timing: Timing(samples: [0.5]), roofline: nil))
        #expect(row.hasPrefix("s ") && row.contains("Softmax") && row.contains("500.000"))
    }
}
