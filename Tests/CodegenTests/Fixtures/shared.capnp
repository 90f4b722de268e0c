@0xc4f1e6a2b3d49e01;
# Types that everything.capnp imports, to prove cross-file references work.

struct Point {
  # A point in the plane.
  x @0 :Float64;  # east
  y @1 :Float64;
  label @2 :Text;
}

enum Level {
  # How loud something is.
  quiet @0;
  normal @1;
  loud @2;   # very loud
}

const origin :Point = (x = 0, y = 0, label = "origin");
