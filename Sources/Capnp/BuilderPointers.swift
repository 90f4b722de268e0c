/// Creating objects behind a pointer slot: shared by `StructBuilder`, `ListBuilder` and the root.
extension MessageBuilder {
    /// A new zeroed struct behind `slot`.
    @inlinable
    func initStruct(slot: UnsafeMutableRawPointer, segment: Int, dataWords: Int, pointerCount: Int) -> StructBuilder {
        let (seg, object) = allocateObject(words: dataWords &+ pointerCount, slot: slot, slotSegment: segment,
                                           tag: WirePointer.structTag(dataWords: dataWords, pointerCount: pointerCount))
        return StructBuilder(builder: self, segment: seg, data: object, pointers: object + dataWords &* 8,
                             dataBits: dataWords &* 64, pointerCount: pointerCount)
    }

    /// The struct behind `slot`; created when null, enlarged (copied) when smaller than asked.
    func getStruct(slot: UnsafeMutableRawPointer, segment: Int, dataWords: Int, pointerCount: Int) -> StructBuilder {
        guard let t = resolveBuilt(slot: slot, segment: segment), WirePointer.kind(t.tag) == WirePointer.structKind else {
            return initStruct(slot: slot, segment: segment, dataWords: dataWords, pointerCount: pointerCount)
        }
        let oldData = WirePointer.structDataWords(t.tag)
        let oldPointers = WirePointer.structPointerCount(t.tag)
        let object = segments[t.segment].base + t.word * 8
        if oldData >= dataWords && oldPointers >= pointerCount {
            return StructBuilder(builder: self, segment: t.segment, data: object, pointers: object + oldData * 8,
                                 dataBits: oldData * 64, pointerCount: oldPointers)
        }
        // Schema evolution on the write side: move to a larger struct; data is copied and every
        // pointer re-aimed at its existing target (far pointers as needed). The old copy is zeroed.
        let fresh = initStruct(slot: slot, segment: segment, dataWords: max(oldData, dataWords),
                               pointerCount: max(oldPointers, pointerCount))
        fresh.data.copyMemory(from: object, byteCount: oldData * 8)
        for i in 0..<oldPointers {
            let oldSlot = object + (oldData + i) * 8
            if let target = resolveBuilt(slot: oldSlot, segment: t.segment) {
                let newSlot = fresh.pointers + i * 8
                if WirePointer.kind(target.tag) == WirePointer.otherKind {
                    newSlot.storeBytes(of: target.tag, as: UInt64.self)
                } else if WirePointer.kind(target.tag) == WirePointer.structKind && WirePointer.structDataWords(target.tag) == 0 && WirePointer.structPointerCount(target.tag) == 0 {
                    newSlot.storeBytes(of: WirePointer.emptyStruct, as: UInt64.self)
                } else {
                    let cleanTag = target.tag & ~UInt64(0xFFFF_FFFC)  // keep kind and sizes, offset 0
                    pointTo(slot: newSlot, slotSegment: fresh.segment, targetSegment: target.segment,
                            targetWord: target.word, tag: cleanTag)
                }
            }
        }
        object.initializeMemory(as: UInt8.self, repeating: 0, count: (oldData + oldPointers) * 8)
        return fresh
    }

