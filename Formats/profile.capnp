@0xebc4312bc07ae6cf;
# A data profile: what `dq-check profile` writes and `dq-check merge` combines. One `source`
# record, then one `column` record per (column, segment), then at most one `sequence` record,
# following the envelope of stream.capnp (header first, trailer last).
#
#   capnp decode Formats/profile.capnp ProfileFrame < day.profile
#
# Every part merges associatively and commutatively (Docs/profile.md): counts, extremes and
# histogram buckets exactly, mean and m2 by Chan et al.'s formula, the sketches within their
# stated error. Sketch parameters and seeds are stored so a merge can refuse mismatched ones.

using Stream = import "stream.capnp";

const kind :Text = "profile";      # Header.kind of a profile stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct ProfileFrame {
  union {
    header   @0 :Stream.Header;
    source   @1 :ProfileSource;    # exactly once, first
    column   @2 :ProfileColumn;
    sequence @3 :ProfileSequence;  # at most once, after the columns
    trailer  @4 :Stream.Trailer;
  }
}

# What was profiled.
struct ProfileSource {
  rows      @0 :UInt64;            # rows profiled
  segmentBy @1 :Text;              # the segment column; empty for none
}

struct ProfileColumn {
  column   @0 :Text;
  segment  @1 :Text;               # the segment column's value as text; empty = all rows
  type     @2 :ValueType;
  isList   @3 :Bool;
  measure  @4 :Measure;
  rows     @5 :UInt64;             # rows, nulls included
  nulls    @6 :UInt64;
  # Moments of the measure over non-null, non-NaN rows (Welford / Chan et al.).
  count    @7 :UInt64;
  nanCount @8 :UInt64;
  mean     @9 :Float64;
  m2       @10 :Float64;           # sum of squared deviations from the mean
  min      @11 :Float64;           # +inf when count = 0
  max      @12 :Float64;           # -inf when count = 0
  histogram @13 :ProfileHistogram;
  kll      @14 :KllSketch;
  hll      @15 :HllSketch;
  frequent @16 :FrequentSummary;

  enum ValueType {
    int32 @0;
    int64 @1;
    float32 @2;
    float64 @3;
    bool @4;
    utf8 @5;
    bytes @6;
  }

  enum Measure {
    value @0;                        # the values (bool as 0/1)
    length @1;                       # byte length of utf8 / bytes values
    listLength @2;                   # element count of list rows
  }
}

# Fixed log buckets (sign, binary exponent, top 3 mantissa bits): bucket i's counts at
# counts[i - firstBucket]. Bucket 0 holds zero; see Docs/profile.md for the bounds.
struct ProfileHistogram {
  firstBucket @0 :Int32;
  counts      @1 :List(UInt64);
}

# KLL quantile sketch: items of level h weigh 2^h; items are the concatenated levels.
struct KllSketch {
  k          @0 :UInt16;
  n          @1 :UInt64;
  min        @2 :Float64;
  max        @3 :Float64;
  rngState   @4 :UInt64;           # the compaction coin's SplitMix64 state
  levelSizes @5 :List(UInt32);
  items      @6 :List(Float64);
}

# HyperLogLog: 2^precision registers over seeded 64-bit hashes.
struct HllSketch {
  precision @0 :UInt8;
  hashSeed  @1 :UInt64;
  registers @2 :Data;
}

# Exact counts up to `capacity` distinct values, then Misra-Gries: a count may be up to
# errorBound below the truth (0 = exact).
struct FrequentSummary {
  capacity   @0 :UInt32;
  errorBound @1 :UInt64;
  items      @2 :List(Item);

  struct Item {
    count @0 :UInt64;
    union {
      number @1 :UInt64;           # an integer's two's complement, a float's bits, a bool 0/1, a list's length
      bytes  @2 :Data;             # utf8 and bytes values
    }
  }
}

struct ProfileSequence {
  userColumn @0 :Text;
  timeColumn @1 :Text;
  itemColumn @2 :Text;             # empty: duplicates keyed by (user, time)
  events     @3 :UInt64;
  users      @4 :UInt64;
  outOfOrder @5 :UInt64;
  duplicates @6 :UInt64;
  future     @7 :UInt64;
  hasNow     @8 :Bool;
  now        @9 :Int64;
  lengths    @10 :KllSketch;             # events per user
  gaps       @11 :KllSketch;             # time between a user's in-order events
}
