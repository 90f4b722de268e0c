/// Patched frame-of-reference coding of up to 128 Int64 values (PFOR).
///
/// Each mini-block picks the cheapest of three transforms of its values, then bit-packs the
/// result at a width `b` chosen to minimise total size; values that need more than `b` bits
/// keep their low bits in place and store their high bits as patches (position byte + packed
/// high bits). Patching is what lets a block of second-scale timestamp gaps stay at ~12 bits
/// when one in fifty deltas is a day-long jump to the next session or user.
///
/// Layout: `mode:u8 b:u8 e:u8 xb:u8 ref:varint packed[k*b bits] positions[e] highs[e*xb bits]`
///   - mode 0 raw:   code = bitPattern(v)
///   - mode 1 delta: code = zigzag(v - previous)       (small gaps of either sign)
///   - mode 2 wrap:  code = bitPattern(v - previous)   (non-decreasing runs: no sign bit spent)
///   - value codes are stored as `code - ref` where `ref` is the block minimum.
public enum MiniBlock {
    public static let capacity = 128
    static let headerBytes = 4

    @usableFromInline enum Mode: UInt8 { case raw = 0, delta = 1, wrap = 2 }

    /// Plan for one transform: the chosen width and its exact encoded size in bytes.
    struct Plan {
        var mode: Mode
        var ref: UInt64
        var width: Int
        var exceptions: Int
        var exceptionWidth: Int
        var bytes: Int
    }

    /// Fills `codes` with the transform of `values` and returns the cheapest packing of it.
    static func plan(_ mode: Mode, _ values: UnsafePointer<Int64>, _ k: Int, previous: Int64,
                     codes: UnsafeMutablePointer<UInt64>) -> Plan {
        var prev = previous
        var minCode = UInt64.max
        for i in 0..<k {
            let v = values[i]
            let c: UInt64
            switch mode {
            case .raw: c = UInt64(bitPattern: v)
            case .delta: c = zigzag(v &- prev)
            case .wrap: c = UInt64(bitPattern: v &- prev)
            }
            prev = v
            codes[i] = c
            minCode = min(minCode, c)
        }
        // Histogram of offset bit lengths; the width search is then O(65), not O(65 * k).
        var histogram = (0..<65).map { _ in 0 }
        var maxLength = 0
        for i in 0..<k {
            let length = 64 - (codes[i] &- minCode).leadingZeroBitCount
            histogram[length] += 1
            maxLength = max(maxLength, length)
        }
        var best = Plan(mode: mode, ref: minCode, width: maxLength, exceptions: 0, exceptionWidth: 0, bytes: .max)
        var above = 0 // values longer than the candidate width
        var b = maxLength
        while b >= 0 {
            let bytes = BitPacking.byteCount(count: k, width: b) + above
                + BitPacking.byteCount(count: above, width: maxLength - b)
            if bytes < best.bytes {
                best.width = b; best.exceptions = above
                best.exceptionWidth = above > 0 ? maxLength - b : 0; best.bytes = bytes
            }
            above += histogram[b]
            // A position is one byte; 255 exceptions is the most a block of 128 can have.
            b -= 1
        }
        best.bytes += headerBytes + ByteWriter.varintSize(minCode)
        return best
    }

    /// The cheapest of the three transforms; leaves the codes of the last one tried (`.wrap`)
    /// in `scratch`.
    static func cheapest(_ values: UnsafePointer<Int64>, _ k: Int, previous: Int64,
                         scratch: UnsafeMutablePointer<UInt64>) -> Plan {
        var best = plan(.raw, values, k, previous: previous, codes: scratch)
        let delta = plan(.delta, values, k, previous: previous, codes: scratch)
        if delta.bytes < best.bytes { best = delta }
        let wrap = plan(.wrap, values, k, previous: previous, codes: scratch)
        if wrap.bytes < best.bytes { best = wrap }
        return best
    }

