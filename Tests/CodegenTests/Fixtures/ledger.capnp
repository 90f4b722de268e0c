@0xd3a1f0e2c4b59687;
# A schema written after the generator, combining features: recursion, unions inside groups
# inside unions, nested enums in lists of lists, struct defaults holding lists, a nested type
# that shadows an imported top-level name, an empty struct, a struct constant.

using Shared = import "shared.capnp";

struct Ledger {
  # A ledger: a tree of ledgers with entries.
  name @0 :Text = "unnamed";
  entries @1 :List(Entry);
  children @2 :List(Ledger);
  totals @3 :Totals = (count = 1, sums = [1.5, 2.5], currency = eur);
  matrix @4 :List(List(Entry.Kind));
  location :union {
    nowhere @5 :Void;
    at @6 :Shared.Point;
    path @7 :List(List(Shared.Point));
    between :group {
      from @8 :Shared.Point;
      to @9 :Shared.Point;
      mode :union {
        walk @10 :Void;
        ride @11 :Float32 = 12.5;
        fly @12 :Data = 0x"cafe";
      }
    }
  }
  localPoint @13 :Point;   # the nested Point below, not Shared.Point
  empty @14 :Empty;
  flags @15 :List(Bool) = [true, true, false];

  struct Entry {
    amount @0 :Int64 = -100;
    kind @1 :Kind = credit;
    memo @2 :Text;
    tags @3 :List(Text) = ["default"];
    enum Kind { debit @0; credit @1; transfer @2; }
    union {
      cash @4 :Void;
      card :group { last4 @5 :UInt16; expires @6 :Date; }
      cheque @7 :UInt32;
    }
    struct Date { year @0 :Int16 = 2000; month @1 :UInt8 = 1; day @2 :UInt8 = 1; }
  }

  struct Totals {
    count @0 :UInt32;
    sums @1 :List(Float64);
    currency @2 :Currency;
    enum Currency { usd @0; eur @1; jpy @2; }
  }

  struct Point {
    # Shadows the imported top-level Point inside Ledger.
    local @0 :Bool = true;
  }
}

struct Empty {}

const sample :Ledger = (
  name = "sample",
  entries = [(amount = 5, memo = "coffee", card = (last4 = 1234, expires = (year = 2030))), (cheque = 77)],
  location = (between = (from = (x = 1), to = (y = 2), mode = (fly = 0x"beef"))));
