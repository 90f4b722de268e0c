/// Something that prints itself through a `TextRenderer`: generated struct Readers, and the
/// typed list views of this module. This is what lets a tool print any frame without a
/// schema file at hand.
public protocol CapnpRenderable {
    func render(into r: inout TextRenderer) throws
}

/// A generated enum that knows its enumerant names (for printing).
public protocol CapnpRenderableEnum {
    var rawValue: UInt16 { get }
    /// Schema names indexed by raw value.
    static var enumerantNames: [StaticString] { get }
}

/// Renders values the way `capnp decode` prints them (`.capnpPretty` is its default form,
/// `.capnpText` its `--short` form), or as JSON.
///
/// Generated `render(into:)` methods drive it with begin/end and value calls; the renderer
/// owns separators and layout. Output accumulates as UTF-8 bytes (`bytes`, or `output` as a
/// String); call `endMessage()` after each root to get one message per line as `capnp decode`
/// (and JSON Lines) do.
///
/// JSON form (our choice; `capnp` has no JSON decode): one compact object per message; field
/// names as in the schema; null pointers left out (as in the text forms); Int64/UInt64 as JSON
/// numbers (exact, though JavaScript readers lose precision past 2^53); Float32/64 as the
/// shortest round-tripping decimal, NaN/infinities as the strings "NaN", "Infinity",
/// "-Infinity"; Data as a base64 string (RFC 4648, padded); enums as their name string, or
/// their number when unknown; Void as null; unions as just the active member; AnyPointer
/// (untyped, cannot be printed without a schema) as null.
public struct TextRenderer {
    public enum Style: Sendable {
        /// One line per message, like `capnp decode --short`.
        case capnpText
        /// Indented multi-line text, like `capnp decode`.
        case capnpPretty
        /// One compact JSON object per message.
        case json
    }

    public let style: Style
    /// The rendered UTF-8 bytes so far.
    public private(set) var bytes: [UInt8] = []
    /// The rendered text so far.
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Containers being printed.
    private var stack: [Frame] = []
    /// Field name announced by `field(_:)` for the next value.
    private var pendingField: StaticString?
    /// Pretty style: where each unfinished item starts in `bytes`, and whether it spans lines.
    /// Items are written without separators; a container's layout is decided, and its text
    /// rewritten in place, when it ends (no allocation per item).
    private var itemStarts: [Int] = []
    private var itemMultiline: [Bool] = []
    /// Reused buffer for laying out one container.
    private var scratch: [UInt8] = []

    private struct Frame {
        var isRecord: Bool
        /// Compact styles: no item written yet.
        var first = true
        /// Pretty style: a field value (opens with a newline when multi-line) rather than a
        /// value that starts its own line (the root, a list element).
        var isFieldValue = false
        /// Pretty style: offset of the container's first item in `bytes`, and index of its
        /// first entry in `itemStarts`.
        var start = 0
        var firstItem = 0
    }

    public init(style: Style = .capnpText) {
        self.style = style
        bytes.reserveCapacity(256)
    }

