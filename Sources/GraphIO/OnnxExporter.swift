import Foundation
import GraphIR
import OnnxProto
import SwiftProtobuf

/// Writes a `Graph` as a standard ONNX ModelProto that onnxruntime can run.
///
/// Fusions map to what exists outside Sluice, by `OnnxTarget`. For `.standard` (the
/// default) every fused form goes back to the standard ops it stands for: `sluice.FusedConv`/
/// `FusedGemm` as Conv/Gemm, Add (input Z) and the activation's own ops (SiLU as Sigmoid·x,
/// GELU as Gelu-20, Clip with its bounds), `sluice.SkipLayerNorm` as Add + LayerNormalization.
/// For `.onnxruntime` they become onnxruntime's `com.microsoft` contrib ops: FusedConv/FusedGemm
/// when its kernels know the activation (else the base op and QuickGelu/Gelu/FastGelu for
/// SiLU/GELU), SkipLayerNormalization, and `OnnxRuntimeLowering`'s rewrites of standard nodes.
/// Splat constants larger than `splatLimit` elements are written back as ConstantOfShape so
/// the file stays small.
public enum OnnxExporter {
    public static func serialize(_ graph: Graph, splatLimit: Int = 1024, target: OnnxTarget = .standard) throws -> Data {
        try model(graph, splatLimit: splatLimit, setAsideAbove: nil, target: target).model.serializedData()
    }

    /// The same model as `serialize`, handed to `emit` as a few byte ranges whose concatenation
    /// is the file, so that large weights go from the mapped input (or the folded tensor's own
    /// buffer) straight to write(2) without being copied into protobuf messages: first the model
    /// without its initializers over `setAsideAbove` bytes, then one `graph` field per such
    /// initializer holding just that initializer. Protobuf merges repeated occurrences of a
    /// message field, appending their repeated fields, so every reader (onnx, onnxruntime) sees
    /// one graph with all initializers.
    ///
    /// `copy`, when given, is offered each large initializer that is still a region of an input
    /// file (path, offset, length) to copy to the output itself, after the bytes before it
    /// were emitted (graph-opt copies it inside the kernel, `FileRangeCopy`); when it returns
    /// false the bytes are emitted instead.
    public static func write(_ graph: Graph, splatLimit: Int = 1024, setAsideAbove: Int = 64 << 10, target: OnnxTarget = .standard,
                             copy: ((_ path: String, _ offset: Int, _ length: Int) throws -> Bool)? = nil,
                             to emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let (model, large) = try model(graph, splatLimit: splatLimit, setAsideAbove: setAsideAbove, target: target)
        // Every region must be readable before the first byte goes out: no partial file on
        // stdout. A region `copy` may take is checked against its file's size, without mapping it.
        for (_, c) in large {
            if copy != nil, case .external(let source as FileRegionSource, let offset, let length) = c.storage, let size = source.fileSize {
                guard offset + length <= size else {
                    throw GraphError.missingData(tensor: source.path, detail: "region \(offset)+\(length) is beyond the file's \(size) bytes")
                }
                continue
            }
            _ = try c.withRawBytes { $0.count }
        }
        try model.serializedData().withUnsafeBytes(emit)
        for (name, c) in large {
            var header = Onnx_TensorProto()
            header.name = name
            header.dataType = c.dtype.rawValue
            header.dims = c.dims.map { Int64($0) }
            let headerBytes = try header.serializedData()
            // ModelProto.graph (field 7) { GraphProto.initializer (field 5) { header, raw_data (field 9) } }
            func prefix(_ rawCount: Int) -> [UInt8] {
                let tensorLength = headerBytes.count + 1 + ProtobufWire.varintSize(rawCount) + rawCount
                let graphLength = 1 + ProtobufWire.varintSize(tensorLength) + tensorLength
                var prefix: [UInt8] = [ProtobufWire.lengthDelimitedTag(field: 7)]
                ProtobufWire.appendVarint(graphLength, to: &prefix)
                prefix.append(ProtobufWire.lengthDelimitedTag(field: 5))
                ProtobufWire.appendVarint(tensorLength, to: &prefix)
                prefix += headerBytes
                prefix.append(ProtobufWire.lengthDelimitedTag(field: 9))
                ProtobufWire.appendVarint(rawCount, to: &prefix)
                return prefix
            }
            if case .external(let source as FileRegionSource, let offset, let length) = c.storage, let copy {
                try prefix(length).withUnsafeBytes(emit)
                if try copy(source.path, offset, length) { continue }
                try source.withBytes(offset: offset, length: length, emit)
                continue
            }
            try c.withRawBytes { raw in
                try prefix(raw.count).withUnsafeBytes(emit)
                try emit(raw)
            }
        }
    }

