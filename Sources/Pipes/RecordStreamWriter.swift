import Capnp

/// Writes one Sluice stream: the header first (before the first record, or at `finish()` for an
/// empty stream), then records, then the trailer carrying the record count.
///
/// ```swift
/// let out = RecordStreamWriter(frames: writer, kind: .sample, header: header)
/// try out.writeRecord { frame in                 // frame struct root in a pooled arena
///     SampleFrame.Builder(frame).initRow()...    // or raw: frame.setScalar(1 as UInt16, at: 0)
/// }
/// try out.finish()                               // trailer + flush
/// ```
/// With `render` set (stdout is a terminal), every frame is written as text instead.
public final class RecordStreamWriter {
    /// Renders a frame root as one line of text (the registry's capnp text or JSON renderer).
    public typealias Renderer = (StructReader) throws -> String

    /// The frame sink, the kind written, and the header written first.
    public let frames: FrameWriter
    public let kind: StreamKind
    public let header: StreamHeader
    /// When set, frames are rendered as text lines instead of binary frames.
    public let render: Renderer?
    /// Records written so far.
    public private(set) var recordCount = 0
    /// True after `finish()`.
    public private(set) var isFinished = false

    private let builder: MessageBuilder
    private var wroteHeader = false

    /// A writer of `kind` on `frames`; nothing is written until the first record or `finish()`.
    public init(frames: FrameWriter, kind: StreamKind, header: StreamHeader, render: Renderer? = nil,
                firstSegmentWords: Int = 8192) {
        self.frames = frames
        self.kind = kind
        self.header = header
        self.render = render
        builder = MessageBuilder(firstSegmentWords: firstSegmentWords)
    }

    /// Builds one record: `build` receives the frame root in a reused arena and must set the
    /// union to a record variant (not header or trailer).
    public func writeRecord(_ build: (StructBuilder) throws -> Void) throws {
        try writeHeaderIfNeeded()
        builder.reset()
        let root = builder.initRoot(dataWords: kind.frameDataWords, pointerCount: kind.framePointers)
        try build(root)
        let tag: UInt16 = root.asReader().scalar(at: 0)
        guard tag != StreamKind.headerTag, tag != kind.trailerTag else {
            throw PipesError(.unexpectedFrame, source: frames.source,
                             "internal: a record frame must not be tagged header or trailer (tag \(tag))")
        }
        try emit(root.asReader())
        recordCount += 1
    }

    /// Builds one record in a single segment of at least `words` words: for kinds whose
    /// readers map arrays straight out of the frame. Throws if the record outgrew `words`.
    public func writeRecord(singleSegmentWords words: Int, _ build: (StructBuilder) throws -> Void) throws {
        try writeHeaderIfNeeded()
        builder.reset()
        builder.reserveFirstSegment(words: words)
        let root = builder.initRoot(dataWords: kind.frameDataWords, pointerCount: kind.framePointers)
        try build(root)
        guard builder.segmentCount == 1 else {
            throw PipesError(.invalidMessage, source: frames.source, "internal: a record reserved \(words) words and needed \(builder.totalWords)")
        }
        try emit(root.asReader())
        recordCount += 1
    }

    /// Writes a copy of a record frame read from another stream of the same kind: its bytes
    /// verbatim when they are at hand (unpacked input, binary output), else a deep copy.
    public func writeRecord(copyingCurrentOf input: RecordStreamReader, root: StructReader) throws {
        try writeHeaderIfNeeded()
        let bytes = input.currentFrameBytes
        if let render {
            try frames.write(text: try render(root) + "\n")
        } else if !frames.packed && bytes.count > 0 {
            try frames.writeFrame(bytes: bytes)
        } else {
            builder.reset()
            do { try builder.setRoot(copying: root) } catch let e as CapnpError {
                throw PipesError(.invalidMessage, source: input.source, "record \(input.recordCount - 1): \(e.message)")
            }
            try frames.write(builder)
        }
        recordCount += 1
    }

    /// Named counts the trailer carries (set before `finish()`), e.g. lossy conversions.
    public var trailerCounts: [(name: String, value: UInt64)] = []

    /// Writes the header if no frame was written yet, then the trailer, and flushes.
    public func finish() throws {
        guard !isFinished else { return }
        try writeHeaderIfNeeded()
        builder.reset()
        let root = builder.initRoot(dataWords: kind.frameDataWords, pointerCount: kind.framePointers)
        StreamTrailer.write(recordCount: UInt64(recordCount), counts: trailerCounts, tag: kind.trailerTag, into: root)
        try emit(root.asReader())
        try frames.flush()
        isFinished = true
    }

    private func writeHeaderIfNeeded() throws {
        guard !wroteHeader else { return }
        wroteHeader = true
        builder.reset()
        let root = builder.initRoot(dataWords: kind.frameDataWords, pointerCount: kind.framePointers)
        header.write(into: root)
        try emit(root.asReader())
    }

    private func emit(_ root: StructReader) throws {
        if let render {
            try frames.write(text: try render(root) + "\n")
        } else {
            try frames.write(builder)
        }
    }
}
