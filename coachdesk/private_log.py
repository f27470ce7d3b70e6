"""Log lines that never carry the coach's words (issue 12, item 11).

An exception's message may quote what it failed on: a cell of an imported file, a note's
first words, a file name made of a client's name. :class:`PrivateFormatter` writes where an
error happened (the traceback's frames, which are CoachDesk's and its libraries' own code)
and what kind it was, but never its message. Messages of our own log calls are ours to keep
free of coach text; the canary test (``tests/test_log_canary.py``) checks both.
"""

from __future__ import annotations

import logging
import traceback

__all__ = ["PrivateFormatter"]


def _kind(exc: BaseException) -> str:
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else \
        f"{kind.__module__}.{kind.__qualname__}"
    errno = getattr(exc, "errno", None)
    return f"{name}{f' [errno {errno}]' if isinstance(errno, int) else ''} (message not logged)"


class PrivateFormatter(logging.Formatter):
    """A ``logging.Formatter`` whose tracebacks keep the frames and the exception's type
    (with its errno for an ``OSError``) and leave out every exception's message, chained
    ones (``raise … from …``, or raised while handling another) included."""

    def format(self, record: logging.LogRecord) -> str:
        # logging keeps the first handler's traceback text on the record (exc_text) and
        # every later formatter reuses it: this one always makes its own, and leaves the
        # record as it found it
        kept = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = kept

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        exc = ei[1]
        chain: list[BaseException] = []
        while exc is not None and all(exc is not seen for seen in chain):
            chain.append(exc)
            exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        parts: list[str] = []
        for n, exc in enumerate(reversed(chain)):
            if n:
                parts.append("\nThe above led to:\n\n")
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
            parts.append(_kind(exc) + "\n")
        return "".join(parts).rstrip("\n")
