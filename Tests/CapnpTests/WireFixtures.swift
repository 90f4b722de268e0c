import Capnp

/// Hand-made wire words for malformed-input tests (encodings from the Cap'n Proto spec).
enum Wire {
    static func structPointer(_ offset: Int, data: Int, pointers: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32(offset << 2))) | UInt64(data) << 32 | UInt64(pointers) << 48
    }
    static func listPointer(_ offset: Int, size: ElementSize, count: Int) -> UInt64 {
        1 | UInt64(UInt32(bitPattern: Int32(offset << 2))) | UInt64(size.rawValue) << 32 | UInt64(count) << 35
    }
    static func farPointer(segment: Int, pad: Int, double: Bool = false) -> UInt64 {
        2 | (double ? 4 : 0) | UInt64(pad) << 3 | UInt64(segment) << 32
    }
    /// The tag word of an inline-composite list.
    static func compositeTag(count: Int, data: Int, pointers: Int) -> UInt64 {
        UInt64(count) << 2 | UInt64(data) << 32 | UInt64(pointers) << 48
    }
    /// A whole frame with these segments.
    static func frame(_ segments: [[UInt64]]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: Framing.headerByteCount(segmentCount: segments.count))
        header.withUnsafeMutableBytes { _ = Framing.writeHeader(segmentWordCounts: segments.map(\.count), into: $0) }
        return header + segments.flatMap { $0.withUnsafeBytes { Array($0) } }
    }
    /// Bytes of text as little-endian words (zero-padded), for building byte lists by hand.
    static func words(_ bytes: [UInt8]) -> [UInt64] {
        var padded = bytes + [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8)
        if padded.isEmpty { padded = [] }
        return padded.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
    }
}

/// Touches everything reachable, the way a generic consumer (renderer, deep copy) would.
/// Lists are sampled (at most `perList` elements) to bound debug-build time; every read is checked.
struct Walker {
    var perList = 256
    var visited = 0

    mutating func walk(_ p: AnyPointerReader) throws {
        guard let kind = try p.kind() else { return }
        visited += 1
        switch kind {
        case .struct: try walk(try p.asStruct())
        case .list: try walk(try p.asList(), p)
        case .capability: break
        }
    }

    mutating func walk(_ s: StructReader) throws {
        var sum: UInt64 = 0
        for offset in stride(from: 0, to: s.dataByteCount, by: 8) {
            sum &+= s.scalar(at: offset) as UInt64
            sum &+= UInt64(s.scalar(at: offset) as UInt8)
        }
        _ = s.bool(atBit: 0)
        visited &+= Int(truncatingIfNeeded: sum & 1)
        for i in 0..<s.pointerCount { try walk(s.anyPointerField(i)) }
    }

    mutating func walk(_ l: ListReader, _ p: AnyPointerReader) throws {
        let n = min(l.count, perList)
        switch l.elementSize {
        case .inlineComposite:
            for i in 0..<n { try walk(l.structElement(at: i)) }
        case .pointer:
            for i in 0..<n {
                try walk(l.anyPointerElement(at: i))
                _ = try? l.textElement(at: i)
                _ = try? l.listElement(at: i)
            }
        case .byte:
            _ = try? p.asText()
            _ = try p.asData().count
        default:
            for i in 0..<n {
                _ = l.scalar(at: i) as UInt64
                _ = l.bool(at: i)
                _ = l.structElement(at: i).scalar(at: 0) as UInt32
            }
        }
        _ = l.rawBytes.count
        _ = l.withUnsafeScalars(as: Int32.self) { $0.count }
    }
}

