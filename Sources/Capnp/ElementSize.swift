/// The element size code of a list pointer (bits 32-34 of the pointer word).
public enum ElementSize: UInt8, Sendable {
    case void = 0, bit, byte, twoBytes, fourBytes, eightBytes, pointer, inlineComposite

    /// Bits one element occupies in a non-composite list (inline composite: 0, sized by its tag).
    @inlinable public var bitsPerElement: Int {
        switch self {
        case .void: return 0
        case .bit: return 1
        case .byte: return 8
        case .twoBytes: return 16
        case .fourBytes: return 32
        case .eightBytes, .pointer: return 64
        case .inlineComposite: return 0
        }
    }
}
