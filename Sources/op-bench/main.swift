// op-bench(1): the command lives in OpBenchCommand.swift; the kernels and suites in the
// Kernels and OpBench libraries.
OpBenchCommand.main()
