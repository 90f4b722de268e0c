"""A minimal Cap'n Proto pointer decoder, written from the encoding spec.

Only what a reader needs: struct pointers, list pointers (every element size, including
inline-composite struct lists), far pointers with single and double landing pads, and
defaults for fields a struct does not have (a reader that is newer than the writer). Text,
Data and primitive lists come back as views of the segment: `numpy.frombuffer` or
`memoryview` slices, never copies.

Safety: every pointer is bounds-checked against its segment before anything is read; each
dereference is charged to a per-message traversal budget (so pointers that alias the same bytes
cannot make a small message cost unbounded work), and nesting depth is capped. Any violation
raises StreamError naming the byte offset of the offending pointer.
"""
import struct

import numpy as np

from .errors import StreamError

_U64 = struct.Struct("<Q")
_MASK29 = (1 << 29) - 1

# Element size codes of a list pointer (spec: "C"): bits per element of the list body.
_ELEMENT_BITS = {0: 0, 1: 1, 2: 8, 3: 16, 4: 32, 5: 64, 6: 64}
VOID, BIT, BYTE, TWO_BYTES, FOUR_BYTES, EIGHT_BYTES, POINTER, COMPOSITE = range(8)

DEFAULT_NESTING_LIMIT = 64


def _signed30(value):
    """The 30-bit signed word offset of a struct or list pointer (bits 2..31)."""
    value = (value & 0xFFFFFFFF) >> 2
    return value - (1 << 30) if value & (1 << 29) else value


