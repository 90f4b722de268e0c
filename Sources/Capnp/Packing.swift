/// Cap'n Proto packing: each 8-byte word becomes a tag byte (bit i set = byte i non-zero) and its
/// non-zero bytes. Tag 0x00 is followed by a count of further all-zero words; tag 0xFF by a count
/// of further words copied verbatim (words with at most one zero byte, as the C++ writer picks).
///
/// `packFrame` packs the segment table and each segment separately, exactly like libcapnp's
/// `writePackedMessage` (runs never cross those pieces), so its output is byte-identical to
/// `capnp convert binary:packed` / `capnp encode --packed`.
public enum Packing {
    /// The most bytes packing `byteCount` bytes (a multiple of 8) can produce.
    @inlinable
    public static func maxPackedByteCount(_ byteCount: Int) -> Int {
        // Worst case per word: tag + 8 bytes + a run-count byte.
        (byteCount / 8) * 10 + 2
    }

    /// Packs whole words from `input` into `output`, which must hold `maxPackedByteCount` bytes;
    /// returns the bytes written. A trailing partial word is ignored (frames are whole words).
    @inlinable
    public static func pack(_ input: UnsafeRawBufferPointer, to output: UnsafeMutableRawPointer) -> Int {
        let words = input.count >> 3
        guard words > 0, let base = input.baseAddress else { return 0 }
        let masks = compactMasks
        var i = 0
        var o = 0
        while i < words {
            let word = base.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
            i &+= 1
            if word == 0 {
                // Tag 0, then how many of the next (up to 255) words are zero too.
                var run = 0
                while run < 255 && i < words && base.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self) == 0 {
                    run &+= 1; i &+= 1
                }
                output.storeBytes(of: 0, toByteOffset: o, as: UInt8.self)
                output.storeBytes(of: UInt8(truncatingIfNeeded: run), toByteOffset: o &+ 1, as: UInt8.self)
                o &+= 2
                continue
            }
            // Tag: one bit per non-zero byte (high bit of each byte set when the byte is
            // non-zero, then gathered into one byte by a multiply). The non-zero bytes are
            // compacted with eight shift-and-mask steps and stored as one 8-byte write (the
            // output bound leaves room for 8 bytes after any tag).
            let low7 = word & 0x7F7F_7F7F_7F7F_7F7F
            let nonZero = ((low7 &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & 0x8080_8080_8080_8080
            let tag = UInt8(truncatingIfNeeded: ((nonZero >> 7) &* 0x0102_0408_1020_4080) >> 56)
            let m = masks + Int(tag) &* 8
            var packed = word & m[0]
            packed |= (word &>> 8) & m[1]
            packed |= (word &>> 16) & m[2]
            packed |= (word &>> 24) & m[3]
            packed |= (word &>> 32) & m[4]
            packed |= (word &>> 40) & m[5]
            packed |= (word &>> 48) & m[6]
            packed |= (word &>> 56) & m[7]
            output.storeBytes(of: tag, toByteOffset: o, as: UInt8.self)
            output.storeBytes(of: packed, toByteOffset: o &+ 1, as: UInt64.self)
            o &+= 1 &+ tag.nonzeroBitCount
            if tag == 0xFF {
                // Tag 0xFF: the next words with fewer than two zero bytes follow verbatim.
                let runStart = i
                let limit = min(words, i &+ 255)
                while i < limit && zeroByteCount(base.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)) < 2 {
                    i &+= 1
                }
                let run = i &- runStart
                output.storeBytes(of: UInt8(truncatingIfNeeded: run), toByteOffset: o, as: UInt8.self)
                o &+= 1
                if run > 0 {
                    (output + o).copyMemory(from: base + runStart &* 8, byteCount: run &* 8)
                    o &+= run &* 8
                }
            }
        }
        return o
    }

    /// The word a sparse tag describes, from the bytes at `p` (8 readable bytes required; only
    /// `tag.nonzeroBitCount` are consumed).
    ///
    /// Byte b of the word is source byte b - d, where d counts the cleared tag bits below b; so the
    /// word is the OR over d of (source << 8d) masked to the bytes whose shift is d. The masks per
    /// tag come from `sparseMasks`: eight independent shift-and-mask steps, no per-byte loads.
    @inlinable @inline(__always)
    static func sparseWord(_ tag: UInt8, _ p: UnsafeRawPointer, _ masks: UnsafePointer<UInt64>) -> UInt64 {
        let v = p.loadUnaligned(as: UInt64.self)
        let m = masks + Int(tag) &* 8
        var word = v & m[0]
        word |= (v &<< 8) & m[1]
        word |= (v &<< 16) & m[2]
        word |= (v &<< 24) & m[3]
        word |= (v &<< 32) & m[4]
        word |= (v &<< 40) & m[5]
        word |= (v &<< 48) & m[6]
        word |= (v &<< 56) & m[7]
        return word
    }

