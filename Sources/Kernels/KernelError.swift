/// Why a kernel refused its arguments. Kernels validate shapes before touching memory, so a
/// bad call throws instead of trapping or reading out of bounds.
public struct KernelError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The kernel that refused, e.g. "conv2d".
    public var kernel: String
    /// What was wrong, naming the shapes involved.
    public var message: String

    /// An error of `kernel` saying `message`.
    public init(_ kernel: String, _ message: String) {
        self.kernel = kernel
        self.message = message
    }

    public var description: String { "\(kernel): \(message)" }
}
