import GraphIO
import GraphIR
import GraphInterp
import GraphPasses
import OnnxProto
import SwiftProtobuf
import Testing
import TestSupport

/// Node-count rewrites for quantized and attention graphs: the exact Relu-before-quantize
/// removal (a pass), and `--for onnxruntime`'s export of QDQ Convs as QLinearConv, dynamic
/// quantized MatMuls as DynamicQuantizeMatMul and a masked attention's scaled product as
/// FusedMatMul with alpha. onnxruntime runs the exports in `make test-graph-ort`/`-seqquant`.
@Suite struct QuantizedExportTests {
    static func u8(_ b: inout GraphBuilder, _ name: String, _ dims: [Int], _ seed: UInt8) -> ValueID {
        b.graph.addConstant(name, ConstantTensor(dtype: .uint8, dims: dims, storage: .bytes((0..<dims.reduce(1, *)).map { UInt8(truncatingIfNeeded: $0 * 37) &+ seed })))
    }
    static func i8(_ b: inout GraphBuilder, _ name: String, _ values: [Int8], _ dims: [Int]) -> ValueID {
        b.graph.addConstant(name, ConstantTensor(dtype: .int8, dims: dims, storage: .bytes(values.map { UInt8(bitPattern: $0) })))
    }
    static func f32(_ b: inout GraphBuilder, _ name: String, _ values: [Float]) -> ValueID {
        b.graph.addConstant(name, .float32(values, dims: [values.count]))
    }

    /// A Relu read only by a QuantizeLinear whose zero point is the type's minimum goes; one
    /// before another zero point (or read twice) stays, and the outputs are bit-identical.
    @Test func reluBeforeQuantizeAtTheTypesMinimumGoes() throws {
        var b = GraphBuilder(opset: 19)
        let x = b.input("x", [2, 3, 4])
        let r1 = b.op("Relu", [x]), r2 = b.op("Relu", [x]), r3 = b.op("Relu", [x]), r4 = b.op("Relu", [x])
        let zpU = b.graph.addConstant("zu", ConstantTensor(dtype: .uint8, dims: [], storage: .bytes([0])))
        let zpI = b.graph.addConstant("zi", ConstantTensor(dtype: .int8, dims: [], storage: .bytes([UInt8(bitPattern: -128)])))
        let zp3 = b.graph.addConstant("z3", ConstantTensor(dtype: .uint8, dims: [], storage: .bytes([3])))
        let outs = [
            b.op("QuantizeLinear", [r1, b.scalar("s1", 0.01), zpU]),   // uint8, zero point 0: goes
            b.op("QuantizeLinear", [r2, b.scalar("s2", 0.02), zpI]),   // int8, −128: goes
            b.op("QuantizeLinear", [r3, b.scalar("s3", 0.01), zp3]),   // zero point 3: the Relu matters
            b.op("QuantizeLinear", [r4, b.scalar("s4", 0.01)]),        // absent zero point (uint8 0): goes
        ]
        let g = try b.finish(outs)
        let after = try checkPasses(g, ["fold-relu-quantize", "dce"], tolerance: 0)
        #expect(after.count("Relu") == 1 && after.count("QuantizeLinear") == 4)
        let read = try #require(after.nodes.first { $0.op == "Relu" })
        #expect(after.nodes.first { $0.op == "QuantizeLinear" && $0.inputs[0] == read.outputs[0] }?.input(2) == zp3)
    }

