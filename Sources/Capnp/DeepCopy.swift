/// Deep copy of reader values into a builder (pass-through tools, filters, `setRoot(copying:)`).
///
/// The source is read through the normal checked accessors, so a malformed or amplifying source
/// throws (bounds, traversal and nesting limits) instead of producing an oversized copy.
extension MessageBuilder {
    /// Replaces the root with a deep copy of `reader`.
    public func setRoot(copying reader: StructReader) throws {
        try copyStruct(reader, slot: rootSlot, segment: 0)
    }

    /// Replaces the root with a deep copy of whatever `reader` points at (struct, list, blob).
    public func setRoot(copying reader: AnyPointerReader) throws {
        try copyPointer(reader, slot: rootSlot, segment: 0)
    }

    func copyStruct(_ source: StructReader, slot: UnsafeMutableRawPointer, segment: Int) throws {
        let dataBits = Int(source.dataBits)
        let dataWords = (dataBits + 63) >> 6
        let target = initStruct(slot: slot, segment: segment, dataWords: dataWords, pointerCount: source.pointerCount)
        copyStructBody(source, into: target)
        try copyStructPointers(source, into: target)
    }

    /// Copies the data section; sub-byte sections (a Bool list element read as a struct) copy just bit 0.
    func copyStructBody(_ source: StructReader, into target: StructBuilder) {
        let dataBits = Int(source.dataBits)
        if dataBits >= 8 {
            target.data.copyMemory(from: source.data, byteCount: dataBits >> 3)
        } else if dataBits > 0 {
            target.data.storeBytes(of: source.data.load(as: UInt8.self) & 1, as: UInt8.self)
        }
    }

    func copyStructPointers(_ source: StructReader, into target: StructBuilder) throws {
        for i in 0..<source.pointerCount {
            try copyPointer(source.anyPointerField(i), slot: target.pointers + i * 8, segment: target.segment)
        }
    }

    /// Copies the object `source` points at into a new object behind `slot` (null stays null).
    func copyPointer(_ source: AnyPointerReader, slot: UnsafeMutableRawPointer, segment: Int) throws {
        guard let kind = try source.kind() else {
            slot.storeBytes(of: 0, as: UInt64.self)
            return
        }
        switch kind {
        case .struct: try copyStruct(try source.asStruct(), slot: slot, segment: segment)
        case .list: try copyList(try source.asList(), slot: slot, segment: segment)
        case .capability:
            throw source.message.pointerError(.unsupported, slotSegment: source.segment, slot: source.slot,
                                              "capability pointers cannot be copied (no RPC support)")
        }
    }

    func copyList(_ source: ListReader, slot: UnsafeMutableRawPointer, segment: Int) throws {
        let count = source.count
        switch source.elementSize {
        case .inlineComposite:
            let dataWords = Int(source.dataBits) >> 6
            let target = initStructList(slot: slot, segment: segment, count: count, dataWords: dataWords,
                                        pointerCount: source.elementPointerCount)
            for i in 0..<count {
                let from = source.structElement(at: i)
                let to = target.structElement(at: i)
                copyStructBody(from, into: to)
                if from.pointerCount > 0 { try copyStructPointers(from, into: to) }
            }
        case .pointer:
            let target = initList(slot: slot, segment: segment, elementSize: .pointer, count: count)
            for i in 0..<count {
                try copyPointer(source.anyPointerElement(at: i), slot: target.pointerSlot(i), segment: target.segment)
            }
        case let size:
            let target = initList(slot: slot, segment: segment, elementSize: size, count: count, overwritten: true)
            let bytes = source.rawBytes
            if let b = bytes.baseAddress, bytes.count > 0 { target.start.copyMemory(from: b, byteCount: bytes.count) }
        }
    }
}
