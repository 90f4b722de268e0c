import Foundation
import Testing
@testable import Pipes

/// Placement is checked against the kernel: `get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)` reports the
/// node backing each page. Environment variables are passed as closures, never set, so these
/// tests can run in parallel with everything else.
@Suite struct NumaTests {
    func env(_ vars: [String: String]) -> NumaPlacement.Environment { { vars[$0] } }

    @Test func buffersLandOnTheRequestedNode() throws {
        guard NumaPlacement.kernelSupportsNuma else {
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
        guard NumaPlacement.kernelSupportsNuma else { return }
        let placement = try NumaPlacement.resolve(environment: env([:]))
        #expect(placement.node != nil)
        #expect(placement.node == NumaPlacement.currentNode)
    }

    @Test func readerBufferIsPlacedToo() throws {
        guard NumaPlacement.kernelSupportsNuma else { return }
        let pipe = FedPipe(Sample.stream(batches: 3, rows: 100))
        let reader = try FrameReader(fd: pipe.readFD, source: "pipe", bufferBytes: 1 << 16, placement: NumaPlacement(node: 0))
        while try reader.next() != nil {}
        #expect(NumaPlacement.nodeOfPage(at: reader.bufferBase) == 0)
    }

    @Test func environmentChoosesTheNode() throws {
        guard NumaPlacement.kernelSupportsNuma else { return }
        #expect(try NumaPlacement.resolve(environment: env(["SLUICE_NUMA_NODE": "0"])) == NumaPlacement(node: 0))
        #expect(throws: PipesError.self) { try NumaPlacement.resolve(environment: env(["SLUICE_NUMA_NODE": "zero"])) }
        #expect(throws: PipesError.self) { try NumaPlacement.resolve(environment: env(["SLUICE_NUMA_NODE": "\(NumaPlacement.maxNode + 1)"])) }
        // An explicit --numa-node wins over the environment.
        #expect(try NumaPlacement.resolve(explicitNode: 0, environment: env(["SLUICE_NUMA_NODE": "zero"])) == NumaPlacement(node: 0))
    }

    @Test func nonexistentNodeIsAUsageError() throws {
        guard NumaPlacement.kernelSupportsNuma else { return }
        do {
            _ = try NumaPlacement.resolve(explicitNode: NumaPlacement.maxNode + 1, environment: env([:]))
            Issue.record("a node past numa_max_node() was accepted")
        } catch let e as PipesError {
            #expect(e.kind == .invalidArgument)
            #expect(e.source == "--numa-node")
        }
        #expect(throws: PipesError.self) { try NumaPlacement.resolve(explicitNode: -1, environment: env([:])) }
    }

    @Test func fallbackWhenNumaIsOff() throws {
        let off = env(["SLUICE_NUMA": "off"])
        #expect(!NumaPlacement.isAvailable(environment: off))
        let placement = try NumaPlacement.resolve(explicitNode: 0, environment: off)
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
