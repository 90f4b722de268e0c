# The benchmark record: a few scalars, a text, a List(Float32) of 64 and a nested struct,
# the shape of a feature/sensor record in the recommendation and accelerator streams.
@0xb3c1d2e4f5a69788;

struct Point {
  x @0 :Float64;
  y @1 :Float64;
}

struct Record {
  id @0 :UInt64;
  timestamp @1 :Int64;
  score @2 :Float32;
  flags @3 :UInt16;
  active @4 :Bool;
  name @5 :Text;
  values @6 :List(Float32);
  location @7 :Point;
}