    /// Protobuf cannot hold a message over 2 GiB, so a model whose weights come near it is
    /// written with external data (`graph-opt` does so on its own above this many bytes).
    public static let inlineWeightLimit = 1_800_000_000

    /// Bytes of the initializers `write` would put in the model (splats expanded only up to
    /// `splatLimit`: larger ones become ConstantOfShape).
    public static func weightBytes(_ graph: Graph, splatLimit: Int = 1024) -> Int {
        let read = Set(graph.nodes.flatMap(\.reads)).union(graph.outputs)
        var total = 0
        for (id, v) in graph.values.enumerated() where read.contains(id) {
            guard let c = v.constant else { continue }
            if case .splat = c.storage, c.elementCount > splatLimit { continue }
            total += c.byteCount
        }
        return total
    }

    /// The model with every initializer over `externalAbove` bytes in ONNX external data: its
    /// bytes go to `data` (a region each, copied from the mapped input or the folded tensor's
    /// buffer straight to the file), and the model references them as `location` (the data
    /// file's name relative to the model's directory), offset and length. `emit` gets the
    /// model's bytes. For models over protobuf's 2 GiB limit.
    public static func writeExternal(_ graph: Graph, data: WeightFileWriter, location: String, splatLimit: Int = 1024,
                                     externalAbove: Int = 1024, target: OnnxTarget = .standard, to emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var (model, large) = try model(graph, splatLimit: splatLimit, setAsideAbove: externalAbove, target: target)
        for (name, c) in large {
            var t = Onnx_TensorProto()
            t.name = name
            t.dataType = c.dtype.rawValue
            t.dims = c.dims.map { Int64($0) }
            // A weight still in the input's external data file is copied file to file.
            let copied: (path: String, offset: Int)?
            if case .external(let source as FileRegionSource, let at, let length) = c.storage {
                copied = try data.append(copyingFrom: source.path, offset: at, length: length)
            } else {
                copied = nil
            }
            let (_, offset) = try copied ?? c.withRawBytes { try data.append($0) }
            t.dataLocation = .external
            for (key, value) in [("location", location), ("offset", String(offset)), ("length", String(c.byteCount))] {
                var e = Onnx_StringStringEntryProto()
                e.key = key
                e.value = value
                t.externalData.append(e)
            }
            model.graph.initializer.append(t)
        }
        try model.serializedData().withUnsafeBytes(emit)
    }

