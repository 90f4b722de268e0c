import Foundation
import GraphIR

/// ONNX GridSample on 4-D input: X [N, C, H, W] sampled at grid [N, Ho, Wo, 2] of (x, y) in
/// [-1, 1]; nearest or bilinear, zeros/border/reflection padding, align_corners.
/// Bicubic and volumetric (5-D) sampling are reported as unsupported.
enum GridSample {
    static func run(_ node: Node, x: Tensor, grid: Tensor) throws -> Tensor {
        let mode = node.string("mode", "bilinear")
        guard ["bilinear", "linear", "nearest"].contains(mode), x.shape.count == 4 else {
            throw InterpreterError.unsupported(op: "GridSample", node: node.name, detail: "mode \(mode), rank \(x.shape.count)")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        guard grid.shape.count == 4, grid.shape[0] == n, grid.shape[3] == 2 else {
            throw InterpreterError.badInput(node: node.name, detail: "grid \(grid.shape) for input \(x.shape)")
        }
        let (ho, wo) = (grid.shape[1], grid.shape[2])
        let align = node.int("align_corners", 0) != 0
        let padding = node.string("padding_mode", "zeros")
        let xf = x.floats, gf = grid.floats
        func denormalize(_ v: Float, _ len: Int) -> Float {
            align ? (v + 1) / 2 * Float(len - 1) : ((v + 1) * Float(len) - 1) / 2
        }
        /// Reflects `v` into [lo, hi] (repeatedly, as a mirror).
        func reflect(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
            let range = hi - lo
            guard range > 0 else { return lo }
            if v < lo {
                let d = lo - v, k = (d / range).rounded(.towardZero), r = d - k * range
                return Int(k) % 2 == 0 ? lo + r : hi - r
            }
            if v > hi {
                let d = v - hi, k = (d / range).rounded(.towardZero), r = d - k * range
                return Int(k) % 2 == 0 ? hi - r : lo + r
            }
            return v
        }
        func bounds(_ len: Int) -> (Float, Float) { align ? (0, Float(len - 1)) : (-0.5, Float(len) - 0.5) }
        func pixel(_ plane: Int, _ r: Int, _ col: Int) -> Float {
            var r = r, col = col
            if r < 0 || r >= h || col < 0 || col >= w {
                switch padding {
                case "zeros": return 0
                case "border": r = min(max(r, 0), h - 1); col = min(max(col, 0), w - 1)
                default:
                    let (ylo, yhi) = bounds(h), (xlo, xhi) = bounds(w)
                    r = min(max(Int(reflect(Float(r), ylo, yhi)), 0), h - 1)
                    col = min(max(Int(reflect(Float(col), xlo, xhi)), 0), w - 1)
                }
            }
            return xf[plane * h * w + r * w + col]
        }
        var out = [Float](repeating: 0, count: n * c * ho * wo)
        for b in 0..<n {
            for i in 0..<ho {
                for j in 0..<wo {
                    let g = ((b * ho + i) * wo + j) * 2
                    var px = denormalize(gf[g], w), py = denormalize(gf[g + 1], h)
                    if padding == "border" {
                        px = min(max(px, 0), Float(w - 1)); py = min(max(py, 0), Float(h - 1))
                    } else if padding == "reflection" {
                        let (xlo, xhi) = bounds(w), (ylo, yhi) = bounds(h)
                        px = reflect(px, xlo, xhi); py = reflect(py, ylo, yhi)
                    }
                    for ch in 0..<c {
                        let plane = b * c + ch
                        let v: Float
                        if mode == "nearest" {
                            v = pixel(plane, Int(py.rounded(.toNearestOrEven)), Int(px.rounded(.toNearestOrEven)))
                        } else {
                            let x0 = Int(px.rounded(.down)), y0 = Int(py.rounded(.down))
                            let tx = px - Float(x0), ty = py - Float(y0)
                            v = (1 - ty) * ((1 - tx) * pixel(plane, y0, x0) + tx * pixel(plane, y0, x0 + 1))
                                + ty * ((1 - tx) * pixel(plane, y0 + 1, x0) + tx * pixel(plane, y0 + 1, x0 + 1))
                        }
                        out[((plane) * ho + i) * wo + j] = v
                    }
                }
            }
        }
        return Tensor(dtype: x.dtype, shape: [n, c, ho, wo], f: out)
    }
}