    /// Appends the cheapest encoding of `values[0..<k]` (k ≤ 128) and returns the last value,
    /// the delta base of the next mini-block.
    @discardableResult
    static func encode(_ values: UnsafePointer<Int64>, _ k: Int, previous: Int64, into out: inout ByteWriter,
                       scratch: UnsafeMutablePointer<UInt64>) -> Int64 {
        precondition(k > 0 && k <= capacity)
        let best = cheapest(values, k, previous: previous, scratch: scratch)
        if best.mode != .wrap { _ = plan(best.mode, values, k, previous: previous, codes: scratch) }
        out.byte(best.mode.rawValue)
        out.byte(UInt8(best.width))
        out.byte(UInt8(best.exceptions))
        out.byte(UInt8(best.exceptionWidth))
        out.varint(best.ref)
        let b = best.width
        for i in 0..<k { scratch[i] &-= best.ref }
        BitPacking.pack(scratch, count: k, width: b, into: &out.bytes)
        if best.exceptions > 0 {
            var highs = [UInt64]()
            highs.reserveCapacity(best.exceptions)
            for i in 0..<k where b < 64 && scratch[i] >> UInt64(b) != 0 {
                out.byte(UInt8(i))
                highs.append(scratch[i] >> UInt64(b))
            }
            highs.withUnsafeBufferPointer {
                BitPacking.pack($0.baseAddress!, count: $0.count, width: best.exceptionWidth, into: &out.bytes)
            }
        }
        return values[k - 1]
    }

    /// Decodes `k` values into `dst`, continuing the delta chain from `previous`.
    ///
    /// - Precondition: the reader's buffer has `BitPacking.readSlack` readable bytes after
    ///   `reader.limit` (the block checksum guarantees it).
    static func decode(_ reader: inout ByteReader, _ k: Int, previous: inout Int64,
                       into dst: UnsafeMutablePointer<Int64>, highs: UnsafeMutablePointer<UInt64>) throws {
        let modeByte = try reader.byte("mini-block mode")
        let b = Int(try reader.byte("mini-block width"))
        let e = Int(try reader.byte("mini-block patch count"))
        let xb = Int(try reader.byte("mini-block patch width"))
        guard let mode = Mode(rawValue: modeByte) else {
            throw SeqCodecError(.malformed, "mini-block: unknown mode \(modeByte)")
        }
        guard b <= 64, xb <= 64 - b, e <= k else {
            throw SeqCodecError(.malformed, "mini-block: width \(b), \(e) patches of width \(xb) for \(k) values")
        }
        let ref = try reader.varint("mini-block reference")
        let packedStart = try reader.skip(BitPacking.byteCount(count: k, width: b), "mini-block values")
        let codes = UnsafeMutableRawPointer(dst).assumingMemoryBound(to: UInt64.self)
        BitPacking.unpack(reader.base + packedStart, codes, count: k, width: b)
        if e > 0 {
            let positions = try reader.skip(e, "mini-block patch positions")
            let highStart = try reader.skip(BitPacking.byteCount(count: e, width: xb), "mini-block patches")
            BitPacking.unpack(reader.base + highStart, highs, count: e, width: xb)
            var bad = false
            for j in 0..<e {
                let p = Int(reader.base.load(fromByteOffset: positions + j, as: UInt8.self))
                bad = bad || p >= k
                codes[min(p, k - 1)] |= highs[j] &<< UInt64(b)
            }
            if bad { throw SeqCodecError(.malformed, "mini-block: patch position beyond \(k) values") }
        }
        // One pass per mode, each a tight loop the optimiser can unroll.
        switch mode {
        case .raw:
            for i in 0..<k { dst[i] = Int64(bitPattern: codes[i] &+ ref) }
            if k > 0 { previous = dst[k - 1] }
        case .delta:
            var p = previous
            for i in 0..<k {
                p = p &+ unzigzag(codes[i] &+ ref)
                dst[i] = p
            }
            previous = p
        case .wrap:
            var p = previous
            for i in 0..<k {
                p = p &+ Int64(bitPattern: codes[i] &+ ref)
                dst[i] = p
            }
            previous = p
        }
    }
}
