import SeqCodec

/// A time-partitioned event store: one directory per UTC day, each an LSM of immutable sorted
/// runs, all named by one manifest (see `Manifest` for why one).
///
/// Writes follow one rule for crash safety: every new file is complete and durable (temp
/// file, fsync, rename, directory fsync) before the manifest that names it is, and the
/// manifest is replaced the same way. A crash at any point therefore leaves either the old
/// manifest (the new runs are ignored leftovers) or the new one (all of them committed).
/// Writers take an exclusive lock; readers never lock: they read one manifest and the
/// immutable files it names.
public final class EventStore {
    public let path: String
    public private(set) var manifest: Manifest
    public var planner: BlockPlanner

    var manifestPath: String { path + "/MANIFEST" }

    /// Opens the store at `path`. A missing store is created with `unitsPerDay`, else with
    /// `defaultUnitsPerDay`, else it is an error. An existing store must match `unitsPerDay`.
    public init(path: String, createWithUnitsPerDay unitsPerDay: Int64? = nil, defaultUnitsPerDay: Int64? = nil,
                planner: BlockPlanner = BlockPlanner()) throws {
        self.path = path
        self.planner = planner
        let mp = path + "/MANIFEST"
        if FileSystem.exists(mp) {
            manifest = try Self.readManifest(mp)
            if let u = unitsPerDay, u != manifest.unitsPerDay {
                throw StoreError(.request, path, "the store keeps \(manifest.unitsPerDay) time units per day, not \(u)")
            }
        } else if let u = unitsPerDay ?? defaultUnitsPerDay {
            try FileSystem.makeDirectory(path)
            manifest = Manifest(unitsPerDay: u)
            let lock = try FileSystem.lock(path + "/LOCK")
            defer { FileSystem.unlock(lock) }
            if !FileSystem.exists(mp) { try FileSystem.writeAtomically(mp, manifest.encoded()) }
        } else {
            throw StoreError(.request, path, "no store here (no MANIFEST)")
        }
    }

    /// Re-reads the manifest (another process may have committed since).
    public func refresh() throws { manifest = try Self.readManifest(manifestPath) }

    private static func readManifest(_ path: String) throws -> Manifest {
        let file = try ReadOnlyFile(path)
        return try Manifest.decode(try file.read(at: 0, count: file.size), path: path)
    }

    /// Runs `body` under the writer lock on the newest manifest, then commits what it returns.
    private func write(_ body: (inout Manifest) throws -> [RunInfo]) throws {
        let lock = try FileSystem.lock(path + "/LOCK")
        defer { FileSystem.unlock(lock) }
        try refresh()
        var next = manifest
        let removed = try body(&next)
        next.generation += 1
        try FileSystem.writeAtomically(manifestPath, next.encoded())
        manifest = next
        // Only now are replaced runs unreferenced; removing them (and crash leftovers) is cleanup.
        for r in removed { FileSystem.remove(path + "/" + r.relativePath) }
        collectGarbage()
    }

    /// Removes files no manifest names: runs and temp files of interrupted writers.
    private func collectGarbage() {
        let live = Set(manifest.runs.map(\.relativePath))
        for dayDir in FileSystem.list(path) where CivilDate.day(from: dayDir) != nil {
            for name in FileSystem.list(path + "/" + dayDir) where !live.contains(dayDir + "/" + name) {
                FileSystem.remove(path + "/" + dayDir + "/" + name)
            }
            FileSystem.removeDirectoryIfEmpty(path + "/" + dayDir)
        }
        // AtomicFile's temporary names: `.<name>.tmp.XXXXXX` beside the file.
        for name in FileSystem.list(path) where name.hasPrefix(".MANIFEST.tmp.") { FileSystem.remove(path + "/" + name) }
    }

    /// Sets the schema blob; allowed while the store is empty, otherwise it must match.
    public func setSchema(_ schema: [UInt8]) throws {
        try refresh()
        if manifest.schema == schema { return }
        guard manifest.runs.isEmpty && manifest.schema.isEmpty else {
            throw StoreError(.schemaMismatch, path, "the events' columns differ from the store's")
        }
        try write { m in m.schema = schema; return [] }
    }

    /// Splits events by day, sorted by (user, time) within each day.
    private func partition(_ events: EventColumns) -> [(day: Int64, events: EventColumns)] {
        var rowsOfDay: [Int64: [Int]] = [:]
        for i in 0..<events.count { rowsOfDay[manifest.day(of: events.time[i]), default: []].append(i) }
        return rowsOfDay.keys.sorted().map { day in (day, events.permuted(rowsOfDay[day]!).sortedByUserTime()) }
    }

    private func writeRuns(_ events: EventColumns, into m: inout Manifest) throws -> [RunInfo] {
        var written: [RunInfo] = []
        for (day, dayEvents) in partition(events) {
            try FileSystem.makeDirectory(path + "/" + CivilDate.string(fromDay: day))
            written.append(try RunFile.write(dayEvents, day: day, id: m.nextRunId, directory: path, planner: planner))
            m.nextRunId += 1
        }
        return written
    }

