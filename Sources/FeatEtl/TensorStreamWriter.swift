import Capnp
import Features
import Pipes
import Schemas

/// Writes transformed batches as a tensors stream: per batch, one `dense` frame per dense
/// tensor in spec order, then one `jagged` frame with every jagged feature as a key. Each frame
/// is one segment (its size is known before it is built), so readers map arrays in place.
struct TensorStreamWriter {
    let out: RecordStreamWriter
    private(set) var batches: UInt32 = 0

    init(_ out: RecordStreamWriter) { self.out = out }

    /// Words for a frame holding `arrays` (byte sizes) and `texts` (byte sizes): struct words,
    /// each array rounded up to words, each text with its NUL, list headers; generously.
    static func words(arrays: [Int], texts: [Int]) -> Int {
        64 + arrays.reduce(0) { $0 + ($1 + 7) / 8 + 1 } + texts.reduce(0) { $0 + ($1 + 8) / 8 + 2 }
    }

    mutating func write(_ b: TransformedBatch) throws {
        let batch = batches
        for t in b.dense {
            let bytes = t.values.count * (t.values.isInt ? 8 : 4)
            try out.writeRecord(singleSegmentWords: Self.words(arrays: [bytes, t.shape.count * 8], texts: [t.name.utf8.count])) { root in
                let d = TensorsFrame.Builder(root).initDense()
                d.batch = batch
                d.setName(t.name)
                d.setShape(t.shape.map { UInt64($0) })
                switch t.values {
                case .int64(let v): d.dtype = .int64; v.withUnsafeBytes { d.setValues(DataView($0)) }
                case .float32(let v): d.dtype = .float32; v.withUnsafeBytes { d.setValues(DataView($0)) }
                }
            }
        }
        if !b.jagged.isEmpty {
            var values: [Int64] = []
            var lengths: [Int32] = []
            for f in b.jagged { values.append(contentsOf: f.values); lengths.append(contentsOf: f.lengths) }
            var offsets = [Int32](repeating: 0, count: lengths.count + 1)
            for i in 0..<lengths.count { offsets[i + 1] = offsets[i] + lengths[i] }
            let words = Self.words(arrays: [values.count * 8, lengths.count * 4, offsets.count * 4, 0],
                                   texts: b.jagged.map { $0.name.utf8.count } + [b.jagged.count * 8])
            try out.writeRecord(singleSegmentWords: words) { root in
                let j = TensorsFrame.Builder(root).initJagged()
                j.batch = batch
                j.rows = UInt32(b.rows)
                j.setKeys(b.jagged.map(\.name))
                values.withUnsafeBytes { j.setValues(DataView($0)) }
                lengths.withUnsafeBytes { j.setLengths(DataView($0)) }
                offsets.withUnsafeBytes { j.setOffsets(DataView($0)) }
            }
        }
        batches += 1
    }
}

extension TensorValues {
    var isInt: Bool { if case .int64 = self { return true } else { return false } }
}
