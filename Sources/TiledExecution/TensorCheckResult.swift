/// One graph value as the tiled program computed it, against the interpreter on the whole graph.
public struct TensorCheckResult: Sendable, Equatable {
    /// The graph value (a group's output).
    public var value: String
    /// The tile group that produced it.
    public var group: Int
    /// "float32", "int8", ...
    public var elementType: String
    public var elements: Int
    public var maxAbsError: Double
    public var maxRelError: Double
    /// The bound it was held to (both 0 for integers: exact).
    public var absTolerance: Double
    public var relTolerance: Double
    public var passed: Bool
    /// Flat index of the largest error.
    public var worstIndex: Int
    /// Why the value was not checked, or empty.
    public var note: String

    public init(value: String, group: Int, elementType: String, elements: Int, maxAbsError: Double, maxRelError: Double,
                absTolerance: Double, relTolerance: Double, passed: Bool, worstIndex: Int, note: String = "") {
        self.value = value
        self.group = group
        self.elementType = elementType
        self.elements = elements
        self.maxAbsError = maxAbsError
        self.maxRelError = maxRelError
        self.absTolerance = absTolerance
        self.relTolerance = relTolerance
        self.passed = passed
        self.worstIndex = worstIndex
        self.note = note
    }
}