    /// Appends events as new runs (one per day touched), committed atomically.
    @discardableResult
    public func append(_ events: EventColumns) throws -> [RunInfo] {
        guard events.count > 0 else { return [] }
        var added: [RunInfo] = []
        try write { m in
            added = try writeRuns(events, into: &m)
            m.runs += added
            return []
        }
        return added
    }

    /// Replaces every run of `day` with `events` (which must all fall on that day), atomically.
    public func replaceDay(_ day: Int64, with events: EventColumns) throws {
        for t in events.time where manifest.day(of: t) != day {
            throw StoreError(.request, "replace-day \(CivilDate.string(fromDay: day))", "event at time \(t) falls on \(CivilDate.string(fromDay: manifest.day(of: t)))")
        }
        try write { m in
            let old = m.runs.filter { $0.day == day }
            let new = try writeRuns(events, into: &m)
            m.runs = m.runs.filter { $0.day != day } + new
            return old
        }
    }

    /// Merges the runs of each day (or of `days`) that has more than one into a single run.
    public func compact(days: [Int64]? = nil) throws {
        try write { m in
            var removed: [RunInfo] = []
            for day in days ?? m.days {
                let runs = m.runs(on: day)
                guard runs.count > 1 else { continue }
                // Oldest run first, so events with equal (user, time) keep their append order.
                var merged: EventColumns? = nil
                for r in runs {
                    let events = try readAll(r)
                    if merged == nil { merged = EventColumns(extraColumnCount: events.extraColumnCount) }
                    merged!.append(events)
                }
                try FileSystem.makeDirectory(path + "/" + CivilDate.string(fromDay: day))
                let run = try RunFile.write(merged!.sortedByUserTime(), day: day, id: m.nextRunId, directory: path, planner: planner)
                m.nextRunId += 1
                m.runs = m.runs.filter { $0.day != day } + [run]
                removed += runs
            }
            return removed
        }
    }

    private func readAll(_ run: RunInfo) throws -> EventColumns {
        let reader = try RunReader(path: path + "/" + run.relativePath)
        var out = EventColumns()
        var block = EventColumns()
        let scratch = ColumnCodec.Scratch()
        for b in 0..<reader.blockCount {
            try reader.decodeBlock(b, into: &block, scratch: scratch)
            if b == 0 { out = EventColumns(extraColumnCount: block.extraColumnCount) }
            out.append(block)
        }
        guard out.count == run.events else {
            throw StoreError(.damaged, "\(path)/\(run.relativePath)", "damaged run: \(out.count) events, the manifest says \(run.events)")
        }
        return out
    }

    /// Reads every run in full: checks each file against the checksum the manifest recorded,
    /// then decodes every block and checks the event counts. Returns the number of events.
    @discardableResult
    public func verify() throws -> Int {
        try refresh()
        var total = 0
        for run in manifest.runs {
            let file = try ReadOnlyFile(path + "/" + run.relativePath)
            guard file.size == run.bytes, Checksum.of(try file.read(at: 0, count: file.size)) == run.checksum else {
                throw StoreError(.damaged, file.path, "damaged run: contents differ from what the manifest recorded")
            }
            total += try readAll(run).count
        }
        return total
    }

    /// Streams the events of `user` (or all users) with `from <= time < to`, one day at a time
    /// in ascending day order; within a day, sorted by (user, time), equal keys in append order.
    public func scan(user: Int64? = nil, from: Int64 = .min, to: Int64 = .max,
                     _ body: (_ day: Int64, _ events: EventColumns) throws -> Void) throws {
        try refresh()
        guard from < to else { return }
        let scratch = ColumnCodec.Scratch()
        var block = EventColumns()
        for day in manifest.days {
            let dayStart = day.multipliedReportingOverflow(by: manifest.unitsPerDay)
            if !dayStart.overflow {
                let (dayEnd, o) = dayStart.partialValue.addingReportingOverflow(manifest.unitsPerDay)
                if dayStart.partialValue >= to || (!o && dayEnd <= from) { continue }
            }
            var found: EventColumns? = nil
            for run in manifest.runs(on: day) {
                if let u = user, u < run.minUser || u > run.maxUser { continue }
                if run.maxTime < from || run.minTime >= to { continue }
                let reader = try RunReader(path: path + "/" + run.relativePath)
                let blocks: [Int]
                if let u = user {
                    blocks = try reader.blocks(forUser: u, from: from, to: to)
                } else {
                    blocks = (0..<reader.blockCount).filter { reader.blockMax[$0] >= from && reader.blockMin[$0] < to }
                }
                for b in blocks {
                    try reader.decodeBlock(b, into: &block, scratch: scratch)
                    let matching = block.filter { u, t in (user == nil || u == user!) && t >= from && t < to }
                    if found == nil { found = EventColumns(extraColumnCount: block.extraColumnCount) }
                    found!.append(matching)
                }
            }
            if let events = found, events.count > 0 { try body(day, events.sortedByUserTime()) }
        }
    }
}
