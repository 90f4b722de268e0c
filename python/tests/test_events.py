"""Events and seq-blocks streams against pycapnp, and the stream envelope."""
import os

import capnp
import numpy as np
import pytest

import sluice
import table_arrow

# The same directory string table_arrow.py loaded stream.capnp through: pycapnp aborts the
# process when one file is loaded under two different paths.
FORMATS = table_arrow.FORMATS
EVENTS = capnp.load(os.path.join(FORMATS, "events.capnp"), imports=[FORMATS])
SEQ = capnp.load(os.path.join(FORMATS, "seq-blocks.capnp"), imports=[FORMATS])


def frames(schema, path):
    with open(path, "rb") as fh:
        return list(schema.read_multiple(fh, traversal_limit_in_words=1 << 40))


@pytest.mark.parametrize("name", ["extras.events", "ml.events"])
def test_events_equal_pycapnp(paths, name):
    if name not in paths:
        pytest.skip("MovieLens not in .cache (make fetches it)")
    ref = frames(EVENTS.EventsFrame, paths[name])
    cols = [c for c in ref[1].layout.columns]
    extras = [c.name.split(":")[0] for c in cols if str(c.role).startswith("extra")]
    want = {k: [] for k in ["user", "time", "item", "action"] + extras}
    for fr in ref[2:-1]:
        b = fr.batch
        for k in ("user", "time", "item", "action"):
            want[k].extend(getattr(b, k))
        for k, x in zip(extras, b.extras):
            want[k].extend(getattr(x, x.which()))
    got = sluice.events.read(paths[name])
    assert list(got) == list(want)
    for k, v in want.items():
        ref_arr = np.array(v, dtype=got[k].dtype)
        assert got[k].view(np.int64).tolist() == ref_arr.view(np.int64).tolist(), k  # bit patterns
    assert len(got["user"]) == len(want["user"]) > 0


def test_extras_roles_and_nulls(paths):
    got = sluice.events.read(paths["extras.events"])
    assert got["dwell"].dtype == np.int64 and got["price"].dtype == np.float64
    assert (got["dwell"] == np.iinfo(np.int64).min).sum() == 5000 // 11 + 1
    assert np.isnan(got["price"]).sum() == 5000 // 13 + 1


def test_event_batches_are_views(paths):
    reader = sluice.events.EventsReader(paths["extras.events"])
    whole = np.frombuffer(reader.stream.buffer, dtype=np.uint8)
    n = 0
    for batch in reader:
        for arr in batch.values():
            assert np.shares_memory(arr, whole)
            n += 1
    assert n >= 6


@pytest.mark.parametrize("name", ["extras.seq", "ml.seq"])
def test_seq_blocks_equal_pycapnp(paths, name):
    if name not in paths:
        pytest.skip("MovieLens not in .cache (make fetches it)")
    ref = frames(SEQ.SeqFrame, paths[name])
    layout, blocks = sluice.seq.read(paths[name])
    assert [(c.name, c.role) for c in layout] == [(c.name, str(c.role)) for c in ref[1].layout.columns]
    assert len(blocks) == len(ref) - 3 > 0
    for blk, fr in zip(blocks, ref[2:-1]):
        b = fr.block
        assert bytes(blk.data) == bytes(b.data)
        assert (blk.events, blk.firstUser, blk.lastUser, blk.minTime, blk.maxTime) == \
            (b.events, b.firstUser, b.lastUser, b.minTime, b.maxTime)


def test_header_and_trailer_equal_pycapnp(paths):
    for name, schema in [("extras.events", EVENTS.EventsFrame), ("extras.seq", SEQ.SeqFrame)]:
        ref = frames(schema, paths[name])
        s = sluice.open(paths[name])
        h = ref[0].header
        assert s.header.kind == h.kind and s.header.schemaVersion == h.schemaVersion
        assert s.header.frameType == h.frameType
        assert s.header.producer == (h.producer.tool, h.producer.version, list(h.producer.arguments))
        assert s.trailer.recordCount == ref[-1].trailer.recordCount == len(s)
        assert [r.variant for r in s][:1] == ["layout"]
