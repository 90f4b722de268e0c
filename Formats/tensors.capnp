@0xd3d6824f2a647349;
# Training tensors: what `feat-etl transform` writes and a trainer reads. It follows the
# envelope of stream.capnp: header first, then for each batch of rows its tensors, trailer last.
#
#   capnp decode Formats/tensors.capnp TensorsFrame < train.tensors
#
# Every array is `Data`: raw little-endian values that start on a word boundary, so a reader
# views them as numpy / torch arrays without a copy. The writer puts each frame in ONE
# segment, so every array of a frame is a contiguous range of the file.

using Stream = import "stream.capnp";

const kind :Text = "tensors";      # Header.kind of a tensors stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct TensorsFrame {
  union {
    header  @0 :Stream.Header;
    dense   @1 :DenseTensor;
    jagged  @2 :KeyedJagged;
    trailer @3 :Stream.Trailer;
  }
}

# The element type of an array.
enum TensorDType {
  int32 @0;
  int64 @1;
  float32 @2;
  float64 @3;
}

# A dense tensor of one batch: `values` holds product(shape) elements of `dtype`, row-major.
struct DenseTensor {
  batch  @0 :UInt32;               # the batch of rows it belongs to (0, 1, ...)
  name   @1 :Text;                 # the feature name from the spec
  dtype  @2 :TensorDType;
  shape  @3 :List(UInt64);         # [rows] or [rows, L]
  values @4 :Data;
}

# Keyed jagged tensors of one batch, as torchrec's KeyedJaggedTensor takes them: for key k and
# row r, its values are values[offsets[k * rows + r] ..< offsets[k * rows + r + 1]].
struct KeyedJagged {
  batch   @0 :UInt32;
  rows    @1 :UInt32;                # the stride: rows of the batch
  keys    @2 :List(Text);
  values  @3 :Data;                  # int64, every key's values one after the other
  lengths @4 :Data;                  # int32 [keys.len * rows]
  offsets @5 :Data;                  # int32 [keys.len * rows + 1], starting at 0
  weights @6 :Data;                  # float32 [values], or empty when unweighted
}
