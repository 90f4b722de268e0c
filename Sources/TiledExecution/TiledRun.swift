import GraphIR
import GraphInterp

/// The check behind `npu-sim --check`: the graph run twice side by side, node by node in graph
/// order — once by the interpreter on its own values (exactly what `Interpreter.run` computes
/// for the whole graph), once tile by tile as the placed program schedules each group, every
/// group fed the assembled outputs of its producer groups from the tiled run, so that errors
/// propagate as they would on the chip — and every group output compared.
public struct TiledRun {
    public var graph: Graph
    public var groups: [GroupSchedule]
    public var comparison = Comparison()

    public init(graph: Graph, groups: [GroupSchedule]) {
        self.graph = graph
        self.groups = groups
    }

    /// One result per value a group produces, in graph order. Throws `TiledExecutionError.fault`
    /// when `fault` names no group or cannot go into the one it names, `.mismatch` when the plan
    /// does not describe the graph, and the interpreter's errors.
    public func check(feeds: [String: Tensor], fault: Fault? = nil) throws -> [TensorCheckResult] {
        let interpreter = Interpreter(opset: graph.opset)
        var faultGroup: Int?
        if let fault {
            guard let g = fault.groupIndex(in: groups) else { throw TiledExecutionError.fault("no group '\(fault.group)' in the plan") }
            faultGroup = g
        }
        var groupsOfNode: [Int: [GroupSchedule]] = [:]
        var fusedOf: [Int: GroupSchedule] = [:]
        for g in groups {
            // A fused group runs each member's node with the member's own mapping, tile by
            // tile; the values between members are assembled whole between them.
            let parts = g.members.isEmpty ? [g] : g.members.map { m in var m = m; m.cores = g.cores; m.fusion = g.fusion; return m }
            for p in parts { for n in p.nodes { groupsOfNode[n, default: []].append(p) } }
            if !g.members.isEmpty { for n in g.nodes { fusedOf[n] = g } }
        }
        var chainMembers: [Int: [DepthFirstChain.Member]] = [:]
        var reference = [Tensor?](repeating: nil, count: graph.values.count)
        var tiled = [Tensor?](repeating: nil, count: graph.values.count)
        for id in graph.inputs {
            guard let t = feeds[graph.values[id].name] else { throw InterpreterError.missingInput(graph.values[id].name) }
            reference[id] = t
            tiled[id] = t
        }
        var remaining = graph.useCounts()
        var results: [TensorCheckResult] = []
        var faultPlaced = false
        // A fault into a fused group goes into the first member that can take it.
        var faultDeferred: String?
        for (index, node) in graph.nodes.enumerated() {
            func read(_ env: [Tensor?]) throws -> [Tensor?] {
                try node.inputs.map { v in
                    guard v >= 0 else { return nil }
                    if let t = env[v] { return t }
                    if let c = graph.values[v].constant { return try Tensor(c) }
                    throw InterpreterError.badInput(node: node.name, detail: "input '\(graph.values[v].name)' has no value")
                }
            }
            let refIns = try read(reference), tiledIns = try read(tiled)
            let refOuts = try interpreter.evaluate(node, refIns)
            let planned = groupsOfNode[index] ?? []
            // The group whose output the node's output is: the last of its stages.
            let group = planned.last
            let faultHere = faultGroup != nil && !faultPlaced && planned.contains { $0.index == faultGroup }
            let fused = fusedOf[index]
            let laterMember = fused.map { $0.members.last?.nodes != [index] } ?? false
            var note = ""
            var outs: [Tensor]
            do {
                guard let group else { throw TiledExecutionError.untileable("the node is in no group of the plan") }
                var kind = faultHere ? fault?.kind : nil
                if planned.count > 1 {
                    guard node.op == "Attention", planned.allSatisfy({ $0.unit == "array" || $0.unit == "vector" }) else {
                        throw TiledExecutionError.untileable("\(node.op) is planned as \(planned.count) groups")
                    }
                    let stage = faultHere ? planned.firstIndex { $0.index == faultGroup } : nil
                    outs = [Self.asDeclared(try AttentionTiling.run(node, inputs: tiledIns, stages: planned, fault: kind, faultStage: stage))]
                } else {
                    do {
                        outs = try runGroup(node, group, tiledIns, refOuts, kind, interpreter).map(Self.asDeclared)
                    } catch TiledExecutionError.fault(let why) where kind != nil && laterMember {
                        faultDeferred = why
                        kind = nil
                        outs = try runGroup(node, group, tiledIns, refOuts, nil, interpreter).map(Self.asDeclared)
                    }
                    if let chain = fused, chain.fusion == "conv-chain" {
                        chainMembers[chain.index, default: []].append(DepthFirstChain.Member(node: node, inputs: tiledIns))
                        // The chain's last member: its output again, depth-first from the chain's
                        // input, and that is the value the rest of the graph gets.
                        // (A fault aimed at the chain is checked member by member: the depth-first
                        // output, computed without it, would hide a fault in the last member.)
                        if chain.members.last?.nodes == [index], faultGroup != chain.index {
                            do {
                                outs = [Self.asDeclared(try DepthFirstChain.run(chainMembers[chain.index]!, tileRows: chain.tileRows, interpreter: interpreter))]
                                note = "fused conv-chain: depth-first, \(chain.tileRows) rows per tile with halos"
                            } catch TiledExecutionError.untileable(let why) {
                                note = "fused conv-chain run member by member, not depth-first: \(why)"
                            }
                            chainMembers[chain.index] = nil
                        }
                    }
                }
                if kind != nil { faultPlaced = true }
            } catch TiledExecutionError.untileable(let why) {
                if faultHere, laterMember { faultDeferred = "a member runs untiled (\(why))" }
                else if faultHere { throw TiledExecutionError.fault("group \(group!.index) '\(group!.name)' runs untiled (\(why))") }
                outs = try interpreter.evaluate(node, tiledIns)
                note = "run untiled: \(why)"
            } catch TiledExecutionError.fault(let why) {
                let target = planned.first { $0.index == faultGroup } ?? group!
                throw TiledExecutionError.fault("cannot put \(fault!) into group \(target.index) '\(target.name)': \(why)")
            } catch TiledExecutionError.mismatch(let why) {
                throw TiledExecutionError.mismatch("group \(group!.index) '\(group!.name)': \(why)")
            }
            if let group, group.unit == "none", note.isEmpty { note = "view: no data moves" }
            if let group, !group.fusion.isEmpty, note.isEmpty { note = "fused \(group.fusion): member tiled with its own mapping" }
            for (k, o) in node.outputs.enumerated() where o >= 0 && k < refOuts.count {
                guard k < outs.count else { throw TiledExecutionError.untileable("output \(k) of \(node.name)") }
                reference[o] = refOuts[k]
                tiled[o] = outs[k]
                results.append(comparison.check(value: graph.values[o].name, group: group?.index ?? -1, tiled: outs[k], reference: refOuts[k], note: note))
            }
            for v in node.inputs where v >= 0 {
                remaining[v] -= 1
                if remaining[v] == 0 { reference[v] = nil; tiled[v] = nil }
            }
        }
        if fault != nil, !faultPlaced {
            if let faultDeferred { throw TiledExecutionError.fault("cannot put \(fault!) into any member of fused group '\(fault!.group)': \(faultDeferred)") }
            throw TiledExecutionError.fault("group '\(fault!.group)' runs no node of the graph")
        }
        return results
    }

