/// Limits that keep a hostile schema from exhausting the stack or memory.
enum SchemaLimits {
    /// Deeper JSON or schema nesting is refused: the parser and checker recurse once per level,
    /// and real schemas stay far below this (nested records rarely pass 10 levels).
    static let maxNesting = 200
}
