/// Accumulates Swift source with indentation, so emitters state structure, not spaces.
struct CodeWriter {
    private(set) var text = ""
    private var depth = 0

    /// One line at the current indentation (empty lines stay empty); a string with newlines
    /// is indented line by line.
    mutating func line(_ s: String = "") {
        for l in s.split(separator: "\n", omittingEmptySubsequences: false) {
            if l.isEmpty {
                text += "\n"
            } else {
                text += String(repeating: "    ", count: depth) + l + "\n"
            }
        }
    }

    /// `header {`, the body one level deeper, then `}`.
    mutating func block(_ header: String, _ body: (inout CodeWriter) throws -> Void) rethrows {
        line(header + " {")
        depth += 1
        try body(&self)
        depth -= 1
        line("}")
    }

    /// A schema doc comment as `///` lines.
    mutating func doc(_ comment: String?) {
        guard let comment, !comment.isEmpty else { return }
        var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingSpaces.isEmpty { lines.removeLast() }
        for l in lines {
            let t = l.hasPrefix(" ") ? String(l.dropFirst()) : l
            line(t.isEmpty ? "///" : "/// " + t)
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
