# Test schema for the Capnp runtime tests: every field type, defaults, nesting.
# Field offsets used by the tests come from `capnp compile -ocapnp runtime_test.capnp`.
@0xd1b7f3a1c2e4f501;

enum Color { red @0; green @1; blue @2; }

struct Inner {
  a @0 :Int32;
  b @1 :Text;
}

struct AllTypes {
  boolField @0 :Bool;
  int8Field @1 :Int8;
  int16Field @2 :Int16;
  int32Field @3 :Int32;
  int64Field @4 :Int64;
  uint8Field @5 :UInt8;
  uint16Field @6 :UInt16;
  uint32Field @7 :UInt32;
  uint64Field @8 :UInt64;
  float32Field @9 :Float32;
  float64Field @10 :Float64;
  textField @11 :Text;
  dataField @12 :Data;
  structField @13 :Inner;
  enumField @14 :Color;
  voidList @15 :List(Void);
  boolList @16 :List(Bool);
  int8List @17 :List(Int8);
  int16List @18 :List(Int16);
  int32List @19 :List(Int32);
  int64List @20 :List(Int64);
  uint64List @21 :List(UInt64);
  float32List @22 :List(Float32);
  float64List @23 :List(Float64);
  textList @24 :List(Text);
  dataList @25 :List(Data);
  structList @26 :List(Inner);
  enumList @27 :List(Color);
  listList @28 :List(List(Int32));
  intWithDefault @29 :Int32 = 42;
  textWithDefault @30 :Text = "hello";
  floatWithDefault @31 :Float32 = 1.5;
  boolWithDefault @32 :Bool = true;
  next @33 :AllTypes;
  anyField @34 :AnyPointer;
}

# An older and a newer version of the same struct, for schema-evolution tests.
struct OldRecord { x @0 :Int32; }
struct NewRecord { x @0 :Int32; y @1 :Int64 = 7; name @2 :Text; }

# Lists of primitives vs structs whose first field is that primitive.
struct PrimHolder { values @0 :List(Int32); names @1 :List(Text); }
struct StructHolder { values @0 :List(Wrapped); names @1 :List(NameWrapped); }
struct Wrapped { v @0 :Int32; extra @1 :Int16; }
struct NameWrapped { n @0 :Text; }
