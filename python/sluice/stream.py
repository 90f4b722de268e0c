"""`sluice.open`: a whole Sluice stream, mapped, with its header, records and trailer.

Opening maps the file and walks the framing once (a few bytes per message), then reads the
header (first message) and the trailer (last message) and checks the trailer's record count
against the messages in between, so a stream whose producer died is refused up front, as the
Swift tools refuse it. Records are decoded lazily while iterating.
"""
import builtins
import mmap
import os
import sys
from collections import namedtuple

from . import layouts as L
from .errors import StreamError
from .framing import DEFAULT_MAX_SEGMENTS, iter_messages
from .wire import DEFAULT_NESTING_LIMIT, MessageReader

Producer = namedtuple("Producer", "tool version arguments")
Header = namedtuple("Header", "kind schemaVersion producer frameType")
Trailer = namedtuple("Trailer", "recordCount counts")
Record = namedtuple("Record", "variant struct offset")


def _map(source):
    """(buffer, mmap or None, name) for a path, '-', bytes-like, or binary file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return memoryview(source).cast("B"), None, "<buffer>"
    if source == "-":
        return memoryview(sys.stdin.buffer.read()), None, "stdin"
    if hasattr(source, "read"):
        try:
            fileno = source.fileno()
            mm = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
            return memoryview(mm), mm, getattr(source, "name", "<file>")
        except (OSError, ValueError, AttributeError):
            return memoryview(source.read()), None, getattr(source, "name", "<file>")
    name = os.fspath(source)
    with builtins.open(name, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return memoryview(b""), None, str(name)  # mmap refuses empty files
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a pipe or FIFO: read it instead
            return memoryview(fh.read()), None, str(name)
    return memoryview(mm), mm, str(name)


class Stream:
    """A Sluice stream: `.header`, iteration over records, `.trailer`.

    Arrays handed out by readers are views of `.buffer` (the mapped file). Keep them as long as
    you like: they hold the mapping alive; `close()` only drops this object's references.
    """

    def __init__(self, source, kind=None, max_segments=DEFAULT_MAX_SEGMENTS,
                 traversal_limit_words=None, nesting_limit=DEFAULT_NESTING_LIMIT):
        self.buffer, self._mmap, self.name = _map(source)
        self._limits = (traversal_limit_words, nesting_limit)
        self.messages = list(iter_messages(self.buffer, max_segments, self.name))
        if not self.messages:
            raise StreamError("empty stream (no header)", 0, self.name)
        self.header = self._read_header(self.messages[0])
        if kind is not None and self.header.kind != kind:
            raise StreamError(f"expected a {kind} stream, got {self.header.kind} "
                              f"v{self.header.schemaVersion} (from {self.header.producer.tool})", 0, self.name)
        self.variants = L.VARIANTS.get(self.header.kind)
        if len(self.messages) < 2:
            raise StreamError("stream ends without a trailer (the producer did not finish)", len(self.buffer), self.name)
        last = self.messages[-1]
        root = self._root(last)
        which = root.which(L.FRAME_DISCRIMINANT)
        trailer_disc = len(self.variants) - 1 if self.variants else which
        if which != trailer_disc:
            raise StreamError("stream ends without a trailer (the producer did not finish)", last.offset, self.name)
        self.trailer = self._read_trailer(root.struct(L.FRAME_POINTER), last.offset)
        records = len(self.messages) - 2
        if self.trailer.recordCount != records:
            raise StreamError(f"trailer says {self.trailer.recordCount} records, the stream has {records}",
                              last.offset, self.name)

    # -- decoding helpers --------------------------------------------------------------------

    def _root(self, message):
        traversal, nesting = self._limits
        return MessageReader(message, traversal, nesting, self.name).root()

    def _read_header(self, message):
        root = self._root(message)
        if root.which(L.FRAME_DISCRIMINANT) != 0:
            raise StreamError("stream does not start with a header", message.offset, self.name)
        h = root.struct(L.FRAME_POINTER)
        if h is None:
            raise StreamError("null header", message.offset, self.name)
        p = h.struct(L.Header.PRODUCER)
        producer = Producer("", "", [])
        if p is not None:
            args = p.list(L.Producer.ARGUMENTS)
            producer = Producer(p.text(L.Producer.TOOL), p.text(L.Producer.VERSION),
                                args.texts() if args is not None else [])
        return Header(h.text(L.Header.KIND), h.uint16(L.Header.SCHEMA_VERSION), producer,
                      h.text(L.Header.FRAME_TYPE))

    def _read_trailer(self, t, offset):
        if t is None:
            raise StreamError("null trailer", offset, self.name)
        counts = {}
        lst = t.list(L.Trailer.COUNTS)
        for c in (lst.structs() if lst is not None else []):
            counts[c.text(L.Count.NAME)] = c.uint64(L.Count.VALUE)
        return Trailer(t.uint64(L.Trailer.RECORD_COUNT), counts)

    # -- records ----------------------------------------------------------------------------

    def __iter__(self):
        """Yield Record(variant, struct, offset) for every record between header and trailer.

        `variant` is the union member's name for the kinds in layouts.VARIANTS, else its
        discriminant number; `struct` is a wire.StructReader of the record.
        """
        last = len(self.variants) - 1 if self.variants else None
        for message in self.messages[1:-1]:
            root = self._root(message)
            which = root.which(L.FRAME_DISCRIMINANT)
            if which == 0 or (last is not None and which >= last):
                name = "header" if which == 0 else ("trailer" if which == last else f"variant {which}")
                raise StreamError(f"unexpected {name} in the middle of the stream", message.offset, self.name)
            variant = self.variants[which] if self.variants else which
            record = root.struct(L.FRAME_POINTER)
            if record is None:
                raise StreamError(f"null {variant} record", message.offset, self.name)
            yield Record(variant, record, message.offset)

    def __len__(self):
        """Number of records (header and trailer not counted)."""
        return len(self.messages) - 2

    def close(self):
        """Drop this stream's references to the mapping (views handed out keep it alive)."""
        self.messages = []
        self.buffer = None
        self._mmap = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        h = self.header
        return f"<sluice.Stream {self.name}: {h.kind} v{h.schemaVersion} from {h.producer.tool}, {len(self)} records>"


def open(source, kind=None, **limits):  # noqa: A001 - the package's front door, like io.open
    """Open a Sluice stream (a path, '-', a bytes-like object or a binary file).

    `kind` (e.g. "table") refuses any other stream kind with StreamError. Keyword limits:
    max_segments, traversal_limit_words, nesting_limit.
    """
    return Stream(source, kind, **limits)
