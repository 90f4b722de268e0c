/// A control-flow body (an If branch, a Loop or Scan body) decoded for running.
public struct SubgraphBody: Sendable {
    /// The body as a graph. Its first `formalInputs` inputs are the operator's formal body
    /// inputs (in ONNX order); the rest are the outer values the body reads by name, which the
    /// interpreter feeds from the enclosing scope.
    public var graph: Graph
    public var formalInputs: Int

    public init(graph: Graph, formalInputs: Int) {
        self.graph = graph
        self.formalInputs = formalInputs
    }
}

/// Decodes a subgraph attribute (kept serialized in the IR) into a body, given the graph that
/// holds the node. The interpreter does not read ONNX itself: GraphIO provides this
/// (`SubgraphBodies.loader()`); the interpreter (GraphInterp) runs it, and without one
/// refuses control flow as opaque.
public typealias SubgraphLoader = @Sendable (_ attribute: Attribute, _ outer: Graph) throws -> SubgraphBody


extension Node {
    /// If, Loop and Scan of the default domain: nodes whose semantics live in subgraph attributes.
    public var isControlFlow: Bool {
        (domain.isEmpty || domain == "ai.onnx") && (op == "If" || op == "Loop" || op == "Scan")
    }
}
