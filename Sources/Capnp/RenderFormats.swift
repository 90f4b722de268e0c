#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number spellings of the text renderer.
enum NumberFormat {
    /// `capnp decode`'s Float64 spelling: `%.15g`, or `%.17g` when that does not round-trip;
    /// the exponent without `+` (`1e100`, `1e-05`); `inf`, `-inf`, `nan`.
    static func capnp(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var s = printf(v, precision: 15)
        if Double(s) != v { s = printf(v, precision: 17) }
        return dropExponentPlus(s)
    }

    /// `capnp decode`'s Float32 spelling: `%.6g`, or `%.8g` when that does not round-trip.
    static func capnp(_ v: Float) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var s = printf(Double(v), precision: 6)
        if Float(s) != v { s = printf(Double(v), precision: 8) }
        return dropExponentPlus(s)
    }

    /// JSON: the shortest round-tripping decimal; non-finite values as strings.
    static func json(_ v: Double, shortest: String) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return shortest
    }

    private static func printf(_ v: Double, precision: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([precision, v]) { args in
            vsnprintf(&buffer, buffer.count, "%.*g", args)
        }
        return String(cString: buffer)
    }

    private static func dropExponentPlus(_ s: String) -> String {
        guard s.contains("e+") else { return s }
        return s.replacingOccurrencesOfExponentPlus()
    }
}

private extension String {
    func replacingOccurrencesOfExponentPlus() -> String {
        var out = ""
        var previous: Character = " "
        for ch in self {
            if ch == "+" && previous == "e" { previous = ch; continue }
            out.append(ch)
            previous = ch
        }
        return out
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
            case 0x07: out += [0x5C, 0x61]   // \a
            case 0x08: out += [0x5C, 0x62]   // \b
            case 0x0C: out += [0x5C, 0x66]   // \f
            case 0x0A: out += [0x5C, 0x6E]   // \n
            case 0x0D: out += [0x5C, 0x72]   // \r
            case 0x09: out += [0x5C, 0x74]   // \t
            case 0x0B: out += [0x5C, 0x76]   // \v
            case 0x27: out += [0x5C, 0x27]   // \'
            case 0x22: out += [0x5C, 0x22]   // \"
            case 0x5C: out += [0x5C, 0x5C]   // \\
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

/// JSON spellings of strings and bytes.
enum JSONFormat {
    static func string(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for b in bytes {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            default:
                if b < 0x20 {
                    out += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]
                } else {
                    out.append(b)
                }
            }
        }
        out.append(0x22)
    }

    /// RFC 4648 base64 with padding, in quotes.
    static func base64(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        out.append(0x22)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)], alphabet[Int((n >> 6) & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)], alphabet[Int((n >> 6) & 63)], 0x3D]
        }
        out.append(0x22)
    }
}
