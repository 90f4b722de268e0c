#if _endian(big)
#error("The Capnp runtime reads the little-endian wire format in place and needs a little-endian host.")
#endif

/// A received message: a table of segments plus the reading limits and traversal budget.
///
/// `Message` does not copy: it refers to memory owned by the caller, which must stay alive while
/// the message and any view made from it are used (views hold an `unowned(unsafe)` reference to
/// the message, like C++ readers hold raw pointers). Messages from `StreamReader` own their bytes.
/// Reading mutates the traversal budget, so one `Message` must not be read from two threads at once.
public final class Message {
    @usableFromInline var segmentBases: UnsafeMutablePointer<UnsafeRawPointer>
    @usableFromInline var segmentWordCounts: UnsafeMutablePointer<Int>
    /// Number of segments.
    public var segmentCount: Int { segmentCount_ }
    @usableFromInline var segmentCount_: Int
    /// Words still allowed to be dereferenced (see `ReaderLimits.traversalLimitWords`).
    @usableFromInline var traversalWordsLeft: Int
    /// The limits this message was opened with.
    public let limits: ReaderLimits
    @usableFromInline var tableCapacity: Int
    /// One allocation holding both segment tables and, for messages that own their bytes
    /// (`StreamReader`, `decodeCopying`), the segments themselves: one malloc per message.
    var block: UnsafeMutableRawPointer
    var blockHoldsData = false

    /// Opens a message over `segments`, each a whole number of 8-byte words.
    ///
    /// 8-byte aligned segments are preferred; unaligned ones work (all loads are unaligned-safe).
    /// Throws `.segmentLimit` for too many segments and `.invalidFraming` for a segment whose size
    /// is not a multiple of 8.
    public convenience init(segments: [UnsafeRawBufferPointer], limits: ReaderLimits = .default) throws {
        guard !segments.isEmpty else { throw CapnpError(.invalidFraming, "message has no segments") }
        guard segments.count <= limits.segmentLimit else {
            throw CapnpError(.segmentLimit, "message has \(segments.count) segments, limit is \(limits.segmentLimit)")
        }
        for (i, s) in segments.enumerated() where s.count % 8 != 0 {
            throw CapnpError(.invalidFraming, "segment \(i) is \(s.count) bytes, not a whole number of words")
        }
        self.init(tableCapacity: segments.count, dataBytes: 0, limits: limits)
        segmentCount_ = segments.count
        for (i, s) in segments.enumerated() {
            segmentBases[i] = s.baseAddress ?? Message.zeroWord
            segmentWordCounts[i] = s.count / 8
        }
    }

    /// A message over a frame whose header `Framing` has validated: `header` points at the segment
    /// sizes (after the count word) and `body` at the first segment. With `copy`, the segments are
    /// copied into the message's own word-aligned block.
    convenience init(segmentCount: Int, sizes: UnsafeRawPointer, body: UnsafeRawPointer, bodyBytes: Int, copy: Bool, limits: ReaderLimits) {
        self.init(tableCapacity: segmentCount, dataBytes: copy ? bodyBytes : 0, limits: limits)
        var base = body
        if copy {
            if bodyBytes > 0 { ownedBody.copyMemory(from: body, byteCount: bodyBytes) }
            base = UnsafeRawPointer(ownedBody)
            blockHoldsData = true
        }
        layOutSegments(segmentCount, sizes: sizes, from: base)
    }

    /// A message owning an uninitialized block for `bodyBytes` of segments (sized by the frame
    /// header at `sizes`), for callers that fill `ownedBody` themselves (packed stream reading).
    convenience init(segmentCount: Int, sizes: UnsafeRawPointer, bodyBytes: Int, limits: ReaderLimits) {
        self.init(tableCapacity: segmentCount, dataBytes: bodyBytes, limits: limits)
        blockHoldsData = true
        layOutSegments(segmentCount, sizes: sizes, from: ownedBody)
    }

