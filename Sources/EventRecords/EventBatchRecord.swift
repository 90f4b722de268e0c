import Capnp
import Pipes
import Schemas
import SeqCodec

/// `EventColumns` to and from `EventBatch` records: bulk copies between Swift arrays and the
/// records' little-endian `List(Int64)`/`List(Float64)` columns.
public enum EventBatchRecord {
    public static func write(_ events: EventColumns, layout: EventLayout, into batch: EventBatch.Builder) {
        func fill(_ list: ListBuilder, _ values: [Int64]) {
            _ = list.withUnsafeMutableScalars(as: Int64.self) { dst in
                values.withUnsafeBufferPointer { src in dst.baseAddress?.update(from: src.baseAddress!, count: src.count) }
            }
        }
        fill(batch.initUser(count: events.count), events.user)
        fill(batch.initTime(count: events.count), events.time)
        fill(batch.initItem(count: events.count), events.item)
        fill(batch.initAction(count: events.count), events.action)
        let extras = batch.initExtras(count: events.extraColumnCount)
        for column in layout.columns {
            switch column.role {
            case .extraInt(let c):
                fill(EventBatch.ExtraColumn.Builder(extras.structElement(at: c)).initInts(count: events.count), events.extras[c])
            case .extraFloat(let c):
                // Floats travel as their bit patterns in EventColumns; same 8 bytes on the wire.
                fill(EventBatch.ExtraColumn.Builder(extras.structElement(at: c)).initFloats(count: events.count), events.extras[c])
            default: break
            }
        }
    }

    /// Appends a batch's rows to `out`, checking the columns agree with each other and the layout.
    public static func read(_ batch: EventBatch.Reader, layout: EventLayout, into out: inout EventColumns, source: String, record: Int) throws {
        func bad(_ what: String) -> PipesError { PipesError(.invalidMessage, source: source, "record \(record): \(what)") }
        let n = try batch.user.count
        func append<T: CapnpScalar>(_ list: PrimitiveList<T>, _ name: String, _ dst: inout [Int64]) throws {
            guard list.count == n else { throw bad("the \(name) column has \(list.count) rows, user has \(n)") }
            let ok: Void? = list.withUnsafeBufferPointer { src in
                src.withMemoryRebound(to: Int64.self) { dst.append(contentsOf: $0) }
            }
            guard ok != nil else { throw bad("the \(name) column is not a list of 64-bit values") }
        }
        try append(try batch.user, "user", &out.user)
        try append(try batch.time, "time", &out.time)
        try append(try batch.item, "item", &out.item)
        if batch.hasAction { try append(try batch.action, "action", &out.action) } else {
            out.action.append(contentsOf: repeatElement(0, count: n))
        }
        let extras = try batch.extras
        guard extras.count == layout.extraColumnCount else {
            throw bad("\(extras.count) extra columns, the schema names \(layout.extraColumnCount)")
        }
        for column in layout.columns {
            switch column.role {
            case .extraInt(let c):
                let e = try extras.get(c)
                guard case .ints(let list) = try e.which() else { throw bad("extra column \(column.name) is not ints") }
                try append(list, column.name, &out.extras[c])
            case .extraFloat(let c):
                let e = try extras.get(c)
                guard case .floats(let list) = try e.which() else { throw bad("extra column \(column.name) is not floats") }
                try append(list, column.name, &out.extras[c])
            default: break
            }
        }
    }
}
