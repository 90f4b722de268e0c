import Columns
import TestSupport
import Testing

@Suite struct DelimitedReaderTests {
    func records(_ text: String, chunk: Int = .max, delimiter: UInt8? = nil) throws -> [[String]] {
        var reader = DelimitedReader(delimiter: delimiter)
        var out: [[String]] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let part = Array(bytes[i..<min(bytes.count, i + chunk)])
            try part.withUnsafeBytes { try reader.feed($0) { out.append($0.strings) } }
            i += min(chunk, bytes.count - i)
        }
        try reader.finish { out.append($0.strings) }
        return out
    }

    @Test func quotedFieldsHoldDelimitersAndEscapedQuotes() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,,\n\"\",3,\"\"\"\""
        let expected = [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "", ""], ["", "3", "\""]]
        for size in [1, 2, 5, 1000] { #expect(try records(text, chunk: size) == expected, "chunk \(size)") }
    }

    @Test func theDelimiterIsATabUnlessTheHeaderHasOnlyCommas() throws {
        #expect(try records("a,b\tc\n1,2\t3\n") == [["a,b", "c"], ["1,2", "3"]])
        #expect(try records("a,b\n1,2\n") == [["a", "b"], ["1", "2"]])
        #expect(try records("a;b\n1;2\n", delimiter: 59) == [["a", "b"], ["1", "2"]])
    }

    @Test(arguments: [
        ("a,b\n1,\"open\n", "line 2: field 2: a quoted field does not end on its line"),
        ("a,b\n1,\"x\"y\n", "line 2: field 2: text after a closing quote"),
    ])
    func malformedQuotesSayWhere(_ text: String, _ message: String) {
        #expect { _ = try records(text) } throws: { ($0 as? ColumnsError)?.message == message }
    }
}

@Suite struct DecimalTextTests {
    func int(_ s: String) -> Int64? {
        Array(s.utf8).withUnsafeBytes { if case .success(let v) = DecimalText.int64($0) { return v } else { return nil } }
    }
    func float(_ s: String) -> Double? { Array(s.utf8).withUnsafeBytes { DecimalText.float64($0) } }

    @Test func integersAndIntegralFloats() {
        #expect(int("-9223372036854775808") == .min)
        #expect(int("9223372036854775807") == .max)
        #expect(int("9223372036854775808") == nil)
        #expect(int("881250949.0") == 881250949)
        #expect(int("+7") == 7)
        #expect(int("1.5") == nil)
        #expect(int(".0") == nil)
        #expect(int("") == nil)
        #expect(int("-") == nil)
    }

    @Test func floatsReadTheShortestRoundTripFormBackExactly() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            #expect(float("\(d)")?.bitPattern == d.bitPattern)
        }
        #expect(float("nan")?.isNaN == true)
        #expect(float("-inf") == -.infinity)
        #expect(float(" 1") == nil)
        #expect(float("1x") == nil)
        #expect(float("") == nil)
    }
}

@Suite struct UTF8CheckTests {
    @Test func agreesWithTheStandardLibraryOnRandomAndEdgeBytes() {
        var rng = SplitMix64(seed: TestSeed.resolve("utf8-check", default: 42))
        let edges: [[UInt8]] = [
            [0xC0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xE2, 0x82], Array("naïve café 日本 🎉".utf8), [0xEF, 0xBB, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0x80],
        ]
        for e in edges {
            #expect(UTF8Check.isValid(e) == (String(validating: e, as: UTF8.self) != nil), "\(e)")
        }
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 24)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 2 == 0 { bytes = bytes.map { $0 & 0x7F } + Array("é日🎉".utf8).prefix(Int(rng.next() % 10)) }
            #expect(UTF8Check.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }
}
