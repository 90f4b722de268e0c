import GraphIR
import Kernels
import Benchmarking
import Testing

/// `op-bench --graph`: which nodes of a graph become which cases.
@Suite struct GraphCasesTests {
    static func graph() -> Graph {
        var g = Graph(name: "toy")
        func v(_ name: String, _ dims: [Dim]) -> ValueID { g.addValue(name, type: TensorType(.float32, Shape(dims))) }
        func k(_ xs: Int...) -> [Dim] { xs.map { .known($0) } }
        let x = v("x", k(1, 3, 32, 48)), w = v("w", k(16, 3, 3, 3)), c = v("c", k(1, 16, 16, 24))
        g.nodes.append(Node(name: "stem", op: "Conv", inputs: [x, w], outputs: [c],
                            attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]))
        let r1 = v("r1", k(1, 16, 16, 24)), r2 = v("r2", k(1, 16, 16, 24))
        g.nodes.append(Node(name: "relu1", op: "Relu", inputs: [c], outputs: [r1]))
        g.nodes.append(Node(name: "relu2", op: "Relu", inputs: [r1], outputs: [r2]))   // same case: counted
        let up = v("up", k(1, 16, 32, 48))
        g.nodes.append(Node(name: "up", op: "Resize", inputs: [r2, Graph.absent, Graph.absent, Graph.absent], outputs: [up],
                            attributes: ["mode": .string("linear")]))
        let grid = v("grid", k(1, 20, 20, 2)), bev = v("bev", k(1, 16, 20, 20))
        g.nodes.append(Node(name: "to bev", op: "GridSample", inputs: [up, grid], outputs: [bev]))
        // Transformer part with a symbolic sequence length.
        let h = v("h", [.known(1), .symbol("seq"), .known(64)]), wq = v("wq", k(64, 192)), q = v("q", [.known(1), .symbol("seq"), .known(192)])
        g.nodes.append(Node(name: "qkv", op: "MatMul", inputs: [h, wq], outputs: [q]))
        let bias = v("bias", k(192)), qb = v("qb", [.known(1), .symbol("seq"), .known(192)])
        g.nodes.append(Node(name: "bias", op: "Add", inputs: [q, bias], outputs: [qb]))          // broadcast: not timed
        let a = v("a", k(10, 20)), b = v("b", k(30, 20)), y = v("y", k(10, 30))
        g.nodes.append(Node(name: "fc", op: "Gemm", inputs: [a, b], outputs: [y], attributes: ["transB": .int(1)]))
        let huge = v("huge", k(1 << 20, 1 << 20)), hy = v("hy", k(1 << 20, 1 << 20))
        g.nodes.append(Node(name: "huge", op: "Relu", inputs: [huge], outputs: [hy]))           // beyond the element limit
        g.nodes.append(Node(name: "shape", op: "Reshape", inputs: [y], outputs: [v("z", k(300))]))
        return g
    }

    @Test func mapsNodesAtTheirShapes() {
        let s = GraphCases.cases(of: Self.graph(), symbols: ["seq": 128])
        #expect(s.cases.map(\.site) == ["stem", "relu1 ×2", "up", "to bev", "qkv", "fc"])
        #expect(s.cases.allSatisfy { $0.suite == "toy" })
        #expect(s.cases.map(\.spec) == [
            .conv2d(n: 1, cin: 3, h: 32, w: 48, cout: 16, kh: 3, kw: 3, stride: 2, pad: 1, groups: 1),
            .unary(.relu, count: 16 * 16 * 24),
            .resize(n: 1, c: 16, h: 16, w: 24, oh: 32, ow: 48, linear: true),
            .gridSample(n: 1, c: 16, h: 32, w: 48, oh: 20, ow: 20, linear: true),
            .matmul(batch: 1, m: 128, n: 192, k: 64, transposedB: false),
            .matmul(batch: 1, m: 10, n: 30, k: 20, transposedB: true),
        ])
        #expect(s.skipped.map(\.op) == ["Add", "Relu", "Reshape"])
        // Without a binding for "seq" the MatMul's shape is unknown: skipped, not guessed.
        let unbound = GraphCases.cases(of: Self.graph())
        #expect(!unbound.cases.contains { $0.site == "qkv" } && unbound.skipped.contains { $0.op == "MatMul" })
    }

    @Test func everyGraphCaseRuns() throws {
        for c in GraphCases.cases(of: Self.graph(), symbols: ["seq": 3]).cases {
            try PreparedCase.make(c.spec, threading: .single)()
        }
    }
}
