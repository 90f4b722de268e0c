/// Magnitude-class entropy coding of Int64 values: each value is split into a symbol — its
/// sign and bit length — coded with a canonical Huffman code, plus its bits below the leading
/// one ("mantissa"), stored raw. This is the length-plus-extra-bits idea of Deflate's distance
/// codes, applied to deltas and dictionary ranks.
///
/// Why: per-user millisecond gaps and Zipf item ranks are spread over many octaves. Bit-packing
/// at one width per 128 values pays for the widest octave in the block; here each value pays
/// only its own length plus ~2-3 bits of Huffman-coded length, which is within a fraction of a
/// bit of the entropy of such smooth distributions.
///
/// Layout: `k:u8` then k × (`symbol:u8 length:u8`), four `byteCount:varint`, then four bit
/// streams (LSB-first; value i is in stream i mod 4), each padded with 16 zero bytes so the
/// decoder's unaligned loads never leave it.
public enum EntropyCoder {
    /// 64 bit lengths (0...64) for non-negative values, 64 more (1...64) for negative ones.
    static let symbolCount = 130
    /// Longest code; the decode table has 2^maxCodeLength entries (16 KiB).
    static let maxCodeLength = 12
    static let padding = 16
    /// The most bits one value can take: the longest code plus a 63-bit mantissa.
    static let maxValueBits = maxCodeLength + 63

    @inline(__always) static func symbol(_ x: Int64) -> Int {
        let length = 64 - x.magnitude.leadingZeroBitCount
        return x < 0 ? 65 + length : length
    }

    @inline(__always) static func bitLength(ofSymbol s: Int) -> Int { s >= 65 ? s - 65 : s }

    /// Bits below the leading one of a value of symbol `s`.
    @inline(__always) static func mantissaBits(ofSymbol s: Int) -> Int { max(0, bitLength(ofSymbol: s) - 1) }

    /// Huffman code lengths (0 = unused) for symbol frequencies, limited to `maxCodeLength` by
    /// flattening the frequencies until the tree is shallow enough.
    static func codeLengths(_ frequencies: [Int]) -> [Int] {
        var freq = frequencies
        while true {
            let lengths = huffmanLengths(freq)
            if lengths.max()! <= maxCodeLength { return lengths }
            freq = freq.map { $0 == 0 ? 0 : max(1, $0 >> 1) }
        }
    }

    private static func huffmanLengths(_ freq: [Int]) -> [Int] {
        var lengths = [Int](repeating: 0, count: freq.count)
        let used = freq.indices.filter { freq[$0] > 0 }
        if used.count == 1 { lengths[used[0]] = 1; return lengths }
        // Nodes: (weight, members). Few symbols, so a sorted array is simplest.
        var nodes = used.map { (weight: freq[$0], members: [$0]) }
        while nodes.count > 1 {
            nodes.sort { $0.weight > $1.weight }
            let a = nodes.removeLast(), b = nodes.removeLast()
            for m in a.members + b.members { lengths[m] += 1 }
            nodes.append((a.weight + b.weight, a.members + b.members))
        }
        return lengths
    }

    /// Canonical codes for `lengths`, bit-reversed for LSB-first reading.
    static func canonicalCodes(_ lengths: [Int]) -> [UInt32] {
        var codes = [UInt32](repeating: 0, count: lengths.count)
        let order = lengths.indices.filter { lengths[$0] > 0 }.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        var code: UInt32 = 0
        var previous = 0
        for s in order {
            code <<= UInt32(lengths[s] - previous)
            previous = lengths[s]
            var reversed: UInt32 = 0
            for b in 0..<lengths[s] where code & (1 << UInt32(b)) != 0 { reversed |= 1 << UInt32(lengths[s] - 1 - b) }
            codes[s] = reversed
            code += 1
        }
        return codes
    }

