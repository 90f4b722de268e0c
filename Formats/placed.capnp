@0xb2bd41e61dca64f0;
# place-route output: a tiled program laid out over the mesh in space and time, with every
# tensor's route over the network-on-chip and every core's SRAM budget.
#
#   graph-opt m.onnx | tile-plan --arch mesh-8x8 | place-route | capnp decode Formats/placed.capnp PlacedFrame
#
# Frames: header, the tiles stream passed through (one `arch`, one `graph`, its `group`s and
# `edge`s, in tile-plan's order), then one `plan` (the summary and search diagnostics), one
# `placement` per group, one `route` per flow, one `link` per link that carries traffic, one
# `core` per enabled core, trailer. Cores are numbered row * cols + col. Links are numbered
# 4 * core + direction (0 east, 1 west, 2 south, 3 north: the link leaving that node), then
# 4 * rows * cols + 2 * channel for a DRAM channel's link into the mesh and + 1 for the link
# out of it. Times are cycles of the arch's clock. The same input gives the same bytes.

using Stream = import "stream.capnp";
using Arch = import "arch.capnp";
using Tiles = import "tiles.capnp";

const kind :Text = "placed";       # Header.kind of a placed stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct PlacedFrame {
  union {
    header    @0 :Stream.Header;
    arch      @1 :Arch.Arch;
    graph     @2 :Tiles.GraphSummary;
    group     @3 :Tiles.TileGroup;
    edge      @4 :Tiles.TileEdge;
    plan      @5 :PlanSummary;
    placement @6 :GroupPlacement;
    route     @7 :FlowRoute;
    link      @8 :LinkLoad;
    core      @9 :CoreBudget;
    trailer   @10 :Stream.Trailer;
  }
}

struct PlanSummary {
  mode @0 :Text;                  # what was asked: "auto", "layer", "pipeline" or "split"
  segments @1 :List(Segment);     # consecutive groups executed one way, in time order
  makespanCycles @2 :Float64;     # end of the last epoch, link stretching included
  computeCycles @3 :Float64;      # the same without waiting for links
  layerByLayerCycles @4 :Float64; # every group on every core, one after another (for comparison)
  slowestStageCycles @5 :Float64; # the longest stage of any pipelined segment (0 when none)
  stageBoundCycles @6 :Float64;   # total work / cores: no schedule of the work beats it
  maxLinkBytesPerCycle @7 :Float64;   # the highest link rate of any epoch
  cutBoundBytesPerCycle @8 :Float64;  # the busiest cut's traffic over its links: max link rate >= this
  linkBytesPerCycle @9 :Float64;      # the capacity of one link (the arch's)
  routerIterations @10 :UInt32;
  overusedPerIteration @11 :List(UInt32);  # overused (link, epoch) pairs after each iteration
  converged @12 :Bool;            # false: the iteration cap stopped the router with links overused
  overusedLinks @13 :List(UInt32);    # links still over capacity in some epoch when it stopped
  refineMoves @14 :UInt32;        # placement moves the refinement tried
  refineAccepted @15 :UInt32;     # and kept
  seed @16 :UInt64;               # of the refinement
  epochs @17 :List(Epoch);        # time windows in which the routes' rates are constant
  sramBytesPerCore @18 :UInt64;   # on-chip capacity of one core (all levels but the backing one)
  multicast @19 :Bool;            # the placement used the NoC's multicast (arch's noc.multicast, not --no-multicast)
  multicastTrees @20 :UInt32;     # trees routed (their branches are the routes with multicast > 0)
  feedback @21 :List(Replanned);  # groups re-mapped by Tiling because a core's SRAM overflowed (empty: none, or --no-feedback)
}

# A group place-route asked Tiling to re-map with its on-chip memories capped (feedback to tiling).
# The group records passed through stay tile-plan's; this says what the placement used instead.
struct Replanned {
  group @0 :UInt32;
  name @1 :Text;
  core @2 :UInt32;                # the core whose SRAM overflowed
  shortBytes @3 :Float64;         # by how much, before the re-mapping
  fraction @4 :Float64;           # of each on-chip level the new mapping was allowed
  oldTileBytes @5 :Float64;       # the group's tiles on one core (inputs, outputs, double buffers, weight tile unless resident)
  newTileBytes @6 :Float64;
  oldCycles @7 :Float64;          # the group's cycles (over its mapping's cores), before and after
  newCycles @8 :Float64;
}

struct Segment {
  firstGroup @0 :UInt32;
  lastGroup @1 :UInt32;           # inclusive
  mode @2 :Text;                  # "layer" (each group on all cores, in turn), "pipeline" (groups on
                                  # disjoint regions, streaming tiles) or "split" (one group, all cores)
  stages @3 :UInt32;
  cycles @4 :Float64;
  pipelineTiles @5 :UInt32;       # tiles streamed through the pipeline (1 unless pipelined)
}

struct Epoch {
  startCycle @0 :Float64;
  endCycle @1 :Float64;
  computeCycles @2 :Float64;      # before stretching for link load
}

struct GroupPlacement {
  group @0 :UInt32;
  segment @1 :UInt32;
  stage @2 :UInt32;               # within its segment
  slot @3 :UInt32;                # the epoch it runs in
  cores @4 :List(UInt32);
  startCycle @5 :Float64;
  endCycle @6 :Float64;
  cycles @7 :Float64;             # its work on these cores, as the tiles' cost scales
  dramBytes @8 :UInt64;           # weights and graph inputs/outputs it moves to or from DRAM
}

struct FlowRoute {
  edge @0 :Int32;                 # index of the tiles edge it carries; -1 for DRAM traffic
  fromGroup @1 :Int32;            # -1: from a DRAM channel
  toGroup @2 :Int32;              # -1: to a DRAM channel
  source @3 :UInt32;              # core, or DRAM channel when fromGroup is -1
  destination @4 :UInt32;         # core, or DRAM channel when toGroup is -1
  bytes @5 :UInt64;
  links @6 :List(UInt32);         # in order from source to destination
  epoch @7 :UInt32;
  startCycle @8 :Float64;
  endCycle @9 :Float64;
  multicast @10 :UInt32;          # 0: a unicast. Otherwise the number (from 1) of the multicast tree
                                  # this route is one branch of: the routes with the same number leave
                                  # one source with the same bytes in one epoch, and every link they
                                  # share carries those bytes once (the NoC copies at the forks)
}

struct LinkLoad {
  link @0 :UInt32;
  fromNode @1 :Int32;             # core number; -1 - channel for a DRAM channel
  toNode @2 :Int32;
  bytes @3 :UInt64;               # over the whole run
  peakBytesPerCycle @4 :Float64;  # the highest rate of any epoch
  peakEpoch @5 :UInt32;
  overused @6 :Bool;
}

struct Buffer {
  owner @0 :UInt32;               # group
  what @1 :Text;                  # "weights", "input", "output", "double-buffer", "noc-staging"
  bytes @2 :UInt64;
  firstEpoch @3 :UInt32;          # live range, inclusive
  lastEpoch @4 :UInt32;
}

struct CoreBudget {
  core @0 :UInt32;
  capacityBytes @1 :UInt64;
  peakBytes @2 :UInt64;           # the most live at any epoch
  peakEpoch @3 :UInt32;
  buffers @4 :List(Buffer);
}
