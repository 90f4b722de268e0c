"""The one exception the package raises for bad input."""


class StreamError(ValueError):
    """A stream is truncated, corrupt, over a limit, or not the kind the caller asked for.

    `offset` is the absolute byte offset in the file (or buffer) where the problem was found,
    or None when the problem is not tied to one place (e.g. a record count that does not match
    the trailer). The message always names the offset when there is one, so a one-line report
    (`print(err)`) is enough to find the bad bytes with `xxd -s OFFSET`.
    """

    def __init__(self, message, offset=None, source=None):
        self.reason = message
        self.offset = offset
        self.source = source
        where = source or "stream"
        if offset is not None:
            where = f"{where}: byte {offset}"
        super().__init__(f"{where}: {message}")
