#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers from decimal text bytes, without a String per field.
public enum DecimalText {
    /// Why a field is not an integer.
    public enum IntegerFailure: Error, Sendable { case notAnInteger, outOfRange }

    /// A decimal Int64 with an optional sign. An integral float such as `881250949.0` (RecBole
    /// writes timestamps as floats) is accepted too, since it names the same integer.
    @inlinable
    public static func int64(_ bytes: UnsafeRawBufferPointer) -> Result<Int64, IntegerFailure> {
        let to = bytes.count
        var i = 0
        var negative = false
        if i < to && (bytes[i] == 45 || bytes[i] == 43) { negative = bytes[i] == 45; i += 1 }
        var value: Int64 = 0
        let digitsStart = i
        while i < to {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return .failure(.outOfRange) }
            value = s
            i += 1
        }
        if i < to && bytes[i] == 46 && i > digitsStart {     // ".000": a fraction of zeros only
            i += 1
            while i < to && bytes[i] == 48 { i += 1 }
        }
        guard i == to, i > digitsStart else { return .failure(.notAnInteger) }
        return .success(value)
    }

    /// A decimal or special float (`nan`, `inf`, `-inf`, hex floats as C's strtod reads them),
    /// the whole field and nothing else; nil otherwise. Shortest round-trip text reads back to
    /// the same binary64 exactly.
    public static func float64(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard !bytes.isEmpty, bytes.count < 512 else { return nil }
        // strtod wants a terminated string; copy into a stack buffer instead of a String.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buf -> Double? in
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b > 32 else { return nil }                  // strtod would skip leading spaces
                buf[i] = CChar(bitPattern: b)
            }
            buf[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(buf.baseAddress!, &end)
            guard let e = end, e == buf.baseAddress! + bytes.count else { return nil }
            return value
        }
    }
}