    /// Symbol histogram of `values` (raw) or of their successive differences (delta).
    static func histogram(_ values: UnsafeBufferPointer<Int64>, delta: Bool) -> [Int] {
        var freq = [Int](repeating: 0, count: symbolCount)
        var previous: Int64 = 0
        for v in values {
            freq[symbol(delta ? v &- previous : v)] += 1
            previous = v
        }
        return freq
    }

    /// Values are dealt round-robin into this many independent bit streams, so the decoder
    /// runs four dependency chains (load → table → position) at once instead of one.
    static let streams = 4

    /// Exact encoded size in bytes for a histogram and value count, without encoding.
    static func encodedSize(_ freq: [Int]) -> Int {
        let lengths = codeLengths(freq)
        var bits = 0
        for s in 0..<symbolCount where freq[s] > 0 { bits += freq[s] * (lengths[s] + mantissaBits(ofSymbol: s)) }
        let symbols = lengths.filter { $0 > 0 }.count
        let bytes = (bits + 7) / 8 + streams * (padding + 2)
        return 1 + 2 * symbols + bytes
    }

    /// Appends the entropy-coded streams of `values` (or of their deltas).
    static func encode(_ values: UnsafeBufferPointer<Int64>, delta: Bool, into out: inout ByteWriter) {
        let freq = histogram(values, delta: delta)
        let lengths = codeLengths(freq)
        let codes = canonicalCodes(lengths)
        let used = (0..<symbolCount).filter { lengths[$0] > 0 }
        out.byte(UInt8(used.count))
        for s in used { out.byte(UInt8(s)); out.byte(UInt8(lengths[s])) }
        var writers = (0..<streams).map { _ in BitWriter(capacity: values.count + padding) }
        var previous: Int64 = 0
        for (i, v) in values.enumerated() {
            let x = delta ? v &- previous : v
            previous = v
            let s = symbol(x)
            let m = mantissaBits(ofSymbol: s)
            let mantissa = m == 0 ? 0 : x.magnitude & ((1 << UInt64(m)) - 1)
            writers[i % streams].put(UInt64(codes[s]), lengths[s])
            if m > 32 {
                writers[i % streams].put(mantissa & 0xFFFF_FFFF, 32)
                writers[i % streams].put(mantissa >> 32, m - 32)
            } else {
                writers[i % streams].put(mantissa, m)
            }
        }
        for w in writers.indices { writers[w].finish(padding: padding); out.varint(writers[w].bytes.count) }
        for w in writers { out.append(w.bytes) }
    }

    /// Where one stream starts and the last bit offset at which its loads are safe.
    struct Cursor {
        var base: UnsafeRawPointer
        var limit: Int
    }

    struct BitWriter {
        var bytes: [UInt8] = []
        var acc: UInt64 = 0
        var filled = 0
        init(capacity: Int) { bytes.reserveCapacity(capacity) }
        mutating func put(_ bits: UInt64, _ count: Int) { // count <= 32
            acc |= bits << UInt64(filled)
            filled += count
            while filled >= 8 { bytes.append(UInt8(truncatingIfNeeded: acc)); acc >>= 8; filled -= 8 }
        }
        mutating func finish(padding: Int) {
            if filled > 0 { bytes.append(UInt8(truncatingIfNeeded: acc)) }
            bytes.append(contentsOf: repeatElement(0, count: padding))
        }
    }

    /// Decode table: one 64-bit entry per `longest`-bit prefix, holding everything needed to
    /// turn the next bits of a stream into a value with shifts alone — no second lookup:
    ///   bits 0-7   used: code length + mantissa bits (what the value takes from the stream)
    ///   bits 8-13  64 - used: shifting the loaded word left by this puts the mantissa on top
    ///   bits 16-21 63 - mantissa bits: shifting right by this leaves leading one + mantissa
    ///   bits 24-27 code length (for the rare value that does not fit one load)
    ///   bit 62     negative; bit 63 the leading one (clear only for the value 0)
    /// Codes are complete (every slot names a symbol), so there is no invalid entry.
    public final class Table {
        var entries = [UInt64](repeating: 0, count: 1 << EntropyCoder.maxCodeLength)
        public init() {}
    }

