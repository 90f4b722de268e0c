/// An open-addressing hash table from Int64 values to small integers, for building column
/// dictionaries: a multiplicative hash and linear probing over flat arrays. The standard
/// `Dictionary` hashes with SipHash, which dominated encode profiles; this does not need
/// HashDoS resistance (the input is the caller's own column, and a pathological one only
/// costs time, never correctness).
struct ValueTable {
    private var keys: [Int64]
    private var slots: [Int32]      // index into `order` + 1; 0 = empty
    private(set) var order: [Int64] = []  // distinct values in first-seen order
    private(set) var counts: [Int] = []
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [Int64](repeating: 0, count: size)
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { order.count }

    @inline(__always) private func slot(_ v: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: v) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Counts one occurrence of `v`.
    mutating func add(_ v: Int64) {
        var s = slot(v)
        while true {
            let e = Int(slots[s])
            if e == 0 {
                keys[s] = v
                order.append(v)
                counts.append(1)
                slots[s] = Int32(order.count)
                if order.count * 2 > slots.count { grow() }
                return
            }
            if keys[s] == v { counts[e - 1] += 1; return }
            s = (s + 1) & mask
        }
    }

    /// The position of `v` in `order` (it must have been added).
    func position(_ v: Int64) -> Int {
        var s = slot(v)
        while keys[s] != v || slots[s] == 0 { s = (s + 1) & mask }
        return Int(slots[s]) - 1
    }

    /// Renumbers: afterwards `position(v)` returns `newIndex[position(v)]`.
    mutating func renumber(_ newIndex: [Int]) {
        for s in 0..<slots.count where slots[s] != 0 { slots[s] = Int32(newIndex[Int(slots[s]) - 1] + 1) }
    }

    private mutating func grow() {
        let old = (keys, slots)
        let size = slots.count * 2
        keys = [Int64](repeating: 0, count: size)
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for s in 0..<old.1.count where old.1[s] != 0 {
            var t = slot(old.0[s])
            while slots[t] != 0 { t = (t + 1) & mask }
            keys[t] = old.0[s]
            slots[t] = old.1[s]
        }
    }
}
