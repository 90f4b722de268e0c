import Foundation
import Testing
@testable import Pipes

/// Placement is checked against the kernel: `get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)` reports the
/// node backing each page. Serialized because the fallback test sets environment variables.
@Suite(.serialized) struct NumaTests {
    @Test func buffersLandOnTheRequestedNode() throws {
        guard NumaPlacement.isAvailable else {
            Issue.record("libnuma reports NUMA unavailable here; placement cannot be checked")
            return
        }
        for node in 0 ... NumaPlacement.maxNode {
            guard (try? NumaPlacement.validate(node: node)) != nil else { continue }
            let buffer = try NumaBuffer(byteCount: 1 << 20, placement: NumaPlacement(node: node))
            #expect(buffer.isNumaBacked)
            memset(buffer.base, 0xA5, buffer.capacity) // fault every page in
            for page in stride(from: 0, to: buffer.capacity, by: NumaBuffer.pageSize * 37) {
                #expect(NumaPlacement.nodeOfPage(at: buffer.base + page) == node, "page \(page) of a node-\(node) buffer")
            }
        }
    }

    @Test func currentNodeIsTheDefaultPlacement() throws {
        guard NumaPlacement.isAvailable else { return }
        let placement = try NumaPlacement.resolve()
        #expect(placement.node != nil)
        #expect(placement.node == NumaPlacement.currentNode)
    }

    @Test func readerBufferIsPlacedToo() throws {
        guard NumaPlacement.isAvailable else { return }
        let pipe = FedPipe(Sample.stream(batches: 3, rows: 100))
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 1 << 16, placement: NumaPlacement(node: 0))
        while try reader.next() != nil {}
        #expect(NumaPlacement.nodeOfPage(at: reader.bufferBase) == 0)
    }

    @Test func environmentChoosesTheNode() throws {
        guard NumaPlacement.isAvailable else { return }
        setenv("SLUICE_NUMA_NODE", "0", 1)
        defer { unsetenv("SLUICE_NUMA_NODE") }
        #expect(try NumaPlacement.resolve() == NumaPlacement(node: 0))
        setenv("SLUICE_NUMA_NODE", "zero", 1)
        #expect(throws: PipesError.self) { try NumaPlacement.resolve() }
    }

    @Test func nonexistentNodeIsAUsageError() throws {
        guard NumaPlacement.isAvailable else { return }
        do {
            _ = try NumaPlacement.resolve(explicitNode: NumaPlacement.maxNode + 1)
            Issue.record("a node past numa_max_node() was accepted")
        } catch let e as PipesError {
            #expect(e.kind == .invalidArgument)
            #expect(e.source == "--numa-node")
        }
        #expect(throws: PipesError.self) { try NumaPlacement.resolve(explicitNode: -1) }
    }

    @Test func fallbackWhenNumaIsOff() throws {
        setenv("SLUICE_NUMA", "off", 1)
        defer { unsetenv("SLUICE_NUMA") }
        #expect(!NumaPlacement.isAvailable)
        let placement = try NumaPlacement.resolve(explicitNode: 0)
        #expect(placement == .unbound)
        let buffer = try NumaBuffer(byteCount: 10_000, placement: placement)
        #expect(!buffer.isNumaBacked)
        #expect(buffer.capacity % NumaBuffer.pageSize == 0 && buffer.capacity >= 10_000)
        #expect(Int(bitPattern: buffer.base) % NumaBuffer.pageSize == 0)
        // The same API works end to end on fallback memory.
        let pipe = FedPipe(Sample.stream(batches: 4, rows: 1000))
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 4096, placement: placement)
        let stream = try RecordStreamReader(frames: reader, expecting: .sample)
        var k = 0
        while let root = try stream.next() { _ = try Sample.checkRow(root, batch: k); k += 1 }
        #expect(k == 4)
        #expect(reader.placement.node == nil)
    }
}
