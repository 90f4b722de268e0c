@0xa6bc17bc3708685b;
# A dataflow graph: what graph-opt writes and tile-plan reads.
#
#   graph-opt model.onnx | capnp decode Formats/graph.capnp GraphFrame
#
# Frames: header, one `info`, the values (`values` batches, ids ascending from 0), the
# nodes in topological order (`nodes` batches), trailer. A consumer may rely on that order:
# every value a node reads was described before the node.
#
# Weights are never copied through the pipe when they are large: a constant is either
# inline (small), a splat (one element repeated, what ConstantOfShape produces), or a
# region of a file (the .onnx itself, its external-data file, or graph-opt's --weights file).

using Stream = import "stream.capnp";

const kind :Text = "graph";        # Header.kind of a graph stream
const schemaVersion :UInt16 = 1;   # Header.schemaVersion this file describes

struct GraphFrame {
  union {
    header  @0 :Stream.Header;
    info    @1 :GraphInfo;
    values  @2 :ValueBatch;
    nodes   @3 :NodeBatch;
    trailer @4 :Stream.Trailer;
  }
}

struct GraphInfo {
  name @0 :Text;
  opsets @1 :List(OpsetImport);  # domain "" is standard ONNX
  inputs @2 :List(UInt32);       # value ids of the graph inputs, in order
  outputs @3 :List(UInt32);      # value ids of the graph outputs, in order
  source @4 :Text;               # the model file the graph came from
  valueCount @5 :UInt32;         # values described by the `values` frames
  nodeCount @6 :UInt32;          # nodes described by the `nodes` frames
}

struct OpsetImport {
  domain @0 :Text;
  version @1 :Int64;
}

# Element types; ordinals are the ONNX TensorProto.DataType codes.
enum DType {
  undefined @0; float32 @1; uint8 @2; int8 @3; uint16 @4; int16 @5; int32 @6; int64 @7;
  string @8; bool @9; float16 @10; float64 @11; uint32 @12; uint64 @13;
  complex64 @14; complex128 @15; bfloat16 @16;
}

struct Dim {
  union {
    known @0 :Int64;
    symbol @1 :Text;   # e.g. "batch", "seq": kept symbolic through shape inference
    unknown @2 :Void;
  }
}

struct ValueBatch {
  values @0 :List(Value);
}

struct Value {
  id @0 :UInt32;                 # position in the graph's value table
  name @1 :Text;
  dtype @2 :DType;
  rankKnown @3 :Bool;            # false: nothing is known about the shape
  shape @4 :List(Dim);
  constant @5 :Constant;         # null unless the value is a constant
}

struct Constant {
  dims @0 :List(Int64);
  union {
    inline @1 :Data;             # little-endian elements
    splat @2 :Data;              # one element, repeated over dims
    file @3 :WeightRef;          # little-endian elements in a file region
  }
  dtype @4 :DType;               # the element type (also on the Value, for attributes here only)
}

struct WeightRef {
  path @0 :Text;                 # as given on the command line or relative to the model
  offset @1 :UInt64;
  length @2 :UInt64;
}

struct NodeBatch {
  nodes @0 :List(Node);
}

struct Node {
  name @0 :Text;
  op @1 :Text;
  domain @2 :Text;               # "" standard ONNX; "sluice" graph-opt's fused ops; any other
                                 # domain (and an unknown op) is an opaque node, kept as is
  inputs @3 :List(Int32);        # value ids; -1 marks an omitted optional input
  outputs @4 :List(Int32);
  attributes @5 :List(Attribute);
  captures @6 :List(Int32);      # values a subgraph attribute reads by name (If/Loop/Scan
                                 # bodies): read like inputs, never renamed
}

struct Attribute {
  name @0 :Text;
  union {
    int @1 :Int64;
    float @2 :Float32;
    string @3 :Text;
    ints @4 :List(Int64);
    floats @5 :List(Float32);
    strings @6 :List(Text);
    tensor @7 :Constant;
    onnx @8 :Data;               # an ONNX AttributeProto graph-opt does not model (a
                                 # subgraph, sparse tensor, type proto), serialized
  }
}
