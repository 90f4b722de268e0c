"""Every hand-computed offset in sluice/layouts.py equals the layout libcapnp's compiler gives
(read through pycapnp's schema nodes), so a .capnp edit that moves a field fails here."""
import os
import re

import capnp
import pytest

from sluice import layouts as L
import table_arrow

FORMATS = table_arrow.FORMATS  # the path table_arrow.py loaded stream.capnp through (see test_events)
MODULES = {name: capnp.load(os.path.join(FORMATS, name + ".capnp"), imports=[FORMATS])
           for name in ("stream", "table", "events", "seq-blocks", "bench", "tensors")}
BYTES = {"bool": None, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "enum": 2, "int32": 4, "uint32": 4,
         "float32": 4, "int64": 8, "uint64": 8, "float64": 8}

# (layout class, module, struct path in the module)
STRUCTS = [
    (L.Header, "stream", "Header"), (L.Producer, "stream", "Producer"), (L.Trailer, "stream", "Trailer"),
    (L.Count, "stream", "Count"), (L.RowSchema, "table", "RowSchema"), (L.Field, "table", "RowSchema.Field"),
    (L.TableBatch, "table", "TableBatch"), (L.TableColumn, "table", "TableColumn"),
    (L.Binary, "table", "TableColumn.Binary"), (L.EventSchema, "events", "EventSchema"),
    (L.EventColumn, "events", "EventSchema.Column"), (L.EventBatch, "events", "EventBatch"),
    (L.ExtraColumn, "events", "EventBatch.ExtraColumn"), (L.EncodedBlock, "seq-blocks", "EncodedBlock"),
    (L.DenseTensor, "tensors", "DenseTensor"), (L.KeyedJagged, "tensors", "KeyedJagged"),
]
FRAMES = {"table": ("table", "TableFrame"), "events": ("events", "EventsFrame"),
          "seq-blocks": ("seq-blocks", "SeqFrame"), "bench": ("bench", "BenchFrame"),
          "tensors": ("tensors", "TensorsFrame")}


def node(module, path):
    obj = MODULES[module]
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj.schema.node.struct


def camel(constant):
    head, *rest = constant.lower().split("_")
    return head + "".join(p.title() for p in rest)


def expected(field):
    """Where a slot field sits, in the units layouts.py uses."""
    t = field.slot.type.which()
    if t in ("text", "data", "list", "struct", "anyPointer", "interface"):
        return field.slot.offset                    # pointer index
    if t == "bool":
        return field.slot.offset                    # bit offset
    return field.slot.offset * BYTES[t]             # byte offset


def slot_fields(struct):
    return {f.name: f for f in struct.fields if f.which() == "slot"}


@pytest.mark.parametrize("cls,module,path", STRUCTS, ids=[s[2] for s in STRUCTS])
def test_offsets(cls, module, path):
    struct = node(module, path)
    fields = slot_fields(struct)
    checked = 0
    for name, value in vars(cls).items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or name == "VARIANTS":
            continue
        if name == "DISCRIMINANT":
            assert struct.discriminantCount > 0 and value == 2 * struct.discriminantOffset
        elif name == "VALUES" and struct.discriminantCount:  # the pointer every union member shares
            members = [f for f in struct.fields if f.discriminantValue != 65535]
            assert members and all(f.slot.offset == value for f in members)
        else:
            assert expected(fields[camel(name)]) == value, f"{path}.{camel(name)}"
        checked += 1
    assert checked == len([f for f in struct.fields if f.discriminantValue == 65535]) + \
        (2 if struct.discriminantCount else 0), f"{path}: not every field has a constant"
    if hasattr(cls, "VARIANTS"):
        members = sorted((f.discriminantValue, f.name) for f in struct.fields if f.discriminantValue != 65535)
        assert tuple(n for _, n in members) == cls.VARIANTS


def test_bench_result():
    fields = slot_fields(node("bench", "BenchResult"))
    table = {**L.BenchResult.TEXTS, **L.BenchResult.UINT32, **L.BenchResult.FLOAT64}
    assert set(table) == set(fields)
    for name, value in table.items():
        assert expected(fields[name]) == value, name


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_frames(kind):
    struct = node(*FRAMES[kind])
    members = sorted((f.discriminantValue, f.name) for f in struct.fields)
    assert tuple(n for _, n in members) == L.VARIANTS[kind]
    assert struct.discriminantOffset * 2 == L.FRAME_DISCRIMINANT
    assert all(f.slot.offset == L.FRAME_POINTER for f in struct.fields)
    assert L.FRAME_TYPES[kind] == FRAMES[kind][1]


def ordinals(enum):
    names = enum.schema.enumerants
    return tuple(sorted(names, key=names.get))


def test_enums():
    assert L.VALUE_TYPES == ordinals(MODULES["table"].RowSchema.ValueType)
    assert L.FIELD_ROLES == ordinals(MODULES["table"].RowSchema.Role)
    assert L.TIME_UNITS == ordinals(MODULES["table"].RowSchema.TimeUnit)
    assert L.EVENT_ROLES == ordinals(MODULES["events"].EventSchema.Role)
    assert L.TENSOR_DTYPES == ordinals(MODULES["tensors"].TensorDType)
