import Dispatch
import Foundation

/// How many threads a kernel may use. Kernels split work into `threads` contiguous chunks and
/// run them with `DispatchQueue.concurrentPerform`, which maps onto the cores.
public struct Threading: Sendable, Equatable {
    /// Upper bound on worker threads; 1 runs on the caller's thread with no Dispatch overhead.
    public var threads: Int

    /// At most `threads` workers (values below 1 mean 1).
    public init(threads: Int) { self.threads = max(1, threads) }

    /// One thread.
    public static let single = Threading(threads: 1)
    /// One thread per active core.
    public static var all: Threading { Threading(threads: ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(chunk)` for `chunk` in 0..<chunks, in parallel when more than one thread.
    @inline(__always)
    public func run(_ chunks: Int, _ body: (Int) -> Void) {
        if chunks <= 1 || threads <= 1 {
            for c in 0..<chunks { body(c) }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
        }
    }

    /// Splits 0..<count into at most `threads` contiguous ranges of at least `grain` items
    /// and runs `body` on each in parallel.
    public func forRanges(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let parts = max(1, min(threads, count / max(1, grain)))
        if parts == 1 { body(0..<count); return }
        run(parts) { p in
            let lo = count * p / parts, hi = count * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// 64-byte-aligned scratch buffers kept for reuse, so that hot loops (GEMM packing, attention
/// tiles) do not page-fault fresh allocations on every call.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    private let lock = NSLock()
    private var free: [(UnsafeMutableRawPointer, Int)] = []

    /// A buffer of at least `floats` elements; give it back with `release`.
    func acquire(_ floats: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let bytes = max(64, floats * MemoryLayout<Float>.stride)
        lock.lock()
        if let i = free.firstIndex(where: { $0.1 >= bytes }) {
            let buffer = free.remove(at: i)
            lock.unlock()
            return (buffer.0.assumingMemoryBound(to: Float.self), buffer.1)
        }
        lock.unlock()
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: bytes / 4), bytes)
    }

    func release(_ buffer: (UnsafeMutablePointer<Float>, Int)) {
        lock.lock()
        defer { lock.unlock() }
        // Bound the pool: a few buffers per thread is all steady state needs.
        if free.count >= 32 {
            UnsafeMutableRawPointer(buffer.0).deallocate()
            return
        }
        free.append((UnsafeMutableRawPointer(buffer.0), buffer.1))
    }

    /// Runs `body` with a scratch buffer of `floats` elements.
    func with<R>(_ floats: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = acquire(floats)
        defer { release(buffer) }
        return try body(buffer.0)
    }
}
