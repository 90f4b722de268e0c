import Capnp

/// The benchmark record of Benchmarks/capnp/record.capnp, through the raw API at the offsets
/// `capnp compile -ocapnp record.capnp` prints (what generated accessors compile to).
/// Record: 24 bytes, 3 pointers — id @0 bits[0,64), timestamp bits[64,128), score bits[128,160),
/// flags bits[160,176), active bit 176, name ptr[0], values ptr[1], location ptr[2].
/// Point: 16 bytes — x bits[0,64), y bits[64,128).
enum Record {
    static let names = [
        "sensor-alpha-00", "sensor-alpha-01", "sensor-alpha-02", "sensor-alpha-03",
        "sensor-bravo-04", "sensor-bravo-05", "sensor-bravo-06", "sensor-bravo-07",
        "camera-front-08", "camera-front-09", "camera-rear-010", "camera-rear-011",
        "lidar-roof-0012", "lidar-roof-0013", "radar-left-014", "radar-right-015"]

    /// Writes record `i` (the same values as bench.cpp's `fill`).
    @inline(__always)
    static func fill(_ b: MessageBuilder, _ i: Int) {
        let r = b.initRoot(dataWords: 3, pointerCount: 3)
        r.setScalar(UInt64(i), at: 0)
        r.setScalar(Int64(1_700_000_000_000) + Int64(i) * 1000, at: 8)
        r.setFloat32(Float(i % 1000) * 0.25, at: 16)
        r.setScalar(UInt16(truncatingIfNeeded: i), at: 20)
        r.setBool(i % 3 == 0, atBit: 176)
        r.setText(0, names[i % 16])
        let values = r.initList(1, elementSize: .fourBytes, count: 64)
        for j in 0..<64 { values.setFloat32(Float(i % 97 + j) * 0.5, at: j) }
        let location = r.initStruct(2, dataWords: 2, pointerCount: 0)
        location.setFloat64(Double(i) * 0.001, at: 0)
        location.setFloat64(-Double(i) * 0.002, at: 8)
    }

    /// Sums every field (the same arithmetic, in the same order, as bench.cpp's `sumRecord`).
    @inline(__always)
    static func sum(_ r: StructReader) throws -> Double {
        var s = Double(r.scalar(at: 0) as UInt64) + Double(r.scalar(at: 8) as Int64) + Double(r.float32(at: 16))
            + Double(r.scalar(at: 20) as UInt16) + (r.bool(atBit: 176) ? 1 : 0)
        s += Double(try r.textField(0).count)
        let values = try r.listField(1)
        var v: Float = 0
        for j in 0..<values.count { v += values.float32(at: j) }
        let location = try r.structField(2)
        return s + Double(v) + location.float64(at: 0) + location.float64(at: 8)
    }
}
