#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number spellings of the text renderer, written straight into the output bytes.
enum NumberFormat {
    /// Decimal digits of any fixed-width integer (no String allocation).
    static func decimal<T: FixedWidthInteger>(_ v: T, into out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        var m = UInt64(truncatingIfNeeded: v.magnitude)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 0
            repeat {
                digits[19 - n] = 0x30 + UInt8(m % 10)
                m /= 10
                n += 1
            } while m != 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - n)...]))
        }
    }

    /// `capnp decode`'s Float64 spelling: `%.15g`, or `%.17g` when that does not round-trip;
    /// the exponent without `+` (`1e100`, `1e-05`); `inf`, `-inf`, `nan`.
    static func capnp(_ v: Double, into out: inout [UInt8]) {
        if v.isNaN { out += Array("nan".utf8); return }
        if v.isInfinite { out += Array(v < 0 ? "-inf".utf8 : "inf".utf8); return }
        if !v.isSubnormal && shortestAsG(v.description, precision: 15, into: &out) { return }
        printf(v, precisions: (15, 17), roundTrips: { strtod($0, nil) == v }, into: &out)
    }

    /// `capnp decode`'s Float32 spelling: `%.6g`, or `%.8g` when that does not round-trip
    /// or parses with a range error (subnormals: capnp's check counts those as not round-tripping).
    static func capnp(_ v: Float, into out: inout [UInt8]) {
        if v.isNaN { out += Array("nan".utf8); return }
        if v.isInfinite { out += Array(v < 0 ? "-inf".utf8 : "inf".utf8); return }
        if !v.isSubnormal && shortestAsG(v.description, precision: 6, into: &out) { return }
        printf(Double(v), precisions: (6, 8), roundTrips: { text in
            errno = 0
            let parsed = strtof(text, nil)
            return errno == 0 && parsed == v
        }, into: &out)
    }

    /// The fast path: when the shortest round-tripping decimal (Swift's `description`) has at
    /// most `precision` significant digits, `%.<precision>g` prints exactly those digits (the
    /// binary value is within half an ulp of them, and an ulp is smaller than the spacing of
    /// `precision`-digit decimals for normal numbers), and it round-trips, so capnp's first
    /// choice is taken. Writes that spelling (`%g` layout, no `+` in the exponent) and returns
    /// true; returns false (writing nothing) when more digits are needed.
    static func shortestAsG(_ description: String, precision: Int, into out: inout [UInt8]) -> Bool {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var negative = false
        var pointSeen = false
        var intDigitCount = 0
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        for c in description.utf8 {
            switch c {
            case 0x2D: if inExponent { exponentSign = -1 } else { negative = true }
            case 0x2B: break
            case 0x2E: pointSeen = true
            case 0x65, 0x45: inExponent = true
            case 0x30...0x39:
                if inExponent {
                    exponent = exponent * 10 + Int(c - 0x30)
                } else {
                    digits.append(c)
                    if !pointSeen { intDigitCount += 1 }
                }
            default: return false
            }
        }
        // Normalize to d.ddd × 10^x with no leading or trailing zeros.
        var leading = 0
        while leading < digits.count && digits[leading] == 0x30 { leading += 1 }
        if leading == digits.count {
            if negative { out.append(0x2D) }
            out.append(0x30)
            return true
        }
        var x = intDigitCount - 1 - leading + exponentSign * exponent
        var significant = Array(digits[leading...])
        while let last = significant.last, last == 0x30 { significant.removeLast() }
        if significant.count > precision { return false }
        if negative { out.append(0x2D) }
        if x < -4 || x >= precision {
            out.append(significant[0])
            if significant.count > 1 {
                out.append(0x2E)
                out += significant[1...]
            }
            out.append(0x65)
            if x < 0 { out.append(0x2D); x = -x }
            if x < 10 { out.append(0x30) }
            decimal(x, into: &out)
        } else if x < 0 {
            out.append(0x30)
            out.append(0x2E)
            for _ in 0 ..< -x - 1 { out.append(0x30) }
            out += significant
        } else {
            for i in 0...x { out.append(i < significant.count ? significant[i] : 0x30) }
            if significant.count > x + 1 {
                out.append(0x2E)
                out += significant[(x + 1)...]
            }
        }
        return true
    }

    /// JSON: the shortest round-tripping decimal; non-finite values as strings.
    static func json(_ v: Double, shortest: String, into out: inout [UInt8]) {
        if v.isNaN { out += Array("\"NaN\"".utf8); return }
        if v.isInfinite { out += Array(v < 0 ? "\"-Infinity\"".utf8 : "\"Infinity\"".utf8); return }
        out += shortest.utf8
    }

    /// `%.<p>g` with the first precision that round-trips, minus any `+` in the exponent.
    private static func printf(_ v: Double, precisions: (Int32, Int32),
                               roundTrips: (UnsafePointer<CChar>) -> Bool, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer in
            let base = buffer.baseAddress!
            var n = withVaList([precisions.0, v]) { vsnprintf(base, 48, "%.*g", $0) }
            if !roundTrips(base) {
                n = withVaList([precisions.1, v]) { vsnprintf(base, 48, "%.*g", $0) }
            }
            for i in 0..<Int(max(0, min(n, 47))) {
                let c = UInt8(bitPattern: buffer[i])
                if c == 0x2B && i > 0 && buffer[i - 1] == 0x65 { continue }   // "e+" -> "e"
                out.append(c)
            }
        }
    }
}

/// The quoting of `capnp decode`: C escapes for quotes, backslash and control characters
/// (named ones as `\n`, the rest as three octal digits). Text keeps bytes >= 0x80 (UTF-8) as
/// they are; Data shows them in octal too.
enum Escape {
    static func quoted(_ bytes: UnsafeRawBufferPointer, escapeHigh: Bool, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + 2)
        out.append(0x22)
        for b in bytes {
            switch b {
            case 0x07: out.append(0x5C); out.append(0x61)   // \a
            case 0x08: out.append(0x5C); out.append(0x62)   // \b
            case 0x0C: out.append(0x5C); out.append(0x66)   // \f
            case 0x0A: out.append(0x5C); out.append(0x6E)   // \n
            case 0x0D: out.append(0x5C); out.append(0x72)   // \r
            case 0x09: out.append(0x5C); out.append(0x74)   // \t
            case 0x0B: out.append(0x5C); out.append(0x76)   // \v
            case 0x27: out.append(0x5C); out.append(0x27)   // \'
            case 0x22: out.append(0x5C); out.append(0x22)   // \"
            case 0x5C: out.append(0x5C); out.append(0x5C)   // \\
            default:
                if b < 0x20 || b == 0x7F || (escapeHigh && b >= 0x80) {
                    out += [0x5C, 0x30 + (b >> 6), 0x30 + ((b >> 3) & 7), 0x30 + (b & 7)]
                } else {
                    out.append(b)
                }
            }
        }
        out.append(0x22)
    }
}
