@0xe0d1c2b3a4958671;
# Every feature capnpc-swift supports, in one file.

using Shared = import "shared.capnp";

enum Color {
  # A colour with a keyword enumerant and one named like a generated member.
  red @0;
  green @1;
  blueSky @2;
  default @3;   # keyword
  unknown @4;   # clashes with the generated fallback name
}

struct Everything {
  # All scalar types, defaults, pointers, lists, unions and groups.
  #
  # Second paragraph of the doc comment.
  voidField @0 :Void;  # scalars without defaults
  boolField @1 :Bool;
  int8Field @2 :Int8;
  int16Field @3 :Int16;
  int32Field @4 :Int32;
  int64Field @5 :Int64;
  uint8Field @6 :UInt8;
  uint16Field @7 :UInt16;
  uint32Field @8 :UInt32;
  uint64Field @9 :UInt64;
  float32Field @10 :Float32;
  float64Field @11 :Float64;
  textField @12 :Text;
  dataField @13 :Data;
  structField @14 :Everything;
  enumField @15 :Color;
  boolDefault @16 :Bool = true;  # scalars with defaults (stored XOR default on the wire)
  int8Default @17 :Int8 = -123;
  int16Default @18 :Int16 = -12345;
  int32Default @19 :Int32 = -12345678;
  int64Default @20 :Int64 = -123456789012345;
  uint8Default @21 :UInt8 = 234;
  uint16Default @22 :UInt16 = 45678;
  uint32Default @23 :UInt32 = 3456789012;
  uint64Default @24 :UInt64 = 12345678901234567890;
  float32Default @25 :Float32 = 1234.5;
  float64Default @26 :Float64 = -1.25e-123;
  textDefault @27 :Text = "foo";
  dataDefault @28 :Data = 0x"62 61 72";
  structDefault @29 :Shared.Point = (x = 1.5, y = -2, label = "default point");
  enumDefault @30 :Color = blueSky;
  nanDefault @31 :Float64 = nan;
  voidList @32 :List(Void);  # lists of everything
  boolList @33 :List(Bool);
  int8List @34 :List(Int8);
  int16List @35 :List(Int16);
  int32List @36 :List(Int32);
  int64List @37 :List(Int64);
  uint8List @38 :List(UInt8);
  uint16List @39 :List(UInt16);
  uint32List @40 :List(UInt32);
  uint64List @41 :List(UInt64);
  float32List @42 :List(Float32);
  float64List @43 :List(Float64);
  textList @44 :List(Text);
  dataList @45 :List(Data);
  structList @46 :List(Shared.Point);
  enumList @47 :List(Color);
  listList @48 :List(List(Int32));
  textListList @49 :List(List(Text));
  structListList @50 :List(List(Shared.Point));
  deepList @51 :List(List(List(Int8)));
  int32ListDefault @52 :List(Int32) = [1, -2, 3];
  textListDefault @53 :List(Text) = ["a", "bc"];
  structListDefault @54 :List(Shared.Point) = [(x = 1), (y = 2, label = "two")];
  boolListDefault @55 :List(Bool) = [true, false, true];

  anyPointerField @56 :AnyPointer;
  level @57 :Shared.Level = loud;
  point @58 :Shared.Point;
  union {
    # An unnamed union with members of several kinds.
    empty @59 :Void;
    number @60 :Int32;
    word @61 :Text;
    nested @62 :Shared.Point;
    pair :group {
      left @63 :Int16;
      right @64 :Text;
    }
  }
  choice :union {
    # A named union.
    none @65 :Void;
    flag @66 :Bool = true;
    color @67 :Color;
    ints @68 :List(Int64);
  }
  outer :group {
    # A group with a nested group.
    a @69 :UInt32 = 7;
    inner :group {
      b @70 :Text;
      c @71 :Float32 = 0.5;
    }
  }
  struct Inner {
    # A nested struct and enum.
    value @0 :Int32;
    kind @1 :Kind;
    enum Kind { alpha @0; beta @1; }
    const limit :UInt32 = 99;
  }
  inner @72 :Inner;
  innerDefault @73 :Inner = (value = 42, kind = beta);
}

struct Keywords {
  # Member names that are Swift keywords or generated names.
  struct @0 :Int32;
  enum @1 :Text;
  class @2 :Bool;
  self @3 :UInt8;
  init @4 :Int16;
  raw @5 :UInt16;
  which @6 :Int8;
  return @7 :Text;
  in @8 :Float32;
  is @9 :Bool;
  description @10 :Text;
  name @11 :Text;
  hasName @12 :Bool;
  setName @13 :Bool;
  type @14 :Type;
  default @15 :Color = default;
  union {
    protocol @16 :Void;
    unknown @17 :Int32;
    discriminant @18 :Text;
  }
  struct Type {
    # A nested struct named like a Swift keyword-ish type.
    self @0 :Int32;
  }
  struct Reader {
    builder @0 :Text;
  }
  reader @19 :Reader;
}

const answer :Int32 = 42;  # constants of every kind
const pi :Float64 = 3.14159265358979;
const smallPi :Float32 = 3.14159;
const greeting :Text = "hello \"world\"\n";
const blob :Data = 0x"00 01 fe ff";
const favourite :Color = green;
const unit :Void = void;
const yes :Bool = true;
const bigUnsigned :UInt64 = 18446744073709551615;
const primes :List(UInt32) = [2, 3, 5, 7, 11];
const words :List(Text) = ["one", "two"];
const home :Shared.Point = (x = 51.5, y = -0.1, label = "London");
const copy :Shared.Point = Shared.origin;
