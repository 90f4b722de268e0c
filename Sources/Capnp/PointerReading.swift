/// Following wire pointers with bounds checks and the traversal/nesting limits.
///
/// Every dereference goes through here: the slot is resolved (near, far, double-far), the target
/// range is checked against its segment, and the traversal budget is charged.
extension Message {
    /// Where a pointer leads: the segment, the word index of the object (for inline-composite
    /// lists: of the tag word) and the pointer word describing it (kind and size).
    @usableFromInline
    struct Target {
        @usableFromInline var segment: Int
        @usableFromInline var word: Int
        @usableFromInline var tag: UInt64
        @inlinable init(segment: Int, word: Int, tag: UInt64) {
            self.segment = segment; self.word = word; self.tag = tag
        }
    }

    /// Word index of `slot` in `segment`.
    @inlinable func wordIndex(of slot: UnsafeRawPointer, in segment: Int) -> Int {
        segmentBases[segment].distance(to: slot) >> 3
    }

    /// Resolves the pointer at `slot`; nil for a null pointer. Capability pointers come back with
    /// kind 3 for the caller to reject.
    @inlinable
    func resolve(segment: Int, slot: UnsafeRawPointer) throws -> Target? {
        let w = slot.loadUnaligned(as: UInt64.self)
        if w == 0 { return nil }
        let kind = WirePointer.kind(w)
        if kind < 2 {
            return Target(segment: segment, word: wordIndex(of: slot, in: segment) &+ 1 &+ WirePointer.offset(w), tag: w)
        }
        if kind == WirePointer.farKind { return try resolveFar(segment: segment, slot: slot, w) }
        return Target(segment: segment, word: wordIndex(of: slot, in: segment), tag: w)
    }

    @usableFromInline @inline(never)
    func resolveFar(segment: Int, slot: UnsafeRawPointer, _ w: UInt64) throws -> Target {
        let padSegment = WirePointer.farSegment(w)
        let padOffset = WirePointer.farPadOffset(w)
        let double = WirePointer.farIsDouble(w)
        func fail(_ kind: CapnpError.Kind, _ what: String) -> CapnpError {
            CapnpError.at(kind, segment: segment, word: wordIndex(of: slot, in: segment), what)
        }
        guard padSegment < segmentCount else {
            throw fail(.outOfBounds, "far pointer to segment \(padSegment) of \(segmentCount)")
        }
        let padWords = double ? 2 : 1
        guard padOffset + padWords <= segmentWordCounts[padSegment] else {
            throw fail(.outOfBounds, "far pointer landing pad at segment \(padSegment) word \(padOffset) is outside the segment (\(segmentWordCounts[padSegment]) words)")
        }
        let pad = segmentBases[padSegment] + padOffset * 8
        let first = pad.loadUnaligned(as: UInt64.self)
        if !double {
            let k = WirePointer.kind(first)
            guard k < 2 else {
                throw fail(.invalidPointer, "far pointer landing pad holds a \(WirePointer.kindName(first)), expected a struct or list pointer")
            }
            return Target(segment: padSegment, word: padOffset + 1 + WirePointer.offset(first), tag: first)
        }
        let tag = (pad + 8).loadUnaligned(as: UInt64.self)
        guard WirePointer.kind(first) == WirePointer.farKind, !WirePointer.farIsDouble(first) else {
            throw fail(.invalidPointer, "double-far landing pad does not start with a single far pointer")
        }
        guard WirePointer.kind(tag) < 2 else {
            throw fail(.invalidPointer, "double-far landing pad tag is a \(WirePointer.kindName(tag))")
        }
        let targetSegment = WirePointer.farSegment(first)
        guard targetSegment < segmentCount else {
            throw fail(.outOfBounds, "double-far pointer to segment \(targetSegment) of \(segmentCount)")
        }
        return Target(segment: targetSegment, word: WirePointer.farPadOffset(first), tag: tag)
    }

    /// Checks that `words` words at `target` lie inside its segment and charges `charge` words.
    @inlinable
    func checkAndCharge(_ target: Target, words: Int, charge: Int, slotSegment: Int, slot: UnsafeRawPointer) throws {
        let end = target.word &+ words
        guard target.word >= 0, end <= segmentWordCounts[target.segment] else {
            throw outOfBounds(target, words: words, slotSegment: slotSegment, slot: slot)
        }
        traversalWordsLeft &-= charge
        if traversalWordsLeft < 0 {
            throw traversalExceeded(slotSegment: slotSegment, slot: slot)
        }
    }

    @usableFromInline @inline(never)
    func outOfBounds(_ target: Target, words: Int, slotSegment: Int, slot: UnsafeRawPointer) -> CapnpError {
        CapnpError.at(.outOfBounds, segment: slotSegment, word: wordIndex(of: slot, in: slotSegment),
                      "\(WirePointer.kindName(target.tag)) to words \(target.word)..<\(target.word + words) of segment \(target.segment), which has \(segmentWordCounts[target.segment]) words")
    }

    @usableFromInline @inline(never)
    func traversalExceeded(slotSegment: Int, slot: UnsafeRawPointer) -> CapnpError {
        CapnpError.at(.traversalLimit, segment: slotSegment, word: wordIndex(of: slot, in: slotSegment),
                      "traversal limit of \(limits.traversalLimitWords) words exceeded (pointer cycle, amplification, or a message too large for the limit)")
    }

    @usableFromInline @inline(never)
    func pointerError(_ kind: CapnpError.Kind, slotSegment: Int, slot: UnsafeRawPointer, _ what: String) -> CapnpError {
        CapnpError.at(kind, segment: slotSegment, word: wordIndex(of: slot, in: slotSegment), what)
    }

