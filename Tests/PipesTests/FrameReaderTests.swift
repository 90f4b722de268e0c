import Capnp
import Foundation
import Testing
@testable import Pipes
import TestSupport

@Suite struct FrameReaderTests {
    /// Reads a whole sample stream and checks every row: the common path for all tests below.
    func readAll(_ bytes: [UInt8], bufferBytes: Int = 4 << 20, chunk: Int = 1 << 16, maxRead: Int = .max) throws -> (batches: Int, reader: FrameReader) {
        let pipe = FedPipe(bytes, chunk: chunk)
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: bufferBytes, maxReadBytes: maxRead)
        let stream = try RecordStreamReader(frames: reader, expecting: .sample)
        var k = 0
        while let root = try stream.next() { _ = try Sample.checkRow(root, batch: k); k += 1 }
        #expect(stream.isFinished)
        return (k, reader)
    }

    @Test func framesStraddleBufferBoundaries() throws {
        // Rows of 1..40 elements with a one-page buffer: frames end at every offset mod 4096,
        // so many straddle the end and move to the front.
        var bytes: [UInt8] = []
        let b = MessageBuilder()
        b.reset()
        Sample.header().write(into: b.initRoot(dataWords: 1, pointerCount: 1))
        bytes += Framing.encode(b)
        var count = 0
        for k in 0 ..< 300 {
            b.reset()
            Sample.fillRow(b.initRoot(dataWords: 1, pointerCount: 1), batch: k, rows: 1 + k % 40)
            bytes += Framing.encode(b)
            count += 1
        }
        b.reset()
        StreamTrailer.write(recordCount: UInt64(count), tag: 2, into: b.initRoot(dataWords: 1, pointerCount: 1))
        bytes += Framing.encode(b)
        let pipe = FedPipe(bytes, chunk: 777)
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 4096)
        let stream = try RecordStreamReader(frames: reader, expecting: .sample)
        var k = 0
        while let root = try stream.next() {
            #expect(try Sample.checkRow(root, batch: k) == 1 + k % 40)
            k += 1
        }
        #expect(k == 300)
        #expect(reader.bufferCapacity == 4096) // no growth needed: only moves
    }

    @Test func messageLargerThanTheBufferGrowsIt() throws {
        // 50_000 rows = 600 KB per frame, buffer one page.
        let (batches, reader) = try readAll(Sample.stream(batches: 3, rows: 50_000), bufferBytes: 4096)
        #expect(batches == 3)
        #expect(reader.bufferCapacity >= 600_000)
    }

    @Test func byteAtATimeThroughARealPipe() throws {
        let bytes = Sample.stream(batches: 5, rows: 30)
        let (batches, _) = try readAll(bytes, bufferBytes: 4096, chunk: 1, maxRead: 1)
        #expect(batches == 5)
    }

    @Test func framesAreEightByteAlignedViews() throws {
        let pipe = FedPipe(Sample.stream(batches: 20, rows: 7), chunk: 13)
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 4096)
        while try reader.next() != nil {
            #expect(Int(bitPattern: reader.lastFrameBytes.baseAddress!) % 8 == 0)
            #expect(reader.lastFrameBytes.baseAddress! >= reader.bufferBase)
            #expect(reader.lastFrameBytes.baseAddress! < reader.bufferBase + reader.bufferCapacity)
        }
    }

    @Test func cleanEndBetweenFramesAndTruncationInside() throws {
        let bytes = Sample.stream(batches: 2, rows: 10)
        let empty = FedPipe([])
        #expect(try FrameReader(fd: empty.readFD, source: "pipe").next() == nil)
        for cut in [1, 4, 8, bytes.count / 2, bytes.count - 8, bytes.count - 1] {
            let pipe = FedPipe(Array(bytes[0 ..< cut]))
            let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 4096)
            do {
                while try reader.next() != nil {}
                Issue.record("cut at \(cut) of \(bytes.count) read without error")
            } catch let e as PipesError {
                #expect(e.kind == .truncated, "cut at \(cut): \(e)")
            }
        }
    }

    @Test func oversizedFrameIsRefusedWithoutAllocating() throws {
        // Segment table: 1 segment of 0x10000000 words (2 GiB).
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x10]
        let pipe = FedPipe(bytes)
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", maxFrameBytes: 1 << 20)
        do {
            _ = try reader.next()
            Issue.record("an oversized frame was accepted")
        } catch let e as PipesError {
            #expect(e.kind == .framing)
        }
        #expect(reader.bufferCapacity <= 4 << 20)
    }

    @Test func packedInputReadsTheSameRecords() throws {
        var packed: [UInt8] = []
        let plain = Sample.stream(batches: 3, rows: 25)
        let pipe0 = FedPipe(plain)
        let r0 = try FrameReader(fd: pipe0.readFD, source: "pipe")
        let b = MessageBuilder()
        while let m = try r0.next() {
            b.reset()
            try b.setRoot(copying: m.root())
            packed += Packing.packFrame(b)
        }
        let pipe = FedPipe(packed, chunk: 5)
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", packed: true)
        let stream = try RecordStreamReader(frames: reader, expecting: .sample)
        var k = 0
        while let root = try stream.next() { _ = try Sample.checkRow(root, batch: k); k += 1 }
        #expect(k == 3)
    }

    /// Random byte mutations of a valid stream either read cleanly or throw PipesError; never
    /// trap or hang. A deep copy of every record visits every pointer.
    @Test func randomMutationsThrowOrRead() throws {
        let original = Sample.stream(batches: 4, rows: 6)
        var rng = TestSeed.generator("FrameReaderTests.randomMutationsThrowOrRead", default: 0xF8A3E)
        let scratch = MessageBuilder()
        for _ in 0 ..< 400 {
            var bytes = original
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            }
            let pipe = FedPipe(bytes)
            do {
                let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 4096, maxFrameBytes: 1 << 20)
                let stream = try RecordStreamReader(frames: reader, expecting: .sample)
                while let root = try stream.next() {
                    scratch.reset()
                    try scratch.setRoot(copying: root)
                }
            } catch is PipesError {
            } catch is CapnpError {
            }
        }
    }
}
