"""bench streams (Formats/bench.capnp, written by op-bench): one dict per result."""
from . import layouts as L
from .errors import StreamError
from .stream import Stream


def read(source, **limits):
    """[dict] with every BenchResult field by its schema name."""
    stream = source if isinstance(source, Stream) else Stream(source, "bench", **limits)
    R = L.BenchResult
    out = []
    for rec in stream:
        if rec.variant != "result":
            raise StreamError(f"unexpected {rec.variant} record in a bench stream", rec.offset, stream.name)
        r = rec.struct
        row = {k: r.text(i) for k, i in R.TEXTS.items()}
        row.update({k: r.uint32(o) for k, o in R.UINT32.items()})
        row.update({k: r.float64(o) for k, o in R.FLOAT64.items()})
        out.append(row)
    return out
