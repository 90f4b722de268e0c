import GraphIR

/// Helpers for rewriting a Conv's constant weight and bias per output channel.
enum ConvWeights {
    /// Per-channel values of `c` for a tensor of rank `rank` with `m` channels on axis 1,
    /// or nil when `c` varies along any other axis.
    static func perChannel(_ c: ConstantTensor, channels m: Int, rank: Int) -> [Float]? {
        guard c.dtype.isFloat, c.dims.count <= rank else { return nil }
        if let s = try? c.scalarFloat() { return [Float](repeating: s, count: m) }
        // Right-align against [N, M, spatial...]: only the channel axis may exceed 1.
        let padded = [Int](repeating: 1, count: rank - c.dims.count) + c.dims
        for (a, d) in padded.enumerated() where a != 1 && d != 1 { return nil }
        guard padded[1] == m, let f = try? c.floats() else { return nil }
        return f
    }

    /// W[oc, ...] * k[oc], keeping a splat when W is one and k is uniform.
    static func scale(_ w: ConstantTensor, by k: [Float]) throws -> ConstantTensor {
        if case .splat = w.storage, let first = k.first, k.allSatisfy({ $0 == first }), let s = try w.scalarFloat() {
            return ConstantTensor(dtype: .float32, dims: w.dims, storage: .splat(ConstantTensor.encode(floats: [s * first], ints: nil, dtype: .float32)))
        }
        guard w.dtype == .float32 else {
            var f = try w.floats()
            let per = f.count / max(k.count, 1)
            for oc in 0..<k.count { for q in 0..<per { f[oc * per + q] *= k[oc] } }
            return .float32(f, dims: w.dims)
        }
        // fp32 weights (a dense model's bulk): straight from the stored bytes (the mapped file)
        // into the new tensor's bytes, one pass, eight lanes at a time, no Float array in
        // between. The new buffer is populated in one call (PageAdvice; the mapped source is, by
        // FileRegionSource) rather than a page fault per 4 KiB page: for ResNet-50 those faults
        // cost more than the arithmetic.
        let count = w.elementCount, per = count / max(k.count, 1)
        let bytes = try w.withRawBytes { src in
            [UInt8](unsafeUninitializedCapacity: count * 4) { dst, initialized in
                PageAdvice.willWrite(UnsafeMutableRawBufferPointer(dst))
                scaleRows(src.baseAddress!, UnsafeMutableRawPointer(dst.baseAddress!), rows: k, per: per)
                initialized = count * 4
            }
        }
        return ConstantTensor(dtype: .float32, dims: w.dims, storage: .bytes(bytes))
    }

    /// out[r·per + q] = in[r·per + q] · k[r] over little-endian fp32 (the input may be
    /// unaligned: raw_data sits anywhere in a protobuf file).
    static func scaleRows(_ src: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, rows k: [Float], per: Int) {
        for (r, factor) in k.enumerated() {
            var q = r * per
            let end = q + per
            #if _endian(little)
            let lanes = SIMD8<Float>(repeating: factor)
            while q + 8 <= end {
                out.storeBytes(of: src.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self) * lanes, toByteOffset: q * 4, as: SIMD8<Float>.self)
                q += 8
            }
            #endif
            while q < end {
                let x = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: q * 4, as: UInt32.self)))
                out.storeBytes(of: (x * factor).bitPattern.littleEndian, toByteOffset: q * 4, as: UInt32.self)
                q += 1
            }
        }
    }

    /// The conv's bias as floats (zeros when absent).
    static func bias(_ graph: Graph, _ conv: Node, channels m: Int) throws -> [Float]? {
        let b = conv.input(2)
        if b < 0 { return [Float](repeating: 0, count: m) }
        guard let c = graph.constant(b), let f = try? c.floats(), f.count == m else { return nil }
        return f
    }

    /// Writes new weight and bias constants into conv node `i`.
    static func update(_ graph: inout Graph, node i: Int, weight: ConstantTensor?, bias: [Float]) {
        let name = graph.nodes[i].name
        if let weight { graph.nodes[i].inputs[1] = graph.addConstant(name + ".weight", weight) }
        let b = graph.addConstant(name + ".bias", .float32(bias, dims: [bias.count]))
        while graph.nodes[i].inputs.count < 3 { graph.nodes[i].inputs.append(Graph.absent) }
        graph.nodes[i].inputs[2] = b
    }

    /// The Conv at the producer of `v` when `v` has no other reader, with its channel count.
    static func soleConv(_ graph: Graph, _ v: ValueID, producers: [Int], uses: [Int]) -> (Int, Int)? {
        guard v >= 0, graph.isSingleUse(v, uses), producers[v] >= 0 else { return nil }
        let c = producers[v]
        let conv = graph.nodes[c]
        guard conv.op == "Conv", conv.domain.isEmpty, let w = graph.constant(conv.input(1)), w.dtype == .float32,
              let m = w.dims.first else { return nil }
        return (c, m)
    }
}

