import SeqCodec

/// An immutable sorted run: the events of one day partition written by one append (or one
/// compaction), sorted by (user, time), cut into sequence blocks, with an index.
///
/// Layout:
///
///     "SQRUN001"
///     blocks…                      SeqBlock bytes, each with its own checksum
///     index pages…                 ColumnSet(user, block, minTime, maxTime), 1024 entries each:
///                                  one entry per (user, block) the user appears in
///     block table                  ColumnSet(offset, length, minTime, maxTime)
///     page directory               ColumnSet(firstUser, lastUser, offset, length)
///     footer (40 bytes)            blockTable offset, length; directory offset, length (u64 LE);
///                                  "SQRUNEND"
///
/// A one-user lookup reads the footer, the directory (tiny: one row per 1024 users), one index
/// page and that user's blocks, so its cost does not grow with the number of users in a run.
enum RunFile {
    static let magic = Array("SQRUN001".utf8)
    static let footerMagic = Array("SQRUNEND".utf8)
    static let footerSize = 40
    static let pageEntries = 1024

    /// Writes `events` (sorted by user, time; all in `day`) as run `id` under `directory`.
    static func write(_ events: EventColumns, day: Int64, id: UInt64, directory: String,
                      planner: BlockPlanner) throws -> RunInfo {
        var file = magic
        var blockOffsets: [Int64] = [], blockLengths: [Int64] = [], blockMin: [Int64] = [], blockMax: [Int64] = []
        var users: [Int64] = [], blocks: [Int64] = [], minTimes: [Int64] = [], maxTimes: [Int64] = []
        var sizes = SeqBlock.Sizes()
        for (b, range) in planner.ranges(events).enumerated() {
            let block = planner.encode(events, range: range, sizes: &sizes)
            blockOffsets.append(Int64(file.count)); blockLengths.append(Int64(block.count))
            file += block
            var lo = Int64.max, hi = Int64.min
            var i = range.lowerBound
            while i < range.upperBound {
                var j = i + 1
                while j < range.upperBound && events.user[j] == events.user[i] { j += 1 }
                users.append(events.user[i]); blocks.append(Int64(b))
                minTimes.append(events.time[i]); maxTimes.append(events.time[j - 1])
                lo = min(lo, events.time[i]); hi = max(hi, events.time[j - 1])
                i = j
            }
            blockMin.append(lo); blockMax.append(hi)
        }
        var firstUsers: [Int64] = [], lastUsers: [Int64] = [], pageOffsets: [Int64] = [], pageLengths: [Int64] = []
        var start = 0
        while start < users.count {
            let end = min(users.count, start + pageEntries)
            let page = ColumnSet.encode([Array(users[start..<end]), Array(blocks[start..<end]),
                                         Array(minTimes[start..<end]), Array(maxTimes[start..<end])])
            firstUsers.append(users[start]); lastUsers.append(users[end - 1])
            pageOffsets.append(Int64(file.count)); pageLengths.append(Int64(page.count))
            file += page
            start = end
        }
        let table = ColumnSet.encode([blockOffsets, blockLengths, blockMin, blockMax])
        let tableOffset = file.count
        file += table
        let directoryBytes = ColumnSet.encode([firstUsers, lastUsers, pageOffsets, pageLengths])
        let directoryOffset = file.count
        file += directoryBytes
        for v in [tableOffset, table.count, directoryOffset, directoryBytes.count] {
            withUnsafeBytes(of: UInt64(v).littleEndian) { file.append(contentsOf: $0) }
        }
        file += footerMagic
        let info = RunInfo(day: day, id: id, events: events.count, bytes: file.count,
                           minUser: events.user.first ?? 0, maxUser: events.user.last ?? 0,
                           minTime: events.time.min() ?? 0, maxTime: events.time.max() ?? 0,
                           checksum: Checksum.of(file))
        try FileSystem.writeAtomically(directory + "/" + info.relativePath, file)
        return info
    }
}

/// Reads one run file: its block table and page directory on open, pages and blocks on demand.
final class RunReader {
    let file: ReadOnlyFile
    let blockOffsets: [Int64], blockLengths: [Int64], blockMin: [Int64], blockMax: [Int64]
    let firstUsers: [Int64], lastUsers: [Int64], pageOffsets: [Int64], pageLengths: [Int64]

    init(path: String) throws {
        file = try ReadOnlyFile(path)
        func damaged(_ what: String) -> StoreError { StoreError(.damaged, path, "damaged run: \(what)") }
        guard file.size >= RunFile.magic.count + RunFile.footerSize else { throw damaged("\(file.size) bytes is too short") }
        guard try file.read(at: 0, count: 8) == RunFile.magic else { throw damaged("bad magic") }
        let footer = try file.read(at: file.size - RunFile.footerSize, count: RunFile.footerSize)
        guard Array(footer[32..<40]) == RunFile.footerMagic else { throw damaged("bad footer (truncated?)") }
        let f = (0..<4).map { i in footer.withUnsafeBytes { Int(truncatingIfNeeded: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) } }
        do {
            let table = try ColumnSet.decode(try file.read(at: f[0], count: f[1]), expectedColumns: 4)
            let directory = try ColumnSet.decode(try file.read(at: f[2], count: f[3]), expectedColumns: 4)
            (blockOffsets, blockLengths, blockMin, blockMax) = (table[0], table[1], table[2], table[3])
            (firstUsers, lastUsers, pageOffsets, pageLengths) = (directory[0], directory[1], directory[2], directory[3])
        } catch let e as SeqCodecError {
            throw damaged("index: \(e.message)")
        }
    }

    var blockCount: Int { blockOffsets.count }

    /// Decodes block `b` into `out`.
    func decodeBlock(_ b: Int, into out: inout EventColumns, scratch: ColumnCodec.Scratch) throws {
        guard b >= 0 && b < blockCount else { throw StoreError(.damaged, file.path, "damaged run: index names block \(b) of \(blockCount)") }
        let bytes = try file.read(at: Int(truncatingIfNeeded: blockOffsets[b]), count: Int(truncatingIfNeeded: blockLengths[b]))
        do {
            try bytes.withUnsafeBytes { try SeqBlock.decode($0, into: &out, scratch: scratch) }
        } catch let e as SeqCodecError {
            throw StoreError(.damaged, file.path, "block \(b): \(e.message)")
        }
    }

    /// Blocks holding events of `user` in [from, to), from the index.
    func blocks(forUser user: Int64, from: Int64, to: Int64) throws -> [Int] {
        var found: [Int] = []
        // Pages are ordered by user; a user's entries may continue onto the next page.
        var lo = 0, hi = firstUsers.count
        while lo < hi { let mid = (lo + hi) / 2; if lastUsers[mid] < user { lo = mid + 1 } else { hi = mid } }
        var p = lo
        while p < firstUsers.count && firstUsers[p] <= user {
            let page: [[Int64]]
            do {
                page = try ColumnSet.decode(try file.read(at: Int(truncatingIfNeeded: pageOffsets[p]),
                                                          count: Int(truncatingIfNeeded: pageLengths[p])), expectedColumns: 4)
            } catch let e as SeqCodecError {
                throw StoreError(.damaged, file.path, "damaged run: index page \(p): \(e.message)")
            }
            for i in 0..<page[0].count where page[0][i] == user && page[3][i] >= from && page[2][i] < to {
                found.append(Int(truncatingIfNeeded: page[1][i]))
            }
            p += 1
        }
        return found
    }
}
