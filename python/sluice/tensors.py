"""Tensors streams (Formats/tensors.capnp, what `feat-etl transform` writes) as numpy views,
torch tensors and torchrec KeyedJaggedTensors, without a copy.

    import sluice.tensors as T
    for batch in T.read("train.tensors"):
        x = T.to_torch(batch)          # {name: torch.Tensor} sharing the mapped file's memory
        kjt = T.to_kjt(batch.jagged)   # torchrec KeyedJaggedTensor of the jagged sequences

Every array is a `Data` field the writer put in the frame's one segment, word-aligned, so
numpy maps it in place (`np.shares_memory(array, stream.buffer)` holds). torch and torchrec
are imported only by `to_torch` / `to_kjt`.
"""
import warnings
from collections import namedtuple

import numpy as np

from . import layouts as L
from .errors import StreamError
from .stream import Stream

NUMPY_OF = {"int32": np.dtype("<i4"), "int64": np.dtype("<i8"), "float32": np.dtype("<f4"),
            "float64": np.dtype("<f8")}

Jagged = namedtuple("Jagged", "rows keys values lengths offsets weights")
Jagged.__doc__ = """Keyed jagged tensors of a batch: torchrec's layout (key-major lengths, offsets
with a leading 0); `weights` is None when unweighted. Arrays are views of the stream."""


class Batch:
    """One batch of rows: `dense` {name: ndarray view} in stream order, `jagged` (or None)."""

    __slots__ = ("index", "rows", "dense", "jagged")

    def __init__(self, index):
        self.index, self.rows, self.dense, self.jagged = index, None, {}, None

    def __getitem__(self, name):
        return self.dense[name]

    def __repr__(self):
        keys = list(self.jagged.keys) if self.jagged else []
        return f"<tensors.Batch {self.index}: {self.rows} rows, dense {list(self.dense)}, jagged {keys}>"


def _data(rec, index, dtype, count, what):
    """Pointer `index` (Data) viewed as `count` elements of `dtype`, checked."""
    raw = rec.array(index, np.uint8)
    if len(raw) != count * dtype.itemsize:
        raise rec.error(f"{what}: {len(raw)} bytes, expected {count} x {dtype.itemsize}")
    if count == 0:
        return np.empty(0, dtype=dtype)
    return raw.view(dtype)


def _dense(rec):
    D = L.DenseTensor
    code = rec.uint16(D.DTYPE)
    if code >= len(L.TENSOR_DTYPES):
        raise rec.error(f"unknown tensor dtype {code}")
    dtype = NUMPY_OF[L.TENSOR_DTYPES[code]]
    shape_list = rec.list(D.SHAPE)
    shape = tuple(int(x) for x in (shape_list.array("<u8") if shape_list is not None else []))
    if not shape or any(x > 1 << 40 for x in shape):
        raise rec.error(f"bad shape {shape}")
    name = rec.text(D.NAME)
    values = _data(rec, D.VALUES, dtype, int(np.prod(shape)), f"tensor {name!r}")
    return name, shape[0], values.reshape(shape)


def _jagged(rec):
    K = L.KeyedJagged
    rows = rec.uint32(K.ROWS)
    klist = rec.list(K.KEYS)
    keys = klist.texts() if klist is not None else []
    n = len(keys) * rows
    lengths = _data(rec, K.LENGTHS, NUMPY_OF["int32"], n, "lengths")
    offsets = _data(rec, K.OFFSETS, NUMPY_OF["int32"], n + 1, "offsets")
    if offsets[0] != 0 or np.any(np.diff(offsets) != lengths) if n else offsets[0] != 0:
        raise rec.error("offsets are not the running sum of lengths")
    total = int(offsets[-1])
    values = _data(rec, K.VALUES, NUMPY_OF["int64"], total, "values")
    raw_w = rec.array(K.WEIGHTS, np.uint8)
    weights = _data(rec, K.WEIGHTS, NUMPY_OF["float32"], total, "weights") if len(raw_w) else None
    return rows, Jagged(rows, keys, values, lengths, offsets, weights)


def read(source, **limits):
    """[Batch] of a tensors stream (a path, bytes-like, or an open sluice.Stream)."""
    stream = source if isinstance(source, Stream) else Stream(source, "tensors", **limits)
    batches = []
    for rec in stream:
        batch_index = rec.struct.uint32(L.DenseTensor.BATCH)  # the same slot in both variants
        if not batches or batches[-1].index != batch_index:
            if batches and batch_index != batches[-1].index + 1:
                raise StreamError(f"batch {batch_index} follows batch {batches[-1].index}", rec.offset, stream.name)
            if not batches and batch_index != 0:
                raise StreamError(f"the first batch is {batch_index}, not 0", rec.offset, stream.name)
            batches.append(Batch(batch_index))
        b = batches[-1]
        if rec.variant == "dense":
            name, rows, arr = _dense(rec.struct)
            if name in b.dense:
                raise StreamError(f"tensor {name!r} twice in batch {b.index}", rec.offset, stream.name)
            b.dense[name] = arr
        elif rec.variant == "jagged":
            if b.jagged is not None:
                raise StreamError(f"two jagged records in batch {b.index}", rec.offset, stream.name)
            rows, b.jagged = _jagged(rec.struct)
        else:
            raise StreamError(f"unexpected {rec.variant} record in a tensors stream", rec.offset, stream.name)
        if b.rows is None:
            b.rows = rows
        elif b.rows != rows:
            raise StreamError(f"batch {b.index}: {rows} rows after {b.rows}", rec.offset, stream.name)
    return batches


def _from_numpy(a):
    import torch
    with warnings.catch_warnings():
        # The views are read-only (the file is mapped read-only); torch shares them anyway and
        # warns that writing would be undefined. Training reads them only.
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(a)


def to_torch(batch):
    """{name: torch.Tensor} of a batch's dense tensors, each sharing the view's memory."""
    return {name: _from_numpy(a) for name, a in batch.dense.items()}


def to_kjt(jagged):
    """A torchrec KeyedJaggedTensor over the jagged arrays (values, lengths, offsets shared)."""
    from torchrec.sparse.jagged_tensor import KeyedJaggedTensor
    return KeyedJaggedTensor(keys=list(jagged.keys), values=_from_numpy(jagged.values),
                             lengths=_from_numpy(jagged.lengths), offsets=_from_numpy(jagged.offsets),
                             weights=None if jagged.weights is None else _from_numpy(jagged.weights),
                             stride=jagged.rows)