    /// The ModelProto of `graph`; with `setAsideAbove`, initializers over that many bytes are
    /// left out and returned beside it (for `write`).
    static func model(_ input: Graph, splatLimit: Int, setAsideAbove: Int?, target: OnnxTarget = .standard) throws -> (model: Onnx_ModelProto, large: [(String, ConstantTensor)]) {
        var graph = input
        if target == .onnxruntime { _ = OnnxRuntimeLowering.apply(&graph) }
        var large: [(String, ConstantTensor)] = []
        var model = Onnx_ModelProto()
        model.irVersion = irVersion(forOpset: graph.opset)  // raised below if Attention needs opset 23
        model.producerName = "graph-opt"
        model.producerVersion = "0.1"
        var g = Onnx_GraphProto()
        g.name = graph.name.isEmpty ? "graph" : graph.name
        var usesMicrosoft = false
        var opset = graph.opset

        let read = Set(graph.nodes.flatMap(\.reads)).union(graph.outputs)
        for (id, v) in graph.values.enumerated() where read.contains(id) {
            guard let c = v.constant else { continue }
            if case .splat(let one) = c.storage, c.elementCount > splatLimit {
                // shape initializer + ConstantOfShape(value = the element).
                let shapeName = v.name + "__shape"
                g.initializer.append(try tensorProto(.int64(c.dims.map { Int64($0) }, dims: [c.dims.count]), name: shapeName))
                var node = Onnx_NodeProto()
                node.opType = "ConstantOfShape"
                node.name = v.name + "__fill"
                node.input = [shapeName]
                node.output = [v.name]
                var value = Onnx_AttributeProto()
                value.name = "value"
                value.type = .tensor
                value.t = try tensorProto(ConstantTensor(dtype: c.dtype, dims: [1], storage: .splat(one)), name: "")
                node.attribute = [value]
                g.node.append(node)
            } else if let limit = setAsideAbove, c.byteCount > limit {
                large.append((v.name, c))
            } else {
                g.initializer.append(try tensorProto(c, name: v.name))
            }
        }
        for n in graph.nodes {
            var node = Onnx_NodeProto()
            node.name = n.name
            node.opType = n.op
            if n.domain == Node.sluiceDomain && n.op == "Attention", let decomposed = try decomposedAttention(n, graph, target: target) {
                g.node += decomposed
                if decomposed.contains(where: { $0.domain == "com.microsoft" }) { usesMicrosoft = true }
                continue
            } else if n.domain == Node.sluiceDomain && n.op == "Attention" {
                // ONNX Attention (opset 23) has the same semantics for 4-D Q/K/V
                // ([batch, heads, seq, dim]; KV heads may be fewer; bool mask True = attend).
                guard n.inputs.prefix(3).allSatisfy({ graph.shape($0)?.rank == 4 }) else {
                    throw GraphError.unsupported("node '\(n.name)': sluice.Attention on non-4-D tensors has no ONNX equivalent")
                }
                node.domain = ""
                opset = max(opset, 23)
            } else if n.domain == Node.sluiceDomain && n.op == "SkipLayerNorm" && target == .standard {
                g.node += try standardSkipLayerNorm(n, graph, opset: &opset)
                continue
            } else if n.domain == Node.sluiceDomain && n.op == "SkipLayerNorm" {
                // onnxruntime's SkipLayerNormalization: the sum is its output 3.
                node.opType = "SkipLayerNormalization"
                node.domain = "com.microsoft"
                usesMicrosoft = true
            } else if n.domain == Node.sluiceDomain {
                guard n.op == "FusedConv" || n.op == "FusedGemm" else {
                    throw GraphError.unsupported("node '\(n.name)': sluice.\(n.op) has no ONNX equivalent for export")
                }
                let act = n.attributes["activation"]?.string
                // The contrib kernels are float32 ones (MLAS): other types keep the standard ops.
                let contrib = target == .onnxruntime && (act.map(ortActivations.contains) ?? true)
                    && graph.type(n.outputs[0])?.dtype == .float32
                if !contrib {
                    g.node += try standardOps(n, activation: act, graph, target: target, opset: &opset)
                    continue
                }
                node.domain = "com.microsoft"
                usesMicrosoft = true
            } else {
                node.domain = n.domain
            }
            node.input = n.inputs.map { $0 >= 0 ? graph.values[$0].name : "" }
            node.output = n.outputs.map { $0 >= 0 ? graph.values[$0].name : "" }
            if node.opType == "SkipLayerNormalization", node.output.count > 1 { node.output = [node.output[0], "", "", node.output[1]] }
            // Trailing omitted inputs are dropped, as ONNX writers do.
            while node.input.last == "" { node.input.removeLast() }
            var attrs = n.attributes
            if n.op == "FusedGemm", let p = attrs.removeValue(forKey: "activation_params")?.floats {
                // onnxruntime names FusedGemm's activation parameters individually.
                if let a = p.first { attrs["activation_alpha"] = .float(a) }
                if p.count > 1 { attrs["activation_beta"] = .float(p[1]) }
            }
            for (name, a) in attrs.sorted(by: { $0.key < $1.key }) { node.attribute.append(try attribute(a, name: name)) }
            g.node.append(node)
        }
        for i in graph.inputs { g.input.append(valueInfo(graph.values[i])) }
        for o in graph.outputs { g.output.append(valueInfo(graph.values[o])) }
        model.graph = g
        model.irVersion = irVersion(forOpset: opset)
        var def = Onnx_OperatorSetIdProto()
        def.domain = ""
        def.version = Int64(opset)
        model.opsetImport = [def]
        // com.microsoft is written when a node uses it: an opaque node keeps the model's version.
        let keepMicrosoft = graph.nodes.contains { $0.domain == "com.microsoft" }
        for (domain, version) in graph.opsets.sorted(by: { $0.key < $1.key })
        where !domain.isEmpty && (domain != "com.microsoft" || keepMicrosoft) {
            var o = Onnx_OperatorSetIdProto(); o.domain = domain; o.version = Int64(version)
            model.opsetImport.append(o)
        }
        if usesMicrosoft && !keepMicrosoft {
            var ms = Onnx_OperatorSetIdProto(); ms.domain = "com.microsoft"; ms.version = 1
            model.opsetImport.append(ms)
        }
        return (model, large)
    }

