import Testing
import Capnp
import TestSupport

/// `reset()` leaves an earlier message's bytes in the arena and clears words only as they are
/// handed out again, skipping the clearing for objects a copy overwrites. Whatever came before,
/// a reused builder must write exactly the bytes a fresh one writes.
@Suite struct ArenaReuseTests {
    /// Builds one random message: a struct with scalars left at zero or set, text and data of
    /// random lengths, primitive lists filled in bulk (the no-clearing path), bit lists, a copied
    /// list, a nested struct with unset fields, and a struct list.
    static func build(_ b: MessageBuilder, _ rng: inout SplitMix64, source: ListReader) throws {
        let root = b.initRoot(dataWords: 3, pointerCount: 7)
        if rng.next() % 2 == 0 { root.setScalar(rng.next(), at: 8) }
        let textLength = Int(rng.next() % 40)
        root.setText(0, String(repeating: "x", count: textLength))
        let data = (0..<Int(rng.next() % 70)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        root.setData(1, data)
        let values = (0..<Int(rng.next() % 30)).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
        let ints = root.initList(2, elementSize: .fourBytes, count: values.count, overwritten: true)
        _ = ints.withUnsafeMutableScalars(as: UInt32.self) { dst in
            for (i, v) in values.enumerated() { dst[i] = v }
        }
        let bits = root.initList(3, elementSize: .bit, count: Int(rng.next() % 100))
        for i in 0..<bits.count where rng.next() % 3 == 0 { bits.setBool(true, at: i) }
        if rng.next() % 2 == 0 { try root.setList(4, copying: source) }
        let nested = root.initStruct(5, dataWords: 2, pointerCount: 2)
        if rng.next() % 2 == 0 { nested.setScalar(UInt16(7), at: 2) }
        let structs = root.initStructList(6, count: Int(rng.next() % 5), dataWords: 1, pointerCount: 1)
        for i in 0..<structs.count where rng.next() % 2 == 0 { structs.structElement(at: i).setScalar(UInt8(9), at: 0) }
    }

    @Test func aReusedBuilderWritesWhatAFreshOneWrites() throws {
        // A source list with an odd element count, so the copy leaves a partial last word.
        let sourceBuilder = MessageBuilder()
        let src = sourceBuilder.initRoot(dataWords: 0, pointerCount: 1).initList(0, elementSize: .twoBytes, count: 5)
        for i in 0..<5 { src.setScalar(UInt16(0xBEEF &+ i), at: i) }
        let source = try sourceBuilder.rootReader().listField(0)
        var rng = TestSeed.generator("aReusedBuilderWritesWhatAFreshOneWrites", default: 11)
        let reused = MessageBuilder(firstSegmentWords: 4096)
        // Dirty the arena with bytes that are never zero.
        let junk = reused.initRoot(dataWords: 0, pointerCount: 1).initList(0, elementSize: .eightBytes, count: 4000)
        for i in 0..<4000 { junk.setScalar(UInt64.max, at: i) }
        for round in 0..<300 {
            reused.reset()
            var copy = rng
            try Self.build(reused, &rng, source: source)
            let fresh = MessageBuilder(firstSegmentWords: 4096)
            try Self.build(fresh, &copy, source: source)
            #expect(Framing.encode(reused) == Framing.encode(fresh), "round \(round)")
        }
    }
}
