/// Finds where each initializer's `raw_data` bytes sit inside a serialized ModelProto and
/// takes them out before swift-protobuf sees the model, so large embedded weights are
/// referenced as file regions (memory-mapped, never copied into memory or the graph stream).
///
/// swift-protobuf does not report offsets, so this walks the protobuf wire format along
/// ModelProto.graph (7) → GraphProto.initializer (5) → TensorProto.name (8) / raw_data (9).
enum RawDataLocator {
    struct Region: Equatable {
        var offset: Int
        var length: Int
    }

    /// The ModelProto bytes without the raw_data of every top-level initializer of at least
    /// `threshold` bytes, and where those bytes are in the original: swift-protobuf then parses
    /// a model of a few hundred KB instead of copying every weight into a `Data`, and the
    /// importer references the weights as regions of the (mapped) file. Everything else is
    /// copied field by field, so the stripped bytes decode to the same model less those
    /// raw_data fields. Nil when the bytes do not parse (the protobuf decoder then reports it).
    static func strip(_ b: UnsafeRawBufferPointer, threshold: Int) -> (bytes: [UInt8], regions: [String: Region])? {
        guard let top = fields(b, 0, b.count) else { return nil }
        var out: [UInt8] = []
        var regions: [String: Region] = [:]
        for f in top {
            guard f.field == 7, f.wire == 2, let graphFields = fields(b, f.valueStart, f.end) else {
                out += b[f.tagStart ..< f.end]
                continue
            }
            var graph: [UInt8] = []
            for g in graphFields {
                if g.field == 5, g.wire == 2, let tensor = fields(b, g.valueStart, g.end),
                   let name = tensor.first(where: { $0.field == 8 && $0.wire == 2 }),
                   let raw = tensor.first(where: { $0.field == 9 && $0.wire == 2 }), raw.end - raw.valueStart >= threshold {
                    regions[String(decoding: UnsafeRawBufferPointer(rebasing: b[name.valueStart ..< name.end]), as: UTF8.self)] =
                        Region(offset: raw.valueStart, length: raw.end - raw.valueStart)
                    var kept: [UInt8] = []
                    for t in tensor where !(t.field == 9 && t.wire == 2) { kept += b[t.tagStart ..< t.end] }
                    graph.append(0x2A)  // GraphProto.initializer (5), length-delimited
                    ProtobufWire.appendVarint(kept.count, to: &graph)
                    graph += kept
                } else {
                    graph += b[g.tagStart ..< g.end]
                }
            }
            out.append(0x3A)  // ModelProto.graph (7), length-delimited
            ProtobufWire.appendVarint(graph.count, to: &out)
            out += graph
        }
        return (out, regions)
    }

    /// One field of a message: its number, wire type, and where its tag, value and end are.
    struct Field {
        var field: Int
        var wire: UInt64
        var tagStart: Int
        var valueStart: Int
        var end: Int
    }

    /// Every field in [from, to), or nil at the first malformed byte or unknown wire type.
    static func fields(_ b: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> [Field]? {
        var result: [Field] = []
        var p = from
        func varint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while p < to, shift < 64 {
                let byte = b[p]; p += 1
                v |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }
        while p < to {
            let tagStart = p
            guard let tag = varint() else { return nil }
            let valueStart: Int
            switch tag & 7 {
            case 0: valueStart = p; guard varint() != nil else { return nil }
            case 1: valueStart = p; p += 8
            case 5: valueStart = p; p += 4
            case 2:
                guard let len = varint(), len <= UInt64(to - p) else { return nil }
                valueStart = p
                p += Int(len)
            default: return nil
            }
            guard p <= to else { return nil }
            result.append(Field(field: Int(tag >> 3), wire: tag & 7, tagStart: tagStart, valueStart: valueStart, end: p))
        }
        return result
    }
}
