#if canImport(Glibc)
import Glibc
#endif

/// Hints to the kernel about large weight buffers, so that folding a 100 MB model's weights
/// costs the arithmetic and the copies, not one page fault per 4 KiB page. Each is only a
/// hint: on a kernel without it (before Linux 5.14 for the populate calls) nothing changes
/// but the time.
public enum PageAdvice {
    /// Regions smaller than this are left to ordinary faulting: 16 pages, where one madvise
    /// call costs about what the faults do (Inception v2's weights are mostly 64 KiB-1 MiB).
    public static let threshold = 64 << 10

    /// Maps every page of `region` (a file mapping: a weight in the mapped model) in one
    /// call (MADV_POPULATE_READ) instead of a fault per page as a loop first reads it.
    public static func willRead(_ region: UnsafeRawBufferPointer) {
        #if os(Linux)
        guard region.count >= threshold, let (start, length) = pages(region.baseAddress, region.count) else { return }
        _ = madvise(start, length, 22 /* MADV_POPULATE_READ */)
        #endif
    }

    /// Prepares a fresh anonymous buffer about to be written in full: transparent huge pages
    /// where it spans aligned 2 MiB (fewer faults, fewer TLB misses), then every page mapped
    /// in one call (MADV_POPULATE_WRITE).
    public static func willWrite(_ region: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard region.count >= threshold, let (start, length) = pages(region.baseAddress, region.count) else { return }
        _ = madvise(start, length, 14 /* MADV_HUGEPAGE */)
        _ = madvise(start, length, 23 /* MADV_POPULATE_WRITE */)
        #endif
    }

    /// The whole pages inside [base, base + count): madvise takes page-aligned ranges, and
    /// the partial pages at either end may be shared with other allocations.
    static func pages(_ base: UnsafeRawPointer?, _ count: Int) -> (UnsafeMutableRawPointer, Int)? {
        guard let base else { return nil }
        let page = 4096
        let first = (UInt(bitPattern: base) + UInt(page - 1)) & ~UInt(page - 1)
        let end = (UInt(bitPattern: base) + UInt(count)) & ~UInt(page - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return nil }
        return (p, Int(end - first))
    }
}
