/// The layout of one framed message, as read from its header.
public struct FrameLayout: Equatable, Sendable {
    /// Bytes of the segment table (count, sizes, padding to a word).
    public var headerByteCount: Int
    /// Words in each segment.
    public var segmentWordCounts: [Int]
    /// Header plus all segments.
    public var totalByteCount: Int
}

/// The result of looking at the start of a byte buffer for a frame.
public enum FrameParse: Equatable, Sendable {
    /// At least this many bytes (from the frame start) are needed to go on.
    case needMore(Int)
    /// A whole frame is present.
    case complete(FrameLayout)
}

/// Standard stream framing ("serialization over a stream"): a little-endian UInt32 segment count
/// minus one, a UInt32 word count per segment, zero padding to a word boundary, then the segments.
/// Pure functions over memory; I/O lives with the callers.
public enum Framing {
    /// Bytes of the segment table for `segmentCount` segments.
    @inlinable
    public static func headerByteCount(segmentCount: Int) -> Int {
        // 4 bytes of count + 4 per segment, rounded up to 8.
        ((segmentCount + 2) / 2) * 8
    }

    /// Writes the segment table into `into` (which must hold `headerByteCount` bytes); returns its size.
    @discardableResult
    public static func writeHeader(segmentWordCounts: [Int], into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = headerByteCount(segmentCount: segmentWordCounts.count)
        precondition(buffer.count >= n && !segmentWordCounts.isEmpty, "header buffer too small")
        let p = buffer.baseAddress!
        p.storeBytes(of: UInt32(segmentWordCounts.count - 1).littleEndian, as: UInt32.self)
        for (i, w) in segmentWordCounts.enumerated() {
            p.storeBytes(of: UInt32(truncatingIfNeeded: w).littleEndian, toByteOffset: 4 + 4 * i, as: UInt32.self)
        }
        if segmentWordCounts.count % 2 == 0 { p.storeBytes(of: UInt32(0), toByteOffset: n - 4, as: UInt32.self) }
        return n
    }

    /// Bytes of the whole frame for `builder`'s current message.
    public static func frameByteCount(_ builder: MessageBuilder) -> Int {
        headerByteCount(segmentCount: builder.segmentCount) + builder.totalWords * 8
    }

    /// Writes the framed message into `buffer` (at least `frameByteCount` bytes); returns bytes written.
    @discardableResult
    public static func write(_ builder: MessageBuilder, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var offset = writeHeader(segmentWordCounts: builder.segmentWordCounts, into: buffer)
        for i in 0..<builder.segmentCount {
            let s = builder.segmentBytes(i)
            (buffer.baseAddress! + offset).copyMemory(from: s.baseAddress!, byteCount: s.count)
            offset += s.count
        }
        return offset
    }

