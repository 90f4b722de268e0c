@0xd9b92cd30c22c1ef;
# npu-sim output: a placed program run on a simulated chip — when every tile ran on which unit,
# how busy every core and link was, what it cost, and whether the numbers came out right.
#
#   graph-opt -O3 m.onnx -o m.graph && tile-plan --arch mesh-8x8 m.graph | place-route \
#     | npu-sim --check --graph m.graph | capnp decode Formats/sim.capnp SimFrame
#
# Frames (mesh model): header, the arch, one `summary`, one `group` per tile group, one `core`
# per enabled core, one `link` per link that carried traffic, the trace as `events` batches in
# start order, one `check` per checked tensor (with --check), trailer. With `--model scalesim`:
# header, one `systolic` per layer, trailer. Cycles are integers of the arch's clock; cores and
# links are numbered as in placed.capnp. The trace adds up to the summary: the makespan is the
# latest event end, every busy figure is the sum of its events' lengths.

using Stream = import "stream.capnp";
using Arch = import "arch.capnp";

const kind :Text = "sim";          # Header.kind of a sim stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct SimFrame {
  union {
    header   @0 :Stream.Header;
    arch     @1 :Arch.Arch;
    summary  @2 :SimSummary;
    group    @3 :GroupTiming;
    core     @4 :CoreStats;
    link     @5 :LinkStats;
    events   @6 :TraceBatch;
    check    @7 :TensorCheck;
    systolic @8 :SystolicLayer;
    trailer  @9 :Stream.Trailer;
  }
}

struct SimSummary {
  model @0 :Text;                   # "mesh"
  graph @1 :Text;                   # the graph's name, as tile-plan recorded it
  makespanCycles @2 :UInt64;        # the latest event end
  analyticCycles @3 :Float64;       # place-route's makespan for the same program (its cost model)
  macUtilization @4 :Float64;       # MACs done / (makespan × PEs of every enabled core)
  energyPj @5 :Float64;             # macPj + sramPj + nocPj + dramPj
  macPj @6 :Float64;
  sramPj @7 :Float64;
  nocPj @8 :Float64;
  dramPj @9 :Float64;
  dramBytes @10 :UInt64;
  nocByteHops @11 :UInt64;
  events @12 :UInt64;               # rows over all event batches
  contentionCycles @13 :UInt64;     # transfers waiting for a busy link or channel, summed
  checked @14 :Bool;                # --check ran
  checksFailed @15 :UInt32;
  fault @16 :Text;                  # the fault --inject-fault put in, or empty
  channelBusyCycles @17 :List(UInt64);  # per DRAM channel: the sum of its events (unit 4)
  channelBytes @18 :List(UInt64);       # per DRAM channel: bytes it moved
}

struct GroupTiming {
  group @0 :UInt32;
  name @1 :Text;
  cores @2 :List(UInt32);
  startCycle @3 :UInt64;            # first event of the group
  endCycle @4 :UInt64;              # last event end
  computeCycles @5 :UInt64;         # busiest core's MAC/vector time
  waitCycles @6 :UInt64;            # busiest core's time waiting for data (SRAM, NoC, DRAM)
  analyticCycles @7 :Float64;       # the group's cycles as place-route scheduled it
  error @8 :Float64;                # analytic / simulated - 1: where the cost model is wrong
}

struct CoreStats {
  core @0 :UInt32;
  macBusyCycles @1 :UInt64;
  vectorBusyCycles @2 :UInt64;
  sramBusyCycles @3 :UInt64;
  sramReadBytes @4 :UInt64;
  sramWriteBytes @5 :UInt64;
  macs @6 :Float64;
  utilization @7 :Float64;          # macs / (makespan × PEs)
  energyPj @8 :Float64;
}

struct LinkStats {
  link @0 :UInt32;
  fromNode @1 :Int32;               # core number; -1 - channel for a DRAM channel
  toNode @2 :Int32;
  bytes @3 :UInt64;
  busyCycles @4 :UInt64;
  utilization @5 :Float64;          # busy / makespan
  contentionCycles @6 :UInt64;      # transfers waiting for this link
}

struct TraceBatch {
  # One row per event, columns of equal length.
  unit @0 :List(UInt8);             # 0 MAC array, 1 vector unit, 2 SRAM port, 3 NoC link, 4 DRAM channel
  resource @1 :List(UInt32);        # core (units 0-2), link (3) or DRAM channel (4)
  group @2 :List(UInt32);
  tile @3 :List(UInt32);            # the group's tile, in its tile order
  startCycle @4 :List(UInt64);
  endCycle @5 :List(UInt64);        # exclusive
  bytes @6 :List(UInt64);           # moved (0 for compute)
}

struct TensorCheck {
  value @0 :Text;                   # the graph value checked (a group output)
  group @1 :UInt32;                 # the group that produced it
  elementType @2 :Text;             # "float32", "int8", ...
  elements @3 :UInt64;
  maxAbsError @4 :Float64;          # against the interpreter on the whole graph
  maxRelError @5 :Float64;
  absTolerance @6 :Float64;         # the bound it was held to (0 for integers: exact)
  relTolerance @7 :Float64;
  passed @8 :Bool;
  worstIndex @9 :UInt64;            # flat index of the largest error
  note @10 :Text;                   # why a tensor was not checked, or empty
}

struct SystolicLayer {
  # One layer on one systolic array, timed as SCALE-Sim times it.
  name @0 :Text;
  dataflow @1 :Text;                # "ws", "os" or "is"
  arrayRows @2 :UInt32;
  arrayCols @3 :UInt32;
  computeCycles @4 :UInt64;         # with the array's fill and drain, no memory stalls
  stallCycles @5 :UInt64;           # waiting for DRAM at the given bandwidth
  totalCycles @6 :UInt64;
  rowFolds @7 :UInt32;
  colFolds @8 :UInt32;
  computeUtilization @9 :Float64;   # MACs / (compute cycles × PEs)
  mappingEfficiency @10 :Float64;   # PEs used per fold / PEs
  ifmapSramReads @11 :UInt64;       # words
  filterSramReads @12 :UInt64;
  ofmapSramWrites @13 :UInt64;
  ifmapDramReads @14 :UInt64;       # words
  filterDramReads @15 :UInt64;
  ofmapDramWrites @16 :UInt64;
  cyclesWithPrefetch @17 :UInt64;   # first DRAM read (the fill before compute) to last DRAM write; 0 in CALC mode
  stallModel @18 :Text;             # "none" (CALC mode), "exact" (operands fit their SRAMs) or "replay" (SCALE-Sim's memory replayed per demand line)
  overallUtilization @19 :Float64;  # MACs / (total cycles × PEs)
  foldCycles @20 :UInt64;           # cycles of one fold
}
