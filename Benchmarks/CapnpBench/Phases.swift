import Capnp
import Foundation

/// The five phases of the benchmark, each timed by the caller; each returns a checksum that must
/// equal libcapnp's so both sides provably did the same work.
struct Phases {
    let count: Int
    var framed = [UInt8]()
    var packed = [UInt8]()

    /// 1. Build every record in a reused arena and append its frame to one buffer.
    mutating func buildAndFrame() -> Double {
        let builder = MessageBuilder()
        framed.removeAll(keepingCapacity: true)
        framed.reserveCapacity(count * 400)
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

    /// 3. Stream the frames through a pipe: a writer thread, a `StreamReader` summing ids.
    func pipeStream() throws -> Double {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CapnpError(.unsupported, "pipe failed") }
        let bytes = framed
        let writeEnd = fds[1]
        let writer = Thread {
            bytes.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let n = write(writeEnd, all.baseAddress! + offset, min(65536, all.count - offset))
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        let reader = StreamReader(source: FileDescriptorSource(fd: fds[0]))
        var ids = 0.0
        while let m = try reader.next() {
            ids += try withExtendedLifetime(m) { Double(try m.root().scalar(at: 0) as UInt64) }
        }
        close(fds[0])
        return ids
    }

    /// 4. Pack every frame (segment table and segments separately, as libcapnp does).
    mutating func pack() throws -> Double {
        packed = try framed.withUnsafeBytes { all -> [UInt8] in
            let bound = Packing.maxPackedByteCount(all.count) + 2 * count
            return try [UInt8](unsafeUninitializedCapacity: bound) { out, written in
                var offset = 0
                written = 0
                while offset < all.count {
                    let r = try Packing.packFrame(framed: UnsafeRawBufferPointer(rebasing: all[offset...]),
                                                  to: UnsafeMutableRawPointer(out.baseAddress! + written))
                    offset += r.consumed
                    written += r.written
                }
            }
        }
        return Double(packed.count)
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
