"""Framing, far pointers and limits: hand-built variants of real streams."""
import os

import capnp
import numpy as np
import pytest

import sluice
import streams
import table_arrow

FORMATS = table_arrow.FORMATS
EVENTS = capnp.load(os.path.join(FORMATS, "events.capnp"), imports=[FORMATS])
BENCH = capnp.load(os.path.join(FORMATS, "bench.capnp"), imports=[FORMATS])


def data(paths, name):
    with open(paths[name], "rb") as fh:
        return fh.read()


def pycapnp_frames(schema, raw, tmp_path):
    # From a file: messages from pycapnp's read_multiple_bytes read as zeros once the list is built.
    path = tmp_path / "frames.bin"
    path.write_bytes(raw)
    with open(path, "rb") as fh:
        return list(schema.read_multiple(fh, traversal_limit_in_words=1 << 40))


def refar(raw, double):
    return b"".join(streams.frame(streams.far_root(seg, double)) for seg in streams.split_messages(raw))


@pytest.mark.parametrize("double", [False, True], ids=["single-far", "double-far"])
def test_far_pointers_events(paths, double, tmp_path):
    raw = data(paths, "extras.events")
    moved = refar(raw, double)
    # pycapnp (libcapnp) reads the rebuilt stream the same: the construction is valid Cap'n Proto.
    ref = pycapnp_frames(EVENTS.EventsFrame, moved, tmp_path)
    assert [f.which() for f in ref][:2] == ["header", "layout"]
    assert list(ref[2].batch.user) == list(pycapnp_frames(EVENTS.EventsFrame, raw, tmp_path)[2].batch.user)
    assert len(ref[2].batch.user) > 100 and any(ref[2].batch.user)
    want = sluice.events.read(raw)
    got = sluice.events.read(moved)
    assert list(got) == list(want)
    for k in want:
        assert np.array_equal(got[k].view(np.int64), want[k].view(np.int64)), k
    s = sluice.open(moved)
    assert all(len(m.segments) == (3 if double else 2) for m in s.messages)


@pytest.mark.parametrize("double", [False, True], ids=["single-far", "double-far"])
def test_far_pointers_table_zero_copy(paths, double):
    moved = bytearray(refar(data(paths, "all-types-small"), double))
    ours = sluice.table.to_arrow(bytes(moved))
    ref = table_arrow.read_stream(paths["all-types-small"])
    for a, b in zip(ours.columns, ref.columns):
        assert table_arrow.same(a.combine_chunks(), b.combine_chunks()), a._name
    whole = np.frombuffer(moved, dtype=np.uint8)
    batch = sluice.table.read(moved)[0]
    assert np.shares_memory(batch["i64"].values, whole)


def test_swift_writer_multisegment(paths):
    """The Swift writer splits a large batch over segments (far pointers from a real writer);
    test_table.py's equality with pycapnp covers reading it."""
    s = sluice.open(paths["all-types.swift"])
    assert max(len(m.segments) for m in s.messages) > 1


def test_limits(paths):
    raw = data(paths, "extras.events")
    with pytest.raises(sluice.StreamError, match="traversal limit"):
        sluice.events.read(raw, traversal_limit_words=20)
    with pytest.raises(sluice.StreamError, match="nesting deeper than 1"):
        sluice.open(raw, nesting_limit=1)
    with pytest.raises(sluice.StreamError, match="claims 3 segments"):
        sluice.open(refar(raw, True), max_segments=2)
    bad = b"\xff\xff\xff\xff" + raw[4:]
    with pytest.raises(sluice.StreamError, match="byte 0: message claims 4294967296 segments"):
        sluice.open(bad)


def test_envelope_errors(paths):
    raw = data(paths, "extras.events")
    msgs = [streams.frame([seg]) for seg in streams.split_messages(raw)]
    with pytest.raises(sluice.StreamError, match="empty stream"):
        sluice.open(b"")
    with pytest.raises(sluice.StreamError, match="without a trailer"):
        sluice.open(b"".join(msgs[:-1]))
    with pytest.raises(sluice.StreamError, match="trailer says"):
        sluice.open(b"".join(msgs[:2] + msgs[3:]))
    with pytest.raises(sluice.StreamError, match="does not start with a header"):
        sluice.open(b"".join(msgs[1:]))
    with pytest.raises(sluice.StreamError, match="expected a seq-blocks stream, got events v1 \\(from seq-encode\\)"):
        sluice.seq.read(raw)


def test_every_truncation(paths):
    for name in ("csv", "extras-small.events"):
        raw = data(paths, name)
        for cut in range(len(raw)):
            with pytest.raises(sluice.StreamError) as err:
                sluice.open(raw[:cut])
            assert err.value.offset is None or 0 <= err.value.offset <= cut


def test_file_object_and_stdin_forms(paths):
    with open(paths["csv"], "rb") as fh:
        s = sluice.open(fh)
        assert s.header.kind == "table" and len(s) == 2
    assert sluice.open(bytearray(data(paths, "csv"))).header.producer.tool == "schema-migrate"


def test_bench_equals_pycapnp(tmp_path):
    out = tmp_path / "b.bench"
    with open(out, "wb") as fh:
        m = BENCH.BenchFrame.new_message()
        h = m.init("header")
        h.kind, h.schemaVersion, h.frameType = "bench", 1, "BenchFrame"
        h.producer.tool = "op-bench"
        m.write(fh)
        for i in range(3):
            m = BENCH.BenchFrame.new_message()
            r = m.init("result")
            r.suite, r.op, r.shape, r.peerNote = "resnet50", "Conv", f"{i}×64", "none"
            r.threads, r.repetitions, r.peerRepetitions = i + 1, 10, 7 + i
            r.medianSeconds, r.ratio, r.peerMaxSeconds, r.rooflineFraction = 0.5 * i, float("nan"), 2.0 ** -i, 0.25
            m.write(fh)
        m = BENCH.BenchFrame.new_message()
        m.init("trailer").recordCount = 3
        m.write(fh)
    rows = sluice.bench.read(str(out))
    ref = [f.result for f in pycapnp_frames(BENCH.BenchFrame, out.read_bytes(), tmp_path) if f.which() == "result"]
    assert len(rows) == 3
    for row, r in zip(rows, ref):
        for key, value in row.items():
            want = getattr(r, key)
            assert value == want or (value != value and want != want), key


def test_views_outlive_the_stream(paths):
    """Arrays keep the mapping alive after the Stream is closed and collected."""
    import gc
    reader = sluice.table.TableReader(paths["all-types.swift"])
    values = next(iter(reader))["i64"].values
    want = values.copy()
    reader.stream.close()
    del reader
    gc.collect()
    assert np.array_equal(values, want)


def test_stdin(paths):
    import subprocess
    import sys
    code = "import sluice; s = sluice.open('-'); print(s.header.kind, len(s))"
    pkg = os.path.dirname(os.path.dirname(sluice.__file__))
    with open(paths["extras.events"], "rb") as fh:
        out = subprocess.run([sys.executable, "-c", code], stdin=fh, capture_output=True, text=True,
                             cwd=pkg, timeout=60, check=True).stdout
    assert out.split() == ["events", str(len(sluice.open(paths["extras.events"])))]
