import GraphIR
import GraphInterp
import Testing
import TestSupport

@Suite struct InterpreterTests {
    @Test func convMatchesHandComputation() throws {
        var b = GraphBuilder()
        let x = b.input("x", [1, 1, 3, 3])
        let w = b.graph.addConstant("w", .float32([1, 0, 0, -1], dims: [1, 1, 2, 2]))
        let bias = b.graph.addConstant("b", .float32([0.5], dims: [1]))
        let y = b.op("Conv", [x, w, bias])
        let g = try b.finish([y])
        let out = try Interpreter.run(g, feeds: ["x": Tensor(shape: [1, 1, 3, 3], floats: [1, 2, 3, 4, 5, 6, 7, 8, 9])])
        // Each output is x[i][j] - x[i+1][j+1] + 0.5 = -4 + 0.5.
        #expect(out[g.values[y].name]?.f == [-3.5, -3.5, -3.5, -3.5])
        #expect(out[g.values[y].name]?.shape == [1, 1, 2, 2])
    }

    @Test func paddedStridedGroupedConvAgreesWithDirectSum() throws {
        var b = GraphBuilder()
        let x = b.input("x", [1, 4, 5, 5])
        let w = b.weight("w", [6, 2, 3, 3])
        let y = b.op("Conv", [x, w], ["group": .int(2), "pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2])])
        let g = try b.finish([y])
        let feeds = randomFeeds(g)
        let out = try #require(try Interpreter.run(g, feeds: feeds)[g.values[y].name])
        #expect(out.shape == [1, 6, 3, 3])
        let xf = feeds["x"]!.f, wf = try g.values[w].constant!.floats()
        // Output channel 4 (group 1), position (1, 2): a direct 3x3 sum over channels 2-3.
        var expect: Float = 0
        for ic in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
            let iy = 1 * 2 + ky - 1, ix = 2 * 2 + kx - 1
            guard iy >= 0, iy < 5, ix >= 0, ix < 5 else { continue }
            expect += xf[(2 + ic) * 25 + iy * 5 + ix] * wf[((4 * 2) + ic) * 9 + ky * 3 + kx]
        } } }
        #expect(abs(out.f[4 * 9 + 1 * 3 + 2] - expect) < 1e-5)
    }

    @Test func softmaxPreAndPost13() throws {
        for opset in [11, 13] {
            var b = GraphBuilder(opset: opset)
            let x = b.input("x", [2, 3])
            let y = b.op("Softmax", [x])
            let g = try b.finish([y])
            let out = try Interpreter.run(g, feeds: ["x": Tensor(shape: [2, 3], floats: [1, 2, 3, 1, 1, 1])])[g.values[y].name]!
            #expect(abs(out.f[3] - 1.0 / 3) < 1e-6)
            #expect(abs(out.f[0..<3].reduce(0, +) - 1) < 1e-6)
        }
    }

    @Test func matmulBroadcastsBatch() throws {
        var b = GraphBuilder()
        let a = b.input("a", [2, 1, 2, 3])
        let c = b.input("c", [3, 3, 4])
        let y = b.op("MatMul", [a, c])
        let g = try b.finish([y])
        #expect(g.shape(y) == Shape(known: [2, 3, 2, 4]))
        let out = try Interpreter.run(g, feeds: randomFeeds(g))[g.values[y].name]!
        #expect(out.shape == [2, 3, 2, 4])
    }

    @Test func attentionEqualsDecomposedForm() throws {
        // softmax(Q Kᵀ / sqrt(d) + mask) V, once decomposed and once fused.
        var b = GraphBuilder()
        let q = b.input("q", [1, 2, 3, 4]), k = b.input("k", [1, 2, 3, 4]), v = b.input("v", [1, 2, 3, 4])
        let mask = b.weight("mask", [1, 1, 3, 3], -2, 0)
        let kt = b.op("Transpose", [k], ["perm": .ints([0, 1, 3, 2])])
        let s = b.op("MatMul", [q, kt])
        let scaled = b.op("Mul", [s, b.scalar("scale", 0.5)])
        let masked = b.op("Add", [scaled, mask])
        let p = b.op("Softmax", [masked], ["axis": .int(-1)])
        let y = b.op("MatMul", [p, v])
        let fused = b.node("Attention", [q, k, v, mask], ["scale": .float(0.5)], domain: Node.sluiceDomain)[0]
        let g = try b.finish([y, fused])
        let out = try Interpreter.run(g, feeds: randomFeeds(g))
        let a = out[g.values[y].name]!.f, c = out[g.values[fused].name]!.f
        #expect(NumericCheck.maxAbsError(a, c) < 1e-5)
    }
}
