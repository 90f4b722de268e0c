/// Safety limits applied while reading untrusted messages (the same defaults as the C++ library).
///
/// - `traversalLimitWords`: every struct, list, text or data dereference charges its size in
///   words (at least one word per element for zero-sized elements, so a list of 2^29 empty
///   structs or a pointer cycle cannot amplify a small message into unbounded work). A frame
///   larger than this is rejected before it is read.
/// - `nestingLimit`: the deepest chain of struct/list pointers followed (stops stack exhaustion
///   in recursive consumers and catches cycles early).
/// - `segmentLimit`: the most segments a frame may declare (stops huge segment tables).
public struct ReaderLimits: Sendable, Equatable {
    /// Words a reader may dereference in total over the life of one `Message`.
    public var traversalLimitWords: Int
    /// Deepest pointer nesting followed.
    public var nestingLimit: Int
    /// Most segments a message may have.
    public var segmentLimit: Int

    /// Creates limits; the defaults match libcapnp's `ReaderOptions` (64 MiB of words, depth 64).
    public init(traversalLimitWords: Int = 8 * 1024 * 1024, nestingLimit: Int = 64, segmentLimit: Int = 512) {
        self.traversalLimitWords = traversalLimitWords
        self.nestingLimit = nestingLimit
        self.segmentLimit = segmentLimit
    }

    /// 8 Mi words traversal, nesting 64, 512 segments.
    public static let `default` = ReaderLimits()

    /// No traversal limit: for memory this process built itself (builders, default values).
    public static let trusted = ReaderLimits(traversalLimitWords: Int.max / 2, nestingLimit: 1 << 20, segmentLimit: Int.max)
}