    static func tableEntry(symbol s: Int, codeLength l: Int) -> UInt64 {
        let m = mantissaBits(ofSymbol: s)
        let used = UInt64(l + m)
        var e = used | ((64 &- used) & 63) << 8 | UInt64(63 - m) << 16 | UInt64(l) << 24
        if s >= 65 { e |= 1 << 62 }
        if bitLength(ofSymbol: s) > 0 { e |= 1 << 63 }
        return e
    }

    /// Loads stay inside a stream (16 padding bytes) while its position is at most its limit.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ bit: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self)) &>> UInt64(bit & 7)
    }

    /// Decodes the value at bit offset `bit` of `base` and advances `bit` past it.
    @inline(__always)
    static func next(_ base: UnsafeRawPointer, _ bit: inout Int, _ table: UnsafePointer<UInt64>, _ mask: UInt64) -> Int64 {
        let w = load(base, bit)
        let e = table[Int(truncatingIfNeeded: w & mask)]
        let used = Int(truncatingIfNeeded: e & 0xFF)
        // Mantissa on top, then shifted down one under the leading one (bit 63 of the entry),
        // then down to its place: three shifts and an OR, whatever the symbol.
        let top = _fastPath(used <= 56) ? w &<< (e &>> 8) : wideMantissa(base, bit, e)
        bit &+= used
        let magnitude = ((top &>> 1) | (e & (1 << 63))) &>> (e &>> 16)
        let negative = UInt64(bitPattern: Int64(bitPattern: e &<< 1) &>> 63)
        return Int64(bitPattern: (magnitude ^ negative) &- negative)
    }

    /// The rare value whose code and mantissa exceed one load's 57 guaranteed bits: its
    /// mantissa, loaded in two halves, on top of a word. Out of line to keep the loop small.
    @inline(never)
    static func wideMantissa(_ base: UnsafeRawPointer, _ bit: Int, _ e: UInt64) -> UInt64 {
        let m = 63 &- Int(truncatingIfNeeded: (e &>> 16) & 63)
        let p = bit &+ Int(truncatingIfNeeded: (e &>> 24) & 15)
        let lo = load(base, p) & 0xFFFF_FFFF, hi = load(base, p &+ 32)
        return (lo | hi &<< 32) &<< UInt64(64 &- m)
    }

    /// Decodes `n` values into `dst`; `delta` adds each to the previous one.
    static func decode(_ reader: inout ByteReader, count n: Int, delta: Bool, into dst: UnsafeMutablePointer<Int64>,
                       table: Table) throws {
        let k = Int(try reader.byte("entropy code size"))
        guard k >= 1 && k <= symbolCount else { throw SeqCodecError(.malformed, "entropy code: \(k) symbols") }
        var lengths = [Int](repeating: 0, count: symbolCount)
        var kraft = 0
        var longest = 0
        for _ in 0..<k {
            let s = Int(try reader.byte("entropy code symbol"))
            let l = Int(try reader.byte("entropy code length"))
            guard s < symbolCount, s != 65, lengths[s] == 0, l >= 1, l <= maxCodeLength else {
                throw SeqCodecError(.malformed, "entropy code: symbol \(s) of length \(l)")
            }
            lengths[s] = l
            kraft += 1 << (maxCodeLength - l)
            longest = max(longest, l)
        }
        // A Huffman code is complete (a single symbol gets the one-bit code "0"); requiring it
        // means every table slot decodes to a symbol, so the hot loop needs no validity check.
        guard k == 1 ? longest == 1 : kraft == 1 << maxCodeLength else {
            throw SeqCodecError(.malformed, "entropy code: lengths do not form a complete code")
        }
        var sizes = [Int](repeating: 0, count: streams)
        for j in 0..<streams {
            sizes[j] = try reader.count("entropy stream \(j) length", maximum: reader.remaining)
            guard sizes[j] >= padding else { throw SeqCodecError(.malformed, "entropy stream \(j): no padding") }
        }
        var cursors: [Cursor] = []
        for j in 0..<streams {
            let start = try reader.skip(sizes[j], "entropy stream \(j)")
            cursors.append(Cursor(base: reader.base + start, limit: (sizes[j] - padding) * 8))
        }

        // Fill the table at the longest length in use, so short codes fill fewer slots.
        let mask = (UInt64(1) << UInt64(longest)) - 1
        try table.entries.withUnsafeMutableBufferPointer { entries in
            let codes = canonicalCodes(lengths)
            for s in 0..<symbolCount where lengths[s] > 0 {
                let l = lengths[s]
                let entry = tableEntry(symbol: s, codeLength: l)
                // A lone symbol fills both one-bit slots: any bit decodes to it.
                var j = k == 1 ? 0 : Int(codes[s])
                while j < 1 << longest { entries[j] = entry; j += k == 1 ? 1 : 1 << l }
            }
            let t = UnsafePointer(entries.baseAddress!)
            // Specialised twice, so the delta prefix sum runs inside the decode loop, not as a
            // second pass over the column.
            if delta {
                try decodeStreams(cursors, count: n, into: dst, table: t, mask: mask, delta: true)
            } else {
                try decodeStreams(cursors, count: n, into: dst, table: t, mask: mask, delta: false)
            }
        }
    }

    @inline(__always)
    static func decodeStreams(_ cursors: [Cursor], count n: Int, into dst: UnsafeMutablePointer<Int64>,
                              table t: UnsafePointer<UInt64>, mask: UInt64, delta: Bool) throws {
        // Positions are bit offsets from the first stream, so one base pointer serves all four.
        let base = cursors[0].base
        var p0 = 0, p1 = (cursors[1].base - base) * 8, p2 = (cursors[2].base - base) * 8, p3 = (cursors[3].base - base) * 8
        let l0 = cursors[0].limit, l1 = p1 + cursors[1].limit, l2 = p2 + cursors[2].limit, l3 = p3 + cursors[3].limit
        var previous: Int64 = 0
        var i = 0
        while i + 4 <= n {
            // A value takes at most `maxValueBits`, so while every stream is that far from its
            // limit, `safe` rounds need no bounds checks: check once per chunk, not per value.
            let room = min(l0 &- p0, l1 &- p1, l2 &- p2, l3 &- p3)
            guard room >= 0 else { throw SeqCodecError(.truncated, "entropy stream: ends after \(i) of \(n) values") }
            let safe = min(room / maxValueBits + 1, (n &- i) >> 2)
            let end = i &+ safe &* 4
            while i < end {
                if delta {
                    previous &+= next(base, &p0, t, mask); dst[i] = previous
                    previous &+= next(base, &p1, t, mask); dst[i &+ 1] = previous
                    previous &+= next(base, &p2, t, mask); dst[i &+ 2] = previous
                    previous &+= next(base, &p3, t, mask); dst[i &+ 3] = previous
                } else {
                    dst[i] = next(base, &p0, t, mask); dst[i &+ 1] = next(base, &p1, t, mask)
                    dst[i &+ 2] = next(base, &p2, t, mask); dst[i &+ 3] = next(base, &p3, t, mask)
                }
                i &+= 4
            }
        }
        var tail = [(p0, l0), (p1, l1), (p2, l2), (p3, l3)]
        for j in 0..<(n - i) {
            guard tail[j].0 <= tail[j].1 else { throw SeqCodecError(.truncated, "entropy stream: ends early") }
            let v = next(base, &tail[j].0, t, mask)
            if delta { previous = previous &+ v; dst[i + j] = previous } else { dst[i + j] = v }
        }
        guard tail.allSatisfy({ $0.0 <= $0.1 }) else {
            throw SeqCodecError(.truncated, "entropy stream: overruns its bytes")
        }
    }
}
