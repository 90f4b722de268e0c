/// Incremental unpacking: accepts packed input in arbitrary chunks (down to one byte at a time)
/// and produces unpacked bytes into bounded output space, so a hostile run count cannot make it
/// produce more than the caller asked for.
public struct PackedDecoder: Sendable {
    @usableFromInline enum Phase: Sendable, Equatable {
        case tag
        /// Emitting a sparse word: `tag` bits from `bit` on still to go.
        case sparse(tag: UInt8, bit: UInt8)
        case zeroCount
        case rawCount
    }
    @usableFromInline var phase: Phase = .tag
    @usableFromInline var pendingZeroBytes = 0
    @usableFromInline var rawBytesLeft = 0

    /// A decoder at the start of packed data.
    public init() {}

    /// True between words (nothing half-decoded, nothing pending): where packed input may end.
    public var isAtBoundary: Bool { phase == .tag && pendingZeroBytes == 0 && rawBytesLeft == 0 }

    /// Decodes from `input[consumed...]` into `output`; advances `consumed` and returns the bytes
    /// produced. Stops when the input is used up or the output is full.
    public mutating func decode(_ input: UnsafeRawBufferPointer, consumed: inout Int,
                                into output: UnsafeMutableRawBufferPointer) -> Int {
        guard let out = output.baseAddress else { return 0 }
        let inBase = input.baseAddress
        let inCount = input.count
        let capacity = output.count
        var i = consumed
        var o = 0
        defer { consumed = i }
        while true {
            if pendingZeroBytes > 0 {
                let n = min(pendingZeroBytes, capacity - o)
                (out + o).initializeMemory(as: UInt8.self, repeating: 0, count: n)
                o += n
                pendingZeroBytes -= n
                if pendingZeroBytes > 0 { return o }
            }
            if rawBytesLeft > 0 {
                let n = min(rawBytesLeft, capacity - o, inCount - i)
                if n > 0 { (out + o).copyMemory(from: inBase! + i, byteCount: n) }
                o += n; i += n
                rawBytesLeft -= n
                if rawBytesLeft > 0 { return o }
            }
            // Fast path: whole words while there is input for a full unit and room for its word.
            if phase == .tag {
                let masks = Packing.sparseMasks
                while inCount &- i >= 10 && capacity &- o >= 8 {
                    let tag = inBase!.load(fromByteOffset: i, as: UInt8.self)
                    if tag == 0 {
                        pendingZeroBytes = (1 &+ Int(inBase!.load(fromByteOffset: i &+ 1, as: UInt8.self))) &* 8
                        i &+= 2
                        break
                    }
                    if tag == 0xFF {
                        (out + o).copyMemory(from: inBase! + (i &+ 1), byteCount: 8)
                        rawBytesLeft = Int(inBase!.load(fromByteOffset: i &+ 9, as: UInt8.self)) &* 8
                        i &+= 10
                        o &+= 8
                        break
                    }
                    // At least 9 bytes follow the tag, so the branch-free reader stays in bounds.
                    out.storeBytes(of: Packing.sparseWord(tag, inBase! + (i &+ 1), masks), toByteOffset: o, as: UInt64.self)
                    i &+= 1 &+ tag.nonzeroBitCount
                    o &+= 8
                }
                if pendingZeroBytes > 0 || rawBytesLeft > 0 { continue }
            }
            switch phase {
            case .tag:
                guard i < inCount else { return o }
                let tag = inBase!.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if tag == 0 {
                    pendingZeroBytes = 8
                    phase = .zeroCount
                } else if tag == 0xFF {
                    rawBytesLeft = 8
                    phase = .rawCount
                } else {
                    phase = .sparse(tag: tag, bit: 0)
                }
            case .sparse(let tag, var bit):
                while bit < 8 {
                    guard o < capacity else { phase = .sparse(tag: tag, bit: bit); return o }
                    if tag & (1 << bit) != 0 {
                        guard i < inCount else { phase = .sparse(tag: tag, bit: bit); return o }
                        out.storeBytes(of: inBase!.load(fromByteOffset: i, as: UInt8.self), toByteOffset: o, as: UInt8.self)
                        i += 1
                    } else {
                        out.storeBytes(of: 0, toByteOffset: o, as: UInt8.self)
                    }
                    o += 1
                    bit += 1
                }
                phase = .tag
            case .zeroCount:
                guard i < inCount else { return o }
                pendingZeroBytes = Int(inBase!.load(fromByteOffset: i, as: UInt8.self)) * 8
                i += 1
                phase = .tag
            case .rawCount:
                guard i < inCount else { return o }
                rawBytesLeft = Int(inBase!.load(fromByteOffset: i, as: UInt8.self)) * 8
                i += 1
                phase = .tag
            }
        }
    }
}
