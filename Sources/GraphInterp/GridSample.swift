import GraphIR
import Kernels

/// ONNX GridSample on 4-D input: X [N, C, H, W] sampled at grid [N, Ho, Wo, 2] of (x, y) in
/// [-1, 1]; nearest or bilinear, zeros/border/reflection padding, align_corners, run on the
/// Kernels library's `GridSample.gridSample`. Bicubic and volumetric (5-D) sampling are
/// reported as unsupported.
enum GridSample {
    static func run(_ node: Node, x: Tensor, grid: Tensor) throws -> Tensor {
        let modeName = node.string("mode", "bilinear")
        let paddingName = node.string("padding_mode", "zeros")
        let mode: Kernels.GridSample.Mode? = modeName == "nearest" ? .nearest : ["bilinear", "linear"].contains(modeName) ? .linear : nil
        guard let mode, x.shape.count == 4 else {
            throw InterpreterError.unsupported(op: "GridSample", node: node.name, detail: "mode \(modeName), rank \(x.shape.count)")
        }
        guard let padding = Kernels.GridSample.Padding(rawValue: paddingName) else {
            throw InterpreterError.unsupported(op: "GridSample", node: node.name, detail: "padding_mode \(paddingName)")
        }
        guard grid.shape.count == 4, grid.shape[0] == x.shape[0], grid.shape[3] == 2 else {
            throw InterpreterError.badInput(node: node.name, detail: "grid \(grid.shape) for input \(x.shape)")
        }
        return try runKernel(node) {
            Tensor(try Kernels.GridSample.gridSample(x.kernelTensor(), grid: grid.kernelTensor(), mode: mode, padding: padding,
                                                     alignCorners: node.int("align_corners", 0) != 0), dtype: x.dtype)
        }
    }
}
