import GraphIR

/// One graph transformation. A pass keeps the graph valid and computing the same values
/// at its outputs (within float rounding); the tests check that with the interpreter.
public protocol GraphPass: Sendable {
    /// The name `--passes` and `--list-passes` use.
    var name: String { get }
    /// One line for `--list-passes`.
    var summary: String { get }
    /// Rewrites `graph`; returns how many rewrites it made (0 means unchanged).
    func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int
}

/// Knobs shared by all passes.
public struct PassOptions: Sendable {
    /// Constant folding never materializes a tensor with more elements than this
    /// (splat results, which cost one element, are exempt).
    public var foldElementLimit: Int
    /// Fold a DequantizeLinear of constant integers (a quantized weight) into a float
    /// constant. Off by default: a backend that runs QDQ graphs needs the pair kept, and the
    /// float weight is four times the bytes.
    public var foldQDQ: Bool
    /// Decodes If/Loop/Scan bodies (GraphIO's `SubgraphBodies.loader()`); without it the
    /// control-flow pass leaves every such node as it is.
    public var subgraphs: SubgraphLoader?

    public init(foldElementLimit: Int = 1 << 20, foldQDQ: Bool = false, subgraphs: SubgraphLoader? = nil) {
        self.foldElementLimit = foldElementLimit
        self.foldQDQ = foldQDQ
        self.subgraphs = subgraphs
    }
}

extension Graph {
    /// True when `v` is read by exactly one node and is not a graph output.
    func isSingleUse(_ v: ValueID, _ uses: [Int]) -> Bool { v >= 0 && uses[v] == 1 && !outputs.contains(v) }

    /// Drops the nodes at `indices`, keeping the order of the others.
    mutating func removeNodes(_ indices: Set<Int>) {
        guard !indices.isEmpty else { return }
        nodes = nodes.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
    }

    /// The constant behind `v` as one Float, when it is a splat or a single element.
    func scalar(_ v: ValueID) -> Float? { (try? constant(v)?.scalarFloat()) ?? nil }
}
