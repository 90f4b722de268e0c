import EventRecords
import Pipes
import SeqCodec
import SeqStore
import ToolKit

/// The `--store DIR` actions of seq-encode: append, replace a day, compact, verify, scan.
struct StoreCommand {
    let command: SeqEncodeCommand
    let tool: ToolContext
    let directory: String
    let planner: BlockPlanner

    func run() throws {
        let writes = !(command.compact || command.scan || command.verify)
        // A given --time-unit must match an existing store; without one, a new store uses ms.
        let unit = command.timeUnit?.unitsPerDay
        let store = try EventStore(path: directory,
                                   createWithUnitsPerDay: writes ? unit : nil,
                                   defaultUnitsPerDay: writes ? TimeUnit.ms.unitsPerDay : nil,
                                   planner: planner)
        if command.compact {
            try store.compact()
        } else if command.verify {
            let n = try store.verify()
            let out = try tool.frameWriter()
            try out.write(text: "\(directory): \(n) events in \(store.manifest.runs.count) runs over \(store.manifest.days.count) days, all files whole\n")
            try out.flush()
        } else if command.scan {
            try scan(store)
        } else if let day = command.replaceDay {
            var all: EventColumns? = nil
            let layout = try command.input(tool, batch: .max).read(inputs) { _, batch in all = batch }
            try adopt(layout, store)
            try store.replaceDay(CivilDate.day(from: day)!, with: all ?? EventColumns(extraColumnCount: layout.extraColumnCount))
        } else {
            var adopted = false
            let layout = try command.input(tool).read(inputs) { layout, batch in
                if !adopted { try adopt(layout, store); adopted = true }
                try store.append(batch)
            }
            if !adopted { try adopt(layout, store) }
        }
    }

    var inputs: [String] { command.inputsPaths }

    private func adopt(_ layout: EventLayout, _ store: EventStore) throws {
        do { try store.setSchema(layout.storeText) } catch let e as StoreError where e.kind == .schemaMismatch {
            throw ToolError(directory, "the input's columns differ from the store's")
        }
    }

    private func scan(_ store: EventStore) throws {
        guard !store.manifest.schema.isEmpty else { throw ToolError(directory, "the store is empty") }
        let layout: EventLayout
        do { layout = try EventLayout.fromStoreText(store.manifest.schema, source: directory + "/MANIFEST") } catch let e as EventTextError {
            throw ToolError(directory, e.message)
        }
        let out: EventOutput = command.decode ? try command.output(tool, layout: layout)
            : try BlockOutput(tool: tool, layout: layout, planner: planner)
        try store.scan(user: command.user, from: command.from ?? .min, to: command.to ?? .max) { _, events in
            try out.write(events)
        }
        try out.finish()
    }
}