    /// A tiled result stored as the interpreter stores its results: integers computed in fp32
    /// converted back (toward zero, as `Interpreter.evaluate` does), 16-bit floats rounded.
    static func asDeclared(_ t: Tensor) -> Tensor {
        switch t.dtype {
        case .float16: return Tensor(dtype: t.dtype, shape: t.shape, f: t.f.map { Float(Float16($0)) })
        case .float32, .float64, .bfloat16: return t
        default:
            guard t.i.isEmpty, !t.f.isEmpty else { return t }
            return Tensor(dtype: t.dtype, shape: t.shape, i: t.f.map { v in
                v.isNaN ? 0 : v >= 9.2e18 ? .max : v <= -9.2e18 ? .min : Int64(v.rounded(.towardZero))
            })
        }
    }

    /// The node's outputs computed tile by tile as `group` schedules it.
    func runGroup(_ node: Node, _ group: GroupSchedule, _ ins: [Tensor?], _ reference: [Tensor], _ fault: Fault.Kind?,
                  _ interpreter: Interpreter) throws -> [Tensor] {
        switch group.unit {
        case "array":
            switch node.op {
            case "Conv", "FusedConv":
                return [try ConvTiling.run(node, inputs: ins, group: group, fault: fault, interpreter: interpreter)]
            case "MatMul", "Gemm", "FusedGemm":
                return [try MatMulTiling.run(node, inputs: ins, group: group, fault: fault, interpreter: interpreter)]
            default:
                throw TiledExecutionError.untileable("no tiled form of \(node.qualifiedOp) on the array here")
            }
        case "vector":
            return try VectorTiling.run(node, inputs: ins, reference: reference, group: group, fault: fault, interpreter: interpreter)
        case "none":
            if fault != nil { throw TiledExecutionError.fault("a view moves no data") }
            return try interpreter.evaluate(node, ins)
        default:
            throw TiledExecutionError.untileable("the plan left it \(group.unit)")
        }
    }
}
