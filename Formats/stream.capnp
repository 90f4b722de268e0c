@0xd511fa0cbb5b7b98;
# The envelope every Sluice stream follows.
#
# A stream is a sequence of standard Cap'n Proto messages. Each stream kind has one root
# frame struct in its own Formats file whose FIRST member is an unnamed union:
#
#   struct GraphFrame {
#     union {
#       header  @0 :Stream.Header;    # always first: discriminant 0, pointer slot 0
#       ...record variants...
#       trailer @N :Stream.Trailer;   # always last
#     }
#   }
#
# Because `header` is ordinal 0 of a union that opens the struct, every frame's union
# discriminant sits at data byte offset 0 and the header at pointer 0. A reader that does not
# know the kind (rec-cat) can therefore read any stream's header with this file alone, then
# pick the frame type the header's `kind` names.

struct Header {
  kind @0 :Text;            # the stream kind, e.g. "graph", "seq-blocks", "events", "bench"
  schemaVersion @1 :UInt16; # bumped when a kind's frame changes incompatibly
  producer @2 :Producer;    # which tool wrote the stream
  frameType @3 :Text;       # the root frame struct's name in Formats/, e.g. "SeqFrame"
}

struct Producer {
  tool @0 :Text;            # e.g. "seq-encode"
  version @1 :Text;         # the tool's --version string
  arguments @2 :List(Text); # argv after the tool name, for provenance
}

struct Trailer {
  recordCount @0 :UInt64;   # number of record frames between header and trailer
  counts @1 :List(Count);   # what the producer wants on record about the run, e.g. the lossy
                            # conversions of a schema-migrate apply; empty for most tools
}

struct Count {
  name @0 :Text;            # e.g. "cast rating to int64: inexact (policy clamp)"
  value @1 :UInt64;
}
