/// CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro spec defines for schema fingerprints.
public enum AvroFingerprint {
    /// The fingerprint of the empty string, and the polynomial's seed (from the spec).
    public static let empty: UInt64 = 0xc15d_213a_a4d7_a795

    /// One step of the polynomial division per byte value, precomputed as in the spec.
    private static let table: [UInt64] = (0..<256).map { i in
        var fp = UInt64(i)
        for _ in 0..<8 { fp = (fp >> 1) ^ (empty & (0 &- (fp & 1))) }
        return fp
    }

    /// The fingerprint of `bytes`.
    public static func crc64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var fp = empty
        for b in bytes { fp = (fp >> 8) ^ table[Int((fp ^ UInt64(b)) & 0xff)] }
        return fp
    }

    /// The form avro and fastavro print: the 8 bytes least significant first, as 16 hex digits
    /// (the byte order of the fingerprint in Avro's single-object encoding).
    public static func hex(_ fingerprint: UInt64) -> String {
        (0..<8).map { i -> String in
            let byte = UInt8(truncatingIfNeeded: fingerprint >> (8 * UInt64(i)))
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// Parses the 16-hex-digit form back; nil when it is not one.
    public static func parseHex(_ text: String) -> UInt64? {
        let digits = Array(text.utf8)
        // UInt8(_:radix:) would also take a sign, so check the digits first.
        guard digits.count == 16, text.allSatisfy(\.isHexDigit) else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 {
            guard let byte = UInt8(String(decoding: digits[2 * i ..< 2 * i + 2], as: UTF8.self), radix: 16) else { return nil }
            value |= UInt64(byte) << (8 * UInt64(i))
        }
        return value
    }
}

extension AvroSchema {
    /// CRC-64-AVRO of the Parsing Canonical Form.
    public var fingerprint: UInt64 { AvroFingerprint.crc64(canonicalForm.utf8) }

    /// `fingerprint` as avro and fastavro print it (`8f5c393f1ad57572` for `"int"`).
    public var fingerprintHex: String { AvroFingerprint.hex(fingerprint) }
}
