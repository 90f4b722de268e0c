@0xc50b96c09cab5bb4;
# tile-plan output: how every operator of a graph is cut into tiles on an accelerator.
#
#   graph-opt model.onnx | tile-plan --arch tpu-like | capnp decode Formats/tiles.capnp TilesFrame
#
# Frames: header, one `arch` (the accelerator the plan is for), one `graph` (what was planned),
# one `group` per group of operators (in graph order), one `edge` per value passed between
# groups, trailer. Numbers are deterministic: the same input gives the same bytes.

using Stream = import "stream.capnp";
using Arch = import "arch.capnp";

const kind :Text = "tiles";        # Header.kind of a tiles stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct TilesFrame {
  union {
    header  @0 :Stream.Header;
    arch    @1 :Arch.Arch;
    graph   @2 :GraphSummary;
    group   @3 :TileGroup;
    edge    @4 :TileEdge;
    trailer @5 :Stream.Trailer;
  }
}

struct GraphSummary {
  name @0 :Text;
  nodeCount @1 :UInt32;
  objective @2 :Text;           # "latency", "energy" or "edp"
  totalCycles @3 :Float64;      # groups run one after another
  totalEnergyPj @4 :Float64;
  lowerBoundCycles @5 :Float64;
  lowerBoundEnergyPj @6 :Float64;
  # A decode step's KV cache (tile-plan --kv-cache; Docs/tile.md "Decode"): graph inputs that
  # feed a Concat whose output is a graph output. Empty/zero with the default (copy).
  kvCache @7 :Text;             # "", "streamed" or "resident"
  kvCacheBytes @8 :Float64;     # every cache tensor at the step's length (past and new rows)
  kvResidentBytes @9 :Float64;  # of them, pinned in SRAM across steps (resident mode, fitting)
  kvSetAsideBytes @10 :Float64; # SRAM set aside for caches, whole chip (taken from what tiles may use)
  kvSramLevel @11 :Text;        # the memory level the caches are pinned in
}

struct LoopExtent {
  dim @0 :Text;                 # G B K C OY OX FY FX (MAC array) or ROWS COLS (vector unit)
  extent @1 :UInt64;
}

struct SpatialUnroll {
  arrayDim @0 :Text;            # "D1", or "mesh" for the cores of a mesh
  dim @1 :Text;
  factor @2 :UInt32;
}

struct LevelMapping {
  memory @0 :Text;              # innermost first, as in the arch
  loops @1 :List(LoopExtent);   # temporal loops at this level, outermost first
  operands @2 :List(Arch.Operand);  # what this level holds in this mapping
  tileBytes @3 :List(UInt64);   # the tile of each held operand, same order
  readBytes @4 :Float64;        # all instances together
  writeBytes @5 :Float64;
  energyPj @6 :Float64;
  transferCycles @7 :Float64;   # time its ports need for this traffic
}

struct TileGroup {
  index @0 :UInt32;
  name @1 :Text;                # the first node's name
  ops @2 :List(Text);           # ONNX operators of the group, e.g. ["Conv"]
  nodes @3 :List(UInt32);       # node indices in the graph
  unit @4 :Text;                # "array" (MAC array), "vector" (vector unit) or "none" (no data moved: Reshape, ...)
  loops @5 :List(LoopExtent);   # the operator as a loop nest
  spatial @6 :List(SpatialUnroll);
  levels @7 :List(LevelMapping);
  tileShape @8 :List(LoopExtent);   # the tile held on chip (last on-chip level)
  tileCount @9 :UInt64;
  macs @10 :Float64;
  flops @11 :Float64;
  compulsoryBytes @12 :Float64; # inputs read and outputs written once
  cycles @13 :Float64;
  computeCycles @14 :Float64;
  stallCycles @15 :Float64;     # memory ports not keeping up
  fillDrainCycles @16 :Float64; # pipeline fill/drain and first-tile/last-tile transfers
  energyPj @17 :Float64;
  macEnergyPj @18 :Float64;
  utilization @19 :Float64;     # MACs / (cycles × PEs)
  lowerBoundCycles @20 :Float64;
  lowerBoundEnergyPj @21 :Float64;
  lowerBound @22 :Float64;      # of the objective
  objectiveValue @23 :Float64;
  gap @24 :Float64;             # objectiveValue / lowerBound - 1 (the certificate)
  searchVisited @25 :UInt64;    # mappings costed
  searchPruned @26 :UInt64;     # subtrees cut by the lower bound
  searchComplete @27 :Bool;     # false when --time-limit stopped the search
  note @28 :Text;
  # A fused group (tile-plan without --no-fuse): the chain run as one group, depth-first.
  # The fields above are the fused group's (cycles, energy, bound and gap of the whole chain;
  # loops, spatial and tileShape of its last MAC member; levels summed over the members);
  # each member as planned alone, with its own mapping, is in `members`.
  fusion @29 :Text;             # "" (not fused), "conv-chain", "norm-gemm" or "attention"
  members @30 :List(TileGroup); # each member's own record (index: this group's)
  tileRows @31 :UInt64;         # rows of the last output per depth-first tile (attention: query rows)
  intermediateBytes @32 :Float64; # values passed between members: kept on chip, never in DRAM
  footprintBytes @33 :Float64;  # on-chip bytes one tile needs (strips and halo rows of every value)
  dramBytesSaved @34 :Float64;  # DRAM traffic the fusion removes, less the re-reads it adds
  residentBytes @35 :Float64;   # KV-cache bytes read from SRAM instead of DRAM (--kv-cache resident)
}

struct TileEdge {
  from @0 :UInt32;              # producing group
  to @1 :UInt32;                # consuming group
  value @2 :Text;
  bytes @3 :UInt64;
  bytesPerTile @4 :UInt64;      # at the producer's tiling
  tileOrder @5 :Text;           # loop order the producer emits tiles in, outermost first
}