    /// The framed message: header followed by the used part of each segment.
    public static func encode(_ builder: MessageBuilder) -> [UInt8] {
        let n = frameByteCount(builder)
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            count = write(builder, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Appends the framed message to `output` (reusing its capacity; no zero-filling).
    public static func append(_ builder: MessageBuilder, to output: inout [UInt8]) {
        let segments = builder.segmentCount
        output.reserveCapacity(output.count + frameByteCount(builder))
        withUnsafeTemporaryAllocation(byteCount: headerByteCount(segmentCount: segments), alignment: 8) { header in
            let p = header.baseAddress!
            p.storeBytes(of: UInt32(segments - 1).littleEndian, as: UInt32.self)
            for i in 0..<segments {
                p.storeBytes(of: UInt32(truncatingIfNeeded: builder.segments[i].used).littleEndian, toByteOffset: 4 + 4 * i, as: UInt32.self)
            }
            if segments % 2 == 0 { p.storeBytes(of: UInt32(0), toByteOffset: header.count - 4, as: UInt32.self) }
            output.append(contentsOf: UnsafeRawBufferPointer(header))
        }
        for i in 0..<segments { output.append(contentsOf: builder.segmentBytes(i)) }
    }

    /// What the header at the start of `bytes` says, without allocating.
    @usableFromInline
    enum Scan {
        case needMore(Int)
        case complete(segmentCount: Int, headerBytes: Int, totalBytes: Int)
    }

    @inlinable
    static func scan(_ bytes: UnsafeRawBufferPointer, limits: ReaderLimits) throws -> Scan {
        guard bytes.count >= 4, let base = bytes.baseAddress else { return .needMore(8) }
        let segmentCount = Int(base.loadUnaligned(as: UInt32.self)) &+ 1
        guard segmentCount <= limits.segmentLimit else { throw tooManySegments(segmentCount, limits) }
        let header = headerByteCount(segmentCount: segmentCount)
        guard bytes.count >= header else { return .needMore(header) }
        var total = 0
        for i in 0..<segmentCount {
            total &+= Int(base.loadUnaligned(fromByteOffset: 4 &+ 4 &* i, as: UInt32.self))
        }
        guard total <= limits.traversalLimitWords else { throw tooLarge(total, limits) }
        let size = header &+ total &* 8
        guard bytes.count >= size else { return .needMore(size) }
        return .complete(segmentCount: segmentCount, headerBytes: header, totalBytes: size)
    }

    @usableFromInline @inline(never)
    static func tooManySegments(_ n: Int, _ limits: ReaderLimits) -> CapnpError {
        CapnpError(.segmentLimit, "frame header: \(n) segments, limit is \(limits.segmentLimit)")
    }

    @usableFromInline @inline(never)
    static func tooLarge(_ words: Int, _ limits: ReaderLimits) -> CapnpError {
        CapnpError(.traversalLimit, "frame header: message of \(words) words exceeds the traversal limit of \(limits.traversalLimitWords) words")
    }

    @usableFromInline @inline(never)
    static func truncatedFrame(needed: Int, have: Int) -> CapnpError {
        CapnpError(.truncated, "frame: needs \(needed) bytes, input has \(have)")
    }

    /// Parses the frame at the start of `bytes`: `.needMore` with the total byte count needed so
    /// far, or `.complete` once header and segments are all there. Throws `.segmentLimit` for too
    /// many segments and `.traversalLimit` for a frame larger than the traversal limit (so a
    /// hostile header cannot make a reader buffer gigabytes).
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: ReaderLimits = .default) throws -> FrameParse {
        switch try scan(bytes, limits: limits) {
        case .needMore(let n): return .needMore(n)
        case .complete(let count, let header, let total):
            let words = (0..<count).map { Int(bytes.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)) }
            return .complete(FrameLayout(headerByteCount: header, segmentWordCounts: words, totalByteCount: total))
        }
    }

    /// Opens the frame at the start of `bytes` without copying; returns the message and the
    /// frame's size. Throws `.truncated` when the bytes end inside the frame. `bytes` must stay
    /// alive while the message is used.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ReaderLimits = .default) throws -> (message: Message, byteCount: Int) {
        try open(bytes, limits: limits, copy: false)
    }

    /// Reopens `message` (made with `Message(reusableWith:)`) on the frame at the start of `bytes`,
    /// without copying or allocating; returns the frame's size. Views from the message's previous
    /// frame must no longer be used.
    public static func decode(_ bytes: UnsafeRawBufferPointer, into message: Message) throws -> Int {
        switch try scan(bytes, limits: message.limits) {
        case .needMore(let n): throw truncatedFrame(needed: n, have: bytes.count)
        case .complete(let count, let header, let total):
            let base = bytes.baseAddress!
            message.reopen(segmentCount: count, sizes: base + 4, body: base + header)
            return total
        }
    }

    /// Opens the frame at the start of `bytes` as a message that owns a word-aligned copy of its
    /// segments (for callers whose buffer is reused or short-lived).
    public static func decodeCopying(_ bytes: UnsafeRawBufferPointer, limits: ReaderLimits = .default) throws -> (message: Message, byteCount: Int) {
        try open(bytes, limits: limits, copy: true)
    }

    /// `decode` and `decodeCopying`: the frame at the start of `bytes` as a new message.
    static func open(_ bytes: UnsafeRawBufferPointer, limits: ReaderLimits, copy: Bool) throws -> (message: Message, byteCount: Int) {
        switch try scan(bytes, limits: limits) {
        case .needMore(let n): throw truncatedFrame(needed: n, have: bytes.count)
        case .complete(let count, let header, let total):
            let base = bytes.baseAddress!
            return (Message(segmentCount: count, sizes: base + 4, body: base + header, bodyBytes: total - header,
                            copy: copy, limits: limits), total)
        }
    }

    /// The message of a complete frame whose layout `parse` returned.
    public static func message(_ layout: FrameLayout, bytes: UnsafeRawBufferPointer, limits: ReaderLimits = .default) throws -> Message {
        var offset = layout.headerByteCount
        var segments = [UnsafeRawBufferPointer]()
        segments.reserveCapacity(layout.segmentWordCounts.count)
        for w in layout.segmentWordCounts {
            segments.append(UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + w * 8]))
            offset += w * 8
        }
        return try Message(segments: segments, limits: limits)
    }
}
