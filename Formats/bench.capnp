@0xb3c1e0a7d95f4c21;
# op-bench output: one record per (operator, shape, thread count) measured.
# Frame type "BenchFrame".
using Stream = import "stream.capnp";

const kind :Text = "bench";        # Header.kind of a bench stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct BenchFrame {
  union {
    header  @0 :Stream.Header;
    result  @1 :BenchResult;
    trailer @2 :Stream.Trailer;
  }
}

struct BenchResult {
  suite @0 :Text;               # built-in suite, e.g. "resnet50", "llama7b-decode"
  site @1 :Text;                # where in the model the shape comes from, e.g. "layer1 3x3"
  op @2 :Text;                  # ONNX operator name, e.g. "Conv", "MatMul", "Softmax"
  shape @3 :Text;               # human-readable shape, e.g. "1×64×56×56→64 k3x3 s1 p1"
  dtype @4 :Text;               # element type, "f32"
  threads @5 :UInt32;           # worker threads the kernel (and the peer) used
  repetitions @6 :UInt32;       # timed runs after one untimed warm-up
  minSeconds @7 :Float64;
  medianSeconds @8 :Float64;
  maxSeconds @9 :Float64;
  flops @10 :Float64;           # floating-point operations per run (multiply-add = 2)
  bytes @11 :Float64;           # compulsory memory traffic per run (inputs read + outputs written once)
  gflopsPerSecond @12 :Float64; # flops / median
  gbPerSecond @13 :Float64;     # bytes / median
  peakGflopsPerSecond @14 :Float64;  # measured FMA peak on `threads` threads; NaN without --roofline
  bandwidthGbPerSecond @15 :Float64; # measured triad bandwidth; NaN without --roofline
  rooflineFraction @16 :Float64;     # max(flops/peak, bytes/bandwidth) / median; NaN without --roofline
  peer @17 :Text;               # comparison library and version, e.g. "numpy 2.4.6 openblas 0.3.31 Zen"; empty if none
  peerMedianSeconds @18 :Float64;    # the peer's median on the same shape; NaN if none
  ratio @19 :Float64;           # peerMedianSeconds / medianSeconds: above 1, op-bench is faster; NaN if none
  peerNote @20 :Text;           # why a requested comparison is missing, e.g. "no numpy Conv"
  cpuSeconds @21 :Float64;      # process CPU time per timed run, all threads (mean); immune to
                                # time-slicing by other processes, unlike the wall-clock times
  peerCpuSeconds @22 :Float64;  # the same for the peer (includes any spinning worker threads); NaN if none
  peerMinSeconds @23 :Float64;  # the peer's fastest and slowest timed run; NaN if none (0 in streams
  peerMaxSeconds @24 :Float64;  # written before these fields existed: peerRepetitions is then 0)
  peerRepetitions @25 :UInt32;  # the peer's timed runs (interleaved with ours, see op-bench --rounds)
}