    /// DQ(x) → Conv(DQ(w) per channel, DQ(int32 bias at x_scale·w_scale)) → Q, two Convs
    /// sharing the input's DQ: for onnxruntime each is one QLinearConv and every DQ goes; plain
    /// export keeps the QDQ form. Our interpreter runs both files to within one output step.
    static func qdqConvs(biasScale: Float? = nil) throws -> Graph {
        var b = GraphBuilder(opset: 19)
        let xs: Float = 0.02, ws: [Float] = [0.01, 0.03, 0.005]
        let xq = b.op("QuantizeLinear", [b.input("x", [1, 2, 5, 5]), b.scalar("xs", xs), u8(&b, "xz", [], 120)])
        let dx = b.op("DequantizeLinear", [xq, b.scalar("xs2", xs), u8(&b, "xz2", [], 120)])
        var outs: [ValueID] = []
        for k in 0..<2 {
            let w = i8(&b, "w\(k)", (0..<54).map { Int8(truncatingIfNeeded: $0 * 29 + k * 11) }, [3, 2, 3, 3])
            let dw = b.op("DequantizeLinear", [w, f32(&b, "ws\(k)", ws), i8(&b, "wz\(k)", [0, 0, 0], [3])], ["axis": .int(0)])
            let bias = b.graph.addConstant("b\(k)", ConstantTensor(dtype: .int32, dims: [3], storage: .bytes([7, 0, 0, 0, 0xf6, 0xff, 0xff, 0xff, 100, 0, 0, 0])))
            let db = b.op("DequantizeLinear", [bias, f32(&b, "bs\(k)", ws.map { biasScale ?? xs * $0 }), b.graph.addConstant("bz\(k)", ConstantTensor(dtype: .int32, dims: [3], storage: .bytes([UInt8](repeating: 0, count: 12))))], ["axis": .int(0)])
            let conv = b.op("Conv", [dx, dw, db], ["pads": .ints([1, 1, 1, 1])])
            outs.append(b.op("QuantizeLinear", [conv, b.scalar("ys\(k)", 0.05), u8(&b, "yz\(k)", [], 100)]))
        }
        return try b.finish(outs)
    }

