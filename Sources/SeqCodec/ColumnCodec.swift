/// Encodes one Int64 column as a run of PFOR mini-blocks, optionally behind a dictionary.
///
/// Layout: `transform:u8` then
///   - 0 direct:     mini-blocks of the values
///   - 1 dictionary: `d:varint`, mini-blocks of the d dictionary values, mini-blocks of the
///                   n indices
///
/// The dictionary orders values by frequency class: class c holds the ranks whose index has
/// bit length c (1, 1, 2, 4, 8, … entries), so popular values get short indices, as in a
/// frequency-ranked dictionary; inside a class values are sorted ascending, so the dictionary
/// itself delta-codes to a few bits per entry instead of a full id. On Zipf-distributed item
/// ids this beats plain frame-of-reference by several bits per event; the encoder tries both
/// and keeps the smaller.
public enum ColumnCodec {
    enum Transform: UInt8 { case direct = 0, dictionary = 1 }

    /// Appends the smaller of the direct and dictionary encodings of `values`.
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout ByteWriter) {
        var direct = ByteWriter(capacity: values.count * 2 + 16)
        direct.byte(Transform.direct.rawValue)
        encodeDirect(values, into: &direct)
        // A dictionary only pays when values repeat; skip the hashing when they cannot.
        if values.count >= 64, let dictionary = encodeDictionary(values, sizeLimit: direct.count) {
            out.append(dictionary.bytes)
        } else {
            out.append(direct.bytes)
        }
    }

    static func encodeDirect(_ values: UnsafeBufferPointer<Int64>, into out: inout ByteWriter) {
        guard let base = values.baseAddress, !values.isEmpty else { return }
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: MiniBlock.capacity)
        defer { scratch.deallocate() }
        var previous: Int64 = 0
        var start = 0
        while start < values.count {
            let k = min(MiniBlock.capacity, values.count - start)
            previous = MiniBlock.encode(base + start, k, previous: previous, into: &out, scratch: scratch)
            start += k
        }
    }

    /// The dictionary encoding, or nil when it has too many entries or is no smaller than `sizeLimit`.
    static func encodeDictionary(_ values: UnsafeBufferPointer<Int64>, sizeLimit: Int) -> ByteWriter? {
        var counts = [Int64: Int](minimumCapacity: 1024)
        let maxEntries = values.count / 2
        for v in values {
            counts[v, default: 0] += 1
            if counts.count > maxEntries { return nil }
        }
        // Rank by frequency (ties by value for determinism), then sort each class by value.
        var ranked = counts.map { ($0.key, $0.value) }
        ranked.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var entries = ranked.map { $0.0 }
        var classStart = 0
        while classStart < entries.count {
            let classEnd = min(entries.count, classStart == 0 ? 1 : classStart * 2)
            entries[classStart..<classEnd].sort()
            classStart = classEnd
        }
        var index = [Int64: Int64](minimumCapacity: entries.count)
        for (i, v) in entries.enumerated() { index[v] = Int64(i) }
        let indices = values.map { index[$0]! }

        var out = ByteWriter(capacity: sizeLimit)
        out.byte(Transform.dictionary.rawValue)
        out.varint(entries.count)
        entries.withUnsafeBufferPointer { encodeDirect($0, into: &out) }
        if out.count >= sizeLimit { return nil }
        indices.withUnsafeBufferPointer { encodeDirect($0, into: &out) }
        return out.count < sizeLimit ? out : nil
    }

    /// Reusable buffers for decoding, so steady-state decoding allocates nothing.
    public final class Scratch {
        let highs = UnsafeMutablePointer<UInt64>.allocate(capacity: MiniBlock.capacity)
        var dictionary: [Int64] = []
        public init() {}
        deinit { highs.deallocate() }
    }

    /// Decodes `n` values from `reader` into `dst`.
    static func decode(_ reader: inout ByteReader, count n: Int, into dst: UnsafeMutablePointer<Int64>,
                       scratch: Scratch) throws {
        let t = try reader.byte("column transform")
        switch Transform(rawValue: t) {
        case .direct:
            try decodeDirect(&reader, count: n, into: dst, highs: scratch.highs)
        case .dictionary:
            let d = try reader.count("dictionary size", maximum: n)
            guard d > 0 || n == 0 else { throw SeqCodecError(.malformed, "dictionary: empty for \(n) values") }
            if scratch.dictionary.count < d { scratch.dictionary = Array(repeating: 0, count: d) }
            try scratch.dictionary.withUnsafeMutableBufferPointer { dictionary in
                let dict = dictionary.baseAddress!
                try decodeDirect(&reader, count: d, into: dict, highs: scratch.highs)
                try decodeDirect(&reader, count: n, into: dst, highs: scratch.highs)
                // Validate every index first (one OR-reduction), then gather without checks.
                var bad = false
                for i in 0..<n { bad = bad || UInt64(bitPattern: dst[i]) >= UInt64(d) }
                if bad { throw SeqCodecError(.malformed, "dictionary: index beyond \(d) entries") }
                for i in 0..<n { dst[i] = dict[Int(dst[i])] }
            }
        case nil:
            throw SeqCodecError(.malformed, "column: unknown transform \(t)")
        }
    }

    static func decodeDirect(_ reader: inout ByteReader, count n: Int, into dst: UnsafeMutablePointer<Int64>,
                             highs: UnsafeMutablePointer<UInt64>) throws {
        var previous: Int64 = 0
        var start = 0
        while start < n {
            let k = min(MiniBlock.capacity, n - start)
            try MiniBlock.decode(&reader, k, previous: &previous, into: dst + start, highs: highs)
            start += k
        }
    }
}
