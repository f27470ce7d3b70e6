"""The log file in the data folder, set up once per process (app or command line).

Only the log file receives records: a command prints its own plain lines, so a warning is
never printed twice, and a traceback never reaches the coach's terminal.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from . import paths
from .private_log import PrivateFormatter

LOG_NAME = "coachdesk.log"
_MARK = "_coachdesk_log_file"


def setup(level: int = logging.INFO) -> Path | None:
    """Send every record to ``<data folder>/logs/coachdesk.log`` (rotated, 0600 in a 0700
    folder); calling it again changes nothing unless the data folder moved
    (``COACHDESK_HOME`` changed), which the log then follows. Returns the file, or None when
    the folder cannot be written (records are then dropped rather than printed)."""
    root = logging.getLogger()
    folder = paths.log_dir()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            if Path(handler.baseFilename).parent == folder:
                return Path(handler.baseFilename)
            root.removeHandler(handler)  # the data folder moved (COACHDESK_HOME): follow it
            handler.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / LOG_NAME, maxBytes=1_000_000,
                                                       backupCount=3, encoding="utf-8",
                                                       errors="backslashreplace")
    except OSError:
        if not root.handlers:  # not Python's last-resort printing to stderr either
            root.addHandler(logging.NullHandler())
        return None
    for private in (folder, folder / LOG_NAME):  # an older version's 0644 log too
        paths.keep_private(private)
    setattr(handler, _MARK, True)
    # tracebacks keep where and what kind, never the error's message (it may quote the coach)
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return folder / LOG_NAME