    /// Resolves a pointer that must be of `kind` (`WirePointer.structKind` or `.listKind`) and
    /// must not exceed the nesting limit; nil when null.
    @inlinable
    func resolve(segment: Int, slot: UnsafeRawPointer, kind: UInt64, nesting: Int) throws -> Target? {
        guard let t = try resolve(segment: segment, slot: slot) else { return nil }
        guard WirePointer.kind(t.tag) == kind else {
            throw pointerError(.wrongPointerType, slotSegment: segment, slot: slot,
                               "expected a \(WirePointer.kindName(kind)), found a \(WirePointer.kindName(t.tag))")
        }
        guard nesting > 0 else {
            throw pointerError(.nestingLimit, slotSegment: segment, slot: slot, "nesting limit of \(limits.nestingLimit) exceeded (too deep or a pointer cycle)")
        }
        return t
    }

    /// Reads a struct pointer; nil when null.
    @inlinable
    func readStruct(segment: Int, slot: UnsafeRawPointer, nesting: Int) throws -> StructReader? {
        guard let t = try resolve(segment: segment, slot: slot, kind: WirePointer.structKind, nesting: nesting) else { return nil }
        let dataWords = WirePointer.structDataWords(t.tag)
        let pointerCount = WirePointer.structPointerCount(t.tag)
        let words = dataWords &+ pointerCount
        try checkAndCharge(t, words: words, charge: words == 0 ? 1 : words, slotSegment: segment, slot: slot)
        let data = segmentBases[t.segment] + t.word &* 8
        return StructReader(message: self, segment: t.segment, data: data, pointers: data + dataWords &* 8,
                            dataBits: dataWords &* 64, pointerCount: pointerCount, nesting: nesting &- 1)
    }

    /// Reads a list pointer of any element size; nil when null.
    @inlinable
    func readList(segment: Int, slot: UnsafeRawPointer, nesting: Int) throws -> ListReader? {
        guard let t = try resolve(segment: segment, slot: slot, kind: WirePointer.listKind, nesting: nesting) else { return nil }
        let sizeCode = WirePointer.listElementSize(t.tag)
        let count = WirePointer.listCount(t.tag)
        let base = segmentBases[t.segment]
        if sizeCode == ElementSize.inlineComposite.rawValue {
            // `count` is the word count of the elements; the tag word before them gives the element count and size.
            try checkAndCharge(t, words: count &+ 1, charge: count &+ 1, slotSegment: segment, slot: slot)
            let tag = (base + t.word &* 8).loadUnaligned(as: UInt64.self)
            guard WirePointer.kind(tag) == WirePointer.structKind else {
                throw pointerError(.invalidPointer, slotSegment: segment, slot: slot, "inline-composite list tag is a \(WirePointer.kindName(tag)), expected a struct tag")
            }
            let elements = WirePointer.tagElementCount(tag)
            let dataWords = WirePointer.structDataWords(tag)
            let pointerCount = WirePointer.structPointerCount(tag)
            let perElement = dataWords &+ pointerCount
            guard elements &* perElement <= count else {
                throw pointerError(.outOfBounds, slotSegment: segment, slot: slot, "inline-composite list of \(elements) elements of \(perElement) words overruns its \(count) words")
            }
            if perElement == 0 {
                // Zero-sized elements cost nothing on the wire; charge one word each (amplification).
                traversalWordsLeft &-= elements
                if traversalWordsLeft < 0 { throw traversalExceeded(slotSegment: segment, slot: slot) }
            }
            return ListReader(message: self, segment: t.segment, start: base + (t.word &+ 1) &* 8, count: elements,
                              stepBits: perElement &* 64, dataBits: dataWords &* 64, pointerCount: pointerCount,
                              sizeCode: sizeCode, nesting: nesting &- 1)
        }
        let size = ElementSize(rawValue: sizeCode)!
        let step = size.bitsPerElement
        let words = (count &* step &+ 63) >> 6
        // Zero-sized elements still cost a word each; an empty list costs one word.
        try checkAndCharge(t, words: words, charge: max(size == .void ? count : words, 1), slotSegment: segment, slot: slot)
        let isPointer = size == .pointer
        return ListReader(message: self, segment: t.segment, start: base + t.word &* 8, count: count,
                          stepBits: step, dataBits: isPointer ? 0 : step, pointerCount: isPointer ? 1 : 0,
                          sizeCode: sizeCode, nesting: nesting &- 1)
    }

    /// Reads a byte-list pointer (text and data); nil when null.
    @inlinable
    func readBytes(segment: Int, slot: UnsafeRawPointer) throws -> UnsafeRawBufferPointer? {
        guard let t = try resolve(segment: segment, slot: slot) else { return nil }
        guard WirePointer.kind(t.tag) == WirePointer.listKind,
              WirePointer.listElementSize(t.tag) == ElementSize.byte.rawValue else {
            throw pointerError(.wrongPointerType, slotSegment: segment, slot: slot, "expected a byte list (text or data), found a \(byteListMismatch(t.tag))")
        }
        let count = WirePointer.listCount(t.tag)
        let words = (count &+ 7) >> 3
        try checkAndCharge(t, words: words, charge: max(words, 1), slotSegment: segment, slot: slot)
        return UnsafeRawBufferPointer(start: segmentBases[t.segment] + t.word &* 8, count: count)
    }

    @usableFromInline @inline(never)
    func byteListMismatch(_ tag: UInt64) -> String {
        if WirePointer.kind(tag) != WirePointer.listKind { return WirePointer.kindName(tag) }
        return "list of element size \(ElementSize(rawValue: WirePointer.listElementSize(tag))!)"
    }
}
