"""Table streams: values equal pycapnp's reading (Tools/table_arrow.py), buffers are views."""
import numpy as np
import pyarrow as pa
import pytest

import sluice
import table_arrow

TABLES = ["all-types.pycapnp", "all-types.swift", "csv", "ml.table"]


def mapped_range(stream):
    base = np.frombuffer(stream.buffer, dtype=np.uint8)
    return base.ctypes.data, base.ctypes.data + len(base)


@pytest.mark.parametrize("name", TABLES)
def test_arrow_equals_pycapnp(paths, name):
    if name not in paths:
        pytest.skip(f"{name}: MovieLens not in .cache (make fetches it)")
    ours = sluice.table.to_arrow(paths[name])
    ref = table_arrow.read_stream(paths[name])
    assert ours.schema.names == ref.schema.names
    assert ours.schema.metadata == ref.schema.metadata
    assert ours.num_rows == ref.num_rows > 0
    for a, b in zip(ours.columns, ref.columns):
        assert table_arrow.same(a.combine_chunks(), b.combine_chunks()), a._name


def test_pycapnp_writer_roundtrip(paths):
    """The pycapnp-written stream reads back as the table it was written from."""
    import streams
    src = streams.all_types_table()
    ours = sluice.table.to_arrow(paths["all-types.pycapnp"])
    assert ours.num_rows == src.num_rows
    for name in src.schema.names:
        a, b = ours.column(name).combine_chunks(), src.column(name).combine_chunks()
        assert table_arrow.same(a, b), name


def test_batches_are_views_of_the_file(paths):
    reader = sluice.table.TableReader(paths["all-types.swift"])
    lo, hi = mapped_range(reader.stream)
    whole = np.frombuffer(reader.stream.buffer, dtype=np.uint8)
    batches = list(reader)
    assert len(batches) == 3
    seen = 0
    for b in batches:
        for col in b.columns.values():
            for arr in (col.values, col.validity, col.offsets, col.value_offsets):
                if arr is not None and len(arr):
                    assert np.shares_memory(arr, whole)
                    assert lo <= arr.ctypes.data < hi
                    assert not arr.flags.writeable
                    seen += 1
    assert seen > 30


def test_arrow_buffers_lie_in_the_mapping(paths):
    reader = sluice.table.TableReader(paths["all-types.swift"])
    lo, hi = mapped_range(reader.stream)
    table = sluice.table.to_arrow(reader)
    checked = 0
    for column in table.columns:
        for chunk in column.chunks:
            stack = [chunk]
            while stack:
                arr = stack.pop()
                for buf in arr.buffers():
                    if buf is not None and buf.size:
                        assert lo <= buf.address and buf.address + buf.size <= hi, column._name
                        checked += 1
                if pa.types.is_list(arr.type):
                    stack.append(arr.values)
    assert checked > 50


def test_schema_and_columns(paths):
    schema, batches = sluice.table.read_with_schema(paths["csv"])
    assert [f.name for f in schema.fields] == ["user_id", "item_id", "timestamp", "price", "title"]
    (b,) = batches
    assert b.rows == 3
    assert b["user_id"].values.tolist() == [1, 4, 7]
    assert b["item_id"].valid().tolist() == [True, False, True]
    assert b["item_id"].null_count == 1
    title = b["title"]
    assert bytes(title.values[title.value_offsets[2]:title.value_offsets[3]]).decode() == "zz é"


def test_bools_unpack(paths):
    (schema, batches) = sluice.table.read_with_schema(paths["all-types.swift"])
    ref = table_arrow.read_stream(paths["all-types.swift"]).column("flag").chunk(0)
    col = batches[0]["flag"]
    got = col.bools()
    want = ref.fill_null(False).to_numpy(zero_copy_only=False)
    valid = col.valid()
    assert np.array_equal(got[valid], want[valid])


def test_wrong_kind_is_refused(paths):
    with pytest.raises(sluice.StreamError, match="expected a table stream, got events"):
        sluice.table.read(paths["extras.events"])
