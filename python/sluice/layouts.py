"""Where each field of Formats/*.capnp sits on the wire, by hand.

Computed with the field layout algorithm of the Cap'n Proto spec (fields in ordinal order take
the first free, naturally aligned hole of their size in the data section; pointers take the next
pointer slot; a union's discriminant is a uint16 placed like a field when the union's second
member is laid out). tests/test_layouts.py checks every number here against the schema that
libcapnp's compiler produces (through pycapnp), so an edit of a .capnp file that moves a field
fails the tests instead of misreading data.

Data offsets are in BYTES from the start of the data section (the spec's slot offset times the
field size), bool offsets are in BITS, pointer offsets are pointer indexes.
"""

# Frame roots of every kind: the unnamed union opens the struct, so its discriminant is the
# uint16 at byte 0 and every variant is pointer 0 (stream.capnp explains why).
FRAME_DISCRIMINANT = 0
FRAME_POINTER = 0

# Variant names by discriminant, per stream kind; the last one is always `trailer`.
VARIANTS = {
    "table": ("header", "rowSchema", "batch", "trailer"),
    "events": ("header", "layout", "batch", "trailer"),
    "seq-blocks": ("header", "layout", "block", "trailer"),
    "bench": ("header", "result", "trailer"),
    "graph": ("header", "info", "values", "nodes", "trailer"),
    "tensors": ("header", "dense", "jagged", "trailer"),
}
FRAME_TYPES = {"table": "TableFrame", "events": "EventsFrame", "seq-blocks": "SeqFrame",
               "bench": "BenchFrame", "graph": "GraphFrame", "tensors": "TensorsFrame"}


class Header:          # stream.capnp Header: 1 data word, 3 pointers
    KIND = 0           # ptr Text
    SCHEMA_VERSION = 0  # uint16 @ byte 0
    PRODUCER = 1       # ptr Producer
    FRAME_TYPE = 2     # ptr Text


class Producer:        # 0 data words, 3 pointers
    TOOL = 0
    VERSION = 1
    ARGUMENTS = 2      # List(Text)


class Trailer:         # 1 data word, 1 pointer
    RECORD_COUNT = 0   # uint64 @ byte 0
    COUNTS = 0         # ptr List(Count)


class Count:           # 1 data word, 1 pointer
    NAME = 0           # ptr Text
    VALUE = 0          # uint64 @ byte 0


# ---- table.capnp ---------------------------------------------------------------------------

class RowSchema:       # 2 data words, 2 pointers
    SUBJECT = 0        # ptr Text
    VERSION = 0        # uint32 @ byte 0
    FINGERPRINT = 8    # uint64 @ byte 8 (slot 1 of 8-byte slots)
    FIELDS = 1         # ptr List(Field)


class Field:           # RowSchema.Field: 2 data words, 1 pointer
    ID = 0             # uint32 @ byte 0
    NAME = 0           # ptr Text
    TYPE = 4           # enum (uint16) @ byte 4 (slot 2)
    IS_LIST = 48       # bool @ bit 48 (byte 6, bit 0)
    NULLABLE = 49      # bool @ bit 49
    ROLE = 8           # enum @ byte 8 (slot 4): bytes 0..7 are full, the next hole is word 1
    TIME_UNIT = 10     # enum @ byte 10 (slot 5)


VALUE_TYPES = ("int32", "int64", "float32", "float64", "bool", "utf8", "bytes")
FIELD_ROLES = ("none", "user", "time", "item", "action")
TIME_UNITS = ("none", "s", "ms", "us", "ns")


class TableBatch:      # 1 data word, 1 pointer
    ROWS = 0           # uint32 @ byte 0
    COLUMNS = 0        # ptr List(TableColumn)


class TableColumn:     # 1 data word, 3 pointers
    VALIDITY = 0       # ptr Data
    NULL_COUNT = 0     # uint32 @ byte 0
    OFFSETS = 1        # ptr List(Int32)
    DISCRIMINANT = 4   # union discriminant uint16 @ byte 4 (slot 2)
    VALUES = 2         # ptr: every union member shares pointer 2
    VARIANTS = ("int32", "int64", "float32", "float64", "bool", "text", "binary")


class Binary:          # TableColumn.Binary: 0 data words, 2 pointers
    VALUE_OFFSETS = 0  # ptr List(Int32)
    DATA = 1           # ptr Data


# ---- events.capnp --------------------------------------------------------------------------

class EventSchema:     # 0 data words, 1 pointer
    COLUMNS = 0        # ptr List(Column)


class EventColumn:     # EventSchema.Column: 1 data word, 1 pointer
    NAME = 0           # ptr Text
    ROLE = 0           # enum @ byte 0


EVENT_ROLES = ("user", "time", "item", "action", "extraInt", "extraFloat")


class EventBatch:      # 0 data words, 5 pointers
    USER = 0
    TIME = 1
    ITEM = 2
    ACTION = 3
    EXTRAS = 4         # ptr List(ExtraColumn)


class ExtraColumn:     # 1 data word, 1 pointer; union ints/floats
    DISCRIMINANT = 0   # uint16 @ byte 0
    VALUES = 0         # ptr List(Int64) or List(Float64)
    VARIANTS = ("ints", "floats")


# ---- seq-blocks.capnp ----------------------------------------------------------------------

class EncodedBlock:    # 5 data words, 1 pointer
    DATA = 0           # ptr Data
    EVENTS = 0         # uint32 @ byte 0
    FIRST_USER = 8     # int64 @ byte 8
    LAST_USER = 16
    MIN_TIME = 24
    MAX_TIME = 32


# ---- bench.capnp ---------------------------------------------------------------------------

class BenchResult:     # 18 data words, 7 pointers
    TEXTS = {"suite": 0, "site": 1, "op": 2, "shape": 3, "dtype": 4, "peer": 5, "peerNote": 6}
    UINT32 = {"threads": 0, "repetitions": 4, "peerRepetitions": 136}  # slot 34 x 4 bytes
    FLOAT64 = {"minSeconds": 8, "medianSeconds": 16, "maxSeconds": 24, "flops": 32, "bytes": 40,
               "gflopsPerSecond": 48, "gbPerSecond": 56, "peakGflopsPerSecond": 64,
               "bandwidthGbPerSecond": 72, "rooflineFraction": 80, "peerMedianSeconds": 88,
               "ratio": 96, "cpuSeconds": 104, "peerCpuSeconds": 112, "peerMinSeconds": 120,
               "peerMaxSeconds": 128}


# ---- tensors.capnp -------------------------------------------------------------------------

TENSOR_DTYPES = ("int32", "int64", "float32", "float64")


class DenseTensor:     # 1 data word, 3 pointers
    BATCH = 0          # uint32 @ byte 0
    NAME = 0           # ptr Text
    DTYPE = 4          # enum @ byte 4 (slot 2)
    SHAPE = 1          # ptr List(UInt64)
    VALUES = 2         # ptr Data


class KeyedJagged:     # 1 data word, 5 pointers
    BATCH = 0          # uint32 @ byte 0
    ROWS = 4           # uint32 @ byte 4 (slot 1)
    KEYS = 0           # ptr List(Text)
    VALUES = 1         # ptr Data (int64)
    LENGTHS = 2        # ptr Data (int32)
    OFFSETS = 3        # ptr Data (int32)
    WEIGHTS = 4        # ptr Data (float32), empty when unweighted
