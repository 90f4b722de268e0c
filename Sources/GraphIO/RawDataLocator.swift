/// Finds where each initializer's `raw_data` bytes sit inside a serialized ModelProto, so
/// large embedded weights can be referenced as file regions (memory-mapped, never copied
/// into the graph stream) instead of held in memory.
///
/// swift-protobuf does not report offsets, so this walks the protobuf wire format along
/// ModelProto.graph (7) → GraphProto.initializer (5) → TensorProto.name (8) / raw_data (9).
enum RawDataLocator {
    struct Region: Equatable {
        var offset: Int
        var length: Int
    }

    /// Name → region of raw_data, for every initializer that has both; empty if the bytes
    /// do not parse (the protobuf decoder reports that with a proper error).
    static func locate(_ bytes: UnsafeRawBufferPointer) -> [String: Region] {
        var result: [String: Region] = [:]
        forEachField(bytes, 0, bytes.count) { field, start, end in
            guard field == 7 else { return }
            forEachField(bytes, start, end) { gField, tStart, tEnd in
                guard gField == 5 else { return }
                var name: String?
                var raw: Region?
                forEachField(bytes, tStart, tEnd) { tField, s, e in
                    if tField == 8 { name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[s..<e]), as: UTF8.self) }
                    if tField == 9 { raw = Region(offset: s, length: e - s) }
                }
                if let name, let raw { result[name] = raw }
            }
        }
        return result
    }

    /// Calls `body(field, start, end)` for each length-delimited field in [from, to);
    /// stops quietly at the first malformed byte.
    static func forEachField(_ b: UnsafeRawBufferPointer, _ from: Int, _ to: Int, _ body: (Int, Int, Int) -> Void) {
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
            guard let tag = varint() else { return }
            let field = Int(tag >> 3)
            switch tag & 7 {
            case 0: guard varint() != nil else { return }
            case 1: p += 8
            case 5: p += 4
            case 2:
                guard let len = varint(), len <= UInt64(to - p) else { return }
                let start = p
                p += Int(len)
                body(field, start, p)
            default: return
            }
            if p > to { return }
        }
    }
}
