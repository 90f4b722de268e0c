import Capnp
import Foundation

/// The five phases of the benchmark, each timed by the caller; each returns a checksum that must
/// equal libcapnp's so both sides provably did the same work.
struct Phases {
    let count: Int
    var framed = [UInt8]()
    /// The packed stream of the last `pack()` (copied out of `packSpace` after the timed phase).
    var packed = [UInt8]()
    /// Output array of `pack()`: allocated and touched once, reused (as bench.cpp reuses its own).
    let packSpace: UnsafeMutableRawBufferPointer
    var packedCount = 0

    /// Reserves and touches the framed and packed output arrays once, outside every timed phase
    /// (bench.cpp does the same with its arrays): 400 bytes per record bound a 352-byte frame.
    init(count: Int) {
        self.count = count
        framed = [UInt8](repeating: 0, count: count * 400)
        framed.removeAll(keepingCapacity: true)
        packSpace = .allocate(byteCount: Packing.maxPackedByteCount(count * 400) + 2 * count, alignment: 8)
        packSpace.initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// 1. Build every record in a reused arena and append its frame to one buffer.
    mutating func buildAndFrame() -> Double {
        let builder = MessageBuilder()
        framed.removeAll(keepingCapacity: true)
        for i in 0..<count {
            builder.reset()
            Record.fill(builder, i)
            Framing.append(builder, to: &framed)
        }
        return Double(framed.count)
    }

    /// 2. Open each frame in place (zero-copy, one reused `Message`: no allocation per frame,
    /// like libcapnp's stack-allocated FlatArrayMessageReader) and sum every field.
    func readAndSum() throws -> Double {
        let message = Message(reusableWith: .default)
        return try framed.withUnsafeBytes { all in
            var offset = 0, sum = 0.0
            while offset < all.count {
                offset += try Framing.decode(UnsafeRawBufferPointer(rebasing: all[offset...]), into: message)
                sum += try Record.sum(message.root())
            }
            return withExtendedLifetime(message) { sum }
        }
    }

    /// 3. Stream the frames through a pipe: a writer thread, a `StreamReader` summing ids. The
    /// writer reads `framed` through a pointer (no second reference to the array, which would make
    /// the next build phase reallocate it) and is waited for at the end, as bench.cpp joins its own.
    func pipeStream() throws -> Double {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CapnpError(.unsupported, "pipe failed") }
        let writeEnd = fds[1]
        return try framed.withUnsafeBytes { all in
            // The address crosses to the writer thread as an integer: the buffer outlives the
            // thread (the reader below drains the pipe before withUnsafeBytes returns).
            let baseAddress = UInt(bitPattern: all.baseAddress!), total = all.count
            let done = DispatchSemaphore(value: 0)
            let writer = Thread {
                var offset = 0
                while offset < total {
                    let n = write(writeEnd, UnsafeRawPointer(bitPattern: baseAddress)! + offset, min(65536, total - offset))
                    if n <= 0 { break }
                    offset += n
                }
                close(writeEnd)
                done.signal()
            }
            writer.start()
            let reader = StreamReader(source: FileDescriptorSource(fd: fds[0]))
            var ids = 0.0
            while let m = try reader.next() {
                ids += try withExtendedLifetime(m) { Double(try m.root().scalar(at: 0) as UInt64) }
            }
            done.wait()
            close(fds[0])
            return ids
        }
    }

    /// 4. Pack every frame (segment table and segments separately, as libcapnp does) into the
    /// reused output array.
    mutating func pack() throws -> Double {
        packedCount = try framed.withUnsafeBytes { all -> Int in
            var offset = 0, written = 0
            while offset < all.count {
                let r = try Packing.packFrame(framed: UnsafeRawBufferPointer(rebasing: all[offset...]),
                                              to: packSpace.baseAddress! + written)
                offset += r.consumed
                written += r.written
            }
            return written
        }
        return Double(packedCount)
    }

    /// The packed bytes as an array for `unpackAndRead` (untimed: between the phases).
    mutating func keepPacked() {
        packed = [UInt8](UnsafeRawBufferPointer(rebasing: packSpace[0..<packedCount]))
    }

    /// 5. Read the packed stream back (incremental unpacking) and sum ids.
    func unpackAndRead() throws -> Double {
        let reader = StreamReader(source: ArrayByteSource(packed), packed: true)
        var ids = 0.0
        while let m = try reader.next() {
            ids += try withExtendedLifetime(m) { Double(try m.root().scalar(at: 0) as UInt64) }
        }
        return ids
    }
}

/// A `ByteSource` over a file descriptor.
struct FileDescriptorSource: ByteSource {
    let fd: Int32
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw CapnpError(.truncated, "read failed: errno \(errno)") }
        }
    }
}