    @Test func qdqConvBecomesQLinearConvForOnnxruntime() throws {
        let g = try Self.qdqConvs()
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g, target: .onnxruntime))
        let ops = proto.graph.node.map(\.opType)
        #expect(ops == ["QuantizeLinear", "QLinearConv", "QLinearConv"], "\(ops)")
        #expect(proto.graph.node.filter { $0.opType == "QLinearConv" }.allSatisfy { $0.domain.isEmpty && $0.input.count == 9 })
        let plain = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g)).graph.node.map(\.opType)
        #expect(plain.filter { $0 == "DequantizeLinear" }.count == 5 && !plain.contains("QLinearConv"))
        let back = try OnnxImporter.decode(try OnnxExporter.serialize(g, target: .onnxruntime))
        let feeds = randomFeeds(g)
        let want = try Interpreter.run(g, feeds: feeds), got = try Interpreter.run(back, feeds: feeds)
        for (name, ref) in want {
            let out = try #require(got[name])
            #expect(NumericCheck.maxAbsError(out.floats, ref.floats) <= 1, "\(name): more than one quantization step apart")
        }
        // A bias quantized at another scale than x_scale · w_scale would change the sum: kept.
        let off = try Self.qdqConvs(biasScale: 0.0001)
        let kept = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(off, target: .onnxruntime)).graph.node.map(\.opType)
        #expect(!kept.contains("QLinearConv") && kept.filter { $0 == "Conv" }.count == 2)
    }

    /// DynamicQuantizeLinear → MatMulInteger → Cast → Mul by a_scale·b_scale is one
    /// com.microsoft DynamicQuantizeMatMul for onnxruntime; standard export keeps the five.
    @Test func dynamicQuantizedMatMulBecomesOneContribNode() throws {
        var b = GraphBuilder(opset: 19)
        let a = b.input("a", [2, 4])
        let dq = b.node("DynamicQuantizeLinear", [a], outputs: 3)
        let w = Self.i8(&b, "w", (0..<12).map { Int8($0 * 9 - 50) }, [4, 3])
        let mm = b.op("MatMulInteger", [dq[0], w, dq[2], Self.i8(&b, "wz", [0], [])])
        let c = b.op("Cast", [mm], ["to": .int(Int64(DType.float32.rawValue))])
        let y = b.op("Mul", [c, b.op("Mul", [dq[1], b.scalar("ws", 0.01)])])
        let g = try b.finish([y])
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g, target: .onnxruntime))
        #expect(proto.graph.node.map(\.opType) == ["DynamicQuantizeMatMul"])
        #expect(proto.graph.node.first?.domain == "com.microsoft" && proto.graph.node.first?.input == ["a", "w", "ws", "wz"])
        #expect(try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g)).graph.node.count == 5)
    }

    /// A masked attention whose mask broadcasts over the queries is written out as ops; for
    /// onnxruntime its Transpose·MatMul·scale is one FusedMatMul(Q, K, transB = 1, alpha).
    @Test func maskedAttentionScoresAreOneFusedMatMulForOnnxruntime() throws {
        var b = GraphBuilder()
        let (s, d) = (5, 8)
        let q = b.input("q", [1, 2, s, d]), k = b.input("k", [1, 2, s, d]), v = b.input("v", [1, 2, s, d])
        let m = b.graph.addConstant("m", .float32((0..<s).map { $0 < 3 ? 0 : -1e4 }, dims: [1, 1, 1, s]))
        let scores = b.op("Add", [b.op("Mul", [b.op("MatMul", [q, b.op("Transpose", [k], ["perm": .ints([0, 1, 3, 2])])]), b.scalar("sm", 0.35)]), m])
        let g = try b.finish([b.op("MatMul", [b.op("Softmax", [scores], ["axis": .int(-1)]), v])])
        let fused = try checkPasses(g, ["fuse-attention", "remove-noops", "dce"])
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(fused, target: .onnxruntime))
        #expect(proto.graph.node.map(\.opType) == ["FusedMatMul", "Add", "Softmax", "MatMul"])
        let fm = try #require(proto.graph.node.first)
        let attrs = Dictionary(uniqueKeysWithValues: fm.attribute.map { ($0.name, $0) })
        #expect(fm.domain == "com.microsoft" && fm.input == ["q", "k"] && attrs["transB"]?.i == 1 && attrs["alpha"]?.f == 0.35)
        #expect(proto.opsetImport.contains { $0.domain == "com.microsoft" })
    }
    /// A scalar Mul after a MatMul (or after one that became FusedMatMul through a Transpose)
    /// is FusedMatMul's alpha; a Mul by a tensor stays.
    @Test func scalarScaleAfterMatMulIsAlpha() throws {
        var b = GraphBuilder(opset: 17)
        let x = b.input("x", [2, 3, 4]), y = b.input("y", [2, 4, 5]), z = b.input("z", [2, 5, 4])
        let s1 = b.op("Mul", [b.op("MatMul", [x, y]), b.scalar("half", 0.5)])
        let s2 = b.op("Mul", [b.scalar("three", 3), b.op("MatMul", [x, b.op("Transpose", [z], ["perm": .ints([0, 2, 1])])])])
        let s3 = b.op("Mul", [b.op("MatMul", [x, y]), b.weight("t", [5])])
        let g = try b.finish([s1, s2, s3])
        let proto = try Onnx_ModelProto(serializedBytes: try OnnxExporter.serialize(g, target: .onnxruntime))
        let fused = proto.graph.node.filter { $0.opType == "FusedMatMul" }
        let alphas = fused.map { n in n.attribute.first { $0.name == "alpha" }?.f }
        #expect(fused.count == 2 && alphas == [0.5, 3], "\(proto.graph.node.map(\.opType))")
        #expect(fused.map(\.output) == [[g.values[s1].name], [g.values[s2].name]])
        #expect(proto.graph.node.map(\.opType).filter { $0 == "Mul" }.count == 1 && !proto.graph.node.contains { $0.opType == "Transpose" })
    }
}
