import Capnp
#if canImport(Glibc)
import Glibc
#endif

/// Reads standard Cap'n Proto stream framing from a file descriptor and hands out zero-copy
/// `Message` views into a NUMA-placed buffer filled by large `read(2)` calls.
///
/// Lifetime rule (as with C++ `FlatArrayMessageReader`): the `Message` returned by `next()` and
/// `lastFrameBytes` are valid until the following call to `next()`, which may move or grow
/// the buffer. Copy what must live longer (`MessageBuilder.setRoot(copying:)`).
///
/// Buffer policy, and why: frames are parsed in place; a frame that does not fit in the space
/// left moves to the front of the buffer (copying only that partial frame), and a frame larger
/// than the whole buffer grows it to the next power of two. Frames are whole multiples of
/// 8 bytes, so every segment stays 8-byte aligned. Packed input (`packed: true`) cannot be
/// read in place; it goes through the runtime's `StreamReader` over this descriptor.
public final class FrameReader {
    /// The input's name for messages ("stdin" or a path).
    public let source: String
    /// The descriptor read from (not closed by the reader).
    public let fd: Int32
    /// Limits every message is read with.
    public let limits: ReaderLimits
    /// Frames announcing more bytes than this are refused instead of allocating for them.
    public let maxFrameBytes: Int
    /// Whether the input uses packed framing.
    public let packed: Bool
    /// At most this many bytes per `read(2)` (normally the free buffer space; tests set 1 to
    /// drip-feed the parser).
    public let maxReadBytes: Int

    private var buffer: NumaBuffer
    private var start = 0          // first unconsumed byte in `buffer`
    private var end = 0            // one past the last byte read into `buffer`
    private var bufferStreamOffset = 0 // stream offset of buffer[0]
    private var atEOF = false
    private var lastFrame = UnsafeRawBufferPointer(start: nil, count: 0)
    private var packedReader: Capnp.StreamReader<FileDescriptorSource>?

    /// Called when the next `read(2)` would block, before blocking. Tools set it to flush their
    /// output, so a stage of a pipeline never sits on finished frames while it waits for input
    /// (a live stream flows through; a bulk one still moves in large writes).
    public var beforeBlocking: (() throws -> Void)? {
        get { hook.action }
        set { hook.action = newValue }
    }
    private let hook = BlockingHook()

    /// Frames returned so far.
    public private(set) var frameCount = 0
    /// Stream byte offset of the frame last returned by `next()`.
    public private(set) var lastFrameOffset = 0

    /// - Parameters:
    ///   - fd: an open descriptor; a pipe gets its kernel buffer enlarged (best effort).
    ///   - source: the name used in errors.
    ///   - bufferBytes: initial buffer size; grows for larger frames.
    ///   - placement: where the buffer lives (see `NumaPlacement.resolve`).
    public init(fd: Int32, source: String, bufferBytes: Int = 4 << 20, placement: NumaPlacement = .unbound,
                limits: ReaderLimits = .default, maxFrameBytes: Int = 1 << 30, packed: Bool = false,
                maxReadBytes: Int = .max) throws {
        self.fd = fd
        self.source = source
        self.limits = limits
        self.maxFrameBytes = maxFrameBytes
        self.packed = packed
        self.maxReadBytes = max(1, maxReadBytes)
        FileIO.enlargePipe(fd)
        buffer = try NumaBuffer(byteCount: packed ? NumaBuffer.pageSize : bufferBytes, placement: placement)
        if packed {
            packedReader = Capnp.StreamReader(source: FileDescriptorSource(fd: fd, source: source, hook: hook),
                                              limits: limits, packed: true)
        }
    }

    /// The current buffer's placement and size (for diagnostics and placement tests).
    public var bufferBase: UnsafeRawPointer { UnsafeRawPointer(buffer.base) }
    /// Bytes in the current buffer (grows for frames larger than it).
    public var bufferCapacity: Int { buffer.capacity }
    /// Where the buffer was allocated.
    public var placement: NumaPlacement { buffer.placement }

    /// The whole framed bytes (segment table + segments) of the message last returned, for
    /// byte pass-through; empty for packed input, which is not kept in framed form.
    public var lastFrameBytes: UnsafeRawBufferPointer { lastFrame }