    /// The activations onnxruntime's com.microsoft FusedConv/FusedGemm kernels run (MLAS).
    static let ortActivations: Set<String> = ["Relu", "Tanh", "Sigmoid", "LeakyRelu", "Clip", "HardSigmoid"]

    /// A fused Conv/Gemm written as its base op, Add of input Z, then the activation's ops, the
    /// last one writing the fused node's output. For `.onnxruntime` (a float32 node whose
    /// activation FusedConv/FusedGemm lacks) SiLU and GELU become one contrib op each:
    /// QuickGelu with alpha 1 (x·σ(x)), Gelu (erf) or FastGelu (tanh).
    static func standardOps(_ n: Node, activation: String?, _ graph: Graph, target: OnnxTarget = .standard,
                            opset: inout Int) throws -> [Onnx_NodeProto] {
        let out = graph.values[n.outputs[0]].name
        func make(_ op: String, _ inputs: [String], _ output: String, _ attrs: [String: Attribute] = [:], domain: String = "",
                  suffix: String) throws -> Onnx_NodeProto {
            var p = Onnx_NodeProto()
            p.name = n.name + suffix
            p.opType = op
            p.domain = domain
            p.input = inputs
            while p.input.last == "" { p.input.removeLast() }
            p.output = [output]
            for (name, a) in attrs.sorted(by: { $0.key < $1.key }) { p.attribute.append(try attribute(a, name: name)) }
            return p
        }
        let params = n.attributes["activation_params"]?.floats ?? []
        let contrib = target == .onnxruntime && graph.type(n.outputs[0])?.dtype == .float32
        let tanhGelu = n.attributes["activation_approximate"]?.string == "tanh"
        var attrs = n.attributes
        for k in ["activation", "activation_params", "activation_approximate"] { attrs[k] = nil }
        let names = n.inputs.map { $0 >= 0 ? graph.values[$0].name : "" }
        var t = activation == nil ? out : out + "__pre"
        let hasZ = names.count > 3 && !names[3].isEmpty
        if hasZ && activation == nil { t = out + "__pre" }
        var nodes = [try make(n.op == "FusedConv" ? "Conv" : "Gemm", Array(names.prefix(3)), t, attrs, suffix: "")]
        if hasZ {
            let sum = activation == nil ? out : out + "__sum"
            nodes.append(try make("Add", [t, names[3]], sum, suffix: "__z"))
            t = sum
        }
        switch activation {
        case nil: break
        case "Silu" where contrib:
            nodes.append(try make("QuickGelu", [t], out, ["alpha": .float(1)], domain: "com.microsoft", suffix: "__silu"))
        case "Gelu" where contrib:
            nodes.append(try make(tanhGelu ? "FastGelu" : "Gelu", [t], out, domain: "com.microsoft", suffix: "__gelu"))
        case "Silu":  // t · Sigmoid(t)
            nodes.append(try make("Sigmoid", [t], out + "__sig", suffix: "__sigmoid"))
            nodes.append(try make("Mul", [t, out + "__sig"], out, suffix: "__silu"))
        case "Gelu":
            opset = max(opset, 20)
            nodes.append(try make("Gelu", [t], out, n.attributes["activation_approximate"].map { ["approximate": $0] } ?? [:], suffix: "__gelu"))
        case "Relu", "Tanh", "Sigmoid":
            nodes.append(try make(activation!, [t], out, suffix: "__" + activation!.lowercased()))
        case "LeakyRelu":
            nodes.append(try make("LeakyRelu", [t], out, ["alpha": .float(params.first ?? 0.01)], suffix: "__leakyrelu"))
        case "HardSigmoid":
            nodes.append(try make("HardSigmoid", [t], out, ["alpha": .float(params.first ?? 0.2), "beta": .float(params.count > 1 ? params[1] : 0.5)],
                                  suffix: "__hardsigmoid"))
        case "Clip":
            let lo = params.first ?? -.greatestFiniteMagnitude, hi = params.count > 1 ? params[1] : .greatestFiniteMagnitude
            if opset < 11 {
                nodes.append(try make("Clip", [t], out, ["min": .float(lo), "max": .float(hi)], suffix: "__clip"))
            } else {
                // Clip-11 takes its bounds as inputs: two scalar Constants.
                for (bound, v) in [("min", lo), ("max", hi)] {
                    let c = ConstantTensor.float32([v], dims: [])
                    nodes.append(try make("Constant", [], out + "__" + bound, ["value": .tensor(c)], suffix: "__" + bound))
                }
                nodes.append(try make("Clip", [t, out + "__min", out + "__max"], out, suffix: "__clip"))
            }
        default: throw GraphError.unsupported("node '\(n.name)': fused activation '\(activation!)' has no ONNX export")
        }
        return nodes
    }

