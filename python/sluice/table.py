"""Table streams (Formats/table.capnp): column batches as numpy views, and pyarrow tables.

Every column buffer of a batch is Arrow's layout already (validity bitmap LSB first, int32
offsets, little-endian values), so `to_arrow` wraps the mapped bytes with
`pa.Array.from_buffers` and copies nothing. Before handing buffers to Arrow, `read` checks what
Arrow itself would trust blindly (buffer lengths, offsets monotone and in range): a corrupt
stream raises StreamError instead of letting pyarrow read out of bounds.
"""
from collections import namedtuple

import numpy as np

from . import layouts as L
from .errors import StreamError
from .stream import Stream

Field = namedtuple("Field", "id name type isList nullable role timeUnit")
RowSchema = namedtuple("RowSchema", "subject version fingerprint fields")

NUMPY_OF = {"int32": np.dtype("<i4"), "int64": np.dtype("<i8"), "float32": np.dtype("<f4"),
            "float64": np.dtype("<f8")}
# The union member a column of each value type must use.
VARIANT_OF = {"int32": "int32", "int64": "int64", "float32": "float32", "float64": "float64",
              "bool": "bool", "utf8": "text", "bytes": "binary"}


class Column:
    """One column of one batch; every array attribute is a view of the stream's bytes.

    validity      uint8 bitmap (bit i of byte i // 8, LSB first, 1 = present) or None
    null_count    rows that are null
    offsets       int32 [rows + 1] for list fields, else None
    values        numeric: the values; bool: the packed bits (uint8); utf8/bytes: the data bytes (uint8)
    value_offsets int32 [n + 1] into `values` for utf8/bytes, else None
    length        number of values (list fields: elements, not rows)
    """

    __slots__ = ("field", "rows", "validity", "null_count", "offsets", "values", "value_offsets", "length")

    def __init__(self, field, rows, validity, null_count, offsets, values, value_offsets, length):
        self.field, self.rows, self.validity, self.null_count = field, rows, validity, null_count
        self.offsets, self.values, self.value_offsets, self.length = offsets, values, value_offsets, length

    def bools(self):
        """Bool values unpacked to numpy bool (a copy: numpy has no bit-packed dtype)."""
        return np.unpackbits(self.values, bitorder="little", count=self.length).astype(bool)

    def valid(self):
        """Per-row presence as numpy bool (a copy); all True when there is no bitmap."""
        if self.validity is None:
            return np.ones(self.rows, dtype=bool)
        return np.unpackbits(self.validity, bitorder="little", count=self.rows).astype(bool)

    def __repr__(self):
        return f"<Column {self.field.name}: {self.field.type}{'[]' if self.field.isList else ''}, {self.rows} rows>"


class Batch:
    """A batch record: `rows` and the columns by name (in schema order)."""

    __slots__ = ("rows", "columns", "offset")

    def __init__(self, rows, columns, offset):
        self.rows, self.columns, self.offset = rows, columns, offset

    def __getitem__(self, name):
        return self.columns[name]

    def __repr__(self):
        return f"<Batch at {self.offset}: {self.rows} rows, {len(self.columns)} columns>"


def _schema(rec):
    lst = rec.list(L.RowSchema.FIELDS)
    fields = []
    for f in (lst.structs() if lst is not None else []):
        def enum(offset, names, what):
            v = f.uint16(offset)
            if v >= len(names):
                raise f.error(f"unknown {what} {v}")
            return names[v]
        fields.append(Field(f.uint32(L.Field.ID), f.text(L.Field.NAME),
                            enum(L.Field.TYPE, L.VALUE_TYPES, "value type"),
                            f.bool(L.Field.IS_LIST), f.bool(L.Field.NULLABLE),
                            enum(L.Field.ROLE, L.FIELD_ROLES, "role"),
                            enum(L.Field.TIME_UNIT, L.TIME_UNITS, "time unit")))
    return RowSchema(rec.text(L.RowSchema.SUBJECT), rec.uint32(L.RowSchema.VERSION),
                     rec.uint64(L.RowSchema.FINGERPRINT), fields)


def _check_offsets(off, limit, what, err):
    """Arrow trusts offsets blindly: require them in [0, limit] and non-decreasing."""
    if len(off) and (off[0] < 0 or off[-1] > limit or np.any(off[1:] < off[:-1])):
        raise err(f"{what} are not non-decreasing within 0..{limit}")


def _column(c, field, rows):
    err = c.error
    which = c.which(L.TableColumn.DISCRIMINANT)
    variant = L.TableColumn.VARIANTS[which] if which < len(L.TableColumn.VARIANTS) else f"#{which}"
    if variant != VARIANT_OF[field.type]:
        raise err(f"column {field.name!r} ({field.type}) holds {variant} values")
    validity = c.array(L.TableColumn.VALIDITY, np.uint8)
    null_count = c.uint32(L.TableColumn.NULL_COUNT)
    if len(validity):
        if len(validity) < (rows + 7) // 8:
            raise err(f"column {field.name!r}: validity has {len(validity)} bytes for {rows} rows")
        if null_count > rows:
            raise err(f"column {field.name!r}: {null_count} nulls in {rows} rows")
    else:
        if null_count:
            raise err(f"column {field.name!r}: {null_count} nulls but no validity bitmap")
        validity = None
    value_offsets = None
    if variant in ("text", "binary"):
        b = c.struct(L.TableColumn.VALUES)
        if b is None:
            value_offsets, values = np.zeros(1, dtype=np.int32), np.empty(0, dtype=np.uint8)
        else:
            value_offsets = b.array(L.Binary.VALUE_OFFSETS, "<i4")
            values = b.array(L.Binary.DATA, np.uint8)
            if len(value_offsets) == 0:
                value_offsets = np.zeros(1, dtype=np.int32)
        _check_offsets(value_offsets, len(values), f"column {field.name!r}: value offsets", err)
        length = len(value_offsets) - 1
    elif variant == "bool":
        lst = c.list(L.TableColumn.VALUES)
        values, length = lst.bits() if lst is not None else (np.empty(0, dtype=np.uint8), 0)
    else:
        values = c.array(L.TableColumn.VALUES, NUMPY_OF[field.type])
        length = len(values)
    offsets = None
    if field.isList:
        offsets = c.array(L.TableColumn.OFFSETS, "<i4")
        if len(offsets) != rows + 1:
            raise err(f"list column {field.name!r}: {len(offsets)} offsets for {rows} rows")
        _check_offsets(offsets, length, f"list column {field.name!r}: offsets", err)
    elif length != rows:
        raise err(f"column {field.name!r}: {length} values for {rows} rows")
    return Column(field, rows, validity, null_count, offsets, values, value_offsets, length)


