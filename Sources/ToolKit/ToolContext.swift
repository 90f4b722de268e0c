import Capnp
import Pipes

/// What a running tool gets from the runner: its identity, resolved common options, inputs,
/// the output, and stream readers/writers that follow the Sluice conventions.
///
/// Everything created here is tracked: on success the runner checks every stream writer was
/// finished and commits `-o` files; on failure it deletes them and prints one error line.
public final class ToolContext {
    /// The command name, e.g. "rec-cat".
    public let name: String
    /// The tool's version (`--version`), written into stream headers.
    public let version: String
    /// argv after the tool name, recorded in stream headers for provenance.
    public let arguments: [String]
    /// The parsed common options.
    public let options: CommonOptions
    /// Where I/O buffers are allocated.
    public let placement: NumaPlacement
    /// Progress on stderr (silent unless stderr is a terminal).
    public let progress: ProgressLine

    private var outputs: [OutputTarget] = []
    private var writers: [RecordStreamWriter] = []
    private var frameWriters: [FrameWriter] = []
    private var inputFiles: [InputFile] = []
    /// Values a tool handed to `keepUntilExit`.
    private var kept: [Any] = []
    /// The input being read, used to name where a bare Cap'n Proto error came from.
    public internal(set) var currentSource: String?

    init(name: String, version: String, arguments: [String], options: CommonOptions) throws {
        self.name = name
        self.version = version
        self.arguments = arguments
        self.options = options
        placement = try NumaPlacement.resolve(explicitNode: options.numaNode)
        progress = ProgressLine(tool: name)
    }

    // MARK: Inputs

    /// Opens an input path ("-" = stdin); it stays open until the tool ends.
    public func openInput(_ path: String) throws -> InputFile {
        let f = try InputFile(path: path)
        inputFiles.append(f)
        currentSource = f.name
        return f
    }

    /// A frame reader on an input, with this tool's placement and `--packed` setting.
    /// Binary frames never come from a keyboard: a terminal on stdin is a usage error rather
    /// than a tool that silently waits.
    public func frameReader(_ path: String) throws -> FrameReader {
        let f = try openInput(path)
        if f.fd == 0 && Terminal.isTerminal(0) {
            throw ToolError.usage("stdin", "is a terminal; give a file or pipe a stream in")
        }
        let reader = try FrameReader(fd: f.fd, source: f.name, placement: placement, packed: options.packed)
        reader.beforeBlocking = { [unowned self] in try self.flushOutputs() }
        return reader
    }

    /// Opens a stream that must be of `kind`; the header is read and checked.
    public func openStream(_ path: String, expecting kind: StreamKind) throws -> RecordStreamReader {
        try RecordStreamReader(frames: frameReader(path), expecting: kind)
    }

    /// Opens a stream of any kind `resolve` accepts (see `RecordStreamReader.init(frames:resolve:)`).
    public func openStream(_ path: String, resolve: (StreamHeader) throws -> StreamKind) throws -> RecordStreamReader {
        try RecordStreamReader(frames: frameReader(path), resolve: resolve)
    }

    /// Visits every record of every input in order; each input must be a whole stream of
    /// `kind` (header checked first, trailer and count checked at its end). `body` gets the
    /// record's frame root (valid during the call) and the stream it came from.
    public func forEachRecord(in paths: [String], expecting kind: StreamKind,
                              _ body: (StructReader, RecordStreamReader) throws -> Void) throws {
        for path in paths {
            let stream = try openStream(path, expecting: kind)
            while let root = try stream.next() { try body(root, stream) }
        }
    }

    // MARK: Output

    /// The output: the `-o` file (atomic) or stdout. Created once; later calls return it.
    public func output() throws -> OutputTarget {
        if let o = outputs.first { return o }
        let o: OutputTarget
        if let path = options.output, path != "-" {
            o = try OutputTarget(atomicPath: path)
        } else {
            o = OutputTarget.standardOutput()
        }
        outputs.append(o)
        return o
    }

    /// A frame writer on the output, with `--packed` and this tool's placement. Its pending
    /// frames are flushed whenever an input of this tool would block.
    public func frameWriter() throws -> FrameWriter {
        let o = try output()
        let w = try FrameWriter(fd: o.fd, source: o.name, packed: options.packed, placement: placement)
        frameWriters.append(w)
        return w
    }

    /// Hands every frame writer's pending bytes to the kernel.
    public func flushOutputs() throws {
        for w in frameWriters { try w.flush() }
    }

    /// A stream writer of `kind` on the output, headed with this tool's name, version and
    /// arguments. When the output is a terminal, frames are printed as text instead, with
    /// `render` or else the generated renderer of the kind's frame type. Call `finish()` on it when done; the runner fails the tool otherwise.
    /// `header` replaces the tool's own header (rec-cat --head keeps its input's).
    public func streamWriter(kind: StreamKind, render: RecordStreamWriter.Renderer? = nil,
                             header: StreamHeader? = nil) throws -> RecordStreamWriter {
        let o = try output()
        let header = header ?? StreamHeader(kind: kind, tool: name, toolVersion: version, arguments: arguments)
        let w = RecordStreamWriter(frames: try frameWriter(), kind: kind, header: header,
                                   render: o.isTerminal ? (render ?? StreamCatalog.textRenderer(for: kind)) : nil)
        writers.append(w)
        return w
    }

    /// Keeps `value` alive as long as this context. A tool run as a process (`main()`) then
    /// exits without freeing it: a model graph of thousands of objects and mapped weights is
    /// torn down by the kernel at exit, after the output is committed, instead of object by
    /// object by the tool. In-process runs (tests) free it with the context.
    public func keepUntilExit(_ value: Any) {
        kept.append(value)
    }

    // MARK: Runner hooks

    /// Success: every stream writer must be finished; then `-o` files are renamed into place.
    func commit() throws {
        for w in writers where !w.isFinished {
            throw ToolError("internal", "the \(w.kind.name) output stream was not finished (no trailer written)")
        }
        for o in outputs { try o.commit() }
    }

    /// Failure: `-o` files are removed, old files stay.
    func abort() {
        for o in outputs { o.abort() }
    }
}
