import Capnp
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole Cap'n Proto frames to a file descriptor with `writev(2)`.
///
/// Small frames (under `coalesceBelow` bytes) are copied into a pending buffer and go out
/// together, because one system call per small record costs more than the copy; larger frames
/// go out straight from the builder's segments (or the reader's buffer for pass-through)
/// together with whatever is pending, in one `writev`. Partial writes and EINTR resume; EPIPE
/// throws `PipesError(.brokenPipe)`. Only whole frames are ever handed to the kernel, so a
/// failure never leaves half a frame behind the last complete one except on an I/O error.
public final class FrameWriter {
    /// The output's name for messages ("stdout" or a path).
    public let source: String
    /// The descriptor written to (not closed by the writer).
    public let fd: Int32
    /// Whether frames are written in packed form.
    public let packed: Bool
    /// Frames smaller than this are coalesced in the pending buffer.
    public let coalesceBelow: Int

    private let pending: NumaBuffer
    private var pendingCount = 0
    private var segmentTable: [UInt8] = []
    private var packScratch: [UInt8] = []
    private var iov: [iovec] = []

    /// Bytes handed to the kernel so far (after `flush()`, everything written).
    public private(set) var bytesWritten = 0
    /// Frames accepted so far.
    public private(set) var frameCount = 0

    /// - Parameters:
    ///   - fd: an open descriptor (a pipe gets its kernel buffer enlarged, best effort).
    ///   - source: the name used in errors ("stdout", a path).
    ///   - pendingBytes: size of the coalescing buffer, allocated per `placement`.
    public init(fd: Int32, source: String, packed: Bool = false, pendingBytes: Int = 256 << 10,
                coalesceBelow: Int = 64 << 10, placement: NumaPlacement = .unbound) throws {
        self.fd = fd
        self.source = source
        self.packed = packed
        self.coalesceBelow = min(coalesceBelow, pendingBytes)
        pending = try NumaBuffer(byteCount: pendingBytes, placement: placement)
        FileIO.enlargePipe(fd)
    }

    /// Writes the message in `builder` as one frame. The builder may be reset right after.
    public func write(_ builder: MessageBuilder) throws {
        if packed {
            packScratch.removeAll(keepingCapacity: true) // reused: no allocation per frame
            Packing.appendPackedFrame(builder, to: &packScratch)
            try packScratch.withUnsafeBytes { try writeBytes($0) }
            frameCount += 1
            return
        }
        let total = Framing.frameByteCount(builder)
        if total < coalesceBelow {
            if pendingCount + total > pending.capacity { try flush() }
            Framing.write(builder, into: UnsafeMutableRawBufferPointer(start: pending.base + pendingCount, count: total))
            pendingCount += total
        } else {
            let tableCount = Framing.headerByteCount(segmentCount: builder.segmentCount)
            if segmentTable.count < tableCount { segmentTable = [UInt8](repeating: 0, count: tableCount) }
            try segmentTable.withUnsafeMutableBytes { table in
                Framing.writeHeader(segmentWordCounts: builder.segmentWordCounts, into: table)
                try builder.withSegments { segments in
                    iov.removeAll(keepingCapacity: true)
                    addPending()
                    iov.append(iovec(UnsafeRawBufferPointer(rebasing: table[0 ..< tableCount])))
                    for s in segments where s.count > 0 { iov.append(iovec(s)) }
                    try FileIO.writeAll(fd, &iov, source: source)
                }
            }
            bytesWritten += total
            pendingCount = 0
        }
        frameCount += 1
    }

    /// Writes already-framed bytes (a whole frame from `FrameReader.lastFrameBytes`, or text)
    /// without copying large runs.
    public func writeBytes(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count < coalesceBelow {
            if pendingCount + bytes.count > pending.capacity { try flush() }
            append(bytes)
        } else {
            iov.removeAll(keepingCapacity: true)
            addPending()
            iov.append(iovec(bytes))
            try FileIO.writeAll(fd, &iov, source: source)
            bytesWritten += bytes.count
            pendingCount = 0
        }
    }

    /// Writes a frame passed through from a reader (counted as a frame).
    public func writeFrame(bytes: UnsafeRawBufferPointer) throws {
        try writeBytes(bytes)
        frameCount += 1
    }

    /// Writes UTF-8 text (text renderings for terminals).
    public func write(text: String) throws {
        var t = text
        try t.withUTF8 { try writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Hands every pending byte to the kernel.
    public func flush() throws {
        guard pendingCount > 0 else { return }
        try FileIO.writeAll(fd, UnsafeRawBufferPointer(start: pending.base, count: pendingCount), source: source)
        bytesWritten += pendingCount
        pendingCount = 0
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        memcpy(pending.base + pendingCount, bytes.baseAddress!, bytes.count)
        pendingCount += bytes.count
    }

    private func addPending() {
        if pendingCount > 0 {
            iov.append(iovec(iov_base: pending.base, iov_len: pendingCount))
            bytesWritten += pendingCount
        }
    }
}

extension iovec {
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
    }
}