    /// sluice.SkipLayerNorm as standard ONNX: Add(input, skip), then LayerNormalization over
    /// the last axis; the sum is the Add's output (the fused node's output 1 when it has one).
    static func standardSkipLayerNorm(_ n: Node, _ graph: Graph, opset: inout Int) throws -> [Onnx_NodeProto] {
        let names = n.inputs.map { $0 >= 0 ? graph.values[$0].name : "" }
        let out = graph.values[n.outputs[0]].name
        let sum = n.outputs.count > 1 && n.outputs[1] >= 0 ? graph.values[n.outputs[1]].name : out + "__sum"
        opset = max(opset, 17)
        var add = Onnx_NodeProto()
        add.name = n.name + "__add"
        add.opType = "Add"
        add.input = [names[0], names[1]]
        add.output = [sum]
        var ln = Onnx_NodeProto()
        ln.name = n.name
        ln.opType = "LayerNormalization"
        ln.input = [sum] + names.dropFirst(2)
        while ln.input.last == "" { ln.input.removeLast() }
        ln.output = [out]
        ln.attribute = [try attribute(.int(-1), name: "axis"), try attribute(.float(n.float("epsilon", 1e-5)), name: "epsilon")]
        return [add, ln]
    }

    /// sluice.Attention with a mask, as the standard ops exporters write. ONNX Attention
    /// (opset 23) means the same, but onnxruntime (1.31) refuses a mask that broadcasts over
    /// the query positions ([batch, 1, 1, kv], BERT's padding mask: "inconsistent
    /// q_sequence_length") and, on MiniLM-L3 with run-time shapes, was measured computing outputs
    /// 27% away from the original model's (our interpreter agreed with the original). So a
    /// masked node is written out unless its mask is statically full ([…, q, kv] with q the
    /// query length). The ops are those the fusion matched: a plain MatMul against K, which
    /// broadcasts K/V heads exactly as the original graph did. Returns nil without a mask, for
    /// a full mask, and for non-fp32 Q (the scale constant is fp32).
    ///
    ///     MatMul(Q, Transpose(K)) · scale  (+ mask | Where(mask, ·, −∞))  → Softmax(−1) → MatMul(·, V)
    ///
    /// For `.onnxruntime` the scaled product is one com.microsoft `FusedMatMul(Q, K, transB = 1,
    /// alpha = scale)` (alpha · Q·Kᵀ, K's last two axes swapped), standing for the first four.
    static func decomposedAttention(_ n: Node, _ graph: Graph, target: OnnxTarget = .standard) throws -> [Onnx_NodeProto]? {
        guard n.inputs.count > 3, n.inputs[3] >= 0, let q = graph.type(n.inputs[0]), q.dtype == .float32,
              let maskType = graph.type(n.inputs[3]) else { return nil }
        if let qShape = q.shape, qShape.rank == 4, let maskShape = maskType.shape, maskShape.rank >= 2,
           let qLength = qShape.dims[2].value, maskShape.dims[maskShape.rank - 2] == .known(qLength) {
            return nil  // a full mask: onnxruntime's Attention kernel takes it
        }
        let names = n.inputs.map { graph.values[$0].name }
        let out = graph.values[n.outputs[0]].name
        func make(_ op: String, _ inputs: [String], _ output: String, _ attrs: [String: Attribute] = [:]) throws -> Onnx_NodeProto {
            var p = Onnx_NodeProto()
            p.name = n.name + "__" + output.split(separator: "_").last.map(String.init)!
            p.opType = op
            p.input = inputs
            p.output = [output]
            for (name, a) in attrs.sorted(by: { $0.key < $1.key }) { p.attribute.append(try attribute(a, name: name)) }
            return p
        }
        // Without the attribute the scale is 1/√(head size), as in ONNX Attention.
        guard let scale = n.attributes["scale"]?.float
                ?? q.shape.flatMap({ $0.dims.last?.value }).map({ 1 / Float($0).squareRoot() }) else { return nil }
        var nodes: [Onnx_NodeProto]
        if target == .onnxruntime {
            var fused = try make("FusedMatMul", [names[0], names[1]], out + "__scaled", ["transB": .int(1), "alpha": .float(scale)])
            fused.domain = "com.microsoft"
            nodes = [fused]
        } else {
            nodes = [
                try make("Transpose", [names[1]], out + "__kt", ["perm": .ints([0, 1, 3, 2])]),
                try make("MatMul", [names[0], out + "__kt"], out + "__qk"),
                try make("Constant", [], out + "__scale", ["value_float": .float(scale)]),
                try make("Mul", [out + "__qk", out + "__scale"], out + "__scaled"),
            ]
        }
        if maskType.dtype == .bool {
            nodes.append(try make("Constant", [], out + "__neginf", ["value_float": .float(-.infinity)]))
            nodes.append(try make("Where", [names[3], out + "__scaled", out + "__neginf"], out + "__masked"))
        } else {
            nodes.append(try make("Add", [out + "__scaled", names[3]], out + "__masked"))
        }
        nodes.append(try make("Softmax", [out + "__masked"], out + "__probs", ["axis": .int(-1)]))
        nodes.append(try make("MatMul", [out + "__probs", names[2]], out))
        return nodes
    }

