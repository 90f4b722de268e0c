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

    /// Containers being printed (pretty style keeps their finished items for layout).
    private var stack: [Frame] = []
    /// Field name announced by `field(_:)` for the next value.
    private var pendingField: StaticString?

    private struct Frame {
        var isRecord: Bool
        var fieldName: StaticString?
        var first = true
        var items: [[UInt8]] = []
    }

    public init(style: Style = .capnpText) {
        self.style = style
        bytes.reserveCapacity(256)
    }

    /// Forgets the output (keeps the buffer's capacity for the next message).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
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

    public mutating func void() { atom(style == .json ? "null" : "void") }
    public mutating func bool(_ v: Bool) { atom(v ? "true" : "false") }
    public mutating func int<T: FixedWidthInteger>(_ v: T) { atom(String(v)) }

    public mutating func float32(_ v: Float) {
        atom(style == .json ? NumberFormat.json(Double(v), shortest: v.description) : NumberFormat.capnp(v))
    }

    public mutating func float64(_ v: Double) {
        atom(style == .json ? NumberFormat.json(v, shortest: v.description) : NumberFormat.capnp(v))
    }

    /// Text bytes (UTF-8, no NUL terminator).
    public mutating func text(bytes: UnsafeRawBufferPointer) {
        var out: [UInt8] = []
        if style == .json { JSONFormat.string(bytes, into: &out) } else { Escape.quoted(bytes, escapeHigh: false, into: &out) }
        atom(out)
    }

    /// Data bytes.
    public mutating func data(bytes: UnsafeRawBufferPointer) {
        var out: [UInt8] = []
        if style == .json { JSONFormat.base64(bytes, into: &out) } else { Escape.quoted(bytes, escapeHigh: true, into: &out) }
        atom(out)
    }

    public mutating func enumerant<E: CapnpRenderableEnum>(_ e: E) {
        let names = E.enumerantNames
        let raw = Int(e.rawValue)
        if raw < names.count {
            let name = names[raw]
            let utf8 = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if style == .json {
                atom([0x22] + Array(utf8) + [0x22])
            } else {
                atom(Array(utf8))
            }
        } else {
            atom(style == .json ? String(raw) : "(\(raw))")
        }
    }

    /// An AnyPointer: untyped, so only its presence can be shown.
    public mutating func opaquePointer() { atom(style == .json ? "null" : "<opaque pointer>") }

    // MARK: layout

    private var pretty: Bool { style == .capnpPretty }

    private mutating func atom(_ s: String) { atom(Array(s.utf8)) }

    /// A finished value: appended to the current container (pretty) or to the output.
    private mutating func atom(_ value: [UInt8]) {
        if pretty {
            guard !stack.isEmpty else { bytes += value; pendingField = nil; return }
            var item: [UInt8] = []
            if let name = pendingField {
                item.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                item += [0x20, 0x3D, 0x20]   // " = "
                pendingField = nil
            }
            item += value
            stack[stack.count - 1].items.append(item)
        } else {
            separator()
            bytes += value
        }
    }

    /// Compact styles: the separator and field name before a value.
    private mutating func separator() {
        guard !stack.isEmpty else { pendingField = nil; return }
        if stack[stack.count - 1].first {
            stack[stack.count - 1].first = false
        } else {
            bytes += style == .json ? [0x2C] : [0x2C, 0x20]
        }
        if let name = pendingField {
            let utf8 = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if style == .json {
                bytes.append(0x22); bytes += utf8; bytes += [0x22, 0x3A]
            } else {
                bytes += utf8; bytes += [0x20, 0x3D, 0x20]
            }
            pendingField = nil
        }
    }

    private mutating func begin(record: Bool) {
        if pretty {
            stack.append(Frame(isRecord: record, fieldName: pendingField))
            pendingField = nil
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
        // 24 bytes, no newline) and, for structs, the items total at most 64 bytes; otherwise
        // one item per line, indented two spaces per level. A value that starts its own line
        // (the root, a list element) opens with a space; a field value opens with a newline.
        let indent = 2 * (stack.count + 1)
        var inline = true
        var total = 0
        for item in frame.items {
            if item.count > 24 || item.contains(0x0A) { inline = false; break }
            total += item.count
            if frame.isRecord && total > 64 { inline = false; break }
        }
        var out: [UInt8] = [open]
        if inline {
            for (i, item) in frame.items.enumerated() {
                if i > 0 { out += [0x2C, 0x20] }
                out += item
            }
        } else {
            let newline = [0x0A] + [UInt8](repeating: 0x20, count: indent)
            out += frame.fieldName == nil ? [0x20] : newline
            for (i, item) in frame.items.enumerated() {
                if i > 0 { out.append(0x2C); out += newline }
                out += item
            }
            out.append(0x20)
        }
        out.append(close)
        pendingField = frame.fieldName
        atom(out)
    }
}
