/// Encodes one Int64 column of a block, choosing per column by size among five codings.
///
/// Layout: `transform:u8` then
///   - 0 direct:      PFOR mini-blocks of the values
///   - 1 dictionary:  `d:varint`, mini-blocks of the d entries, mini-blocks of the n indices
///   - 2 entropy:     the magnitude-class entropy code (`EntropyCoder`) of the values
///   - 3 entropy Δ:   the same of successive differences
///   - 4 dictionary + entropy: `d:varint`, mini-blocks of the entries, entropy code of the indices
///
/// The dictionary orders values by frequency class: class c holds the ranks whose index has
/// bit length c (1, 1, 2, 4, 8, … entries), so popular values get short indices, as in a
/// frequency-ranked dictionary; inside a class values are sorted ascending, so the dictionary
/// itself delta-codes to a few bits per entry instead of a full id.
public enum ColumnCodec {
    enum Transform: UInt8 {
        case direct = 0, dictionary = 1, entropy = 2, entropyDelta = 3, dictionaryEntropy = 4
    }

    /// Entropy-coded columns decode at about a third of the speed of bit-packed ones, so they
    /// must save at least this fraction of the bytes to be chosen.
    static let entropyMinimumSaving = 0.03

    /// Appends the smallest of the candidate encodings of `values`: PFOR mini-blocks of the
    /// values or of dictionary indices, or the magnitude-class entropy code of the values,
    /// their deltas, or dictionary indices.
    /// `entropy: false` restricts the choice to the bit-packed codings (1 and 2): larger, but
    /// they decode about twice as fast.
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout ByteWriter, entropy: Bool = true) {
        encode(values, into: &out, allowDictionary: true, entropy: entropy)
    }

    static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout ByteWriter, allowDictionary: Bool, entropy allowEntropy: Bool) {
        // Every candidate's size is computed without encoding it; only the winner is written.
        var best = (size: 1 + directSize(values), transform: Transform.direct)
        var entropy: (size: Int, transform: Transform)? = nil
        func consider(_ size: Int, _ t: Transform) {
            if size < entropy?.size ?? .max { entropy = (size, t) }
        }
        if allowEntropy && values.count >= 64 {
            consider(1 + EntropyCoder.encodedSize(EntropyCoder.histogram(values, delta: false)), .entropy)
            consider(1 + EntropyCoder.encodedSize(EntropyCoder.histogram(values, delta: true)), .entropyDelta)
        }
        var dictionary: Dictionary? = nil
        var entries = ByteWriter()
        if allowDictionary, values.count >= 64, let d = Dictionary(values) {
            dictionary = d
            d.encodeEntries(into: &entries, entropy: allowEntropy)
            let pfor = d.indices.withUnsafeBufferPointer { $0.isEmpty ? 0 : directSize($0) }
            if 1 + entries.count + pfor < best.size { best = (1 + entries.count + pfor, .dictionary) }
            if allowEntropy {
                let histogram = d.indices.withUnsafeBufferPointer { EntropyCoder.histogram($0, delta: false) }
                consider(1 + entries.count + EntropyCoder.encodedSize(histogram), .dictionaryEntropy)
            }
        }
        // Entropy-coded columns decode slower than bit-packed ones: take them only when they pay.
        if let e = entropy, Double(e.size) < Double(best.size) * (1 - entropyMinimumSaving) { best = e }
        out.byte(best.transform.rawValue)
        switch best.transform {
        case .direct: encodeDirect(values, into: &out)
        case .entropy: EntropyCoder.encode(values, delta: false, into: &out)
        case .entropyDelta: EntropyCoder.encode(values, delta: true, into: &out)
        case .dictionary:
            out.append(entries.bytes)
            dictionary!.indices.withUnsafeBufferPointer { encodeDirect($0, into: &out) }
        case .dictionaryEntropy:
            out.append(entries.bytes)
            dictionary!.indices.withUnsafeBufferPointer { EntropyCoder.encode($0, delta: false, into: &out) }
        }
    }

    /// Exact size of `encodeDirect(values)`, from the mini-block plans alone.
    static func directSize(_ values: UnsafeBufferPointer<Int64>) -> Int {
        guard let base = values.baseAddress, !values.isEmpty else { return 0 }
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: MiniBlock.capacity)
        defer { scratch.deallocate() }
        var previous: Int64 = 0
        var start = 0
        var size = 0
        while start < values.count {
            let k = min(MiniBlock.capacity, values.count - start)
            size += MiniBlock.cheapest(base + start, k, previous: previous, scratch: scratch).bytes
            previous = base[start + k - 1]
            start += k
        }
        return size
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

    /// A frequency-class dictionary of a column and the column as indices into it.
    struct Dictionary {
        var entries: [Int64]
        var indices: [Int64]

        /// Nil when the column has more than n/2 distinct values (a dictionary cannot pay).
        init?(_ values: UnsafeBufferPointer<Int64>) {
            let maxEntries = values.count / 2
            var table = ValueTable(capacity: min(maxEntries, 4096))
            for v in values {
                table.add(v)
                if table.count > maxEntries { return nil }
            }
            // Rank by frequency (ties by value for determinism), then sort each class by value.
            var ranked = Array(0..<table.count)
            let order = table.order, counts = table.counts
            ranked.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : order[$0] < order[$1] }
            var classStart = 0
            while classStart < ranked.count {
                let classEnd = min(ranked.count, classStart == 0 ? 1 : classStart * 2)
                ranked[classStart..<classEnd].sort { order[$0] < order[$1] }
                classStart = classEnd
            }
            var newIndex = [Int](repeating: 0, count: ranked.count)
            for (i, first) in ranked.enumerated() { newIndex[first] = i }
            table.renumber(newIndex)
            entries = ranked.map { order[$0] }
            indices = values.map { Int64(table.position($0)) }
        }

        /// The entries go through the full column chooser: within a frequency class they
        /// ascend, so their deltas usually entropy-code to a few bits each.
        func encodeEntries(into out: inout ByteWriter, entropy: Bool) {
            out.varint(entries.count)
            entries.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &out, allowDictionary: false, entropy: entropy) }
        }
    }

    /// Reusable buffers for decoding, so steady-state decoding allocates nothing.
    public final class Scratch {
        let highs = UnsafeMutablePointer<UInt64>.allocate(capacity: MiniBlock.capacity)
        var dictionary: [Int64] = []
        /// The user run table of a block (ids, lengths), kept apart from the event columns so
        /// their capacity is not shrunk and regrown on every block.
        var users: [Int64] = []
        var runs: [Int64] = []
        let table = EntropyCoder.Table()
        public init() {}
        deinit { highs.deallocate() }
    }

    /// Decodes `n` values from `reader` into `dst`.
    static func decode(_ reader: inout ByteReader, count n: Int, into dst: UnsafeMutablePointer<Int64>,
                       scratch: Scratch, allowDictionary: Bool = true) throws {
        let t = try reader.byte("column transform")
        if !allowDictionary && (t == Transform.dictionary.rawValue || t == Transform.dictionaryEntropy.rawValue) {
            throw SeqCodecError(.malformed, "dictionary: entries coded with a dictionary")
        }
        switch Transform(rawValue: t) {
        case .direct:
            try decodeDirect(&reader, count: n, into: dst, highs: scratch.highs)
        case .entropy, .entropyDelta:
            try EntropyCoder.decode(&reader, count: n, delta: t == Transform.entropyDelta.rawValue, into: dst, table: scratch.table)
        case .dictionary, .dictionaryEntropy:
            let d = try reader.count("dictionary size", maximum: n)
            guard d > 0 || n == 0 else { throw SeqCodecError(.malformed, "dictionary: empty for \(n) values") }
            if scratch.dictionary.count < d { scratch.dictionary = Array(repeating: 0, count: d) }
            try scratch.dictionary.withUnsafeMutableBufferPointer { dictionary in
                let dict = dictionary.baseAddress!
                try decode(&reader, count: d, into: dict, scratch: scratch, allowDictionary: false)
                if t == Transform.dictionary.rawValue {
                    try decodeDirect(&reader, count: n, into: dst, highs: scratch.highs)
                } else {
                    try EntropyCoder.decode(&reader, count: n, delta: false, into: dst, table: scratch.table)
                }
                // One pass: clamp each index so the gather is always in bounds, remember whether
                // any needed clamping, and reject the column afterwards if so.
                var bad = false
                let last = UInt64(d &- 1)
                for i in 0..<n {
                    let index = UInt64(bitPattern: dst[i])
                    bad = bad || index > last
                    dst[i] = dict[Int(truncatingIfNeeded: Swift.min(index, last))]
                }
                if bad { throw SeqCodecError(.malformed, "dictionary: index beyond \(d) entries") }
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