class TableReader:
    """A table stream: `.schema` (RowSchema), `.header`, `.trailer`, iteration over batches."""

    def __init__(self, source, **limits):
        self.stream = source if isinstance(source, Stream) else Stream(source, "table", **limits)
        if self.stream.header.kind != "table":
            raise StreamError(f"expected a table stream, got {self.stream.header.kind}", 0, self.stream.name)
        self.header, self.trailer = self.stream.header, self.stream.trailer
        records = iter(self.stream)
        first = next(records, None)
        if first is None or first.variant != "rowSchema":
            offset = first.offset if first else None
            raise StreamError("table stream without a rowSchema record before its batches", offset, self.stream.name)
        self.schema = _schema(first.struct)
        self._records = records

    def __iter__(self):
        for rec in self._records:
            if rec.variant != "batch":
                raise StreamError(f"unexpected {rec.variant} record in a table stream", rec.offset, self.stream.name)
            b = rec.struct
            rows = b.uint32(L.TableBatch.ROWS)
            lst = b.list(L.TableBatch.COLUMNS)
            n = len(lst) if lst is not None else 0
            if n != len(self.schema.fields):  # before touching the elements: n may be huge
                raise StreamError(f"batch has {n} columns, the schema {len(self.schema.fields)}",
                                  rec.offset, self.stream.name)
            cols = lst.structs() if lst is not None else []
            yield Batch(rows, {f.name: _column(c, f, rows) for f, c in zip(self.schema.fields, cols)}, rec.offset)


def read(source, **limits):
    """All batches of a table stream: a list of Batch (columns of numpy views). `.schema` is on
    the returned list's reader: use TableReader when you need it, or `read_with_schema`."""
    return list(TableReader(source, **limits))


def read_with_schema(source, **limits):
    """(RowSchema, [Batch, ...])."""
    reader = TableReader(source, **limits)
    return reader.schema, list(reader)


# ---- pyarrow ---------------------------------------------------------------------------------

def _arrow_type(pa, vtype):
    return {"int32": pa.int32(), "int64": pa.int64(), "float32": pa.float32(), "float64": pa.float64(),
            "bool": pa.bool_(), "utf8": pa.string(), "bytes": pa.binary()}[vtype]


def column_to_arrow(col):
    """One Column as a pyarrow Array over the same memory (no copy)."""
    import pyarrow as pa
    f = col.field
    vtype = _arrow_type(pa, f.type)
    buf = pa.py_buffer
    if f.type in ("utf8", "bytes"):
        values = pa.Array.from_buffers(vtype, col.length, [None, buf(col.value_offsets), buf(col.values)])
    else:
        values = pa.Array.from_buffers(vtype, col.length, [None, buf(col.values)])
    validity = buf(col.validity) if col.validity is not None else None
    nulls = col.null_count if validity is not None else 0
    if f.isList:
        return pa.Array.from_buffers(pa.list_(vtype), col.rows, [validity, buf(col.offsets)],
                                     null_count=nulls, children=[values])
    if validity is None:
        return values
    return pa.Array.from_buffers(vtype, col.rows, [validity] + values.buffers()[1:], null_count=nulls)


def to_arrow(source, validate=True, **limits):
    """A table stream (path, bytes, Stream or TableReader) as a pyarrow.Table, zero-copy.

    `validate` runs Arrow's full validation on every column (UTF-8 of text, which `read` does
    not check); a failure raises StreamError with the batch's offset. It reads the buffers once
    but copies nothing.

    Schema metadata carries the registry subject, version and fingerprint (hex of the
    CRC-64-AVRO value's little-endian bytes, as Avro tools print it).
    """
    import pyarrow as pa
    reader = source if isinstance(source, TableReader) else TableReader(source, **limits)
    schema = reader.schema
    chunks = {f.name: [] for f in schema.fields}
    for batch in reader:
        for f in schema.fields:
            arr = column_to_arrow(batch.columns[f.name])
            if validate:
                try:
                    arr.validate(full=True)
                except pa.ArrowInvalid as err:
                    raise StreamError(f"column {f.name!r}: {err}", batch.offset, reader.stream.name) from None
            chunks[f.name].append(arr)
    arrays = []
    for f in schema.fields:
        t = _arrow_type(pa, f.type)
        arrays.append(pa.chunked_array(chunks[f.name], type=pa.list_(t) if f.isList else t))
    meta = {"subject": schema.subject, "version": str(schema.version),
            "fingerprint": schema.fingerprint.to_bytes(8, "little").hex()}
    return pa.table(arrays, names=[f.name for f in schema.fields]).replace_schema_metadata(meta)
