import CNuma
#if canImport(Glibc)
import Glibc
#endif

/// A page-aligned block of memory placed per a `NumaPlacement`, freed on deinit.
///
/// Pipes fills these with `read(2)` and hands out Cap'n Proto views into them, so the pages a
/// consumer touches sit on the node it runs on. With `.unbound` placement (no NUMA, or
/// `SLUICE_NUMA=off`) the same API is backed by `posix_memalign`.
public final class NumaBuffer {
    /// Start of the memory; valid for `capacity` bytes while the buffer lives.
    public let base: UnsafeMutableRawPointer
    /// Usable bytes (the request rounded up to whole pages).
    public let capacity: Int
    /// The placement the memory was allocated with.
    public let placement: NumaPlacement
    /// True when libnuma allocated the memory (so it must go back through `numa_free`).
    public let isNumaBacked: Bool

    /// System page size, used to round capacities.
    public static let pageSize: Int = { let p = sysconf(Int32(_SC_PAGESIZE)); return p > 0 ? p : 4096 }()

    /// Allocates at least `byteCount` bytes (rounded up to whole pages) per `placement`.
    /// Throws `PipesError(.outOfMemory)` when the allocator fails.
    public init(byteCount: Int, placement: NumaPlacement) throws {
        let page = NumaBuffer.pageSize
        let size = max(page, (byteCount + page - 1) / page * page)
        self.capacity = size
        self.placement = placement
        if let node = placement.node, NumaPlacement.kernelSupportsNuma,
           let p = numa_alloc_onnode(size, Int32(node)) {
            base = p
            isNumaBacked = true
        } else {
            var p: UnsafeMutableRawPointer?
            guard posix_memalign(&p, page, size) == 0, let q = p else {
                throw PipesError(.outOfMemory, source: "buffer", "cannot allocate \(size) bytes")
            }
            base = q
            isNumaBacked = false
        }
    }

    deinit {
        if isNumaBacked { numa_free(base, capacity) } else { free(base) }
    }

    /// The whole buffer as raw bytes.
    public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: capacity) }
}
