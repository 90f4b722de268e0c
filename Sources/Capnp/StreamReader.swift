/// Where a `StreamReader` gets its bytes: files, pipes, sockets or memory.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes into `buffer`; returns how many, 0 at end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// An in-memory `ByteSource` that hands out its bytes in chunks of at most `chunkSize`
/// (1 exercises decoders byte by byte).
public struct ArrayByteSource: ByteSource {
    /// The bytes to deliver.
    public let bytes: [UInt8]
    /// The largest chunk one `read` returns.
    public let chunkSize: Int
    /// Bytes delivered so far.
    public private(set) var offset = 0

    /// Delivers `bytes` in chunks of at most `chunkSize`.
    public init(_ bytes: [UInt8], chunkSize: Int = 65536) {
        self.bytes = bytes
        self.chunkSize = max(chunkSize, 1)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, chunkSize, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

/// Reads a stream of framed messages (optionally packed) from a `ByteSource` that may deliver
/// any chunk sizes. Each message owns a word-aligned copy of its segments, so it stays valid after
/// the next `next()`.
public final class StreamReader<Source: ByteSource> {
    /// The source, for callers that need it back (e.g. to close it).
    public private(set) var source: Source
    /// Limits applied to every message.
    public let limits: ReaderLimits
    /// Whether the stream is packed.
    public let packed: Bool

    /// Unpacked bytes: the valid range is `start..<end`.
    var buffer: UnsafeMutableRawBufferPointer
    var start = 0
    var end = 0
    /// Packed input not yet decoded (packed streams only): `packedStart..<packedEnd`.
    var packedBuffer: UnsafeMutableRawBufferPointer
    var packedStart = 0
    var packedEnd = 0
    var decoder = PackedDecoder()
    var sourceEnded = false
    /// Messages returned so far (for error positions).
    public private(set) var messageCount = 0
    /// Unpacked bytes consumed by whole messages so far.
    public private(set) var byteOffset = 0

    /// Reads from `source`; `packed` selects packed framing.
    public init(source: Source, limits: ReaderLimits = .default, packed: Bool = false, chunkSize: Int = 65536) {
        self.source = source
        self.limits = limits
        self.packed = packed
        buffer = .allocate(byteCount: max(chunkSize, 64), alignment: 8)
        packedBuffer = .allocate(byteCount: packed ? max(chunkSize, 64) : 0, alignment: 8)
    }

    deinit {
        buffer.deallocate()
        packedBuffer.deallocate()
    }

    /// The next message; nil at a clean end of input between messages. Throws `.truncated` when
    /// the input ends inside a frame, `.invalidPacked` inside a packed word, and framing/limit
    /// errors for bad headers.
    public func next() throws -> Message? {
        packed ? try nextPacked() : try nextPlain()
    }

    /// Plain frames: read large chunks into the buffer, copy each frame into its message's block.
    func nextPlain() throws -> Message? {
        while true {
            let available = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
            switch try Framing.scan(available, limits: limits) {
            case .complete(let count, let header, let total):
                let base = available.baseAddress!
                let message = Message(segmentCount: count, sizes: base + 4, body: base + header, bodyBytes: total - header,
                                      copy: true, limits: limits)
                start += total
                byteOffset += total
                messageCount += 1
                if start == end { start = 0; end = 0 }
                return message
            case .needMore(let needed):
                if try !fillPlain(needed: needed) {
                    if end == start { return nil }
                    throw truncated(have: end - start, needed: needed)
                }
            }
        }
    }

    /// Packed frames: unpack just the segment table into the buffer, then unpack the segments
    /// straight into the message's own block (no staging copy, and never more than one frame).
    func nextPacked() throws -> Message? {
        var have = 0
        var needed = 8
        var count = 0, header = 0, total = 0
        while true {
            if have < needed {
                if needed > buffer.count {
                    let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 8)
                    grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: have)
                    buffer.deallocate()
                    buffer = grown
                }
                let n = try unpack(into: UnsafeMutableRawBufferPointer(rebasing: buffer[have..<needed]))
                if n == 0 {
                    if have == 0 && decoder.isAtBoundary { return nil }
                    throw decoder.isAtBoundary ? truncated(have: have, needed: needed) : packedEnded()
                }
                have += n
                continue
            }
            let segmentCount = Int(buffer.loadUnaligned(as: UInt32.self)) + 1
            guard segmentCount <= limits.segmentLimit else { throw Framing.tooManySegments(segmentCount, limits) }
            header = Framing.headerByteCount(segmentCount: segmentCount)
            if have < header { needed = header; continue }
            count = segmentCount
            var words = 0
            for i in 0..<count { words += Int(buffer.loadUnaligned(fromByteOffset: 4 + 4 * i, as: UInt32.self)) }
            guard words <= limits.traversalLimitWords else { throw Framing.tooLarge(words, limits) }
            total = header + words * 8
            break
        }
        let message = Message(segmentCount: count, sizes: UnsafeRawPointer(buffer.baseAddress! + 4), bodyBytes: total - header, limits: limits)
        var filled = 0
        let body = message.ownedBody
        while filled < total - header {
            let n = try unpack(into: UnsafeMutableRawBufferPointer(start: body + filled, count: total - header - filled))
            if n == 0 {
                throw decoder.isAtBoundary ? truncated(have: header + filled, needed: total) : packedEnded()
            }
            filled += n
        }
        byteOffset += total
        messageCount += 1
        return message
    }

    @inline(never)
    func truncated(have: Int, needed: Int) -> CapnpError {
        CapnpError(.truncated, "message \(messageCount) (byte \(byteOffset)): input ends inside a frame: \(have) of \(needed) bytes")
    }

    @inline(never)
    func packedEnded() -> CapnpError {
        CapnpError(.invalidPacked, "message \(messageCount) (byte \(byteOffset)): packed input ends inside a word or run")
    }

    /// Unpacks into `out` (reading packed input from the source as needed); 0 at end of input.
    func unpack(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if packedStart < packedEnd {
                let input = UnsafeRawBufferPointer(rebasing: packedBuffer[packedStart..<packedEnd])
                var consumed = 0
                let produced = decoder.decode(input, consumed: &consumed, into: out)
                packedStart += consumed
                if packedStart == packedEnd { packedStart = 0; packedEnd = 0 }
                if produced > 0 { return produced }
                if consumed > 0 { continue }
            }
            if sourceEnded {
                // A zero run may still be pending with no input left.
                var consumed = 0
                return decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0), consumed: &consumed, into: out)
            }
            if packedEnd == packedBuffer.count { packedStart = 0; packedEnd = 0 }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: packedBuffer[packedEnd...]))
            if n == 0 { sourceEnded = true } else { packedEnd += n }
        }
    }

    /// Makes room for `needed` bytes from `start` and adds at least one byte; false at end of input.
    func fillPlain(needed: Int) throws -> Bool {
        if buffer.count - start < needed {
            if end - start <= buffer.count / 2 && needed <= buffer.count {
                compact()
            } else {
                var capacity = buffer.count
                while capacity < needed { capacity *= 2 }
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
                if end > start { grown.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start) }
                buffer.deallocate()
                buffer = grown
                end -= start
                start = 0
            }
        } else if end == buffer.count {
            compact()
        }
        if sourceEnded { return false }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { sourceEnded = true; return false }
        end += n
        return true
    }

    func compact() {
        if start > 0 {
            if end > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start) }
            end -= start
            start = 0
        }
    }
}
