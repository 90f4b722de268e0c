"""Cap'n Proto stream framing: split a buffer into messages, each a list of segments.

The standard framing ("serialization over a stream") is, per message:

    uint32 segmentCount - 1
    uint32 size of each segment, in 8-byte words
    4 bytes of padding if that header is not a multiple of 8 bytes
    the segments, back to back

Every segment is handed out as a `memoryview` slice of the caller's buffer (an `mmap` for
files), so nothing is copied here; numpy arrays made from these slices later are views of the
file. Packed framing (`--packed`) is not read: the tools write it only when asked.
"""
import struct

from .errors import StreamError

_U32 = struct.Struct("<I")

# libcapnp refuses more than 512 segments per message by default; a well-formed Sluice frame
# has one or a few. A huge count in a corrupt header would otherwise make us read megabytes of
# "sizes" before noticing.
DEFAULT_MAX_SEGMENTS = 512


class Message:
    """One framed message: its segments as memoryviews and where each starts in the buffer."""

    __slots__ = ("offset", "end", "segments", "bases", "words")

    def __init__(self, offset, end, segments, bases):
        self.offset = offset        # byte offset of the framing header
        self.end = end              # byte offset just past the last segment
        self.segments = segments    # list of memoryview, each a multiple of 8 bytes
        self.bases = bases          # absolute byte offset of each segment (for error messages)
        self.words = sum(len(s) for s in segments) // 8

    def __repr__(self):
        return f"<Message at {self.offset}: {len(self.segments)} segment(s), {self.words} words>"


def read_message(buf, offset, max_segments=DEFAULT_MAX_SEGMENTS, source=None):
    """Parse the message whose framing header starts at `offset` of `buf` (a memoryview)."""
    size = len(buf)
    if size - offset < 8:
        raise StreamError(f"truncated message header ({size - offset} bytes left, need 8)", offset, source)
    count = _U32.unpack_from(buf, offset)[0] + 1
    if count > max_segments:
        # count wraps to 0 when the field is 0xffffffff: also out of range.
        raise StreamError(f"message claims {count} segments (limit {max_segments})", offset, source)
    head = 4 * (count + 1)
    head += head % 8  # pad the header to a whole word
    if size - offset < head:
        raise StreamError(f"truncated segment table ({size - offset} bytes left, need {head})", offset, source)
    sizes = struct.unpack_from(f"<{count}I", buf, offset + 4)
    total = sum(sizes) * 8
    start = offset + head
    if size - start < total:
        raise StreamError(f"truncated message: segments need {total} bytes, {size - start} left", offset, source)
    segments, bases = [], []
    for words in sizes:
        segments.append(buf[start:start + words * 8])
        bases.append(start)
        start += words * 8
    return Message(offset, start, segments, bases)


def iter_messages(buf, max_segments=DEFAULT_MAX_SEGMENTS, source=None):
    """Yield every message of `buf` in order; raise StreamError on a truncated tail."""
    offset, size = 0, len(buf)
    while offset < size:
        message = read_message(buf, offset, max_segments, source)
        offset = message.end
        yield message
