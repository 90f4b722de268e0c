/// How a `MessageBuilder` sizes segments after the first.
public enum SegmentGrowth: Sendable {
    /// Each new segment is at least as large as all previous ones together (libcapnp's
    /// GROW_HEURISTICALLY): few segments, few far pointers.
    case heuristic
    /// Every segment has the first segment's size (like `capnp encode --segment-size`); useful
    /// to exercise far pointers.
    case fixed
}

/// One arena segment of a builder.
@usableFromInline
struct BuilderSegment {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var used: Int
    /// Words `used..<dirty` may still hold an earlier message's bytes; beyond `dirty` the
    /// segment is zero. `reset()` only moves `used` back, and `allocate` zeroes the stale part of
    /// what it hands out, so a copy that overwrites its object anyway skips zeroing it.
    @usableFromInline var dirty: Int

    @usableFromInline init(base: UnsafeMutableRawPointer, capacity: Int, used: Int) {
        self.base = base
        self.capacity = capacity
        self.used = used
        dirty = used
    }
}

/// Builds a message in an arena of segments that grows on demand; every object it hands out is
/// zeroed (Cap'n Proto's default values are all-zero bits).
///
/// Objects go in the segment of the pointer that refers to them when it has room; otherwise in the
/// newest segment (or a new one) behind a far pointer with its landing pad. `reset()` keeps the
/// memory for the next message, so steady-state writing allocates nothing. Builders
/// (`StructBuilder`, `ListBuilder`) hold an `unowned(unsafe)` reference and must not outlive it
/// or be used across `reset()`.
public final class MessageBuilder {
    @usableFromInline var segments: UnsafeMutablePointer<BuilderSegment>
    /// Segments holding the current message.
    @usableFromInline var activeCount: Int
    /// Segments allocated (active ones first, then ones kept from earlier messages for reuse).
    var allocatedCount: Int
    var tableCapacity: Int
    /// Size of the first segment in words.
    public let firstSegmentWords: Int
    /// How later segments are sized.
    public let growth: SegmentGrowth
    /// A reader's view of the arena for `asReader()`, synced lazily when segments change.
    var readerMessageStorage: Message?
    @usableFromInline var readerTableStale = true

    /// Creates a builder whose first segment holds `firstSegmentWords` words.
    public init(firstSegmentWords: Int = 1024, growth: SegmentGrowth = .heuristic) {
        self.firstSegmentWords = max(firstSegmentWords, 1)
        self.growth = growth
        tableCapacity = 4
        segments = .allocate(capacity: tableCapacity)
        segments[0] = BuilderSegment(base: MessageBuilder.allocateZeroed(words: self.firstSegmentWords),
                                     capacity: self.firstSegmentWords, used: 1)  // word 0: the root pointer
        activeCount = 1
        allocatedCount = 1
    }

    deinit {
        for i in 0..<allocatedCount { segments[i].base.deallocate() }
        segments.deallocate()
    }

