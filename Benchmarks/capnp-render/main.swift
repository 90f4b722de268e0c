// capnp-render-bench: renders a stream of Everything messages (Tests/CodegenTests/Fixtures)
// with the generated Readers and TextRenderer, for a side-by-side run against `capnp decode`
// (make bench-capnp-codegen). Compiled by swiftc together with the generated fixture code.
//
//   capnp-render-bench generate COUNT FILE     write COUNT varied messages (standard framing)
//   capnp-render-bench render STYLE FILE       print them (pretty | short | json) on stdout
import Capnp
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    fputs("capnp-render-bench: \(message)\n", stderr)
    exit(1)
}

func readFile(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { fail("\(path): cannot open") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        out += chunk[0..<n]
    }
    return out
}

func generate(count: Int, path: String) {
    let b = MessageBuilder()
    var out: [UInt8] = []
    for i in 0..<count {
        b.reset()
        let e = b.initRoot(Everything.Builder.self)
        e.int32Field = Int32(truncatingIfNeeded: i &* 7919)
        e.int64Field = Int64(i) * 1_000_000_007
        e.uint16Field = UInt16(truncatingIfNeeded: i)
        e.float64Field = Double(i) / 7
        e.float32Field = Float(i) * 0.25
        e.boolField = i % 2 == 0
        e.setTextField("record \(i) \"quoted\"\n")
        e.enumField = Color(rawValue: UInt16(i % 5))
        e.setInt64List((0..<(i % 16)).map { Int64($0 * i) })
        e.setTextList(["a\(i)", "b", "c"])
        let p = e.initPoint()
        p.x = Double(i)
        p.y = -Double(i) / 3
        p.setLabel("p\(i)")
        if i % 3 == 0 { e.number = Int32(i) } else { e.setWord("w\(i)") }
        e.outer.inner.setB("inner")
        Framing.append(b, to: &out)
    }
    guard let f = fopen(path, "wb") else { fail("\(path): cannot create") }
    _ = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

func render(style: TextRenderer.Style, path: String) throws {
    let bytes = readFile(path)
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 8), alignment: 8)
    defer { storage.deallocate() }
    storage.copyBytes(from: bytes)
    var r = TextRenderer(style: style)
    var offset = 0
    while offset < bytes.count {
        let (message, n) = try Framing.decode(UnsafeRawBufferPointer(rebasing: storage[offset..<bytes.count]))
        try message.root(as: Everything.Reader.self).render(into: &r)
        r.endMessage()
        offset += n
        if r.bytes.count > 1 << 20 {
            _ = r.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
            r.reset()
        }
    }
    _ = r.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
}

let args = CommandLine.arguments
do {
    switch (args.count, args.count > 1 ? args[1] : "") {
    case (4, "generate"): generate(count: Int(args[2]) ?? 0, path: args[3])
    case (4, "render"):
        let styles: [String: TextRenderer.Style] = ["pretty": .capnpPretty, "short": .capnpText, "json": .json]
        guard let style = styles[args[2]] else { fail("unknown style \(args[2])") }
        try render(style: style, path: args[3])
    default: fail("usage: capnp-render-bench generate COUNT FILE | render pretty|short|json FILE")
    }
} catch {
    fail("\(error)")
}
