/// Text taken from an input (a name in a stream, a message of a lower layer) made safe to put
/// inside an error message: control characters (a newline in a mutated name) are written as
/// escapes, so the error stays the single line every tool promises.
public func oneLine(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
        if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
    }
    return out
}
