// capnp-bench: the Swift side of the Capnp runtime benchmark; Benchmarks/capnp/run.sh runs it
// beside bench.cpp (libcapnp) and prints the ratios. Usage: capnp-bench [records] [repetitions]
import Foundation

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let repetitions = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3

var phases = Phases(count: count)
var best = [Double](repeating: .infinity, count: 5)
var checks = [Double](repeating: 0, count: 5)

/// Process CPU time (all threads), the same clock bench.cpp reads: steadier than wall time on a
/// loaded machine.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func timed(_ k: Int, _ body: () throws -> Double) rethrows {
    let start = cpuSeconds()
    let check = try body()
    best[k] = min(best[k], cpuSeconds() - start)
    checks[k] = check
}

do {
    for _ in 0..<repetitions {
        timed(0) { phases.buildAndFrame() }
        try timed(1) { try phases.readAndSum() }
        try timed(2) { try phases.pipeStream() }
        try timed(3) { try phases.pack() }
        try timed(4) { try phases.unpackAndRead() }
    }
} catch {
    FileHandle.standardError.write("capnp-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}

let names = ["build+frame", "read+sum", "pipe stream", "pack", "unpack+read"]
for k in 0..<5 {
    let bytes = k >= 3 ? phases.packed.count : phases.framed.count
    print("\(names[k])\t\(String(format: "%.6f", best[k]))\t\(String(format: "%.17g", checks[k]))\t\(bytes)")
}
