@0xe4a7c2b95d1f3a68;
# A typed table in column batches: the record every data tool reads and writes
# (`schema-migrate`, `dq-check`, `feat-etl`). It follows the envelope of stream.capnp: header
# first, one `rowSchema` record, then `batch` records, trailer last.
#
#   capnp decode Formats/table.capnp TableFrame < day.tbl
#
# The column buffers are laid out as Apache Arrow's: a validity bitmap (bit i of byte i/8,
# least significant bit first; 1 = present), int32 offsets for strings, bytes and lists, and
# plain little-endian values. Cap'n Proto primitive lists are contiguous little-endian arrays
# and List(Bool) packs bits least significant first, so pyarrow wraps every buffer of a batch
# without a copy (`pa.Array.from_buffers`).

using Stream = import "stream.capnp";

const kind :Text = "table";        # Header.kind of a table stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct TableFrame {
  union {
    header      @0 :Stream.Header;
    rowSchema   @1 :RowSchema;     # exactly once, before the first batch (not `schema`: pycapnp reserves it)
    batch       @2 :TableBatch;
    trailer     @3 :Stream.Trailer;
  }
}

# What the columns are. `subject`, `version` and `fingerprint` name the registry schema the
# rows were written under (empty, 0 and 0 when the table never met a registry).
struct RowSchema {
  subject     @0 :Text;
  version     @1 :UInt32;
  fingerprint @2 :UInt64;          # CRC-64-AVRO of the schema's Avro canonical form
  fields      @3 :List(Field);

  struct Field {
    id       @0 :UInt32;           # stable across renames (the .avsc key `sluice.id`); 0 = none
    name     @1 :Text;
    type     @2 :ValueType;        # of the values, or of the list elements when `isList`
    isList   @3 :Bool;
    nullable @4 :Bool;             # rows may be null (a list row, not its elements)
    role     @5 :Role;
    timeUnit @6 :TimeUnit;         # for role `time`
  }

  enum ValueType {
    int32 @0;
    int64 @1;
    float32 @2;
    float64 @3;
    bool @4;
    utf8 @5;
    bytes @6;
  }

  enum Role {
    none @0;
    user @1;
    time @2;
    item @3;
    action @4;
  }

  enum TimeUnit {
    none @0;
    s @1;
    ms @2;
    us @3;
    ns @4;
  }
}

# `rows` rows of every field, one TableColumn per schema field in order.
struct TableBatch {
  rows    @0 :UInt32;
  columns @1 :List(TableColumn);
}

struct TableColumn {
  validity  @0 :Data;              # ceil(rows / 8) bytes; empty when no row is null
  nullCount @1 :UInt32;
  offsets   @2 :List(Int32);       # list fields: rows + 1 entries into the element values
  union {
    int32   @3 :List(Int32);
    int64   @4 :List(Int64);
    float32 @5 :List(Float32);
    float64 @6 :List(Float64);
    bool    @7 :List(Bool);
    text    @8 :Binary;            # utf8 fields (valid UTF-8)
    binary  @9 :Binary;            # bytes fields
  }

  # Variable-length values: value i is data[valueOffsets[i] ..< valueOffsets[i + 1]].
  struct Binary {
    valueOffsets @0 :List(Int32);
    data         @1 :Data;
  }
}
