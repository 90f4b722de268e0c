@0xe7321fbb1f659f39;
# An accelerator described as data: what tile-plan (and place-route, npu-sim) cost against.
#
#   tile-plan --arch tpu-like --print-arch | capnp decode Formats/arch.capnp ArchFrame
#
# Frames: header, one `arch`, trailer. Units are in the field names: bytes, cycles, pJ.
# Memory levels are listed innermost first; the last level of a core type is the backing
# store (DRAM, or the core's share of it on a mesh).

using Stream = import "stream.capnp";

const kind :Text = "arch";         # Header.kind of an arch stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct ArchFrame {
  union {
    header  @0 :Stream.Header;
    arch    @1 :Arch;
    trailer @2 :Stream.Trailer;
  }
}

struct Arch {
  name @0 :Text;                # e.g. "tpu-like"
  description @1 :Text;         # one line, with where the figures come from
  clockGhz @2 :Float64;         # core clock; cycles convert to seconds with it
  mesh @3 :Mesh;
  coreTypes @4 :List(CoreType); # Mesh.coreType indexes this list
  noc @5 :Noc;
  dram @6 :List(DramChannel);
}

struct Mesh {
  rows @0 :UInt32;
  cols @1 :UInt32;
  disabled @2 :List(MeshNode);  # harvested or faulty nodes: no core there, links still route
  coreType @3 :UInt32;          # the core type every enabled node has
}

struct MeshNode {
  row @0 :UInt32;
  col @1 :UInt32;
}

# The operands of a MAC-array operator: W (weights), I (inputs, activations), O (outputs, partial sums).
enum Operand {
  weight @0;
  input @1;
  output @2;
}

enum Dataflow {
  weightStationary @0;
  outputStationary @1;
  inputStationary @2;
  rowStationary @3;
}

struct CoreType {
  name @0 :Text;
  array @1 :PeArray;
  weightBits @2 :UInt32;        # operand precisions
  inputBits @3 :UInt32;
  outputBits @4 :UInt32;        # final outputs as stored
  accumulatorBits @5 :UInt32;   # partial sums as stored between passes
  macPj @6 :Float64;            # energy of one multiply-accumulate
  vector @7 :VectorUnit;
  memories @8 :List(MemoryLevel);   # innermost first
}

struct PeArray {
  dims @0 :List(ArrayDim);
  dataflow @1 :Dataflow;
  systolic @2 :Bool;            # operands hop PE to PE: filling and draining cost rows+cols cycles
}

struct ArrayDim {
  name @0 :Text;                # e.g. "D1"
  size @1 :UInt32;
  unrolls @2 :List(Text);       # loop dimensions this array dimension may unroll, preferred first
                                # (of G B K C OY OX FY FX)
  multicast @3 :Bool;           # one read feeds every PE along it
  reduction @4 :Bool;           # partial sums add up along it inside the array
}

struct VectorUnit {
  lanes @0 :UInt32;             # elementwise operations per cycle
  pjPerOp @1 :Float64;
  transcendentalCycles @2 :UInt32;  # cycles per lane for exp/erf/rsqrt (1 = pipelined)
}

struct MemoryLevel {
  name @0 :Text;
  bytes @1 :UInt64;             # per instance
  servedDims @2 :List(Text);    # the array dimensions one instance spans (none: one per PE)
  operands @3 :List(Operand);   # which operands it may hold
  readBytesPerCycle @4 :Float64;    # per instance
  writeBytesPerCycle @5 :Float64;
  readPjPerByte @6 :Float64;
  writePjPerByte @7 :Float64;
  banks @8 :UInt32;
  latencyCycles @9 :UInt32;     # first-access latency, paid once per fill
  doubleBuffered @10 :Bool;     # refills overlap compute (half the bytes hold the next tile)
  sharedPort @11 :Bool;         # reads and writes take turns on one port (else one port each)
}

struct Noc {
  topology @0 :Text;            # "mesh2d", "torus2d", "none" (a single core)
  routing @1 :Text;             # "xy", ...
  linkBytesPerCycle @2 :Float64;
  hopCycles @3 :UInt32;
  startupCycles @4 :UInt32;     # per transfer: packetization, DMA set-up
  injectionBytesPerCycle @5 :Float64;   # per node
  pjPerByteHop @6 :Float64;
  achieved @7 :List(NocPoint);  # measured bandwidth by transfer size (efficiency curve)
  multicast @8 :Bool;           # routers copy a packet onto several output links: one injection
                                # reaches many cores along a tree (false: one unicast per destination)
}

struct NocPoint {
  transferBytes @0 :UInt64;
  bytesPerCycle @1 :Float64;
}

struct DramChannel {
  row @0 :Int32;                # where on (or beside) the mesh it attaches: -1 or rows/cols = edge
  col @1 :Int32;
  bytesPerCycle @2 :Float64;
  pjPerByte @3 :Float64;
  bytes @4 :UInt64;
}
