import Foundation
import GraphIR
import GraphIO
import GraphInterp
for p in CommandLine.arguments.dropFirst() {
    do {
        let g = try OnnxImporter.load(path: p)
        let inp = g.inputs[0]
        let dims = g.values[inp].type!.shape!.dims.map { $0.value ?? 1 }
        let n = dims.reduce(1, *)
        let x = Tensor(shape: dims, floats: (0..<n).map { Float(Double($0) / Double(n)) })
        let t0 = Date()
        let out = try Interpreter.run(g, feeds: [g.values[inp].name: x])
        let ref = try OnnxImporter.loadTensor(path: p.replacingOccurrences(of: ".onnx", with: "_output_0.pb")).floats()
        let got = out[g.values[g.outputs[0]].name]!.f
        var maxErr: Float = 0; var maxRef: Float = 0
        for (a, b) in zip(got, ref) { maxErr = max(maxErr, abs(a - b)); maxRef = max(maxRef, abs(b)) }
        print(p, got.count, ref.count, "maxErr", maxErr, "maxRef", maxRef, Date().timeIntervalSince(t0))
    } catch { print(p, "ERROR", error) }
}