class MessageReader:
    """Reads one framed message: resolves pointers and keeps the traversal budget.

    `traversal_limit_words` bounds the words all dereferences may cover together; by default
    8 x the message size (+ 64 Ki words), generous for any schema-driven read and still linear
    in the input, which is what defends against amplification.
    """

    __slots__ = ("segments", "bases", "budget", "nesting_limit", "source")

    def __init__(self, message, traversal_limit_words=None, nesting_limit=DEFAULT_NESTING_LIMIT, source=None):
        self.segments = message.segments
        self.bases = message.bases
        if traversal_limit_words is None:
            traversal_limit_words = 8 * message.words + 65536
        self.budget = traversal_limit_words
        self.nesting_limit = nesting_limit
        self.source = source

    # -- helpers ---------------------------------------------------------------------------

    def error(self, text, seg, word):
        offset = None
        if 0 <= seg < len(self.bases):
            offset = self.bases[seg] + 8 * word
        return StreamError(text, offset, self.source)

    def _charge(self, words, seg, word):
        self.budget -= words
        if self.budget < 0:
            raise self.error("traversal limit exceeded (pointers alias or the message is too deep)", seg, word)

    def _word(self, seg, word):
        segment = self.segments[seg]
        if word < 0 or 8 * word + 8 > len(segment):
            raise self.error(f"pointer outside its segment (word {word} of {len(segment) // 8})", seg, 0)
        return _U64.unpack_from(segment, 8 * word)[0]

    def _check_span(self, seg, start, words, at_seg, at_word, what):
        if start < 0 or start + words > len(self.segments[seg]) // 8:
            raise self.error(f"{what} out of bounds (words {start}..{start + words} of a "
                             f"{len(self.segments[seg]) // 8}-word segment)", at_seg, at_word)

    def _resolve(self, seg, word):
        """Follow the pointer at (seg, word) through any far pointer.

        Returns (pointer value carrying the kind and sizes, segment, first word of the content)
        or None for a null pointer.
        """
        value = self._word(seg, word)
        if value == 0:
            return None
        kind = value & 3
        if kind < 2:
            return value, seg, word + 1 + _signed30(value)
        if kind == 3:
            raise self.error("capability or reserved pointer where data was expected", seg, word)
        # Far pointer: a landing pad in another (or the same) segment.
        double = (value >> 2) & 1
        pad = (value >> 3) & _MASK29
        target = value >> 32
        if target >= len(self.segments):
            raise self.error(f"far pointer to segment {target} of {len(self.segments)}", seg, word)
        self._check_span(target, pad, 2 if double else 1, seg, word, "far pointer landing pad")
        landing = self._word(target, pad)
        if not double:
            if landing & 3 >= 2 or landing == 0:
                raise self.error("far pointer lands on a pointer that is not a struct or list", target, pad)
            return landing, target, pad + 1 + _signed30(landing)
        # Double-far: the pad is a far pointer to the content, then a tag describing it.
        if landing & 7 != 2:
            raise self.error("double-far landing pad is not a single far pointer", target, pad)
        content_seg = landing >> 32
        if content_seg >= len(self.segments):
            raise self.error(f"double-far pointer to segment {content_seg} of {len(self.segments)}", target, pad)
        tag = self._word(target, pad + 1)
        if tag & 3 >= 2:
            raise self.error("double-far tag is not a struct or list pointer", target, pad + 1)
        return tag, content_seg, (landing >> 3) & _MASK29

    def _depth(self, depth, seg, word):
        if depth > self.nesting_limit:
            raise self.error(f"nesting deeper than {self.nesting_limit}", seg, word)

    # -- entry points ----------------------------------------------------------------------

    def root(self):
        """The root struct (the message's first word is a pointer to it)."""
        if not self.segments or len(self.segments[0]) < 8:
            raise StreamError("empty message (no root pointer)", self.bases[0] if self.bases else None, self.source)
        root = self.struct_at(0, 0, 0)
        if root is None:
            raise self.error("null root pointer", 0, 0)
        return root

    def struct_at(self, seg, word, depth):
        """The struct the pointer at (seg, word) points to, or None when the pointer is null."""
        self._depth(depth, seg, word)
        resolved = self._resolve(seg, word)
        if resolved is None:
            return None
        value, target, start = resolved
        if value & 3 != 0:
            raise self.error("expected a struct pointer, found a list pointer", seg, word)
        data_words = (value >> 32) & 0xFFFF
        pointers = value >> 48
        self._check_span(target, start, data_words + pointers, seg, word, "struct")
        self._charge(max(data_words + pointers, 1), seg, word)
        return StructReader(self, target, 8 * start, 8 * data_words, start + data_words, pointers, depth)

    def list_at(self, seg, word, depth):
        """The list the pointer at (seg, word) points to, or None when the pointer is null."""
        self._depth(depth, seg, word)
        resolved = self._resolve(seg, word)
        if resolved is None:
            return None
        value, target, start = resolved
        if value & 3 != 1:
            raise self.error("expected a list pointer, found a struct pointer", seg, word)
        code = (value >> 32) & 7
        count = value >> 35
        if code == COMPOSITE:
            words = count  # for inline composite lists the count is the body's size in words
            self._check_span(target, start, words + 1, seg, word, "struct list")
            tag = self._word(target, start)
            if tag & 3 != 0:
                raise self.error("struct list tag is not struct-shaped", target, start)
            elements = (tag & 0xFFFFFFFF) >> 2
            data_words = (tag >> 32) & 0xFFFF
            pointers = tag >> 48
            if elements * (data_words + pointers) > words:
                raise self.error(f"struct list of {elements} x {data_words + pointers} words "
                                 f"does not fit its {words} words", seg, word)
            # Zero-sized elements cost nothing to store: charge one word each anyway so a
            # two-word list cannot claim 2^29 elements for free.
            self._charge(max(words, elements), seg, word)
            return ListReader(self, target, 8 * (start + 1), elements, code,
                              8 * data_words, pointers, 8 * (data_words + pointers), depth)
        bits = _ELEMENT_BITS[code]
        words = (count * bits + 63) // 64
        self._check_span(target, start, words, seg, word, "list")
        self._charge(max(words, count if bits == 0 else 0, 1), seg, word)
        if code == POINTER:
            return ListReader(self, target, 8 * start, count, code, 0, 1, 8, depth)
        return ListReader(self, target, 8 * start, count, code, bits // 8, 0, bits // 8, depth)


class StructReader:
    """A struct's data and pointer sections. Fields beyond what the writer sent read as 0/null."""

    __slots__ = ("msg", "seg", "data", "data_bytes", "ptrs", "ptr_count", "depth")

    def __init__(self, msg, seg, data, data_bytes, ptrs, ptr_count, depth):
        self.msg = msg
        self.seg = seg                  # segment index
        self.data = data                # byte offset of the data section in the segment
        self.data_bytes = data_bytes
        self.ptrs = ptrs                # word index of the pointer section
        self.ptr_count = ptr_count
        self.depth = depth

    def _scalar(self, fmt, size, offset):
        # Offsets are byte offsets of the field (slot offset x field size).
        if offset + size > self.data_bytes:
            return 0
        return struct.unpack_from(fmt, self.msg.segments[self.seg], self.data + offset)[0]

    def uint16(self, offset):
        return self._scalar("<H", 2, offset)

    def uint32(self, offset):
        return self._scalar("<I", 4, offset)

    def uint64(self, offset):
        return self._scalar("<Q", 8, offset)

    def int64(self, offset):
        return self._scalar("<q", 8, offset)

    def float64(self, offset):
        return self._scalar("<d", 8, offset) if offset + 8 <= self.data_bytes else 0.0

    def bool(self, bit):
        if bit // 8 >= self.data_bytes:
            return False
        return bool(self.msg.segments[self.seg][self.data + bit // 8] >> (bit % 8) & 1)

    def which(self, offset=0):
        """The union discriminant stored at byte `offset`."""
        return self.uint16(offset)

    def _ptr_word(self, index):
        return self.ptrs + index if index < self.ptr_count else None

    def has(self, index):
        """True when pointer `index` is present and not null."""
        word = self._ptr_word(index)
        return word is not None and self.msg._word(self.seg, word) != 0

    def struct(self, index):
        """The struct at pointer `index`, or None (absent or null)."""
        word = self._ptr_word(index)
        return None if word is None else self.msg.struct_at(self.seg, word, self.depth + 1)

    def list(self, index):
        """The list at pointer `index`, or None (absent or null)."""
        word = self._ptr_word(index)
        return None if word is None else self.msg.list_at(self.seg, word, self.depth + 1)

    def array(self, index, dtype):
        """Pointer `index` as a read-only numpy view (empty array when null)."""
        lst = self.list(index)
        return np.empty(0, dtype=dtype) if lst is None else lst.array(dtype)

    def data_view(self, index):
        """Pointer `index` (a Data field) as a memoryview of the segment; empty when null."""
        lst = self.list(index)
        return memoryview(b"") if lst is None else lst.bytes()

    def text(self, index):
        """Pointer `index` (a Text field) decoded as str; '' when null."""
        lst = self.list(index)
        return "" if lst is None else lst.text()

    def offset(self):
        """Absolute byte offset of this struct's data section (for error messages)."""
        return self.msg.bases[self.seg] + self.data

    def error(self, text):
        return StreamError(text, self.offset(), self.msg.source)


class ListReader:
    """A list body: `count` elements of `step` bytes from byte `start` of a segment."""

    __slots__ = ("msg", "seg", "start", "count", "code", "elem_data", "elem_ptrs", "step", "depth")

    def __init__(self, msg, seg, start, count, code, elem_data, elem_ptrs, step, depth):
        self.msg, self.seg, self.start, self.count, self.code = msg, seg, start, count, code
        self.elem_data = elem_data      # bytes of data per element (struct lists: data section)
        self.elem_ptrs = elem_ptrs      # pointers per element
        self.step = step                # bytes from one element to the next
        self.depth = depth

    def __len__(self):
        return self.count

    def error(self, text):
        return StreamError(text, self.msg.bases[self.seg] + self.start, self.msg.source)

    def array(self, dtype):
        """The list as a numpy view of the segment, without a copy.

        A primitive list of the matching width maps directly; a struct list (a writer that
        upgraded the field) maps with a stride, reading each element's first data field.
        """
        dtype = np.dtype(dtype)
        segment = self.msg.segments[self.seg]
        if self.code in (TWO_BYTES, FOUR_BYTES, EIGHT_BYTES, BYTE) and self.step == dtype.itemsize:
            if self.count == 0:
                return np.empty(0, dtype=dtype)
            return np.frombuffer(segment, dtype=dtype, count=self.count, offset=self.start)
        if self.code == COMPOSITE and self.elem_data >= dtype.itemsize:
            if self.count == 0:
                return np.empty(0, dtype=dtype)
            return np.ndarray((self.count,), dtype=dtype, buffer=segment, offset=self.start, strides=(self.step,))
        raise self.error(f"list of element size code {self.code} read as {dtype} ({dtype.itemsize} bytes)")

    def bits(self):
        """A List(Bool) as (packed uint8 view, count): bit i is byte i // 8, LSB first."""
        if self.code != BIT:
            raise self.error(f"expected a bit list, found element size code {self.code}")
        nbytes = (self.count + 7) // 8
        if nbytes == 0:
            return np.empty(0, dtype=np.uint8), 0
        return np.frombuffer(self.msg.segments[self.seg], dtype=np.uint8, count=nbytes, offset=self.start), self.count

    def bytes(self):
        """A Data (List(UInt8)) body as a memoryview of the segment."""
        if self.code != BYTE:
            raise self.error(f"expected a byte list (Data/Text), found element size code {self.code}")
        return self.msg.segments[self.seg][self.start:self.start + self.count]

    def text(self):
        """A Text body decoded as str (its NUL terminator dropped)."""
        raw = self.bytes()
        if len(raw) and raw[-1] == 0:
            raw = raw[:-1]
        try:
            return str(raw, "utf-8")
        except UnicodeDecodeError as err:
            raise self.error(f"text is not valid UTF-8 ({err.reason})") from None

    def struct(self, index):
        """Element `index` of a struct list (a pointer list reads as structs of one pointer)."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        if self.code == BIT:
            raise self.error("a bit list cannot be read as a struct list")
        at = self.start + index * self.step
        return StructReader(self.msg, self.seg, at, self.elem_data, at // 8 + self.elem_data // 8 if self.elem_ptrs else 0,
                            self.elem_ptrs, self.depth + 1)

    def structs(self):
        return [self.struct(i) for i in range(self.count)]

    def _pointer_word(self, index):
        if self.code == POINTER:
            return self.start // 8 + index
        if self.code == COMPOSITE and self.elem_ptrs:
            return (self.start + index * self.step + self.elem_data) // 8
        raise self.error(f"expected a pointer list, found element size code {self.code}")

    def texts(self):
        """A List(Text) as a list of str."""
        out = []
        for i in range(self.count):
            lst = self.msg.list_at(self.seg, self._pointer_word(i), self.depth + 1)
            out.append("" if lst is None else lst.text())
        return out
