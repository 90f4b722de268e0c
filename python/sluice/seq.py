"""seq-blocks streams (Formats/seq-blocks.capnp): the layout and each encoded block's bytes.

Decoding a block (SeqCodec layout v1, Docs/seq.md) is left to `seq-encode -d`; this module gives
the summary fields and a zero-copy uint8 view of each block for routing, skipping or shipping.
"""
from collections import namedtuple

import numpy as np

from . import layouts as L
from .errors import StreamError
from .events import read_layout
from .stream import Stream

Block = namedtuple("Block", "data events firstUser lastUser minTime maxTime offset")


def read(source, **limits):
    """(layout [EventColumn], [Block]) of a seq-blocks stream; Block.data is a uint8 view."""
    stream = source if isinstance(source, Stream) else Stream(source, "seq-blocks", **limits)
    records = iter(stream)
    first = next(records, None)
    if first is None or first.variant != "layout":
        raise StreamError("seq-blocks stream without a layout record before its blocks",
                          first.offset if first else None, stream.name)
    layout = read_layout(first.struct)
    E = L.EncodedBlock
    blocks = []
    for rec in records:
        if rec.variant != "block":
            raise StreamError(f"unexpected {rec.variant} record in a seq-blocks stream", rec.offset, stream.name)
        b = rec.struct
        blocks.append(Block(b.array(E.DATA, np.uint8), b.uint32(E.EVENTS), b.int64(E.FIRST_USER),
                            b.int64(E.LAST_USER), b.int64(E.MIN_TIME), b.int64(E.MAX_TIME), rec.offset))
    return layout, blocks
