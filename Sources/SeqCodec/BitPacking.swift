/// Fixed-width bit packing of 64-bit values, little-endian bit order (value i occupies bits
/// `i*w ..< (i+1)*w` of the byte stream, low bits first).
///
/// Unpacking is the decoder's hot loop. It works on groups of eight values, which span exactly
/// `w` bytes, so every load offset and shift inside a group is a compile-time constant once the
/// width is fixed: `unpack` switches once per call on the width and calls an always-inlined body
/// with a literal width, which the optimiser turns into straight-line loads, shifts and masks
/// with no per-value branches.
public enum BitPacking {
    /// Bytes needed to pack `count` values of `width` bits.
    @inlinable public static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) >> 3 }

    /// Readable bytes the unpacker may touch past the packed data (one unaligned 8-byte load).
    public static let readSlack = 8

    /// Appends `count` values, each masked to `width` bits, to `out`.
    public static func pack(_ values: UnsafePointer<UInt64>, count: Int, width: Int, into out: inout [UInt8]) {
        guard width > 0, count > 0 else { return }
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        var acc: UInt64 = 0
        var bits = 0
        for i in 0..<count {
            let v = values[i] & mask
            acc |= v << bits            // smart shift: bits == 64 never happens here
            bits += width
            if bits >= 64 {
                withUnsafeBytes(of: acc.littleEndian) { out.append(contentsOf: $0) }
                bits -= 64
                acc = bits > 0 ? v >> (width - bits) : 0
            }
        }
        var tail = (bits + 7) >> 3
        while tail > 0 {
            out.append(UInt8(truncatingIfNeeded: acc))
            acc >>= 8
            tail -= 1
        }
    }

    /// Unpacks `count` values of `width` bits from `src` into `dst`.
    ///
    /// - Precondition: `src` has `byteCount(count:width:) + readSlack` readable bytes and
    ///   `0 <= width <= 64`; the block decoder guarantees both before calling.
    @inlinable
    public static func unpack(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, count: Int, width: Int) {
        switch width {
        case 0: dst.update(repeating: 0, count: count)
        case 1: unpackFast(src, dst, count, 1)
        case 2: unpackFast(src, dst, count, 2)
        case 3: unpackFast(src, dst, count, 3)
        case 4: unpackFast(src, dst, count, 4)
        case 5: unpackFast(src, dst, count, 5)
        case 6: unpackFast(src, dst, count, 6)
        case 7: unpackFast(src, dst, count, 7)
        case 8: unpackFast(src, dst, count, 8)
        case 9: unpackFast(src, dst, count, 9)
        case 10: unpackFast(src, dst, count, 10)
        case 11: unpackFast(src, dst, count, 11)
        case 12: unpackFast(src, dst, count, 12)
        case 13: unpackFast(src, dst, count, 13)
        case 14: unpackFast(src, dst, count, 14)
        case 15: unpackFast(src, dst, count, 15)
        case 16: unpackFast(src, dst, count, 16)
        case 17: unpackFast(src, dst, count, 17)
        case 18: unpackFast(src, dst, count, 18)
        case 19: unpackFast(src, dst, count, 19)
        case 20: unpackFast(src, dst, count, 20)
        case 21: unpackFast(src, dst, count, 21)
        case 22: unpackFast(src, dst, count, 22)
        case 23: unpackFast(src, dst, count, 23)
        case 24: unpackFast(src, dst, count, 24)
        case 25: unpackFast(src, dst, count, 25)
        case 26: unpackFast(src, dst, count, 26)
        case 27: unpackFast(src, dst, count, 27)
        case 28: unpackFast(src, dst, count, 28)
        case 29: unpackFast(src, dst, count, 29)
        case 30: unpackFast(src, dst, count, 30)
        case 31: unpackFast(src, dst, count, 31)
        case 32: unpackFast(src, dst, count, 32)
        case 33: unpackFast(src, dst, count, 33)
        case 34: unpackFast(src, dst, count, 34)
        case 35: unpackFast(src, dst, count, 35)
        case 36: unpackFast(src, dst, count, 36)
        case 37: unpackFast(src, dst, count, 37)
        case 38: unpackFast(src, dst, count, 38)
        case 39: unpackFast(src, dst, count, 39)
        case 40: unpackFast(src, dst, count, 40)
        case 41: unpackFast(src, dst, count, 41)
        case 42: unpackFast(src, dst, count, 42)
        case 43: unpackFast(src, dst, count, 43)
        case 44: unpackFast(src, dst, count, 44)
        case 45: unpackFast(src, dst, count, 45)
        case 46: unpackFast(src, dst, count, 46)
        case 47: unpackFast(src, dst, count, 47)
        case 48: unpackFast(src, dst, count, 48)
        case 49: unpackFast(src, dst, count, 49)
        case 50: unpackFast(src, dst, count, 50)
        case 51: unpackFast(src, dst, count, 51)
        case 52: unpackFast(src, dst, count, 52)
        case 53: unpackFast(src, dst, count, 53)
        case 54: unpackFast(src, dst, count, 54)
        case 55: unpackFast(src, dst, count, 55)
        case 56: unpackFast(src, dst, count, 56)
        default: unpackWide(src, dst, count, width)
        }
    }

    /// Widths 1...56: a value plus its in-byte shift fits one unaligned 64-bit load.
    @inlinable @inline(__always)
    static func unpackFast(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, _ count: Int, _ w: Int) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        var p = src
        var d = dst
        var left = count
        while left >= 8 {
            for j in 0..<8 {
                let bit = j * w
                let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                d[j] = (word &>> UInt64(bit & 7)) & mask
            }
            p += w
            d += 8
            left -= 8
        }
        for j in 0..<left {
            let bit = j * w
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            d[j] = (word &>> UInt64(bit & 7)) & mask
        }
    }

    /// Widths 57...64 (rare: huge outliers): a value may straddle nine bytes, so take two loads.
    @usableFromInline
    static func unpackWide(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, _ count: Int, _ w: Int) {
        let mask: UInt64 = w >= 64 ? ~0 : (1 << UInt64(w)) - 1
        for i in 0..<count {
            let bit = i * w
            let byte = bit >> 3
            let shift = bit & 7
            let lo = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) >> shift
            // The ninth byte holds the top `shift` bits; read it only when it belongs to this value,
            // so the last value never reads past its own bytes plus the slack.
            let hi: UInt64 = shift + w > 64
                ? UInt64(src.load(fromByteOffset: byte + 8, as: UInt8.self)) << (64 - shift) : 0
            dst[i] = (lo | hi) & mask
        }
    }
}
