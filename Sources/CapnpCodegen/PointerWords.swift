import Capnp

/// Turns a pointer value of the request (a struct/list default or constant) into the words of a
/// standalone single-segment message whose root pointer points at it: the form
/// `DefaultValue(words:)` embeds in generated code.
enum PointerWords {
    static func copy(_ pointer: AnyPointerReader) throws -> [UInt64]? {
        if pointer.isNull { return nil }
        var size = 256
        while true {
            let builder = MessageBuilder(firstSegmentWords: size)
            try builder.setRoot(copying: pointer)
            if builder.segmentCount == 1 {
                let bytes = builder.segmentBytes(0)
                return (0..<bytes.count / 8).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
            }
            // Spilled into a second segment: retry with room for everything in one.
            size = builder.totalWords + 16
        }
    }
}
