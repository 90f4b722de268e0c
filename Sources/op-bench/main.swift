// op-bench(1): the command is OpBench's OpBenchCommand; the cases, timing and records are in
// the Benchmarking library, the operators in Kernels.
import OpBench

OpBenchCommand.main()
