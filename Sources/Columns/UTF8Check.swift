/// Whether bytes are valid UTF-8, fast for the common all-ASCII case: eight bytes at a time
/// until a byte ≥ 0x80 shows up, then the standard library's validator for the rest.
public enum UTF8Check {
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
        }
        while i < n && bytes[i] < 0x80 { i += 1 }
        if i == n { return true }
        // Back up to a character boundary: a multi-byte sequence starts at or before i.
        while i > 0 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return String(validating: UnsafeRawBufferPointer(rebasing: bytes[i...]), as: UTF8.self) != nil
    }

    public static func isValid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { isValid($0) } }
}