    /// The list behind `slot` as a builder, nil when null or not a list.
    func getList(slot: UnsafeMutableRawPointer, segment: Int) -> ListBuilder? {
        guard let t = resolveBuilt(slot: slot, segment: segment), WirePointer.kind(t.tag) == WirePointer.listKind else { return nil }
        let object = segments[t.segment].base + t.word * 8
        let sizeCode = WirePointer.listElementSize(t.tag)
        if sizeCode == ElementSize.inlineComposite.rawValue {
            let tag = object.loadUnaligned(as: UInt64.self)
            let dataWords = WirePointer.structDataWords(tag), pointerCount = WirePointer.structPointerCount(tag)
            return ListBuilder(builder: self, segment: t.segment, start: object + 8, count: WirePointer.tagElementCount(tag),
                               stepBits: (dataWords + pointerCount) * 64, dataBits: dataWords * 64,
                               pointerCount: pointerCount, sizeCode: sizeCode)
        }
        let size = ElementSize(rawValue: sizeCode)!
        let isPointer = size == .pointer
        return ListBuilder(builder: self, segment: t.segment, start: object, count: WirePointer.listCount(t.tag),
                           stepBits: size.bitsPerElement, dataBits: isPointer ? 0 : size.bitsPerElement,
                           pointerCount: isPointer ? 1 : 0, sizeCode: sizeCode)
    }

    /// A new zeroed list of `count` non-struct elements behind `slot`; with `overwritten` the
    /// caller fills every element's bytes itself, so only the padding after them is cleared.
    @inlinable
    func initList(slot: UnsafeMutableRawPointer, segment: Int, elementSize: ElementSize, count: Int,
                  overwritten: Bool = false) -> ListBuilder {
        precondition(elementSize != .inlineComposite, "use initStructList for struct lists")
        precondition(count >= 0 && count < 1 << 29, "list too long for Cap'n Proto")
        let step = elementSize.bitsPerElement
        let words = (count &* step &+ 63) >> 6
        let (seg, object) = allocateObject(words: words, slot: slot, slotSegment: segment,
                                           tag: WirePointer.listTag(elementSize, count: count),
                                           overwritten: overwritten && elementSize != .pointer)
        let isPointer = elementSize == .pointer
        return ListBuilder(builder: self, segment: seg, start: object, count: count, stepBits: step,
                           dataBits: isPointer ? 0 : step, pointerCount: isPointer ? 1 : 0, sizeCode: elementSize.rawValue)
    }

    /// A new zeroed inline-composite list of `count` structs behind `slot`.
    @inlinable
    func initStructList(slot: UnsafeMutableRawPointer, segment: Int, count: Int, dataWords: Int, pointerCount: Int) -> ListBuilder {
        let perElement = dataWords &+ pointerCount
        let words = count &* perElement
        precondition(count >= 0 && words < 1 << 29, "list too long for Cap'n Proto")
        let (seg, object) = allocateObject(words: words &+ 1, slot: slot, slotSegment: segment,
                                           tag: WirePointer.listTag(.inlineComposite, count: words))
        // The tag word: a struct pointer whose offset field holds the element count.
        object.storeBytes(of: WirePointer.withOffset(WirePointer.structTag(dataWords: dataWords, pointerCount: pointerCount), count),
                          as: UInt64.self)
        return ListBuilder(builder: self, segment: seg, start: object + 8, count: count, stepBits: perElement &* 64,
                           dataBits: dataWords &* 64, pointerCount: pointerCount, sizeCode: ElementSize.inlineComposite.rawValue)
    }

    /// Writes a byte list behind `slot`: text gets a NUL terminator, data does not.
    @inlinable
    func setBytes(slot: UnsafeMutableRawPointer, segment: Int, _ bytes: UnsafeRawBufferPointer, text: Bool) {
        let count = bytes.count &+ (text ? 1 : 0)
        precondition(count < 1 << 29, "blob too long for Cap'n Proto")
        let (_, object) = allocateObject(words: (count &+ 7) >> 3, slot: slot, slotSegment: segment,
                                         tag: WirePointer.listTag(.byte, count: count), overwritten: true)
        if let b = bytes.baseAddress, bytes.count > 0 { object.copyMemory(from: b, byteCount: bytes.count) }
    }

    /// `setBytes` for a Swift string's UTF-8.
    @inlinable
    func setText(slot: UnsafeMutableRawPointer, segment: Int, _ s: String) {
        var s = s
        s.withUTF8 { setBytes(slot: slot, segment: segment, UnsafeRawBufferPointer($0), text: true) }
    }
}
