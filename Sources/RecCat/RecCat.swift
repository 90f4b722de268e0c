import ArgumentParser
import Capnp
import Pipes
import ToolKit

/// `rec-cat`: print, count, check or cut any Sluice stream; the header says what it is.
public struct RecCat: SluiceCommand {
    /// Name, help text and version.
    public static let configuration = CommandConfiguration(
        commandName: "rec-cat",
        abstract: "Print, count, check or cut any Sluice stream.",
        discussion: "Each input is one stream. Without a mode flag every frame (header, records, trailer) is printed as one line of Cap'n Proto text. See rec-cat(1).",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions
    @OptionGroup var inputs: InputFiles

    @Flag(help: "Print JSON Lines (one object per frame) instead of Cap'n Proto text.")
    var json = false

    @Flag(help: "Print the number of records of each stream (after checking it is whole).")
    var count = false

    @Option(help: ArgumentHelp("Write a binary stream of the first <n> records, with its own trailer.", valueName: "n"))
    var head: Int?

    @Flag(help: "Check framing, header, every record's pointers and the trailer; the exit status says whether each stream is whole.")
    var check = false

    /// Required by argument-parser.
    public init() {}

    /// Rejects conflicting modes and negative counts (usage errors, exit 2).
    public func validate() throws {
        let modes = [count, head != nil, check].filter { $0 }.count
        if modes > 1 { throw ValidationError("--count, --head and --check exclude each other") }
        if json && (count || check) { throw ValidationError("--json prints frames; it does not combine with --count or --check") }
        if let n = head, n < 0 { throw ValidationError("--head must be at least 0, not \(n)") }
    }

    /// Prints, counts, checks or cuts each input.
    public func run(_ tool: ToolContext) throws {
        if let n = head {
            try StreamCutter(tool: tool, json: json).copy(first: n, of: inputs.paths)
            return
        }
        let paths = inputs.paths
        let out = try tool.frameWriter()
        for path in paths {
            let stream = try tool.openStream(path) { try StreamCatalog.resolve($0, source: path == "-" ? "stdin" : path).kind }
            if count || check {
                let records = try StreamWalker.walk(stream, validate: check, progress: tool.progress)
                let prefix = paths.count > 1 || check ? "\(stream.source): " : ""
                let line = check ? "\(prefix)\(stream.header): \(records) records, whole\n" : "\(prefix)\(records)\n"
                try out.write(text: line)
            } else {
                // A viewer shows what it could read before the error (the error line follows).
                do { try StreamPrinter.print(stream, json: json, to: out) } catch { try? out.flush(); throw error }
            }
        }
        try out.flush()
    }
}