    /// Forgets the output (keeps the buffer's capacity for the next message).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        itemStarts.removeAll(keepingCapacity: true)
        itemMultiline.removeAll(keepingCapacity: true)
        pendingField = nil
    }

    // MARK: structure

    public mutating func beginStruct() { begin(record: true) }
    public mutating func endStruct() { end(open: style == .json ? 0x7B : 0x28, close: style == .json ? 0x7D : 0x29) }
    public mutating func beginList() { begin(record: false) }
    public mutating func endList() { end(open: 0x5B, close: 0x5D) }

    /// Names the next value (a struct field).
    public mutating func field(_ name: StaticString) { pendingField = name }

    /// Ends one message: a newline, as `capnp decode` and JSON Lines separate messages.
    public mutating func endMessage() { bytes.append(0x0A) }

    // MARK: values

    public mutating func void() { emit { $0 += $1 == .json ? TextRenderer.null : TextRenderer.voidWord } }
    public mutating func bool(_ v: Bool) { emit { out, _ in out += v ? TextRenderer.trueWord : TextRenderer.falseWord } }
    public mutating func int<T: FixedWidthInteger>(_ v: T) { emit { out, _ in NumberFormat.decimal(v, into: &out) } }

    public mutating func float32(_ v: Float) {
        emit { out, style in
            if style == .json { NumberFormat.json(Double(v), shortest: v.description, into: &out) } else { NumberFormat.capnp(v, into: &out) }
        }
    }

    public mutating func float64(_ v: Double) {
        emit { out, style in
            if style == .json { NumberFormat.json(v, shortest: v.description, into: &out) } else { NumberFormat.capnp(v, into: &out) }
        }
    }

    /// Text bytes (UTF-8, no NUL terminator).
    public mutating func text(bytes: UnsafeRawBufferPointer) {
        emit { out, style in
            if style == .json { JSONFormat.string(bytes, into: &out) } else { Escape.quoted(bytes, escapeHigh: false, into: &out) }
        }
    }

    /// Data bytes.
    public mutating func data(bytes: UnsafeRawBufferPointer) {
        emit { out, style in
            if style == .json { JSONFormat.base64(bytes, into: &out) } else { Escape.quoted(bytes, escapeHigh: true, into: &out) }
        }
    }

    /// An enum value: its schema name, or its number when the schema does not know it
    /// (`(7)` as `capnp decode` prints it; a bare number in JSON).
    public mutating func enumerant<E: CapnpRenderableEnum>(_ e: E) {
        let names = E.enumerantNames
        let raw = Int(e.rawValue)
        emit { out, style in
            if raw < names.count {
                let name = names[raw]
                let utf8 = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
                if style == .json { out.append(0x22) }
                out += utf8
                if style == .json { out.append(0x22) }
            } else if style == .json {
                NumberFormat.decimal(raw, into: &out)
            } else {
                out.append(0x28)
                NumberFormat.decimal(raw, into: &out)
                out.append(0x29)
            }
        }
    }

    /// An AnyPointer: untyped, so only its presence can be shown.
    public mutating func opaquePointer() { emit { $0 += $1 == .json ? TextRenderer.null : TextRenderer.opaqueWord } }

    // MARK: layout

    private static let null = Array("null".utf8)
    private static let voidWord = Array("void".utf8)
    private static let trueWord = Array("true".utf8)
    private static let falseWord = Array("false".utf8)
    private static let opaqueWord = Array("<opaque pointer>".utf8)

    private var pretty: Bool { style == .capnpPretty }

    /// Writes one value: after the separator and field name (compact styles), or as a new item
    /// of the current container (pretty style).
    @inline(__always)
    private mutating func emit(_ write: (inout [UInt8], Style) -> Void) {
        if pretty { startItem() } else { separator() }
        write(&bytes, style)
    }

    /// Pretty style: opens an item of the current container (with its `name = ` prefix).
    private mutating func startItem() {
        guard !stack.isEmpty else { pendingField = nil; return }
        itemStarts.append(bytes.count)
        itemMultiline.append(false)
        if let name = pendingField {
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(0x20); bytes.append(0x3D); bytes.append(0x20)   // " = "
            pendingField = nil
        }
    }

    /// Compact styles: the separator and field name before a value.
    private mutating func separator() {
        guard !stack.isEmpty, !pretty else { pendingField = nil; return }
        if stack[stack.count - 1].first {
            stack[stack.count - 1].first = false
        } else {
            bytes.append(0x2C)
            if style != .json { bytes.append(0x20) }
        }
        if let name = pendingField {
            let utf8 = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if style == .json {
                bytes.append(0x22); bytes += utf8; bytes.append(0x22); bytes.append(0x3A)
            } else {
                bytes += utf8; bytes.append(0x20); bytes.append(0x3D); bytes.append(0x20)
            }
            pendingField = nil
        }
    }

    private mutating func begin(record: Bool) {
        if pretty {
            let isFieldValue = pendingField != nil
            startItem()
            stack.append(Frame(isRecord: record, isFieldValue: isFieldValue, start: bytes.count, firstItem: itemStarts.count))
        } else {
            separator()
            stack.append(Frame(isRecord: record))
            bytes.append(record ? (style == .json ? 0x7B : 0x28) : 0x5B)
        }
    }

    private mutating func end(open: UInt8, close: UInt8) {
        guard let frame = stack.popLast() else { return }
        guard pretty else { bytes.append(close); return }
        // capnp's layout: a container prints on one line when every item is short (at most
        // 24 bytes, one line) and, for structs, the items total at most 64 bytes; otherwise
        // one item per line, indented two spaces per level. A value that starts its own line
        // (the root, a list element) opens with a space; a field value opens with a newline.
        let count = itemStarts.count - frame.firstItem
        func itemRange(_ i: Int) -> Range<Int> {
            let k = frame.firstItem + i
            return itemStarts[k] ..< (k + 1 < itemStarts.count ? itemStarts[k + 1] : bytes.count)
        }
        var inline = true
        var total = 0
        for i in 0..<count {
            let length = itemRange(i).count
            if length > 24 || itemMultiline[frame.firstItem + i] { inline = false; break }
            total += length
            if frame.isRecord && total > 64 { inline = false; break }
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(open)
        let indent = 2 * (stack.count + 1)
        for i in 0..<count {
            if i == 0 {
                if !inline {
                    if frame.isFieldValue { newline(indent) } else { scratch.append(0x20) }
                }
            } else if inline {
                scratch.append(0x2C); scratch.append(0x20)
            } else {
                scratch.append(0x2C)
                newline(indent)
            }
            scratch += bytes[itemRange(i)]
        }
        if !inline && count > 0 { scratch.append(0x20) }
        scratch.append(close)
        bytes.removeSubrange(frame.start...)
        bytes += scratch
        itemStarts.removeSubrange(frame.firstItem...)
        itemMultiline.removeSubrange(frame.firstItem...)
        if !inline && count > 0 && !itemMultiline.isEmpty && !stack.isEmpty {
            itemMultiline[itemMultiline.count - 1] = true
        }
    }

    private mutating func newline(_ indent: Int) {
        scratch.append(0x0A)
        for _ in 0..<indent { scratch.append(0x20) }
    }

}

extension CapnpRenderable {
    /// This value alone, as one line of `capnp decode --short` text (or another style), without
    /// a trailing newline. Throws when the message is malformed.
    public func rendered(_ style: TextRenderer.Style = .capnpText) throws -> String {
        var r = TextRenderer(style: style)
        try render(into: &r)
        return r.output
    }
}
