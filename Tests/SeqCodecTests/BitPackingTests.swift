import Testing
@testable import SeqCodec
import TestSupport

@Suite struct BitPackingTests {
    @Test func everyWidthAndCountRoundTrips() {
        var r = SplitMix64(seed: 1)
        for width in 0...64 {
            for count in [1, 7, 8, 9, 31, 64, 127, 128] {
                let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
                let values = (0..<count).map { _ in r.next() & mask }
                var packed: [UInt8] = []
                values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, count: count, width: width, into: &packed) }
                #expect(packed.count == BitPacking.byteCount(count: count, width: width))
                packed += [UInt8](repeating: 0xAB, count: BitPacking.readSlack)
                var decoded = [UInt64](repeating: 99, count: count)
                packed.withUnsafeBytes { src in
                    decoded.withUnsafeMutableBufferPointer {
                        BitPacking.unpack(src.baseAddress!, $0.baseAddress!, count: count, width: width)
                    }
                }
                #expect(decoded == values, "width \(width) count \(count)")
            }
        }
    }

    @Test func zigzagIsABijectionOnExtremes() {
        for v: Int64 in [0, 1, -1, 2, -2, .max, .min, .max - 1, .min + 1] {
            #expect(unzigzag(zigzag(v)) == v)
        }
        #expect(zigzag(-1) == 1 && zigzag(1) == 2)
    }

    @Test func checksumSeesEveryByte() {
        var bytes = (0..<100).map { UInt8($0) }
        let base = Checksum.of(bytes)
        for i in bytes.indices {
            bytes[i] ^= 1
            #expect(Checksum.of(bytes) != base, "flip at \(i)")
            bytes[i] ^= 1
        }
        #expect(Checksum.of(Array(bytes.dropLast())) != base)
    }
}