    /// The next message, or nil at a clean end of input (EOF exactly between frames).
    /// Throws `.truncated` for EOF inside a frame, `.framing` for a bad segment table or a frame
    /// over `maxFrameBytes`, `.io` for read errors.
    public func next() throws -> Message? {
        if let packedReader {
            do {
                guard let m = try packedReader.next() else { return nil }
                frameCount += 1
                return m
            } catch let e as CapnpError {
                throw PipesError(e.kind == .truncated ? .truncated : .framing, source: source,
                                 "frame \(frameCount): \(e.message)")
            }
        }
        while true {
            let available = end - start
            if available > 0 {
                let window = UnsafeRawBufferPointer(start: buffer.base + start, count: available)
                let parsed: FrameParse
                do { parsed = try Framing.parse(window, limits: limits) } catch let e as CapnpError {
                    throw PipesError(.framing, source: source,
                                     "frame \(frameCount) at byte \(bufferStreamOffset + start): \(e.message)")
                }
                switch parsed {
                case .complete(let layout):
                    return try emit(layout, window: window)
                case .needMore(let total):
                    guard total <= maxFrameBytes else {
                        throw PipesError(.framing, source: source,
                            "frame \(frameCount) at byte \(bufferStreamOffset + start): \(total) bytes is over the \(maxFrameBytes)-byte frame limit")
                    }
                    try makeRoom(for: total)
                    if try fill() == 0 { throw truncated(have: end - start, need: total) }
                }
            } else {
                if atEOF { return nil }
                if start == end { start = 0; bufferStreamOffset += end; end = 0 }
                if try fill() == 0 { return nil }
            }
        }
    }

    private func emit(_ layout: FrameLayout, window: UnsafeRawBufferPointer) throws -> Message {
        lastFrame = UnsafeRawBufferPointer(rebasing: window[0 ..< layout.totalByteCount])
        lastFrameOffset = bufferStreamOffset + start
        start += layout.totalByteCount
        frameCount += 1
        do { return try Framing.message(layout, bytes: window, limits: limits) } catch let e as CapnpError {
            throw PipesError(.invalidMessage, source: source, "frame \(frameCount - 1): \(e.message)")
        }
    }

    /// Ensures the buffer can hold `total` bytes from `start`: compacts the partial frame to the
    /// front when it would not fit, grows the buffer when the frame is larger than all of it.
    private func makeRoom(for total: Int) throws {
        if buffer.capacity - start >= total { return }
        let pending = end - start
        if total <= buffer.capacity {
            if pending > 0 { memmove(buffer.base, buffer.base + start, pending) }
        } else {
            var size = buffer.capacity
            while size < total { size *= 2 }
            let bigger = try NumaBuffer(byteCount: size, placement: buffer.placement)
            if pending > 0 { memcpy(bigger.base, buffer.base + start, pending) }
            buffer = bigger
        }
        bufferStreamOffset += start
        start = 0
        end = pending
    }

    /// One large read into the free tail of the buffer; returns the byte count (0 = EOF).
    private func fill() throws -> Int {
        if end == buffer.capacity { try makeRoom(for: buffer.capacity - start + 1) }
        try hook.runIfBlocking(fd)
        let tail = UnsafeMutableRawBufferPointer(start: buffer.base + end, count: min(maxReadBytes, buffer.capacity - end))
        let n = try FileIO.read(fd, into: tail, source: source)
        if n == 0 { atEOF = true }
        end += n
        return n
    }

    private func truncated(have: Int, need: Int) -> PipesError {
        PipesError(.truncated, source: source,
                   "input ends inside frame \(frameCount) at byte \(bufferStreamOffset + start): have \(have) of \(need) bytes")
    }
}

/// A `ByteSource` over a file descriptor, for the runtime's incremental `StreamReader`.
public struct FileDescriptorSource: ByteSource {
    /// The descriptor read from, and its name for errors.
    public let fd: Int32
    public let source: String
    let hook: BlockingHook?
    /// A source reading `fd`; `hook` runs before a read that would block.
    init(fd: Int32, source: String, hook: BlockingHook?) { self.fd = fd; self.source = source; self.hook = hook }
    /// A source reading `fd`.
    public init(fd: Int32, source: String) { self.init(fd: fd, source: source, hook: nil) }
    /// One EINTR-safe `read(2)`; 0 at EOF.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try hook?.runIfBlocking(fd)
        return try FileIO.read(fd, into: buffer, source: source)
    }
}

/// The reader's "about to block" action, shared with its packed byte source.
final class BlockingHook {
    var action: (() throws -> Void)?
    func runIfBlocking(_ fd: Int32) throws {
        if let action, !FileIO.hasInput(fd) { try action() }
    }
}
