import Capnp

/// Reads one Sluice stream: checks the header names the expected kind, hands out records, and
/// checks that the trailer is there and counts what was read.
///
/// ```swift
/// let frames = try FrameReader(fd: 0, source: "stdin", placement: placement)
/// let stream = try RecordStreamReader(frames: frames, expecting: .sample)
/// while let frame = try stream.next() {          // frame struct root, a zero-copy view
///     let row = try frame.structField(0)         // or SampleFrame.Reader(frame) with Schemas
/// }
/// // here the trailer was read, its count matched, and nothing followed it
/// ```
/// Errors name the input: `stdin: expected a graph stream, got seq-blocks v1 (from seq-encode)`,
/// `stdin: ended without a trailer after 12 records`. Views live until the next `next()`.
public final class RecordStreamReader {
    /// The frame source.
    public let frames: FrameReader
    /// The stream's header (first frame).
    public let header: StreamHeader
    /// The kind the stream is read as.
    public let kind: StreamKind
    /// Records handed out so far.
    public private(set) var recordCount = 0
    /// True once the trailer was read and checked.
    public private(set) var isFinished = false
    /// The message of the frame last returned (kept alive until the next `next()`); right
    /// after opening, the header's.
    public private(set) var currentMessage: Message?
    /// The header frame's root: valid until the first `next()`/`nextFrame()`.
    public let headerRoot: StructReader
    private var sawTrailer = false

    /// The input's name for messages.
    public var source: String { frames.source }

    /// Reads the header and checks it names `kind` at its schema version.
    public convenience init(frames: FrameReader, expecting kind: StreamKind) throws {
        try self.init(frames: frames) { header in
            guard header.kind == kind.name else {
                throw PipesError(.wrongKind, source: frames.source, "expected a\(kind.name.startsWithVowel ? "n" : "") \(kind.name) stream, got \(header)")
            }
            guard header.schemaVersion == kind.schemaVersion else {
                throw PipesError(.wrongKind, source: frames.source,
                                 "expected \(kind.name) v\(kind.schemaVersion), got \(header)")
            }
            return kind
        }
    }

    /// Reads the header and lets `resolve` pick the kind (or throw): for tools such as rec-cat
    /// that read any kind they have a frame type for.
    public init(frames: FrameReader, resolve: (StreamHeader) throws -> StreamKind) throws {
        self.frames = frames
        guard let first = try frames.next() else {
            throw PipesError(.badHeader, source: frames.source, "empty input: no stream header")
        }
        let root: StructReader
        do { root = try first.root() } catch let e as CapnpError {
            throw PipesError(.badHeader, source: frames.source, "unreadable stream header: \(e.message)")
        }
        header = try StreamHeader(frameRoot: root, source: frames.source)
        headerRoot = root
        kind = try resolve(header)
        currentMessage = first
    }

    /// One frame after the header: a record, or the trailer (already checked against the count).
    public enum Frame {
        case record(StructReader)
        case trailer(StructReader)
    }

    /// The next record's frame root, or nil once the trailer was read, its count matched and
    /// the input ended. Throws `.missingTrailer` when the input ends first.
    public func next() throws -> StructReader? {
        while let frame = try nextFrame() {
            if case .record(let root) = frame { return root }
        }
        return nil
    }

    /// The next frame including the trailer (for tools that print every frame): `.trailer` once
    /// its count matched; the call after it checks that the input ends there and returns nil.
    public func nextFrame() throws -> Frame? {
        if isFinished { return nil }
        currentMessage = nil
        guard let message = try frames.next() else {
            if sawTrailer { isFinished = true; return nil }
            throw PipesError(.missingTrailer, source: source,
                             "ended without a trailer after \(recordCount) record\(recordCount == 1 ? "" : "s") (did the producer fail?)")
        }
        if sawTrailer {
            throw PipesError(.badTrailer, source: source,
                             "frames follow the trailer (after \(recordCount) records); concatenated streams are not one stream")
        }
        let root: StructReader
        let tag: UInt16
        do {
            root = try message.root()
            tag = root.scalar(at: 0)
        } catch let e as CapnpError {
            throw PipesError(.invalidMessage, source: source, "record \(recordCount): \(e.message)")
        }
        currentMessage = message
        switch tag {
        case kind.trailerTag:
            let count: UInt64
            do { count = try StreamTrailer.recordCount(frameRoot: root) } catch let e as CapnpError {
                throw PipesError(.badTrailer, source: source, "unreadable trailer: \(e.message)")
            }
            guard count == UInt64(recordCount) else {
                throw PipesError(.badTrailer, source: source,
                                 "the trailer counts \(count) records but \(recordCount) arrived")
            }
            sawTrailer = true
            return .trailer(root)
        case StreamKind.headerTag:
            throw PipesError(.unexpectedFrame, source: source, "a second header after \(recordCount) records")
        default:
            recordCount += 1
            return .record(root)
        }
    }

    /// The next record wrapped in a generated reader type (e.g. `SampleFrame.Reader`).
    public func next<R: StructView>(as type: R.Type) throws -> R? {
        try next().map { R($0) }
    }

    /// The framed bytes of the record last returned (empty for packed input): for pass-through.
    public var currentFrameBytes: UnsafeRawBufferPointer { frames.lastFrameBytes }
}

extension String {
    var startsWithVowel: Bool { first.map { "aeiou".contains($0) } ?? false }
}
