import Testing
import SeqCodec
@testable import SeqStore
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// A fresh directory under /tmp, removed by `cleanup()`.
func temporaryDirectory() -> String {
    var template = Array("/tmp/seqstore-test-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return p
}

func removeTree(_ path: String) {
    for name in FileSystem.list(path) {
        let child = path + "/" + name
        if FileSystem.isDirectory(child) { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}

let day: Int64 = 86_400_000

/// Events over ten days for 60 users, in arrival (time) order.
func randomEvents(seed: UInt64, count: Int, startDay: Int64 = 19_700) -> EventColumns {
    var r = SplitMix64(seed: seed)
    var e = EventColumns(extraColumnCount: 1)
    for _ in 0..<count {
        e.append(user: Int64(r.below(60)), time: startDay * day + Int64(r.below(10 * 86_400_000)), item: Int64(r.below(500)), action: Int64(r.below(3)))
        e.extras[0].append(Int64(r.below(1000)))
    }
    return e
}

func collect(_ store: EventStore, user: Int64? = nil, from: Int64 = .min, to: Int64 = .max) throws -> EventColumns {
    var out = EventColumns(extraColumnCount: 1)
    try store.scan(user: user, from: from, to: to) { _, events in out.append(events) }
    return out
}

/// The brute-force answer: filter, then order by (day, user, time) with input order on ties.
func bruteForce(_ all: EventColumns, user: Int64?, from: Int64, to: Int64) -> EventColumns {
    let kept = all.filter { u, t in (user == nil || u == user!) && t >= from && t < to }
    let order = (0..<kept.count).sorted { a, b in
        let ka = (kept.time[a] / day, kept.user[a], kept.time[a]), kb = (kept.time[b] / day, kept.user[b], kept.time[b])
        return ka != kb ? ka < kb : a < b
    }
    return kept.permuted(order)
}

@Suite struct EventStoreTests {
    @Test func queriesMatchBruteForceAcrossAppendsAndCompaction() throws {
        let dir = temporaryDirectory()
        defer { removeTree(dir) }
        let store = try EventStore(path: dir + "/s", createWithUnitsPerDay: day, planner: BlockPlanner(targetEvents: 64))
        var all = EventColumns(extraColumnCount: 1)
        for batch in 0..<4 {
            let events = randomEvents(seed: UInt64(batch), count: 1500)
            try store.append(events)
            all.append(events)
        }
        #expect(store.manifest.runs.count == 40)
        var r = SplitMix64(seed: 42)
        func check() throws {
            #expect(try collect(store) == bruteForce(all, user: nil, from: .min, to: .max))
            for _ in 0..<30 {
                let u: Int64? = r.below(5) == 0 ? nil : Int64(r.below(62))
                let from = 19_700 * day + Int64(r.below(12 * 86_400_000)) - day
                let to = from + Int64(r.below(7 * 86_400_000))
                #expect(try collect(store, user: u, from: from, to: to) == bruteForce(all, user: u, from: from, to: to))
            }
        }
        try check()
        try store.compact()
        #expect(store.manifest.runs.count == 10)
        try check()
        // Reopening reads the same manifest.
        #expect(try EventStore(path: dir + "/s").manifest == store.manifest)
    }

    @Test func replaceDaySwapsOnlyThatDay() throws {
        let dir = temporaryDirectory()
        defer { removeTree(dir) }
        let store = try EventStore(path: dir + "/s", createWithUnitsPerDay: day)
        let events = randomEvents(seed: 9, count: 2000)
        try store.append(events)
        let target: Int64 = 19_703
        var replacement = EventColumns(extraColumnCount: 1)
        replacement.append(user: 5, time: target * day + 1, item: 77, action: 1)
        replacement.extras[0].append(3)
        try store.replaceDay(target, with: replacement)
        let expected = bruteForce(events.filter { _, t in t / day != target }.appending(replacement), user: nil, from: .min, to: .max)
        #expect(try collect(store) == expected)
        #expect(store.manifest.runs(on: target).count == 1)

        let wrong = randomEvents(seed: 1, count: 10)
        #expect(throws: StoreError.self) { try store.replaceDay(target, with: wrong) }
        #expect(try collect(store) == expected) // a refused replacement changes nothing
    }

    @Test func leftoversOfInterruptedWritersAreIgnoredThenRemoved() throws {
        let dir = temporaryDirectory()
        defer { removeTree(dir) }
        let store = try EventStore(path: dir + "/s", createWithUnitsPerDay: day)
        let events = randomEvents(seed: 3, count: 500)
        try store.append(events)
        // A run written but never committed, and a torn temp file, as a kill -9 leaves them.
        let orphan = dir + "/s/" + CivilDate.string(fromDay: 19_701) + "/run-999.sqr"
        try FileSystem.writeAtomically(orphan, [1, 2, 3])
        try FileSystem.writeAtomically(dir + "/s/MANIFEST.tmp", [9])
        #expect(try collect(store) == bruteForce(events, user: nil, from: .min, to: .max))
        try store.append(randomEvents(seed: 4, count: 10))
        #expect(!FileSystem.exists(orphan))
    }

    @Test func damagedFilesGiveOneClearError() throws {
        let dir = temporaryDirectory()
        defer { removeTree(dir) }
        let store = try EventStore(path: dir + "/s", createWithUnitsPerDay: day)
        try store.append(randomEvents(seed: 5, count: 3000))
        let run = dir + "/s/" + store.manifest.runs[0].relativePath
        let original = try ReadOnlyFile(run).read(at: 0, count: try ReadOnlyFile(run).size)
        let expected = try collect(store)
        var r = SplitMix64(seed: 77)
        for trial in 0..<200 {
            var bad = original
            if trial % 4 == 0 { bad.removeLast(1 + r.below(bad.count - 1)) } else { bad[r.below(bad.count)] ^= UInt8(1 + r.below(255)) }
            try FileSystem.writeAtomically(run, bad)
            // A scan reads only what it needs: it reports damage there, and never returns other data.
            do {
                #expect(try collect(store) == expected, "trial \(trial)")
            } catch let e as StoreError {
                #expect(e.location.hasPrefix(run), "\(e)")
            }
            // verify() reads everything, so it must notice.
            do {
                try store.verify()
                Issue.record("damage at trial \(trial) went unnoticed by verify")
            } catch let e as StoreError {
                #expect(e.location.hasPrefix(run), "\(e)")
            }
        }
        try FileSystem.writeAtomically(dir + "/s/MANIFEST", Array("SQMANIF1 garbage".utf8))
        #expect(throws: StoreError.self) { try EventStore(path: dir + "/s") }
    }

    @Test func civilDatesRoundTrip() {
        #expect(CivilDate.string(fromDay: 0) == "1970-01-01")
        #expect(CivilDate.string(fromDay: 19_723) == "2024-01-01")
        #expect(CivilDate.string(fromDay: -1) == "1969-12-31")
        for d: Int64 in stride(from: -700_000, to: 800_000, by: 997) { #expect(CivilDate.day(from: CivilDate.string(fromDay: d)) == d) }
        #expect(CivilDate.day(from: "2024-02-30") == nil)
        #expect(CivilDate.day(from: "2024-2-3") == nil)
    }
}

extension EventColumns {
    func appending(_ other: EventColumns) -> EventColumns { var c = self; c.append(other); return c }
}
