import Capnp
import Foundation
import Testing
@testable import Pipes

@Suite struct RecordStreamTests {
    func openStream(_ bytes: [UInt8], kind: StreamKind = .sample) throws -> RecordStreamReader {
        let pipe = FedPipe(bytes)
        // The pipe must outlive the reader's reads: keep it in the reader via the closure below.
        let reader = try FrameReader(fd: dup(pipe.readFD), source: "stdin", bufferBytes: 4096)
        return try RecordStreamReader(frames: reader, expecting: kind)
    }

    func expectError(_ kind: PipesError.Kind, _ text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(kind) error '\(text)'")
        } catch let e as PipesError {
            #expect(e.kind == kind)
            #expect(e.description == text)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func headerIsReadWithoutTheFrameType() throws {
        let stream = try openStream(Sample.stream(batches: 1, rows: 2))
        #expect(stream.header == Sample.header())
        #expect(stream.header.description == "sample v1 (from pipes-tests)")
    }

    @Test func wrongKindNamesBothKinds() {
        let graph = StreamKind(name: "graph", frameType: "GraphFrame", schemaVersion: 1, trailerTag: 5)
        expectError(.wrongKind, "stdin: expected a graph stream, got sample v1 (from pipes-tests)") {
            _ = try openStream(Sample.stream(batches: 1, rows: 2), kind: graph)
        }
        let v2 = StreamKind(name: "sample", frameType: "SampleFrame", schemaVersion: 2, trailerTag: 2)
        expectError(.wrongKind, "stdin: expected sample v2, got sample v1 (from pipes-tests)") {
            _ = try openStream(Sample.stream(batches: 1, rows: 2), kind: v2)
        }
    }

    @Test func missingTrailerSaysHowManyRecordsArrived() throws {
        let stream = try openStream(Sample.stream(batches: 3, rows: 2, trailer: false))
        expectError(.missingTrailer, "stdin: ended without a trailer after 3 records (did the producer fail?)") {
            while try stream.next() != nil {}
        }
    }

    @Test func trailerCountMustMatch() throws {
        let stream = try openStream(Sample.stream(batches: 3, rows: 2, trailerCount: 4))
        expectError(.badTrailer, "stdin: the trailer counts 4 records but 3 arrived") {
            while try stream.next() != nil {}
        }
    }

    @Test func framesAfterTheTrailerAreAnError() throws {
        let one = Sample.stream(batches: 1, rows: 2)
        let stream = try openStream(one + one)
        expectError(.badTrailer, "stdin: frames follow the trailer (after 1 records); concatenated streams are not one stream") {
            while try stream.next() != nil {}
        }
    }

    @Test func emptyInputAndNonHeaderFirstFrame() throws {
        expectError(.badHeader, "stdin: empty input: no stream header") { _ = try openStream([]) }
        let whole = Sample.stream(batches: 1, rows: 2)
        let headerLength = try { () throws -> Int in
            let pipe = FedPipe(whole)
            let r = try FrameReader(fd: pipe.readFD, source: "p")
            _ = try r.next()
            return r.lastFrameBytes.count
        }()
        expectError(.badHeader, "stdin: the first frame is not a stream header (union tag 1); is this a Sluice stream?") {
            _ = try openStream(Array(whole[headerLength...]))
        }
    }

    @Test func writerRoundTripsThroughAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        let header = Sample.header()
        let writerThread = Thread {
            do {
                let frames = try FrameWriter(fd: writeFD, source: "pipe")
                let w = RecordStreamWriter(frames: frames, kind: .sample, header: header)
                for k in 0 ..< 50 { try w.writeRecord { Sample.fillRow($0, batch: k, rows: k * 97) } }
                try w.finish()
            } catch { Issue.record("writer: \(error)") }
            close(writeFD)
        }
        writerThread.start()
        let reader = try FrameReader(fd: readFD, source: "pipe", bufferBytes: 8192)
        let stream = try RecordStreamReader(frames: reader, expecting: .sample)
        #expect(stream.header == header)
        var k = 0
        while let root = try stream.next() { #expect(try Sample.checkRow(root, batch: k) == k * 97); k += 1 }
        #expect(k == 50)
        close(readFD)
    }

    @Test func writerRefusesHeaderOrTrailerTaggedRecords() throws {
        let devnull = open("/dev/null", O_WRONLY)
        defer { close(devnull) }
        let w = RecordStreamWriter(frames: try FrameWriter(fd: devnull, source: "null"), kind: .sample, header: Sample.header())
        #expect(throws: PipesError.self) { try w.writeRecord { $0.setScalar(UInt16(2), at: 0) } }
        #expect(throws: PipesError.self) { try w.writeRecord { _ in } } // tag 0 = header
    }

    @Test func emptyStreamHasHeaderAndTrailer() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fds[1], source: "pipe"), kind: .sample, header: Sample.header())
        try w.finish()
        close(fds[1])
        let stream = try RecordStreamReader(frames: FrameReader(fd: fds[0], source: "pipe"), expecting: .sample)
        #expect(try stream.next() == nil)
        #expect(stream.recordCount == 0 && stream.isFinished)
        close(fds[0])
    }
}
