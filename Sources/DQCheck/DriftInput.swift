import Columns
import Drift
import TableRecords

/// Drift's samples of some columns of a stream, made in one pass over the stream's batches read
/// in place (`TableStreamReader.nextView`): no column is copied out of the frame buffer, the
/// columns not compared are never touched, and a numeric column goes straight into a
/// `NumericSampleBuilder` (counted per distinct value while it has few, else kept as an array
/// of doubles — the one copy the statistics need).
struct DriftInput {
    /// The sample per requested column, in the order asked.
    var samples: [DriftSample]
    /// Rows in the stream.
    var rows: Int

    /// Reads the rest of `reader` (whose schema was read) and samples the fields `indices`.
    static func read(_ reader: TableStreamReader, fields indices: [Int]) throws -> DriftInput {
        let schema = try reader.readSchema()
        var numbers: [NumericSampleBuilder?] = indices.map {
            schema.fields[$0].type.isNumeric ? NumericSampleBuilder(integer: schema.fields[$0].type.isInteger) : nil
        }
        var labels: [[String]] = indices.map { _ in [] }
        var rows = 0
        while let view = try reader.nextView() {
            rows += view.rows
            for (k, i) in indices.enumerated() {
                let column = try view.column(i)
                if numbers[k] != nil {
                    _ = try column.withNumbers { values, validity in
                        switch values {
                        case .int64(let b): numbers[k]!.append(b, validity: validity)
                        case .int32(let b): numbers[k]!.append(b, validity: validity)
                        case .float32(let b): numbers[k]!.append(b, validity: validity)
                        case .float64(let b): numbers[k]!.append(b, validity: validity)
                        }
                    }
                } else {
                    try categories(column, into: &labels[k])
                }
            }
        }
        let samples = indices.indices.map { k in numbers[k]?.finish() ?? .categorical(labels[k]) }
        return DriftInput(samples: samples, rows: rows)
    }

    /// A utf8 or bool column's present values as labels (booleans as "true"/"false").
    static func categories(_ column: ColumnView, into out: inout [String]) throws {
        func present(_ validity: UnsafeRawBufferPointer?, _ r: Int) -> Bool {
            validity.map { $0[r >> 3] >> UInt8(r & 7) & 1 != 0 } ?? true
        }
        let rows = column.rows
        let done = try column.withBinary { offsets, data, validity in
            for r in 0..<rows where present(validity, r) {
                out.append(String(decoding: UnsafeRawBufferPointer(rebasing: data[Int(offsets[r])..<Int(offsets[r + 1])]), as: UTF8.self))
            }
        }
        if done != nil { return }
        _ = try column.withBits { bits, validity in
            for r in 0..<rows where present(validity, r) { out.append(bits[r >> 3] >> UInt8(r & 7) & 1 != 0 ? "true" : "false") }
        }
    }
}
