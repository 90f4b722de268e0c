"""Read Sluice streams from Python with numpy arrays that are views into the mapped file.

    import sluice
    s = sluice.open("day.tbl")            # header, records, trailer (record count checked)
    batches = sluice.table.read("day.tbl")  # per batch, per column numpy views
    t = sluice.table.to_arrow("day.tbl")    # pyarrow.Table wrapping the same bytes
    ev = sluice.events.read("ev.bin")       # {'user': array, 'time': ..., extras...}
    tb = sluice.tensors.read("t.tensors")   # per batch, dense tensors and keyed jagged tensors

Pure Python (numpy; pyarrow optional). Every problem with the input raises sluice.StreamError
naming the byte offset.
"""
from . import bench, events, features, seq, table, tensors
from .errors import StreamError
from .stream import Header, Producer, Record, Stream, Trailer, open

__all__ = ["StreamError", "Stream", "Header", "Producer", "Trailer", "Record", "open",
           "table", "events", "seq", "bench", "tensors", "features"]
__version__ = "0.1.0"
