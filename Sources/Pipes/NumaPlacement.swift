import CNuma
#if canImport(Glibc)
import Glibc
#endif

/// Where Pipes puts its buffers in memory.
///
/// Resolution order: an explicit node (`--numa-node N`), then the `SLUICE_NUMA_NODE` environment
/// variable, then the node of the CPU the calling thread runs on. Setting `SLUICE_NUMA=off`
/// (or running where `numa_available()` < 0) selects the fallback: page-aligned `posix_memalign`
/// memory with the same API, so tools behave the same on machines without NUMA support.
public struct NumaPlacement: Equatable, Sendable, CustomStringConvertible {
    /// The node to allocate on, or nil for the fallback allocator.
    public let node: Int?

    /// A placement on a fixed node; `node` must exist (see `validate(node:)`).
    public init(node: Int?) { self.node = node }

    /// The fallback allocator: aligned memory, no node binding.
    public static let unbound = NumaPlacement(node: nil)

    /// "NUMA node 0" or "unbound (no NUMA)".
    public var description: String { node.map { "NUMA node \($0)" } ?? "unbound (no NUMA)" }

    /// Looks up an environment variable; tests pass their own instead of mutating the process
    /// environment (setenv races with other threads).
    public typealias Environment = (String) -> String?

    /// The process environment.
    public static let processEnvironment: Environment = { name in getenv(name).map { String(cString: $0) } }

    /// True when the kernel and libnuma support NUMA policies here.
    public static var kernelSupportsNuma: Bool { numa_available() >= 0 }

    /// True when libnuma works on this machine and `SLUICE_NUMA=off` is not set.
    public static func isAvailable(environment: Environment = processEnvironment) -> Bool {
        environment("SLUICE_NUMA") != "off" && kernelSupportsNuma
    }

    /// The highest node number, or 0 without NUMA.
    public static var maxNode: Int { kernelSupportsNuma ? Int(numa_max_node()) : 0 }

    /// The node of the CPU this thread runs on now (nil without NUMA).
    public static var currentNode: Int? {
        guard kernelSupportsNuma else { return nil }
        let cpu = cnuma_current_cpu()
        guard cpu >= 0 else { return nil }
        let node = numa_node_of_cpu(cpu)
        return node >= 0 ? Int(node) : nil
    }

    /// Checks that `node` names a node with memory on this machine; throws a usage-style
    /// `PipesError` (kind `.invalidArgument`) otherwise.
    public static func validate(node: Int) throws {
        guard kernelSupportsNuma else { return } // the fallback ignores the node: nothing to check
        let max = maxNode
        guard node >= 0, node <= max, numa_bitmask_isbitset(numa_all_nodes_ptr, UInt32(node)) != 0 else {
            throw PipesError(.invalidArgument, source: "--numa-node",
                             "no NUMA node \(node) on this machine (nodes 0-\(max))")
        }
    }

    /// Resolves the placement for this process: `explicitNode`, else `SLUICE_NUMA_NODE`, else the
    /// current CPU's node; `.unbound` when NUMA is unavailable or disabled.
    public static func resolve(explicitNode: Int? = nil,
                               environment: Environment = processEnvironment) throws -> NumaPlacement {
        guard isAvailable(environment: environment) else { return .unbound }
        if let n = explicitNode {
            try validate(node: n)
            return NumaPlacement(node: n)
        }
        if let text = environment("SLUICE_NUMA_NODE") {
            guard let n = Int(text) else {
                throw PipesError(.invalidArgument, source: "SLUICE_NUMA_NODE", "not a node number: '\(text)'")
            }
            try validate(node: n)
            return NumaPlacement(node: n)
        }
        return NumaPlacement(node: currentNode)
    }

    /// The node that backs the page holding `address` (nil without NUMA or when the kernel
    /// refuses). Faults the page in if it was never touched. Used by tests and diagnostics to
    /// check that placement is what was asked.
    public static func nodeOfPage(at address: UnsafeRawPointer) -> Int? {
        guard kernelSupportsNuma else { return nil }
        var node: Int32 = -1
        let flags = UInt32(MPOL_F_NODE) | UInt32(MPOL_F_ADDR)
        let rc = get_mempolicy(&node, nil, 0, UnsafeMutableRawPointer(mutating: address), flags)
        return rc == 0 && node >= 0 ? Int(node) : nil
    }
}
