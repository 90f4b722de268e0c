"""Events streams (Formats/events.capnp): user, time, item, action and extra columns as numpy.

`batches()` yields one dict of int64/float64 views per batch record; `read()` joins them (a
view when the stream has one batch, a concatenated copy otherwise: numpy arrays are contiguous).
"""
from collections import namedtuple

import numpy as np

from . import layouts as L
from .errors import StreamError
from .stream import Stream

EventColumn = namedtuple("EventColumn", "name role")
CORE = ("user", "time", "item", "action")


def read_layout(rec):
    """An EventSchema record (events `layout`, also seq-blocks `layout`) as [EventColumn]."""
    lst = rec.list(L.EventSchema.COLUMNS)
    out = []
    for c in (lst.structs() if lst is not None else []):
        role = c.uint16(L.EventColumn.ROLE)
        if role >= len(L.EVENT_ROLES):
            raise c.error(f"unknown event column role {role}")
        out.append(EventColumn(c.text(L.EventColumn.NAME), L.EVENT_ROLES[role]))
    return out


def extra_names(layout):
    """Keys of the extra columns: the column name up to any ':type' suffix ('rating:float' → 'rating')."""
    return [c.name.split(":")[0] for c in layout if c.role in ("extraInt", "extraFloat")]


class EventsReader:
    """An events stream: `.layout`, `.header`, `.trailer`, iteration over batch dicts."""

    def __init__(self, source, **limits):
        self.stream = source if isinstance(source, Stream) else Stream(source, "events", **limits)
        self.header, self.trailer = self.stream.header, self.stream.trailer
        records = iter(self.stream)
        first = next(records, None)
        if first is None or first.variant != "layout":
            raise StreamError("events stream without a layout record before its batches",
                              first.offset if first else None, self.stream.name)
        self.layout = read_layout(first.struct)
        self.extras = [c for c in self.layout if c.role in ("extraInt", "extraFloat")]
        self.names = extra_names(self.layout)
        self._records = records

    def __iter__(self):
        for rec in self._records:
            if rec.variant != "batch":
                raise StreamError(f"unexpected {rec.variant} record in an events stream", rec.offset, self.stream.name)
            b = rec.struct
            out = {name: b.array(getattr(L.EventBatch, name.upper()), "<i8") for name in CORE}
            lst = b.list(L.EventBatch.EXTRAS)
            n = len(lst) if lst is not None else 0
            if n != len(self.extras):  # before touching the elements: n may be huge
                raise b.error(f"batch has {n} extra columns, the layout {len(self.extras)}")
            extras = lst.structs() if lst is not None else []
            for name, col, x in zip(self.names, self.extras, extras):
                which = x.which(L.ExtraColumn.DISCRIMINANT)
                want = 0 if col.role == "extraInt" else 1
                if which != want:
                    raise x.error(f"extra column {name!r} ({col.role}) holds variant {which}")
                out[name] = x.array(L.ExtraColumn.VALUES, "<i8" if want == 0 else "<f8")
            n = len(out["user"])
            for name, arr in out.items():
                # events.capnp: every list has one entry per event, so any other length is corruption.
                if len(arr) != n:
                    raise b.error(f"column {name!r} has {len(arr)} entries, user has {n}")
            yield out


def batches(source, **limits):
    """Yield one dict of numpy views per batch record."""
    return iter(EventsReader(source, **limits))


def read(source, **limits):
    """All events as {column: numpy array}: user, time, item, action (int64), then the extras by
    name (int64 or float64). Views of the file when the stream has a single batch."""
    reader = EventsReader(source, **limits)
    parts = list(reader)
    keys = list(CORE) + reader.names
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return {k: np.empty(0, dtype=np.float64 if c is not None and c.role == "extraFloat" else np.int64)
                for k, c in zip(keys, [None] * 4 + reader.extras)}
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}
