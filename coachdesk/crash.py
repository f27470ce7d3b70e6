"""What CoachDesk keeps when something goes wrong that nobody foresaw (issue 15).

- ``enable_faulthandler()``: a hard crash (a segfault in a library, a deadlock killed by
  the system) leaves every thread's Python stack in ``<log folder>/crash.log``, where
  Python's ``faulthandler`` writes it from inside the dying process.
- ``details()``: the text behind the crash dialog's "Copy details": CoachDesk's version,
  the system, Python, Qt, and where the error happened and of which kind. Never the error's
  message: it may quote the coach (a cell of an imported file, a note, a client's name in
  a file name), so the traceback is the frames (file, line, function, code) and the type,
  as in the log file (``coachdesk.private_log``).
- ``runtime_summary()``: the line the app and the command line log at start.

No Qt here: the UI passes Qt's version in.
"""

from __future__ import annotations

import faulthandler
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from . import __version__, paths
from .private_log import PrivateFormatter

CRASH_LOG = "crash.log"
CRASH_LOG_MAX = 1_000_000  # bytes; a larger one is moved to crash.log.1 at start

_stream: IO[str] | None = None


def enable_faulthandler(folder: Path | None = None) -> Path | None:
    """Send ``faulthandler``'s dumps (all threads) to ``folder/crash.log`` (default: the log
    folder), appended to, 0600. Returns the file, or None when it cannot be opened (the
    handler then stays as it was). Calling it again moves the dumps to the new folder."""
    global _stream
    folder = folder or paths.log_dir()
    target = folder / CRASH_LOG
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.stat().st_size > CRASH_LOG_MAX:
            os.replace(target, folder / (CRASH_LOG + ".1"))
        stream = open(target, "a", encoding="utf-8")  # noqa: SIM115 - open while we run
    except OSError:
        return None
    paths.keep_private(target)
    stream.write(f"--- CoachDesk {__version__} started {_now()} (pid {os.getpid()})\n")
    stream.flush()
    faulthandler.enable(file=stream, all_threads=True)
    if _stream is not None and _stream is not stream:
        _stream.close()
    _stream = stream
    return target


def disable_faulthandler() -> None:
    """Stop writing dumps to the crash log (tests; the process's end does it anyway)."""
    global _stream
    faulthandler.disable()
    if _stream is not None:
        _stream.close()
        _stream = None


def runtime_summary(qt_version: str | None = None, pyside_version: str | None = None) -> str:
    """"CoachDesk 0.1.0 on Linux-6.1-x86_64 (Python 3.11.7, Qt 6.12.0, PySide6 6.12.0)"."""
    parts = [f"Python {platform.python_version()}"]
    if qt_version:
        parts.append(f"Qt {qt_version}")
    if pyside_version:
        parts.append(f"PySide6 {pyside_version}")
    return f"CoachDesk {__version__} on {platform.platform()} ({', '.join(parts)})"


def details(exc_type, exc, tb, *, qt_version: str | None = None,
            pyside_version: str | None = None, thread: str | None = None) -> str:
    """The text "Copy details" puts on the clipboard: versions, system, time (UTC), the
    thread when not the main one, and the traceback without any exception's message."""
    lines = [
        f"CoachDesk {__version__}",
        f"System: {platform.platform()}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
    ]
    if qt_version or pyside_version:
        lines.append(f"Qt: {qt_version or '?'}, PySide6: {pyside_version or '?'}")
    lines.append(f"When: {_now()}")
    if thread:
        lines.append(f"Thread: {thread}")
    lines.append("")
    if exc is not None:
        lines.append(PrivateFormatter().formatException((exc_type, exc, tb)))
    else:
        lines.append(f"{getattr(exc_type, '__qualname__', 'unknown')} (no traceback)")
    return "\n".join(lines) + "\n"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