    static func allocateZeroed(words: Int) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: words * 8, alignment: 8)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: words * 8)
        return p
    }

    /// Clears the message and keeps the memory. A message that spilled into several segments is
    /// given one segment of the combined size, so the next message of that size needs no far
    /// pointers and, from then on, no allocation.
    public func reset() {
        if activeCount > 1 {
            var total = 0
            for i in 0..<allocatedCount {
                total += segments[i].capacity
                segments[i].base.deallocate()
            }
            segments[0] = BuilderSegment(base: MessageBuilder.allocateZeroed(words: total), capacity: total, used: 1)
            allocatedCount = 1
        } else {
            // Zeroing happens when the words are handed out again (`allocate`), and not at all
            // for objects that a copy overwrites: a writer that copies columns of bytes would
            // otherwise clear every byte twice.
            segments[0].dirty = max(segments[0].dirty, segments[0].used)
            segments[0].used = 1
            segments[0].base.storeBytes(of: 0, as: UInt64.self)   // the root pointer
        }
        activeCount = 1
        readerTableStale = true
    }

    /// Number of segments in the current message.
    public var segmentCount: Int { activeCount }

    /// Words used by the current message, over all segments.
    public var totalWords: Int {
        var n = 0
        for i in 0..<activeCount { n += segments[i].used }
        return n
    }

    /// The used part of each segment, in order (the bytes a frame carries).
    public var segmentsForWriting: [UnsafeRawBufferPointer] {
        (0..<activeCount).map { UnsafeRawBufferPointer(start: segments[$0].base, count: segments[$0].used * 8) }
    }

    /// Calls `body` with the used part of each segment.
    public func withSegments<R>(_ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        try body(segmentsForWriting)
    }

    /// Word counts of the used part of each segment (for a frame header).
    public var segmentWordCounts: [Int] { (0..<activeCount).map { segments[$0].used } }

    /// The used bytes of segment `index`.
    public func segmentBytes(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: segments[index].base, count: segments[index].used * 8)
    }

    // MARK: Root

    /// Starts a new root struct (a previous root is abandoned).
    public func initRoot(dataWords: Int, pointerCount: Int) -> StructBuilder {
        initStruct(slot: segments[0].base, segment: 0, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// Starts a new root struct of a generated type.
    public func initRoot<T: StructBuilderView>(_ type: T.Type) -> T {
        T(initRoot(dataWords: T.dataWordCount, pointerCount: T.pointerCount))
    }

    /// The root struct, created with the given sizes when absent (and enlarged when smaller).
    public func getRoot(dataWords: Int, pointerCount: Int) -> StructBuilder {
        getStruct(slot: segments[0].base, segment: 0, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// The root pointer slot (for `AnyPointer` roots and deep copies).
    @usableFromInline var rootSlot: UnsafeMutableRawPointer { segments[0].base }

    // MARK: Allocation

    /// Word index of `slot` in `segment`.
    @inlinable func wordIndex(of slot: UnsafeMutableRawPointer, in segment: Int) -> Int {
        segments[segment].base.distance(to: slot) >> 3
    }

    /// Takes `words` from `segment` if it has room; returns the first word's index. The words are
    /// zero, except with `overwritten`, where the caller writes every byte but those of the last
    /// word's tail: then only the last word is cleared.
    @inlinable func allocate(_ words: Int, in segment: Int, overwritten: Bool = false) -> Int? {
        let s = segments + segment
        let used = s.pointee.used
        if words <= s.pointee.capacity &- used {
            let end = used &+ words
            s.pointee.used = end
            let dirty = s.pointee.dirty
            if used < dirty {
                let from = overwritten ? max(used, end &- 1) : used
                let to = min(end, dirty)
                if from < to { (s.pointee.base + from &* 8).initializeMemory(as: UInt8.self, repeating: 0, count: (to &- from) &* 8) }
            }
            return used
        }
        return nil
    }

    /// Allocates an object of `words` words referred to by the pointer at `slot` and writes that
    /// pointer (`tag` is the pointer word with offset 0). Returns where the object lives.
    /// With `overwritten`, the caller writes the whole object but its last word's tail (a copy of
    /// bytes), so stale words need no clearing first (see `allocate`).
    @inlinable
    func allocateObject(words: Int, slot: UnsafeMutableRawPointer, slotSegment: Int, tag: UInt64, overwritten: Bool = false)
        -> (segment: Int, object: UnsafeMutableRawPointer) {
        if words == 0 && WirePointer.kind(tag) == WirePointer.structKind {
            // A zero-sized struct points just before itself (offset -1) so it is not null.
            slot.storeBytes(of: WirePointer.emptyStruct, as: UInt64.self)
            return (slotSegment, slot)
        }
        if let w = allocate(words, in: slotSegment, overwritten: overwritten) {
            let slotWord = wordIndex(of: slot, in: slotSegment)
            slot.storeBytes(of: WirePointer.withOffset(tag, w &- slotWord &- 1), as: UInt64.self)
            return (slotSegment, segments[slotSegment].base + w &* 8)
        }
        return allocateFar(words: words, slot: slot, slotSegment: slotSegment, tag: tag)
    }

    /// The slot's segment is full: place the object elsewhere behind a far pointer.
    @usableFromInline @inline(never)
    func allocateFar(words: Int, slot: UnsafeMutableRawPointer, slotSegment: Int, tag: UInt64)
        -> (segment: Int, object: UnsafeMutableRawPointer) {
        let last = activeCount - 1
        var target = -1
        var padWord = 0
        if last != slotSegment, let w = allocate(words + 1, in: last) {
            target = last; padWord = w
        } else if last != slotSegment, segments[last].capacity - segments[last].used >= words,
                  let pad = allocate(2, in: slotSegment) {
            // The newest segment fits the object but not a landing pad beside it: put a
            // double-far landing pad in the slot's segment, which has two words to spare.
            let w = allocate(words, in: last)!
            let padPointer = segments[slotSegment].base + pad * 8
            padPointer.storeBytes(of: WirePointer.far(double: false, padOffset: w, segment: last), as: UInt64.self)
            (padPointer + 8).storeBytes(of: tag, as: UInt64.self)
            slot.storeBytes(of: WirePointer.far(double: true, padOffset: pad, segment: slotSegment), as: UInt64.self)
            return (last, segments[last].base + w * 8)
        } else {
            target = addSegment(minimumWords: words + 1)
            padWord = allocate(words + 1, in: target)!
        }
        let pad = segments[target].base + padWord * 8
        pad.storeBytes(of: tag, as: UInt64.self)  // offset 0: the object follows its landing pad
        slot.storeBytes(of: WirePointer.far(double: false, padOffset: padWord, segment: target), as: UInt64.self)
        return (target, pad + 8)
    }

    /// Makes the pointer at `slot` refer to an object that already exists (tag: offset 0).
    func pointTo(slot: UnsafeMutableRawPointer, slotSegment: Int, targetSegment: Int, targetWord: Int, tag: UInt64) {
        if targetSegment == slotSegment {
            let slotWord = wordIndex(of: slot, in: slotSegment)
            slot.storeBytes(of: WirePointer.withOffset(tag, targetWord - slotWord - 1), as: UInt64.self)
        } else if let p = allocate(1, in: targetSegment) {
            (segments[targetSegment].base + p * 8).storeBytes(of: WirePointer.withOffset(tag, targetWord - p - 1), as: UInt64.self)
            slot.storeBytes(of: WirePointer.far(double: false, padOffset: p, segment: targetSegment), as: UInt64.self)
        } else {
            var padSegment = slotSegment
            var p = allocate(2, in: slotSegment)
            if p == nil { padSegment = activeCount - 1; p = allocate(2, in: padSegment) }
            if p == nil { padSegment = addSegment(minimumWords: 2); p = allocate(2, in: padSegment) }
            let pad = segments[padSegment].base + p! * 8
            pad.storeBytes(of: WirePointer.far(double: false, padOffset: targetWord, segment: targetSegment), as: UInt64.self)
            (pad + 8).storeBytes(of: tag, as: UInt64.self)
            slot.storeBytes(of: WirePointer.far(double: true, padOffset: p!, segment: padSegment), as: UInt64.self)
        }
    }

    /// Appends a segment of at least `minimumWords` words (reusing a kept one when large enough).
    func addSegment(minimumWords: Int) -> Int {
        var size: Int
        switch growth {
        case .fixed: size = firstSegmentWords
        case .heuristic:
            size = 0
            for i in 0..<activeCount { size += segments[i].capacity }
        }
        size = max(size, minimumWords)
        let index = activeCount
        if index < allocatedCount {
            if segments[index].capacity >= size {
                segments[index].dirty = max(segments[index].dirty, segments[index].used)
                segments[index].used = 0
                activeCount += 1
                readerTableStale = true
                return index
            }
            segments[index].base.deallocate()
        } else {
            if index == tableCapacity {
                let grown = UnsafeMutablePointer<BuilderSegment>.allocate(capacity: tableCapacity * 2)
                grown.moveInitialize(from: segments, count: allocatedCount)
                segments.deallocate()
                segments = grown
                tableCapacity *= 2
            }
            allocatedCount += 1
        }
        segments[index] = BuilderSegment(base: MessageBuilder.allocateZeroed(words: size), capacity: size, used: 0)
        activeCount += 1
        readerTableStale = true
        return index
    }

    /// Where the pointer at `slot` leads (builder memory is trusted: no bounds checks).
    func resolveBuilt(slot: UnsafeMutableRawPointer, segment: Int) -> (segment: Int, word: Int, tag: UInt64)? {
        let w = slot.loadUnaligned(as: UInt64.self)
        if w == 0 { return nil }
        switch WirePointer.kind(w) {
        case WirePointer.farKind:
            let padSegment = WirePointer.farSegment(w)
            let padWord = WirePointer.farPadOffset(w)
            let pad = segments[padSegment].base + padWord * 8
            let first = pad.loadUnaligned(as: UInt64.self)
            if !WirePointer.farIsDouble(w) {
                return (padSegment, padWord + 1 + WirePointer.offset(first), first)
            }
            return (WirePointer.farSegment(first), WirePointer.farPadOffset(first), (pad + 8).loadUnaligned(as: UInt64.self))
        case WirePointer.otherKind:
            return (segment, 0, w)
        default:
            return (segment, wordIndex(of: slot, in: segment) + 1 + WirePointer.offset(w), w)
        }
    }

    /// A reader over the arena (trusted limits), for `asReader()`.
    @usableFromInline var readerMessage: Message {
        if readerTableStale || readerMessageStorage == nil { syncReaderMessage() }
        return readerMessageStorage!
    }

    func syncReaderMessage() {
        let m = readerMessageStorage ?? Message(tableCapacity: activeCount, limits: .trusted)
        for i in 0..<activeCount {
            // Whole capacity: objects may be added after this view was taken.
            m.setSegment(i, base: UnsafeRawPointer(segments[i].base), words: segments[i].capacity)
        }
        m.truncateSegments(to: activeCount)
        m.resetTraversalLimit()
        readerMessageStorage = m
        readerTableStale = false
    }

    /// A reader of the message built so far (root pointer as written).
    public func rootReader() throws -> StructReader { try readerMessage.root() }
}
