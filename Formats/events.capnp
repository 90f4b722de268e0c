@0x999486ea00a9965e;
# Behaviour events as columnar batches: the input and `seq-encode -d --events` output kind.
# It follows the envelope of stream.capnp: header first, then one `layout` record naming the
# columns, then `batch` records of thousands of events each, trailer last.
#
#   capnp decode Formats/events.capnp EventsFrame < events.bin

using Stream = import "stream.capnp";

const kind :Text = "events";       # Header.kind of an events stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct EventsFrame {
  union {
    header  @0 :Stream.Header;
    layout  @1 :EventSchema;       # exactly once, before the first batch (not `schema`: pycapnp reserves it)
    batch   @2 :EventBatch;
    trailer @3 :Stream.Trailer;
  }
}

# The table the events came from: its columns in order, and what each one is.
struct EventSchema {
  columns @0 :List(Column);

  struct Column {
    name @0 :Text;                 # the header field as written, e.g. "rating:float"
    role @1 :Role;
  }

  enum Role {
    user @0;                       # EventBatch.user
    time @1;                       # EventBatch.time (integer units: s, ms, ... as the source)
    item @2;                       # EventBatch.item
    action @3;                     # EventBatch.action
    extraInt @4;                   # the next EventBatch.extras entry, `ints`
    extraFloat @5;                 # the next EventBatch.extras entry, `floats`
  }
}

# One batch: every list has one entry per event (row i of each list is event i).
struct EventBatch {
  user   @0 :List(Int64);
  time   @1 :List(Int64);
  item   @2 :List(Int64);
  action @3 :List(Int64);          # all 0 when the table has no action column
  extras @4 :List(ExtraColumn);    # in the order of the schema's extra columns

  struct ExtraColumn {
    union {
      ints   @0 :List(Int64);
      floats @1 :List(Float64);    # binary64, so decimal text round-trips exactly
    }
  }
}