/// Folds an inference BatchNormalization into the Conv that feeds it.
public struct ConvBatchNormFusion: GraphPass {
    public let name = "fuse-conv-bn"
    public let summary = "fold BatchNormalization into the preceding Conv's weight and bias"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        for (i, bn) in graph.nodes.enumerated() where bn.op == "BatchNormalization" && bn.domain.isEmpty {
            guard bn.outputs.dropFirst().allSatisfy({ $0 < 0 || uses[$0] == 0 }),
                  bn.int("training_mode", 0) == 0,
                  let (c, m) = ConvWeights.soleConv(graph, bn.input(0), producers: producers, uses: uses),
                  !removed.contains(c),
                  let s = graph.constant(bn.input(1)).flatMap({ try? $0.floats() }), s.count == m,
                  let beta = graph.constant(bn.input(2)).flatMap({ try? $0.floats() }), beta.count == m,
                  let mean = graph.constant(bn.input(3)).flatMap({ try? $0.floats() }), mean.count == m,
                  let v = graph.constant(bn.input(4)).flatMap({ try? $0.floats() }), v.count == m,
                  let b = try ConvWeights.bias(graph, graph.nodes[c], channels: m),
                  let w = graph.constant(graph.nodes[c].input(1)) else { continue }
            let eps = bn.float("epsilon", 1e-5)
            let k = (0..<m).map { s[$0] / (v[$0] + eps).squareRoot() }
            let newBias = (0..<m).map { (b[$0] - mean[$0]) * k[$0] + beta[$0] }
            ConvWeights.update(&graph, node: c, weight: try ConvWeights.scale(w, by: k), bias: newBias)
            graph.nodes[c].outputs[0] = bn.outputs[0]
            removed.insert(i)
        }
        graph.removeNodes(removed)
        return removed.count
    }
}

/// Folds a per-channel constant Mul or Add (a decomposed BatchNormalization, or a
/// scale layer) into the Conv that feeds it.
public struct ConvScaleFusion: GraphPass {
    public let name = "fuse-conv-scale"
    public let summary = "fold per-channel constant Mul/Add after a Conv into its weight and bias"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        var changes = 0
        var removed = Set<Int>()
        var producers = graph.producers()
        let uses = graph.useCounts()
        for (i, n) in graph.nodes.enumerated() where (n.op == "Mul" || n.op == "Add") && n.domain.isEmpty && n.inputs.count == 2 {
            for (xi, ci) in [(0, 1), (1, 0)] {
                guard let (c, m) = ConvWeights.soleConv(graph, n.inputs[xi], producers: producers, uses: uses),
                      !removed.contains(c), let rank = graph.shape(n.inputs[xi])?.rank,
                      graph.shape(n.outputs[0]) == graph.shape(n.inputs[xi]),
                      let cst = graph.constant(n.inputs[ci]),
                      let k = ConvWeights.perChannel(cst, channels: m, rank: rank),
                      let b = try ConvWeights.bias(graph, graph.nodes[c], channels: m),
                      let w = graph.constant(graph.nodes[c].input(1)) else { continue }
                if n.op == "Mul" {
                    ConvWeights.update(&graph, node: c, weight: try ConvWeights.scale(w, by: k), bias: (0..<m).map { b[$0] * k[$0] })
                } else {
                    ConvWeights.update(&graph, node: c, weight: nil, bias: (0..<m).map { b[$0] + k[$0] })
                }
                graph.nodes[c].outputs[0] = n.outputs[0]
                producers[n.outputs[0]] = c
                removed.insert(i)
                changes += 1
                break
            }
        }
        graph.removeNodes(removed)
        return changes
    }
}
