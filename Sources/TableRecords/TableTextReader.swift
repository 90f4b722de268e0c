import Columns
import Pipes

/// Reads a delimited text table from a file descriptor in 1 MiB reads, handing on batches as
/// the parser fills them: bounded memory for input of any size.
public enum TableTextReader {
    /// Parses the text on `fd` with `parser`; `body` gets the schema and each batch.
    /// Parse errors come back as `PipesError`s naming `source`.
    public static func read(fd: Int32, source: String, parser: inout TableTextParser,
                            _ body: (Columns.TableSchema, ColumnBatch) throws -> Void) throws {
        do {
            try FileIO.forEachChunk(fd, source: source) { try parser.feed($0, body) }
            try parser.finish(body)
        } catch let e as ColumnsError {
            throw PipesError(.invalidMessage, source: source, e.message)
        }
    }
}
