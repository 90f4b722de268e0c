import EventRecords
import SeqCodec

/// Writes events as a table in the layout's column order and header, the inverse of
/// `EventTextParser`: integers in decimal, float extras in their shortest round-trip form, null extras
/// (`EventNull`) as empty fields.
public struct EventTextWriter {
    public let layout: EventLayout
    public let delimiter: UInt8

    public init(layout: EventLayout, delimiter: UInt8 = 9) {
        self.layout = layout
        self.delimiter = delimiter
    }

    public func header() -> [UInt8] {
        Array(layout.columns.map(\.header).joined(separator: String(UnicodeScalar(delimiter))).utf8) + [10]
    }

    /// Appends the rows of `events` to `out`.
    public func rows(_ events: EventColumns, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + events.count * 40)
        for r in 0..<events.count {
            for (f, column) in layout.columns.enumerated() {
                if f > 0 { out.append(delimiter) }
                switch column.role {
                case .user: decimal(events.user[r], &out)
                case .time: decimal(events.time[r], &out)
                case .item: decimal(events.item[r], &out)
                case .action: decimal(events.action[r], &out)
                case .extraInt(let c):
                    let v = events.extras[c][r]
                    if v != EventNull.int { decimal(v, &out) }                  // null: an empty field
                case .extraFloat(let c):
                    let bits = events.extras[c][r]
                    if bits != EventNull.floatBits { out.append(contentsOf: "\(Double(bitPattern: UInt64(bitPattern: bits)))".utf8) }
                }
            }
            out.append(10)
        }
    }

    private func decimal(_ v: Int64, _ out: inout [UInt8]) {
        if v == 0 { out.append(48); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        var m = v.magnitude
        withUnsafeMutableBytes(of: &digits) { buf in
            while m > 0 { buf[n] = UInt8(48 + m % 10); m /= 10; n += 1 }
            if v < 0 { out.append(45) }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }
}
