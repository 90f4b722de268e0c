"""Streams of kinds the package has no reader for: the envelope still reads."""
import os

import capnp
import pytest

import sluice
import table_arrow

FORMATS = table_arrow.FORMATS
GRAPH = capnp.load(os.path.join(FORMATS, "graph.capnp"), imports=[FORMATS])


def test_graph_stream_generic(paths, tmp_path):
    if "graph" not in paths:
        pytest.skip("onnx is not installed (make deps installs it)")
    with open(paths["graph"], "rb") as fh:
        ref = list(GRAPH.GraphFrame.read_multiple(fh))
    s = sluice.open(paths["graph"])
    assert s.header.kind == "graph" and s.header.producer.tool == "graph-opt"
    assert s.header.frameType == "GraphFrame"
    records = list(s)
    assert [r.variant for r in records] == [f.which() for f in ref[1:-1]]
    assert s.trailer.recordCount == ref[-1].trailer.recordCount == len(records)
    info = records[0].struct
    assert info.text(0) == ref[1].info.name == "tiny"  # GraphInfo.name is pointer 0


def test_unknown_kind(paths):
    raw = open(paths["extras.events"], "rb").read()
    renamed = raw.replace(b"events\0", b"eventz\0", 1)  # same length: only the header's kind changes
    s = sluice.open(renamed)
    assert s.header.kind == "eventz" and s.variants is None
    assert [r.variant for r in s] == [1] + [2] * (len(s) - 1)  # discriminants: layout, batches
    assert s.trailer.recordCount == len(s)
    with pytest.raises(sluice.StreamError, match="expected a events stream, got eventz"):
        sluice.events.read(renamed)


def test_empty_table(paths, tmp_path):
    import streams
    csv = tmp_path / "empty.csv"
    csv.write_text("a,b\n")
    out = tmp_path / "empty.tbl"
    streams.run([os.path.join(streams.find_bin(), "schema-migrate"), "import", "-o", str(out), str(csv)])
    schema, batches = sluice.table.read_with_schema(str(out))
    assert [f.name for f in schema.fields] == ["a", "b"] and batches == []
    t = sluice.table.to_arrow(str(out))
    assert t.num_rows == 0 and t.schema.names == ["a", "b"]
