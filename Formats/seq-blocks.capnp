@0x97fd04f40742be57;
# Encoded behaviour sequences: what `seq-encode` writes and `seq-encode -d` reads.
# It follows the envelope of stream.capnp: header first, one `layout` record (the columns of
# the events, as in events.capnp), then `block` records, trailer last.
#
#   capnp decode Formats/seq-blocks.capnp SeqFrame < blocks.bin

using Stream = import "stream.capnp";
using Events = import "events.capnp";

const kind :Text = "seq-blocks";   # Header.kind of a seq-blocks stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct SeqFrame {
  union {
    header  @0 :Stream.Header;
    layout  @1 :Events.EventSchema;  # exactly once, before the first block
    block   @2 :EncodedBlock;
    trailer @3 :Stream.Trailer;
  }
}

# A run of users' events sorted by (user, time), every column encoded (SeqCodec block layout
# version 1, documented in Docs/seq.md). The summary fields let a reader route or skip a block
# without decoding it.
struct EncodedBlock {
  data      @0 :Data;              # the encoded block, with its own checksum
  events    @1 :UInt32;            # events in the block
  firstUser @2 :Int64;             # user ids are ascending inside a block
  lastUser  @3 :Int64;
  minTime   @4 :Int64;
  maxTime   @5 :Int64;
}
