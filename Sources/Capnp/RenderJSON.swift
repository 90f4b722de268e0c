// The JSON form of TextRenderer (see its doc comment for the conventions).

/// JSON spellings of strings and bytes.
enum JSONFormat {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func string(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(0x22)
        for b in bytes {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            default:
                if b < 0x20 {
                    out += [0x5C, 0x75, 0x30, 0x30, JSONFormat.hexDigits[Int(b >> 4)], JSONFormat.hexDigits[Int(b & 15)]]
                } else {
                    out.append(b)
                }
            }
        }
        out.append(0x22)
    }

    /// RFC 4648 base64 with padding, in quotes.
    static func base64(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let alphabet = JSONFormat.base64Alphabet
        out.append(0x22)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(alphabet[Int((n >> 6) & 63)])
            out.append(alphabet[Int(n & 63)])
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
