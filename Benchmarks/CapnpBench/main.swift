// capnp-bench: the Swift side of the Capnp runtime benchmark; Benchmarks/capnp/bench.py runs it
// alternately with bench.cpp (libcapnp) and reports medians. Usage: capnp-bench [records] [repetitions]
// Runs every phase `repetitions` times (default 2: the first warms the reused buffers, caches and
// allocator and is not reported) and prints, for the last repetition, one line per phase:
//   phase <TAB> wall seconds <TAB> CPU seconds <TAB> checksum <TAB> bytes   (the same as bench.cpp)
import Foundation

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let repetitions = arguments.count > 2 ? Int(arguments[2]) ?? 2 : 2

var phases = Phases(count: count)
var wall = [Double](repeating: 0, count: 5)
var cpu = [Double](repeating: 0, count: 5)
var checks = [Double](repeating: 0, count: 5)

func seconds(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Wall clock (CLOCK_MONOTONIC) and process CPU time (all threads) of one phase: the same clocks
/// bench.cpp reads.
func timed(_ k: Int, _ body: () throws -> Double) rethrows {
    let wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID)
    let check = try body()
    wall[k] = seconds(CLOCK_MONOTONIC) - wall0
    cpu[k] = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0
    checks[k] = check
}

do {
    for _ in 0..<repetitions {
        timed(0) { phases.buildAndFrame() }
        try timed(1) { try phases.readAndSum() }
        try timed(2) { try phases.pipeStream() }
        try timed(3) { try phases.pack() }
        phases.keepPacked()
        try timed(4) { try phases.unpackAndRead() }
    }
} catch {
    FileHandle.standardError.write("capnp-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}

let names = ["build+frame", "read+sum", "pipe stream", "pack", "unpack+read"]
for k in 0..<5 {
    let bytes = k >= 3 ? phases.packedCount : phases.framed.count
    print("\(names[k])\t\(String(format: "%.9f", wall[k]))\t\(String(format: "%.9f", cpu[k]))\t\(String(format: "%.17g", checks[k]))\t\(bytes)")
}
