/// The few bytes of the protobuf wire format `OnnxExporter.write` spells out by hand to put a
/// length-delimited field around bytes it does not copy (field numbers from onnx.proto).
enum ProtobufWire {
    /// The tag byte of a length-delimited (wire type 2) field numbered below 16.
    static func lengthDelimitedTag(field: Int) -> UInt8 {
        precondition(field > 0 && field < 16, "one-byte tags only")
        return UInt8(field << 3 | 2)
    }

    /// Bytes of `value` as a base-128 varint.
    static func varintSize(_ value: Int) -> Int {
        var n = 1, v = UInt64(value)
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    /// Appends `value` as a base-128 varint.
    static func appendVarint(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
