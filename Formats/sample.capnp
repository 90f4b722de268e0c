@0xa014933b221ba4cb;
# A small stream kind for testing the substrate (Pipes, ToolKit, rec-cat) end to end.
# It follows the envelope of stream.capnp: header first, `row` batches, trailer last.
#
#   capnp decode Formats/sample.capnp SampleFrame < stream.bin

using Stream = import "stream.capnp";

const kind :Text = "sample";       # Header.kind of a sample stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct SampleFrame {
  union {
    header  @0 :Stream.Header;
    row     @1 :SampleBatch;
    trailer @2 :Stream.Trailer;
  }
}

# A columnar batch: `ids` and `values` have one entry per row.
struct SampleBatch {
  ids    @0 :List(Int64);
  values @1 :List(Float32);
  label  @2 :Text;
}