    /// The IR version that introduced support for `opset`'s era (kept conservative so
    /// older runtimes load the file).
    static func irVersion(forOpset opset: Int) -> Int64 {
        switch opset {
        case ...8: return 4
        case ...10: return 5
        case ...12: return 7
        case ...18: return 8
        case ...20: return 9
        default: return 10
        }
    }

    static func tensorProto(_ c: ConstantTensor, name: String) throws -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = c.dtype.rawValue
        t.dims = c.dims.map { Int64($0) }
        t.rawData = Data(try c.rawBytes())
        return t
    }

    static func attribute(_ a: Attribute, name: String) throws -> Onnx_AttributeProto {
        var p = Onnx_AttributeProto()
        p.name = name
        switch a {
        case .int(let v): p.type = .int; p.i = v
        case .float(let v): p.type = .float; p.f = v
        case .string(let v): p.type = .string; p.s = Data(v.utf8)
        case .ints(let v): p.type = .ints; p.ints = v
        case .floats(let v): p.type = .floats; p.floats = v
        case .strings(let v): p.type = .strings; p.strings = v.map { Data($0.utf8) }
        case .tensor(let t): p.type = .tensor; p.t = try tensorProto(t, name: "")
        case .opaque(let bytes):
            p = try Onnx_AttributeProto(serializedBytes: bytes)
            p.name = name
        }
        return p
    }

    static func valueInfo(_ v: Value) -> Onnx_ValueInfoProto {
        var vi = Onnx_ValueInfoProto()
        vi.name = v.name
        guard let t = v.type else { return vi }
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = t.dtype.rawValue
        if let s = t.shape {
            var shape = Onnx_TensorShapeProto()
            for d in s.dims {
                var dim = Onnx_TensorShapeProto.Dimension()
                switch d {
                case .known(let n): dim.dimValue = Int64(n)
                case .symbol(let name): dim.dimParam = name
                case .unknown: break
                }
                shape.dim.append(dim)
            }
            tt.shape = shape
        }
        var type = Onnx_TypeProto()
        type.tensorType = tt
        vi.type = type
        return vi
    }
}
