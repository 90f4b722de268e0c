import ArgumentParser
import Columns
import Pipes
import TableRecords
import ToolKit

/// What the table subcommands read: delimited text with a header, or a stream (table, events
/// or seq-blocks; the header says which).
enum TableInputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, stream
}

extension TimeUnit: ExpressibleByArgument {}

/// The options of every subcommand that reads rows.
struct TableInputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("What the inputs are: text (TSV/CSV with a header line) or stream (table, events or seq-blocks).", valueName: "format"))
    var inputFormat: TableInputFormat?

    @Option(name: .customLong("null"), help: ArgumentHelp("Text inputs: also read <token> as null (repeatable, e.g. NA); an empty field always is.", valueName: "token"))
    var nullTokens: [String] = []

    @Option(help: ArgumentHelp("Text inputs: the field separator, one character or 'tab' (default: a tab unless the header has only commas).", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Text inputs: separates the elements of a list field (default: a space).", valueName: "char"))
    var listSeparator: String = " "

    @Option(help: ArgumentHelp("The unit of time fields: of an events stream's times, or of a time column inferred from text (s, ms, us, ns).", valueName: "unit"))
    var timeUnit: TimeUnit = .none

    func validate() throws {
        if let d = delimiter, d != "tab", d.utf8.count != 1 { throw ValidationError("--delimiter wants one character or 'tab', not '\(d)'") }
        guard listSeparator.utf8.count == 1 else { throw ValidationError("--list-separator wants one character, not '\(listSeparator)'") }
    }

    /// The text parser's options.
    var textOptions: TableTextParser.Options {
        var o = TableTextParser.Options()
        o.nullTokens = nullTokens
        o.listSeparator = listSeparator.utf8.first!
        if let d = delimiter { o.delimiter = d == "tab" ? 9 : d.utf8.first! }
        return o
    }
}

/// Reads every input as one table: all inputs must have the first one's schema.
struct TableInput {
    let tool: ToolContext
    let options: TableInputOptions
    let format: TableInputFormat
    /// Text inputs are parsed with this schema instead of inferring one.
    var schema: TableSchema? = nil

    /// Calls `onSchema` once (before any batch, also for empty input), then `body` per batch.
    func read(_ paths: [String], onSchema: (TableSchema) throws -> Void, _ body: (ColumnBatch) throws -> Void) throws {
        var first: TableSchema? = nil
        func adopt(_ s: TableSchema, _ source: String) throws {
            if let f = first {
                guard Self.sameColumns(f, s) else { throw ToolError(source, "its columns differ from the first input's") }
            } else {
                first = s
                try onSchema(s)
            }
        }
        for path in paths {
            switch format {
            case .text:
                let input = try tool.openInput(path)
                var parser = TableTextParser(schema: schema, options: options.textOptions)
                try TableTextReader.read(fd: input.fd, source: input.name, parser: &parser) { s, batch in
                    try adopt(stamped(s), input.name)
                    try body(batch)
                }
                if let s = parser.schema { try adopt(stamped(s), input.name) }
            case .stream:
                let reader = TableStreamReader(try tool.openStream(path, resolve: { try TableStreamReader.resolve($0, source: path == "-" ? "stdin" : path) }),
                                               timeUnit: options.timeUnit)
                try adopt(try reader.readSchema(), reader.stream.source)
                while let batch = try reader.next() { try body(batch) }
            }
        }
        if first == nil { throw ToolError("input", "no table found") }
    }

    /// An inferred schema's time field gets `--time-unit` (text does not say its unit).
    private func stamped(_ s: TableSchema) -> TableSchema {
        guard schema == nil, options.timeUnit != .none else { return s }
        var out = s
        out.fields = s.fields.map { var f = $0; if f.role == .time { f.timeUnit = options.timeUnit }; return f }
        return out
    }

    /// Same fields (names, types, nullability) in the same order; ids and roles may differ.
    static func sameColumns(_ a: TableSchema, _ b: TableSchema) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy {
            $0.name == $1.name && $0.type == $1.type && $0.isList == $1.isList && $0.nullable == $1.nullable
        }
    }
}
