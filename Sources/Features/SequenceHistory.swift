/// Each user's last `length` ids, kept across batches in one flat ring per user: the per-user
/// sequences of `transform`. A row's sequence is its user's earlier ids (and its own with
/// `includeCurrent`), oldest first.
final class SequenceHistory {
    let length: Int
    let jagged: Bool
    let pad: Int64
    let includeCurrent: Bool
    private var slotOf: [Int64: Int32] = [:]
    /// `length` ids per user slot; the ring of slot s starts at s * length.
    private var ring: [Int64] = []
    /// Per slot: the index of its oldest id, and how many it holds (<= length).
    private var head: [Int32] = []
    private var held: [Int32] = []

    init(length: Int, jagged: Bool, pad: Int64, includeCurrent: Bool) {
        self.length = length
        self.jagged = jagged
        self.pad = pad
        self.includeCurrent = includeCurrent
    }

    @inline(__always) private func slot(_ user: Int64) -> Int {
        if let s = slotOf[user] { return Int(s) }
        let s = head.count
        slotOf[user] = Int32(s)
        head.append(0)
        held.append(0)
        ring.append(contentsOf: repeatElement(0, count: length))
        return s
    }

    @inline(__always) private func push(_ s: Int, _ id: Int64) {
        // Wrapping by a compare, not `%`: a division per event would cost more than the copy.
        let n = Int(held[s]), h = Int(head[s])
        if n < length {
            var p = h + n
            if p >= length { p -= length }
            ring[s * length + p] = id
            held[s] += 1
        } else {
            ring[s * length + h] = id
            head[s] = h + 1 == length ? 0 : Int32(h + 1)
        }
    }

    /// Calls `emit(slot, count)` for each row in order, with the ring in the state the row sees.
    @inline(__always) private func walk(users: [Int64], ids: [Int64], _ emit: (Int, Int, Int) -> Void) {
        var lastUser: Int64 = 0
        var lastSlot = -1
        for r in 0..<users.count {
            // Rows of one user usually come together: skip the lookup for a repeat.
            let s: Int
            if lastSlot >= 0 && users[r] == lastUser { s = lastSlot } else { s = slot(users[r]); lastUser = users[r]; lastSlot = s }
            if includeCurrent { push(s, ids[r]) }
            emit(r, s, Int(held[s]))
            if !includeCurrent { push(s, ids[r]) }
        }
    }

    /// [rows, length] ids, padded after the held ones.
    func dense(users: [Int64], ids: [Int64]) -> [Int64] {
        var out = [Int64](repeating: pad, count: users.count * length)
        out.withUnsafeMutableBufferPointer { o in
            walk(users: users, ids: ids) { r, s, n in
                // The ring's ids from head to its end, then from its start: two plain copies.
                // (The pointer is taken per row: `walk` grows the ring for a new user.)
                let base = s * length, h = Int(head[s]), first = min(n, length - h)
                let row = o.baseAddress! + r * length
                ring.withUnsafeBufferPointer { ring in
                    row.update(from: ring.baseAddress! + base + h, count: first)
                    (row + first).update(from: ring.baseAddress! + base, count: n - first)
                }
            }
        }
        return out
    }

    /// The held ids of every row one after the other, with per-row lengths.
    func jagged(users: [Int64], ids: [Int64]) -> ([Int64], [Int32]) {
        var values: [Int64] = []
        var lengths = [Int32](repeating: 0, count: users.count)
        walk(users: users, ids: ids) { r, s, n in
            let base = s * length, h = Int(head[s])
            for k in 0..<n { values.append(ring[base + (h + k) % length]) }
            lengths[r] = Int32(n)
        }
        return (values, lengths)
    }
}
