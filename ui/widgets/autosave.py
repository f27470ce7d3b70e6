"""Save as the coach types: at most ~0.4 s after the first unsaved change.

A plain debounce (restart the timer on every key) would never save during
continuous typing; this timer starts on the first change and is *not*
restarted, so a crash loses at most the last fraction of a second.

Nothing counts as saved before the save says so: the unsaved state clears only after
``save()`` returned without a fault. A save that could not be written (another program
holds the file, the disk is full: ``save()`` returns False or raises) keeps the text on
screen and unsaved, emits ``failed`` (pages show "Not saved yet — retrying") and tries
again after 1, 2, 4, then every 5 seconds, until it works. Each try waits at most
``SAVE_PATIENCE_MS`` for another program's lock (``storage.patience``), so the window
never freezes for the engine's full busy timeout while a sync client holds the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from coachdesk import storage
from coachdesk.errors import ReadOnlyDatabaseError

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 400
RETRY_FIRST_MS = 1000
RETRY_MAX_MS = 5000  # saved within ~5 s of the other program letting go
SAVE_PATIENCE_MS = 250  # the longest the GUI thread waits for a lock at one try


#: where "This practice is read-only; nothing was changed." goes (ui.read_only sets it)
tell_read_only: Callable[[str], None] | None = None


class AutoSaver(QObject):
    """``save()`` returns False (or raises) when it could not write; anything else is a
    save done (a refused field is the page's to show, the rest was written). A read-only
    practice is never retried (it will not become writable): the change is dropped and
    ``tell_read_only`` says so."""

    saved = Signal()
    failed = Signal()  # a save could not be written: the text stays unsaved, a retry waits
    pending = Signal()  # the first change since the last save: not saved yet, a save is coming

    def __init__(self, save: Callable[[], None], parent: QObject | None = None,
                 delay_ms: int = SAVE_DELAY_MS):
        super().__init__(parent)
        self._save = save
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.flush)
        self._retry_ms = RETRY_FIRST_MS
        self._dirty = False
        self._failing = False
        self._suspended = 0

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def failing(self) -> bool:
        """The last save could not be written; a retry is waiting."""
        return self._failing

    def changed(self, *_args) -> None:
        if self._suspended:
            return
        if not self._dirty and not self._failing:
            self._dirty = True
            self.pending.emit()  # the page stops saying "saved" until this is
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> bool:
        """Save now if anything is pending (called on focus-out, leaving, closing).
        True when nothing is left unsaved."""
        self._timer.stop()
        self._retry.stop()
        if not self._dirty:
            return True
        try:
            with storage.patience(SAVE_PATIENCE_MS):
                done = self._save() is not False
        except ReadOnlyDatabaseError as exc:  # never "retrying" forever: it cannot be saved
            self.discard()
            if tell_read_only is not None:
                tell_read_only(str(exc))
            return False
        except Exception:  # never a traceback, never the text: the engine hides values
            log.exception("saving failed; the text stays on screen and is tried again")
            done = False
        if not done:
            self._failing = True
            self._retry.start(self._retry_ms)
            self._retry_ms = min(self._retry_ms * 2, RETRY_MAX_MS)
            self.failed.emit()
            return False
        self._dirty = False
        self._failing = False
        self._retry_ms = RETRY_FIRST_MS
        self.saved.emit()
        return True

    def discard(self) -> None:
        self._timer.stop()
        self._retry.stop()
        self._dirty = False
        self._failing = False
        self._retry_ms = RETRY_FIRST_MS

    def suspend(self):
        """Context manager: changes made while loading a form are not 'unsaved'."""
        saver = self

        class _Suspended:
            def __enter__(self_inner):
                saver._suspended += 1

            def __exit__(self_inner, *exc):
                saver._suspended -= 1

        return _Suspended()