    /// For each tag, eight byte masks: mask d selects the output bytes whose source byte lies d
    /// bytes lower (d = cleared tag bits below the byte). Built once, 16 KiB.
    @usableFromInline static let sparseMasks = maskTable { b, _ in b }

    /// For each tag, eight byte masks: mask d selects the packed bytes that come from a source
    /// byte d bytes higher (d = cleared tag bits below that source byte). The inverse of
    /// `sparseMasks`; built once, 16 KiB.
    @usableFromInline static let compactMasks = maskTable { b, cleared in b - cleared }

    /// 256 tags × 8 masks: for each set bit b of a tag, with `cleared` clear bits below it, the
    /// mask numbered `cleared` gets byte `byteIndex(b, cleared)` set.
    static func maskTable(byteIndex: (_ b: Int, _ cleared: Int) -> Int) -> UnsafePointer<UInt64> {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 256 * 8)
        table.initialize(repeating: 0, count: 256 * 8)
        for tag in 0..<256 {
            var cleared = 0
            for b in 0..<8 {
                if tag & (1 << b) != 0 {
                    table[tag * 8 + cleared] |= UInt64(0xFF) << UInt64(8 * byteIndex(b, cleared))
                } else {
                    cleared += 1
                }
            }
        }
        return UnsafePointer(table)
    }

    /// Number of zero bytes in a word.
    @inlinable
    static func zeroByteCount(_ w: UInt64) -> Int {
        // Set the high bit of every byte that is non-zero, then count the ones missing.
        let low7 = w & 0x7F7F_7F7F_7F7F_7F7F
        let nonZero = ((low7 &+ 0x7F7F_7F7F_7F7F_7F7F) | w) & 0x8080_8080_8080_8080
        return 8 &- nonZero.nonzeroBitCount
    }

    /// Appends the packed form of `input` to `output`.
    public static func pack(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let start = output.count
        let bound = maxPackedByteCount(input.count)
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { pack(input, to: $0.baseAddress! + start) }
        output.removeLast(bound - written)
    }

    /// The packed frame of `builder`'s message: header and each segment packed separately, as
    /// libcapnp writes it.
    public static func packFrame(_ builder: MessageBuilder) -> [UInt8] {
        var out = [UInt8]()
        appendPackedFrame(builder, to: &out)
        return out
    }

    /// Appends the packed frame of `builder`'s message to `output` (reusing its capacity).
    public static func appendPackedFrame(_ builder: MessageBuilder, to output: inout [UInt8]) {
        let counts = builder.segmentWordCounts
        let headerSize = Framing.headerByteCount(segmentCount: counts.count)
        let bound = maxPackedByteCount(headerSize) + maxPackedByteCount(builder.totalWords * 8)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int in
            let dst = out.baseAddress! + start
            // The header is at most a few hundred bytes for sane segment counts; stage it on the heap
            // only when it is large.
            var o = withUnsafeTemporaryAllocation(byteCount: headerSize, alignment: 8) { header -> Int in
                Framing.writeHeader(segmentWordCounts: counts, into: header)
                return pack(UnsafeRawBufferPointer(header), to: dst)
            }
            for i in 0..<counts.count {
                o += pack(builder.segmentBytes(i), to: dst + o)
            }
            return o
        }
        output.removeLast(bound - written)
    }

    /// Packs an already framed message (header + segments) the way libcapnp writes it: the
    /// segment table and each segment packed separately. Throws when `framed` is not one whole frame.
    public static func packFrame(framed: UnsafeRawBufferPointer, limits: ReaderLimits = .default) throws -> [UInt8] {
        var out = [UInt8]()
        _ = try appendPackedFrame(framed: framed, to: &out, limits: limits)
        return out
    }

    /// Packs the frame at the start of `framed` onto `output`; returns the frame's (unpacked) size
    /// so a caller can walk a buffer of frames.
    public static func appendPackedFrame(framed: UnsafeRawBufferPointer, to output: inout [UInt8],
                                         limits: ReaderLimits = .default) throws -> Int {
        let layout = try frameLayout(framed, limits: limits)
        let bound = packedFrameBound(layout)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { packFrame(framed, layout, to: $0.baseAddress! + start) }
        output.removeLast(bound - written)
        return layout.totalByteCount
    }

    /// Packs the frame at the start of `framed` into `output`, which must have room for
    /// `maxPackedByteCount(frame size) + 2 * segments` bytes (`framed.count`-based bounds are
    /// always enough: `maxPackedByteCount(framed.count) + 1024`). Returns the frame's size and the
    /// packed bytes written; no allocation for frames of up to 512 segments.
    public static func packFrame(framed: UnsafeRawBufferPointer, to output: UnsafeMutableRawPointer,
                                 limits: ReaderLimits = .default) throws -> (consumed: Int, written: Int) {
        let layout = try frameLayout(framed, limits: limits)
        return (layout.totalByteCount, packFrame(framed, layout, to: output))
    }

    static func frameLayout(_ framed: UnsafeRawBufferPointer, limits: ReaderLimits) throws -> FrameLayout {
        guard case .complete(let layout) = try Framing.parse(framed, limits: limits) else {
            throw CapnpError(.truncated, "frame: input of \(framed.count) bytes ends inside the frame")
        }
        return layout
    }

    static func packedFrameBound(_ layout: FrameLayout) -> Int {
        maxPackedByteCount(layout.totalByteCount) + 2 * layout.segmentWordCounts.count
    }

    static func packFrame(_ framed: UnsafeRawBufferPointer, _ layout: FrameLayout, to output: UnsafeMutableRawPointer) -> Int {
        let base = framed.baseAddress!
        var produced = pack(UnsafeRawBufferPointer(start: base, count: layout.headerByteCount), to: output)
        var offset = layout.headerByteCount
        for w in layout.segmentWordCounts {
            produced += pack(UnsafeRawBufferPointer(start: base + offset, count: w * 8), to: output + produced)
            offset += w * 8
        }
        return produced
    }

    /// Size of the unpacked form of `input`; throws `.invalidPacked` when `input` ends inside a word or run.
    public static func unpackedByteCount(_ input: UnsafeRawBufferPointer) throws -> Int {
        guard let base = input.baseAddress else { return 0 }
        let n = input.count
        var i = 0
        var size = 0
        while i < n {
            let tag = base.load(fromByteOffset: i, as: UInt8.self)
            i &+= 1
            if tag == 0 {
                guard i < n else { throw truncated(at: i) }
                size &+= (1 &+ Int(base.load(fromByteOffset: i, as: UInt8.self))) &* 8
                i &+= 1
            } else if tag == 0xFF {
                guard i &+ 9 <= n else { throw truncated(at: i) }
                let run = Int(base.load(fromByteOffset: i &+ 8, as: UInt8.self))
                i &+= 9 &+ run &* 8
                guard i <= n else { throw truncated(at: n) }
                size &+= (1 &+ run) &* 8
            } else {
                i &+= tag.nonzeroBitCount
                guard i <= n else { throw truncated(at: n) }
                size &+= 8
            }
        }
        return size
    }

    @usableFromInline @inline(never)
    static func truncated(at offset: Int) -> CapnpError {
        CapnpError(.invalidPacked, "packed input ends inside a word or run at byte \(offset)")
    }

    /// Unpacks `input` (validated by `unpackedByteCount`) into `output`, which must hold that many bytes.
    @inlinable
    public static func unpack(_ input: UnsafeRawBufferPointer, to output: UnsafeMutableRawPointer) {
        guard let base = input.baseAddress else { return }
        let n = input.count
        let masks = sparseMasks
        var i = 0
        var o = 0
        while i < n {
            let tag = base.load(fromByteOffset: i, as: UInt8.self)
            i &+= 1
            if tag == 0 {
                let bytes = (1 &+ Int(base.load(fromByteOffset: i, as: UInt8.self))) &* 8
                i &+= 1
                (output + o).initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
                o &+= bytes
            } else if tag == 0xFF {
                let run = Int(base.load(fromByteOffset: i &+ 8, as: UInt8.self))
                (output + o).copyMemory(from: base + i, byteCount: 8)
                o &+= 8
                i &+= 9
                if run > 0 {
                    (output + o).copyMemory(from: base + i, byteCount: run &* 8)
                    o &+= run &* 8
                    i &+= run &* 8
                }
            } else if n &- i >= 8 {
                output.storeBytes(of: sparseWord(tag, base + i, masks), toByteOffset: o, as: UInt64.self)
                i &+= tag.nonzeroBitCount
                o &+= 8
            } else {
                var word: UInt64 = 0
                var shift: UInt64 = 0
                var t = tag
                while shift < 64 {
                    if t & 1 != 0 {
                        word |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) &<< shift
                        i &+= 1
                    }
                    t &>>= 1
                    shift &+= 8
                }
                output.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
                o &+= 8
            }
        }
    }

    /// The unpacked bytes of `input`; throws `.invalidPacked` when it ends inside a word or run.
    public static func unpack(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let size = try unpackedByteCount(input)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            if size > 0 { unpack(input, to: UnsafeMutableRawPointer(buffer.baseAddress!)) }
            count = size
        }
    }

    /// Replaces `output`'s contents with the unpacked bytes of `input`, reusing its capacity.
    public static func unpack(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        let size = try unpackedByteCount(input)
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: repeatElement(0, count: size))
        if size > 0 { output.withUnsafeMutableBytes { unpack(input, to: $0.baseAddress!) } }
    }
}
