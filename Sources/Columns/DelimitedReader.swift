/// Splits delimited text (TSV, CSV) into records of fields, incrementally: feed chunks of any
/// size (a line may span chunks) and get each complete line's fields, as byte ranges, without a
/// String per field. Both `seq-encode` and the table readers parse text through this one type.
///
/// - The delimiter is given, or taken from the first line: a tab unless that line has no tab
///   and has a comma.
/// - Lines end with LF or CRLF; empty lines are skipped; a UTF-8 byte order mark before the
///   first line is dropped.
/// - A field that starts with `"` is quoted (RFC 4180): it may hold delimiters, and `""` stands
///   for one quote. A quoted field must end on its line (no line breaks inside values).
public struct DelimitedReader {
    /// The field separator; nil until the first line when it is detected.
    public private(set) var delimiter: UInt8?
    /// The 1-based number of the last line handed out (counting skipped empty lines).
    public private(set) var line = 0
    private var carry: [UInt8] = []
    private var record = DelimitedRecord()

    public init(delimiter: UInt8? = nil) { self.delimiter = delimiter }

    /// Hands every complete line in `chunk` to `body`, keeping a trailing partial line for the
    /// next call. The record's fields are valid only during the call.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (DelimitedRecord) throws -> Void) throws {
        guard !chunk.isEmpty else { return }
        var start = 0
        if !carry.isEmpty {
            guard let nl = chunk.firstIndex(of: 10) else { carry.append(contentsOf: chunk); return }
            carry.append(contentsOf: chunk[0...nl])
            let joined = carry
            carry.removeAll(keepingCapacity: true)
            try joined.withUnsafeBytes { try lines($0, body) }
            start = nl + 1
        }
        var end = chunk.count
        while end > start && chunk[end - 1] != 10 { end -= 1 }
        if end > start { try lines(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), body) }
        carry.append(contentsOf: chunk[end..<chunk.count])
    }

    /// Hands on a last line that has no line break.
    public mutating func finish(_ body: (DelimitedRecord) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        carry.append(10)
        let rest = carry
        carry = []
        try rest.withUnsafeBytes { try lines($0, body) }
    }

    /// Splits `bytes`, which ends with a line break, into lines.
    private mutating func lines(_ bytes: UnsafeRawBufferPointer, _ body: (DelimitedRecord) throws -> Void) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            var end = i
            while bytes[end] != 10 { end += 1 }
            var stop = end
            if stop > i && bytes[stop - 1] == 13 { stop -= 1 }
            line += 1
            if line == 1 && stop - i >= 3 && bytes[i] == 0xEF && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF { i += 3 }
            if stop > i {
                let text = UnsafeRawBufferPointer(rebasing: bytes[i..<stop])
                if delimiter == nil { delimiter = Self.detectDelimiter(text) }
                try record.split(text, delimiter: delimiter!, line: line)
                try body(record)
            }
            i = end + 1
        }
    }

    static func detectDelimiter(_ firstLine: UnsafeRawBufferPointer) -> UInt8 {
        !firstLine.contains(9) && firstLine.contains(44) ? 44 : 9
    }
}

/// One line's fields. Unquoted fields point into the input; quoted fields with `""` escapes
/// point into a scratch buffer owned by the record.
public struct DelimitedRecord {
    /// The 1-based line number in the input.
    public private(set) var line = 0
    private var starts: [UnsafeRawPointer?] = []
    private var lengths: [Int] = []
    private var scratch = Scratch()

    /// The number of fields.
    public private(set) var count = 0

    /// Field `i`'s bytes (quotes removed, escapes resolved).
    public subscript(i: Int) -> UnsafeRawBufferPointer { field(i) }

    public func field(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: starts[i], count: lengths[i]) }

    /// Field `i` as a string.
    public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

    /// All fields as strings (for a header line).
    public var strings: [String] { (0..<count).map(string) }

    mutating func split(_ text: UnsafeRawBufferPointer, delimiter: UInt8, line: Int) throws {
        self.line = line
        count = 0
        var i = 0
        let n = text.count
        var scratchUsed = 0
        while true {
            if i < n && text[i] == 34 {                       // a quoted field
                var j = i + 1
                var escaped = false
                while true {
                    guard j < n else { throw ColumnsError("line \(line): field \(count + 1): a quoted field does not end on its line") }
                    if text[j] == 34 {
                        if j + 1 < n && text[j + 1] == 34 { escaped = true; j += 2; continue }
                        break
                    }
                    j += 1
                }
                if escaped {
                    // Grown at most once per line, before its first escaped field, to the
                    // line's length: no field of this line points into a freed buffer.
                    if scratch.bytes.count < n { scratch.grow(n) }
                    let buffer = scratch.bytes
                    let begin = scratchUsed
                    var k = i + 1
                    while k < j {
                        buffer[scratchUsed] = text[k]
                        scratchUsed += 1
                        k += text[k] == 34 ? 2 : 1
                    }
                    append(UnsafeRawPointer(buffer.baseAddress! + begin), scratchUsed - begin)
                } else {
                    append(text.baseAddress! + i + 1, j - i - 1)
                }
                i = j + 1
                guard i == n || text[i] == delimiter else {
                    throw ColumnsError("line \(line): field \(count): text after a closing quote")
                }
            } else {
                var end = i
                while end < n && text[end] != delimiter { end += 1 }
                append(text.baseAddress.map { $0 + i }, end - i)
                i = end
            }
            if i >= n { break }
            i += 1                                            // past the delimiter
            if i == n { append(nil, 0); break }               // a trailing empty field
        }
    }

    private mutating func append(_ start: UnsafeRawPointer?, _ length: Int) {
        if count == starts.count { starts.append(start); lengths.append(length) } else { starts[count] = start; lengths[count] = length }
        count += 1
    }

    /// The unescaped bytes of quoted fields; a class so the buffer is freed with the record.
    private final class Scratch {
        private(set) var bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        func grow(_ count: Int) {
            bytes.deallocate()
            bytes = .allocate(byteCount: max(count, 256), alignment: 8)
        }
        deinit { bytes.deallocate() }
    }
}