    /// Fills the segment table from a frame header's sizes (`count` UInt32 word counts at
    /// `sizes`) for segments laid end to end from `body`. The sizes are validated (`Framing`), so
    /// the arithmetic wraps rather than checks.
    @inline(__always)
    private func layOutSegments(_ count: Int, sizes: UnsafeRawPointer, from body: UnsafeRawPointer) {
        var offset = 0
        for i in 0..<count {
            let words = Int(sizes.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self))
            segmentBases[i] = body + offset
            segmentWordCounts[i] = words
            offset &+= words &* 8
        }
        segmentCount_ = count
    }

    /// The segments' bytes in an owning message's block.
    var ownedBody: UnsafeMutableRawPointer { block + tableCapacity * 16 }

    /// A message that owns a word-aligned copy of `body` (the segments back to back).
    public convenience init(owningCopyOf body: UnsafeRawBufferPointer, segmentWordCounts: [Int], limits: ReaderLimits = .default) throws {
        guard !segmentWordCounts.isEmpty else { throw CapnpError(.invalidFraming, "message has no segments") }
        guard segmentWordCounts.count <= limits.segmentLimit else {
            throw CapnpError(.segmentLimit, "message has \(segmentWordCounts.count) segments, limit is \(limits.segmentLimit)")
        }
        let total = segmentWordCounts.reduce(0, +)
        guard body.count >= total * 8 else {
            throw CapnpError(.truncated, "message body is \(body.count) bytes, its segment table needs \(total * 8)")
        }
        self.init(tableCapacity: segmentWordCounts.count, dataBytes: total * 8, limits: limits)
        let data = block + segmentWordCounts.count * 16
        if total > 0 { data.copyMemory(from: body.baseAddress!, byteCount: total * 8) }
        blockHoldsData = true
        var offset = 0
        for (i, w) in segmentWordCounts.enumerated() {
            segmentBases[i] = UnsafeRawPointer(data + offset * 8)
            self.segmentWordCounts[i] = w
            offset += w
        }
        segmentCount_ = segmentWordCounts.count
    }

    /// An empty table (segments added with `setSegment`), plus `dataBytes` of owned space after it.
    init(tableCapacity: Int, dataBytes: Int = 0, limits: ReaderLimits) {
        self.limits = limits
        self.traversalWordsLeft = limits.traversalLimitWords
        self.segmentCount_ = 0
        self.tableCapacity = max(tableCapacity, 1)
        block = .allocate(byteCount: self.tableCapacity * 16 + dataBytes, alignment: 8)
        segmentBases = block.bindMemory(to: UnsafeRawPointer.self, capacity: self.tableCapacity)
        segmentWordCounts = (block + self.tableCapacity * 8).bindMemory(to: Int.self, capacity: self.tableCapacity)
    }

    deinit { block.deallocate() }

    /// An empty message to pass to `Framing.decode(_:into:)`, which reopens it on each frame
    /// without allocating (for loops over many frames in one buffer).
    public convenience init(reusableWith limits: ReaderLimits = .default) {
        self.init(tableCapacity: 4, limits: limits)
    }

    /// Points this message at a new validated frame (see `Framing.decode(_:into:)`).
    func reopen(segmentCount: Int, sizes: UnsafeRawPointer, body: UnsafeRawPointer) {
        if segmentCount > tableCapacity || blockHoldsData {
            block.deallocate()
            tableCapacity = max(segmentCount, 4)
            block = .allocate(byteCount: tableCapacity * 16, alignment: 8)
            segmentBases = block.bindMemory(to: UnsafeRawPointer.self, capacity: tableCapacity)
            segmentWordCounts = (block + tableCapacity * 8).bindMemory(to: Int.self, capacity: tableCapacity)
            blockHoldsData = false
        }
        layOutSegments(segmentCount, sizes: sizes, from: body)
        traversalWordsLeft = limits.traversalLimitWords
    }

    /// Sets segment `index` (appending when `index == segmentCount`); used by owners of the table
    /// (builders' reader views, default values), whose messages never own their bytes.
    func setSegment(_ index: Int, base: UnsafeRawPointer, words: Int) {
        if index >= tableCapacity {
            precondition(!blockHoldsData, "a message that owns its bytes has a fixed segment table")
            let newCapacity = max(tableCapacity * 2, index + 1)
            let newBlock = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * 16, alignment: 8)
            let bases = newBlock.bindMemory(to: UnsafeRawPointer.self, capacity: newCapacity)
            let counts = (newBlock + newCapacity * 8).bindMemory(to: Int.self, capacity: newCapacity)
            bases.update(from: segmentBases, count: segmentCount)
            counts.update(from: segmentWordCounts, count: segmentCount)
            block.deallocate()
            block = newBlock
            segmentBases = bases
            segmentWordCounts = counts
            tableCapacity = newCapacity
        }
        segmentBases[index] = base
        segmentWordCounts[index] = words
        if index >= segmentCount_ { segmentCount_ = index + 1 }
    }

    func truncateSegments(to count: Int) { segmentCount_ = count }

    /// Restores the full traversal budget (e.g. before re-reading a message from the start).
    public func resetTraversalLimit() { traversalWordsLeft = limits.traversalLimitWords }

    /// The root struct. An empty first segment throws `.truncated`; a null root reads as an empty struct.
    public func root() throws -> StructReader {
        guard segmentCount > 0, segmentWordCounts[0] > 0 else {
            throw CapnpError(.truncated, "segment 0 is empty: the message has no root pointer")
        }
        return try readStruct(segment: 0, slot: segmentBases[0], nesting: limits.nestingLimit) ?? .empty
    }

    /// The root struct wrapped in a generated reader type.
    public func root<T: StructView>(as type: T.Type = T.self) throws -> T { T(try root()) }

    /// The root pointer as an untyped pointer (null when the first segment is empty).
    public func rootPointer() -> AnyPointerReader {
        guard segmentCount > 0, segmentWordCounts[0] > 0 else { return .null }
        return AnyPointerReader(message: self, segment: 0, slot: segmentBases[0], nesting: limits.nestingLimit)
    }

    /// The raw bytes of segment `index` (for writing a received message back out unchanged).
    public func segmentBytes(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: segmentBases[index], count: segmentWordCounts[index] * 8)
    }

    /// An 8-byte zero word: the target of empty views and empty segments.
    @usableFromInline static let zeroWord: UnsafeRawPointer = {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        return UnsafeRawPointer(p)
    }()

    /// The message empty views refer to (it has one zero-word segment and is never read through).
    @usableFromInline static let emptyMessage: Message = {
        let m = Message(tableCapacity: 1, limits: .trusted)
        m.setSegment(0, base: zeroWord, words: 1)
        return m
    }()
}
