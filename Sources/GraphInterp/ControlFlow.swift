import GraphIR

/// If, Loop and Scan (ONNX semantics; Scan from opset 8 and 9+): bodies run by the same
/// interpreter, outer values resolved by name in the enclosing scope.
enum ControlFlow {
    /// A Loop whose trip count and condition never stop it is refused after this many
    /// iterations instead of hanging.
    static let maxIterations = 1 << 20

    static func run(_ node: Node, _ inputs: [Tensor?], interp: Interpreter, outer: Graph,
                    loader: SubgraphLoader, lookup: (String) throws -> Tensor?) throws -> [Tensor] {
        func body(_ name: String) throws -> SubgraphBody {
            guard let a = node.attributes[name] else { throw InterpreterError.badInput(node: node.name, detail: "no '\(name)' attribute") }
            do { return try loader(a, outer) }
            catch let e as GraphError { throw InterpreterError.badInput(node: node.name, detail: "\(name): \(e.description)") }
        }
        switch node.op {
        case "If":
            guard let c = inputs.first ?? nil, c.count >= 1 else { throw InterpreterError.badInput(node: node.name, detail: "no condition") }
            let taken = try body((c.isFloat ? c.f[0] != 0 : c.i[0] != 0) ? "then_branch" : "else_branch")
            let outs = try call(taken, [], node: node, interp: interp, lookup: lookup)
            guard outs.count == node.outputs.count else {
                throw InterpreterError.badInput(node: node.name, detail: "branch has \(outs.count) outputs, the node \(node.outputs.count)")
            }
            return outs
        case "Loop":
            return try loop(node, inputs, body: try body("body"), interp: interp, lookup: lookup)
        case "Scan":
            return try scan(node, inputs, body: try body("body"), interp: interp, lookup: lookup)
        default:
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "")
        }
    }

    /// Runs a body on its formal inputs; captured names are fed from `lookup`. Returns the body's
    /// outputs in order.
    static func call(_ b: SubgraphBody, _ formal: [Tensor], node: Node, interp: Interpreter,
                     lookup: (String) throws -> Tensor?) throws -> [Tensor] {
        let g = b.graph
        guard formal.count == b.formalInputs else {
            throw InterpreterError.badInput(node: node.name, detail: "body takes \(b.formalInputs) inputs, given \(formal.count)")
        }
        var feeds: [String: Tensor] = [:]
        for (k, id) in g.inputs.enumerated() {
            let name = g.values[id].name
            if k < formal.count { feeds[name] = formal[k]; continue }
            guard let t = try lookup(name) else {
                throw InterpreterError.badInput(node: node.name, detail: "body reads '\(name)', which no enclosing scope defines")
            }
            feeds[name] = t
        }
        let result = try Interpreter.run(g, feeds: feeds, subgraphs: interp.subgraphs)
        return try g.outputs.map { id in
            guard let t = result[g.values[id].name] else {
                throw InterpreterError.badInput(node: node.name, detail: "body output '\(g.values[id].name)' was not computed")
            }
            return t
        }
    }

    static func truth(_ t: Tensor, _ node: Node) throws -> Bool {
        guard t.count >= 1 else { throw InterpreterError.badInput(node: node.name, detail: "empty condition") }
        return t.isFloat ? t.f[0] != 0 : t.i[0] != 0
    }

    /// Loop: inputs (M?, cond?, v_initial...); body (iter, cond, v...) → (cond, v..., scan...);
    /// outputs (v_final..., scan outputs stacked on a new axis 0).
    static func loop(_ node: Node, _ inputs: [Tensor?], body: SubgraphBody, interp: Interpreter,
                     lookup: (String) throws -> Tensor?) throws -> [Tensor] {
        let tripCount = inputs.count > 0 ? inputs[0].map { $0.ints.first ?? 0 } : nil
        var cond = try (inputs.count > 1 ? inputs[1] : nil).map { try truth($0, node) } ?? true
        var carried: [Tensor] = try inputs.dropFirst(2).map { t in
            guard let t else { throw InterpreterError.badInput(node: node.name, detail: "missing loop-carried input") }
            return t
        }
        let n = carried.count
        let k = body.graph.outputs.count - 1 - n
        guard k >= 0, body.formalInputs == 2 + n, node.outputs.count <= n + k else {
            throw InterpreterError.badInput(node: node.name, detail: "body signature does not match \(n) loop-carried values")
        }
        if tripCount == nil && inputs.count > 1 && inputs[1] == nil || tripCount == nil && inputs.count < 2 {
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "no trip count and no condition (an endless loop)")
        }
        var scans = [[Tensor]](repeating: [], count: k)
        var i: Int64 = 0
        while cond, tripCount.map({ i < $0 }) ?? true {
            guard i < maxIterations else { throw InterpreterError.badInput(node: node.name, detail: "more than \(maxIterations) iterations") }
            let formal = [Tensor(shape: [], ints: [i]), Tensor(dtype: .bool, shape: [], i: [cond ? 1 : 0])] + carried
            let outs = try call(body, formal, node: node, interp: interp, lookup: lookup)
            cond = try truth(outs[0], node)
            carried = Array(outs[1...n])
            for s in 0..<k { scans[s].append(outs[1 + n + s]) }
            i += 1
        }
        var result = carried
        for s in 0..<k {
            // Zero iterations: an empty stack, shaped by the body's declared output when it says.
            let element = body.graph.type(body.graph.outputs[1 + n + s])
            result.append(try stack(scans[s], axis: 0, reverse: false, node: node, empty: element))
        }
        return Array(result.prefix(node.outputs.count))
    }

    /// Scan (opset 9+): inputs (state..., scan inputs M); body (state..., slices...) →
    /// (state..., scan elements...). Opset 8 adds a leading batch axis and an optional
    /// sequence_lens input first: each batch entry is scanned on its own.
    static func scan(_ node: Node, _ inputs: [Tensor?], body: SubgraphBody, interp: Interpreter,
                     lookup: (String) throws -> Tensor?) throws -> [Tensor] {
        let m = node.int("num_scan_inputs", 0)
        if interp.opset < 9 {
            if let lens = inputs.first ?? nil, lens.count > 0 {
                // Full-length sequences are the only kind graph-opt runs (no padding semantics).
                let len = inputs.compactMap { $0 }.last?.shape.dropFirst().first ?? 0
                guard lens.ints.allSatisfy({ Int($0) == len }) else {
                    throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "opset 8 sequence_lens shorter than the sequence")
                }
            }
            let rest: [Tensor] = try inputs.dropFirst().map { t in
                guard let t else { throw InterpreterError.badInput(node: node.name, detail: "missing input") }
                return t
            }
            guard let batch = rest.first?.shape.first, rest.allSatisfy({ $0.shape.first == batch }) else {
                throw InterpreterError.badInput(node: node.name, detail: "inputs do not share a batch dimension")
            }
            let directions = node.ints("directions") ?? []
            var perBatch: [[Tensor]] = []
            for b in 0..<batch {
                let slices = rest.map { take($0, axis: 0, index: b) }
                perBatch.append(try scan9(node, slices, m: m, inputAxes: [], inputDirections: directions,
                                          outputAxes: [], outputDirections: [], body: body, interp: interp, lookup: lookup))
            }
            return try (0..<node.outputs.count).map { o in try stack(perBatch.map { $0[o] }, axis: 0, reverse: false, node: node, empty: nil) }
        }
        let all: [Tensor] = try inputs.map { t in
            guard let t else { throw InterpreterError.badInput(node: node.name, detail: "missing input") }
            return t
        }
        return try scan9(node, all, m: m, inputAxes: node.ints("scan_input_axes") ?? [], inputDirections: node.ints("scan_input_directions") ?? [],
                         outputAxes: node.ints("scan_output_axes") ?? [], outputDirections: node.ints("scan_output_directions") ?? [],
                         body: body, interp: interp, lookup: lookup)
    }

    static func scan9(_ node: Node, _ inputs: [Tensor], m: Int, inputAxes: [Int], inputDirections: [Int],
                      outputAxes: [Int], outputDirections: [Int], body: SubgraphBody, interp: Interpreter,
                      lookup: (String) throws -> Tensor?) throws -> [Tensor] {
        let n = inputs.count - m
        let k = body.graph.outputs.count - n
        guard m >= 1, n >= 0, k >= 0, body.formalInputs == n + m, node.outputs.count <= n + k else {
            throw InterpreterError.badInput(node: node.name, detail: "body signature does not match \(n) states and \(m) scan inputs")
        }
        let scanned = Array(inputs[n...])
        let axes = try scanned.indices.map { j in
            try DataMovement.axis(j < inputAxes.count ? inputAxes[j] : 0, rank: scanned[j].shape.count, node: node)
        }
        let length = scanned[0].shape.isEmpty ? 0 : scanned[0].shape[axes[0]]
        for (j, t) in scanned.enumerated() where t.shape.isEmpty || t.shape[axes[j]] != length {
            throw InterpreterError.badInput(node: node.name, detail: "scan inputs differ in sequence length")
        }
        var state = Array(inputs[..<n])
        var elements = [[Tensor]](repeating: [], count: k)
        for step in 0..<length {
            let slices = scanned.indices.map { j in
                take(scanned[j], axis: axes[j], index: (j < inputDirections.count && inputDirections[j] != 0) ? length - 1 - step : step)
            }
            let outs = try call(body, state + slices, node: node, interp: interp, lookup: lookup)
            state = Array(outs[..<n])
            for s in 0..<k { elements[s].append(outs[n + s]) }
        }
        var result = state
        for s in 0..<k {
            let elementType = body.graph.type(body.graph.outputs[n + s])
            let rank = (elements[s].first?.shape.count ?? elementType?.shape?.rank ?? 0) + 1
            let axis = try DataMovement.axis(s < outputAxes.count ? outputAxes[s] : 0, rank: rank, node: node)
            let reverse = s < outputDirections.count && outputDirections[s] != 0
            result.append(try stack(elements[s], axis: axis, reverse: reverse, node: node, empty: elementType))
        }
        return Array(result.prefix(node.outputs.count))
    }

    /// The slice of `t` at `index` along `axis`, that axis dropped.
    static func take(_ t: Tensor, axis: Int, index: Int) -> Tensor {
        let outer = t.shape.prefix(axis).reduce(1, *), n = t.shape[axis], inner = t.shape.dropFirst(axis + 1).reduce(1, *)
        var idx: [Int] = []
        idx.reserveCapacity(outer * inner)
        for o in 0..<outer { let base = (o * n + index) * inner; for q in 0..<inner { idx.append(base + q) } }
        var shape = t.shape
        shape.remove(at: axis)
        return DataMovement.select(t, idx, shape: shape)
    }

    /// Stacks equally shaped tensors along a new `axis` (in reverse order when asked).
    static func stack(_ parts: [Tensor], axis: Int, reverse: Bool, node: Node, empty: TensorType?) throws -> Tensor {
        guard let first = parts.first else {
            var dims = empty?.shape?.dims.map { $0.value ?? 0 } ?? []
            dims.insert(0, at: min(axis, dims.count))
            return Tensor(dtype: empty?.dtype ?? .float32, shape: dims)
        }
        guard parts.allSatisfy({ $0.shape == first.shape && $0.isFloat == first.isFloat }) else {
            throw InterpreterError.badInput(node: node.name, detail: "scan outputs change shape between iterations")
        }
        let ordered = reverse ? parts.reversed() : parts
        let outer = first.shape.prefix(axis).reduce(1, *), inner = first.shape.dropFirst(axis).reduce(1, *)
        var shape = first.shape
        shape.insert(parts.count, at: axis)
        if first.isFloat {
            var out = [Float](); out.reserveCapacity(outer * inner * parts.count)
            for o in 0..<outer { for p in ordered { out.append(contentsOf: p.f[(o * inner)..<((o + 1) * inner)]) } }
            return Tensor(dtype: first.dtype, shape: shape, f: out)
        }
        var out = [Int64](); out.reserveCapacity(outer * inner * parts.count)
        for o in 0..<outer { for p in ordered { out.append(contentsOf: p.i[(o * inner)..<((o + 1) * inner)]) } }
        return Tensor(dtype: first.dtype, shape: shape, i: out)
    }
}
