import Foundation
import Kernels
import Testing

/// The ONNX node test cases (generated from the operator definitions by
/// `onnx.backend.test.case.node`) of every operator Kernels implements, run against the fast
/// kernels with ONNX's own tolerances (|got − want| ≤ atol + rtol·|want|, rtol 1e-3 for fp32).
/// The cases are exported by Tools/onnx_node_cases.py; `make test-kernels-onnx` does both. Runs
/// only when SLUICE_ONNX_NODE_CASES names the exported directory.
@Suite struct OnnxNodeTests {
    static let directory = ProcessInfo.processInfo.environment["SLUICE_ONNX_NODE_CASES"]

    @Test(.enabled(if: OnnxNodeTests.directory != nil, "set SLUICE_ONNX_NODE_CASES (make test-kernels-onnx)"))
    func nodeCasesMatch() throws {
        let root = URL(fileURLWithPath: Self.directory!)
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        var ran = 0
        var skipped: [String] = []
        for name in names {
            let dir = root.appendingPathComponent(name)
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("meta.json"))) as! [String: Any]
            let shapes = (meta["inputs"] as! [[Int]])
            let inputs = try shapes.enumerated().map { i, shape in
                try Tensor(shape: shape, data: Self.floats(dir.appendingPathComponent("input_\(i).f32")))
            }
            let want = try Tensor(shape: meta["output"] as! [Int], data: Self.floats(dir.appendingPathComponent("output_0.f32")))
            guard let got = try Self.run(meta["op"] as! String, meta["attributes"] as! [String: Any],
                                         inputs, axesInput: meta["axes"] as? [Int], meta: meta) else {
                skipped.append(name)
                continue
            }
            let rtol = Float(meta["rtol"] as! Double), atol = Float(meta["atol"] as! Double)
            expectClose(got, want, atol: atol, rtol: rtol, name)
            ran += 1
        }
        print("onnx node cases: \(ran) ran, \(skipped.count) skipped (unsupported attributes): \(skipped.joined(separator: " "))")
        #expect(ran >= 100, "only \(ran) ONNX node cases ran")
    }

    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }

    static func ints(_ a: [String: Any], _ key: String) -> [Int]? { a[key] as? [Int] }

    /// Runs one node; nil when an attribute asks for something Kernels does not implement.
    static func run(_ op: String, _ a: [String: Any], _ x: [Tensor], axesInput: [Int]?,
                    meta: [String: Any] = [:]) throws -> Tensor? {
        let unary: [String: UnaryOp] = ["Relu": .relu, "Sigmoid": .sigmoid, "Tanh": .tanh, "Exp": .exp, "Erf": .erf,
                                        "Neg": .neg, "Abs": .abs, "Sqrt": .sqrt]
        let binary: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Max": .max, "Min": .min]
        if let u = unary[op] { return Elementwise.unary(u, x[0]) }
        if let b = binary[op] {
            guard x.count >= 1 else { return nil }
            return try x.dropFirst().reduce(x[0]) { try Elementwise.binary(b, $0, $1) }
        }
        switch op {
        case "Gelu":
            return Elementwise.unary((a["approximate"] as? String) == "tanh" ? .geluTanh : .geluErf, x[0])
        case "Softmax":
            return try Normalization.softmax(x[0], axis: a["axis"] as? Int ?? -1)
        case "LayerNormalization":
            guard (a["stash_type"] as? Int ?? 1) == 1 else { return nil }
            return try Normalization.layerNorm(x[0], scale: x[1], bias: x.count > 2 ? x[2] : nil,
                                               axis: a["axis"] as? Int ?? -1, epsilon: Float(a["epsilon"] as? Double ?? 1e-5))
        case "MatMul":
            return try Gemm.matmul(x[0], x[1])
        case "Conv", "MaxPool", "AveragePool":
            let autoPad = a["auto_pad"] as? String ?? "NOTSET"
            guard x[0].rank == 4, ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad),
                  (a["storage_order"] as? Int ?? 0) == 0 else { return nil }
            let strides = ints(a, "strides") ?? [1, 1], dilations = ints(a, "dilations") ?? [1, 1]
            var pads = ints(a, "pads") ?? [0, 0, 0, 0]
            let kernel = ints(a, "kernel_shape") ?? (op == "Conv" ? Array(x[1].shape.suffix(2)) : [])
            if autoPad.hasPrefix("SAME"), kernel.count == 2 {
                // ONNX: output = ceil(input / stride); the padding that needs is split evenly,
                // the odd one at the end (SAME_UPPER) or the beginning (SAME_LOWER).
                for axis in 0..<2 {
                    let input = x[0].shape[2 + axis]
                    let output = (input + strides[axis] - 1) / strides[axis]
                    let total = max(0, (output - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - input)
                    let small = total / 2
                    pads[axis] = autoPad == "SAME_UPPER" ? small : total - small
                    pads[axis + 2] = total - pads[axis]
                }
            }
            let p = Conv2dParams(strides: (strides[0], strides[1]), pads: (pads[0], pads[1], pads[2], pads[3]),
                                 dilations: (dilations[0], dilations[1]), groups: a["group"] as? Int ?? 1)
            if op == "Conv" {
                return try Convolution.conv2d(x[0], weight: x[1], bias: x.count > 2 ? x[2] : nil, params: p)
            }
            guard let k = ints(a, "kernel_shape"), k.count == 2 else { return nil }
            return try Pooling.pool2d(x[0], kind: op == "MaxPool" ? .max : .average, kernel: (k[0], k[1]), params: p,
                                      countIncludePad: (a["count_include_pad"] as? Int ?? 0) == 1,
                                      ceilMode: (a["ceil_mode"] as? Int ?? 0) == 1)
        case "GlobalAveragePool", "GlobalMaxPool":
            guard x[0].rank == 4 else { return nil }
            return try Pooling.global(x[0], kind: op == "GlobalMaxPool" ? .max : .average)
        case "Transpose":
            return try Layout.transpose(x[0], permutation: ints(a, "perm") ?? Array((0..<x[0].rank).reversed()))
        case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin":
            let kind: Reduction.Kind = ["ReduceSum": .sum, "ReduceMean": .mean, "ReduceMax": .max, "ReduceMin": .min][op]!
            let axes = axesInput ?? ints(a, "axes") ?? []
            if axes.isEmpty && (a["noop_with_empty_axes"] as? Int ?? 0) == 1 { return x[0] }
            guard x[0].count > 0 else { return nil }
            return try Reduction.reduce(x[0], kind, axes: axes, keepDims: (a["keepdims"] as? Int ?? 1) == 1)
        case "Resize":
            return try resize(a, x[0], meta)
        case "GridSample":
            let modeName = a["mode"] as? String ?? "linear"
            guard x[0].rank == 4,
                  let mode = GridSample.Mode(rawValue: modeName == "bilinear" ? "linear" : modeName),
                  let padding = GridSample.Padding(rawValue: a["padding_mode"] as? String ?? "zeros") else { return nil }
            return try GridSample.gridSample(x[0], grid: x[1], mode: mode, padding: padding,
                                             alignCorners: (a["align_corners"] as? Int ?? 0) == 1)
        default:
            return nil
        }
    }

    /// ONNX Resize on NCHW: scales or sizes (over all axes or the `axes` attribute) must leave
    /// N and C alone; keep_aspect_ratio_policy picks one scale and rounds the sizes half up.
    static func resize(_ a: [String: Any], _ x: Tensor, _ meta: [String: Any]) throws -> Tensor? {
        guard x.rank == 4, (a["antialias"] as? Int ?? 0) == 0,
              let mode = Resize.Mode(rawValue: a["mode"] as? String ?? "nearest"),
              let coordinates = Resize.CoordinateTransform(rawValue: a["coordinate_transformation_mode"] as? String ?? "half_pixel"),
              let nearest = Resize.NearestMode(rawValue: a["nearest_mode"] as? String ?? "round_prefer_floor") else { return nil }
        let axes = (ints(a, "axes") ?? [0, 1, 2, 3]).map { $0 < 0 ? $0 + 4 : $0 }
        var scales = [1.0, 1.0, 1.0, 1.0], sizes = x.shape
        if let given = meta["scales"] as? [Double] { for (axis, v) in zip(axes, given) { scales[axis] = v } }
        if let given = meta["sizes"] as? [Int] { for (axis, v) in zip(axes, given) { sizes[axis] = v } }
        guard scales[0] == 1, scales[1] == 1, sizes[0] == x.shape[0], sizes[1] == x.shape[1] else { return nil }
        if meta["sizes"] == nil { return try Resize.resize2d(x, .scales(scales[2], scales[3]), mode: mode, coordinates: coordinates, nearest: nearest) }
        let policy = a["keep_aspect_ratio_policy"] as? String ?? "stretch"
        if policy == "stretch" { return try Resize.resize2d(x, .sizes(sizes[2], sizes[3]), mode: mode, coordinates: coordinates, nearest: nearest) }
        let ratios = axes.filter { $0 >= 2 }.map { Double(sizes[$0]) / Double(x.shape[$0]) }
        guard let scale = policy == "not_larger" ? ratios.min() : ratios.max() else { return nil }
        let (sy, sx) = (axes.contains(2) ? scale : 1, axes.contains(3) ? scale : 1)
        return try Resize.resize2d(x, .sizesAndScales(Int(sy * Double(x.shape[2]) + 0.5), Int(sx * Double(x.shape[3]) + 0.5), sy, sx),
                                   mode: mode, coordinates: coordinates, nearest: nearest)
    }
}
