import GraphIR
import Kernels

// The interpreter's heavy operators (Conv, pooling, Gemm/MatMul, Resize, GridSample, Softmax,
// LayerNorm/RMSNorm) run on the Kernels library, the one optimized implementation of their
// semantics. The interpreter keeps float data of every floating type in Float32 and computes
// integer inputs of these operators in Float32 too, so the fp32 kernels cover all of its cases;
// 16-bit results are still rounded to their type afterwards (`Interpreter.evaluate`).

extension Tensor {
    /// The values as a contiguous Kernels tensor, seen with `shape` (the element count must match).
    func kernelTensor(_ shape: [Int]? = nil) throws -> Kernels.Tensor {
        try Kernels.Tensor(shape: shape ?? self.shape, data: floats)
    }

    /// A kernel's result as an interpreter tensor of `dtype`, seen with `shape`.
    init(_ t: Kernels.Tensor, dtype: DType, shape: [Int]? = nil) {
        self.init(dtype: dtype, shape: shape ?? t.shape, f: t.contiguous().storage)
    }
}

/// Runs a kernel call, reporting a `KernelError` (bad shapes) as the node's bad input.
func runKernel<R>(_ node: Node, _ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as KernelError {
        throw InterpreterError.badInput(node: node.name, detail: "\(error)")
    }
}
