"""Save as the coach types: at most ~0.4 s after the first unsaved change.

A plain debounce (restart the timer on every key) would never save during
continuous typing; this timer starts on the first change and is *not*
restarted, so a crash loses at most the last fraction of a second.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

SAVE_DELAY_MS = 400


class AutoSaver(QObject):
    saved = Signal()

    def __init__(self, save: Callable[[], None], parent: QObject | None = None,
                 delay_ms: int = SAVE_DELAY_MS):
        super().__init__(parent)
        self._save = save
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._dirty = False
        self._suspended = 0

    @property
    def dirty(self) -> bool:
        return self._dirty

    def changed(self, *_args) -> None:
        if self._suspended:
            return
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Save now if anything is pending (called on focus-out, leaving, closing)."""
        self._timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        self._save()
        self.saved.emit()

    def discard(self) -> None:
        self._timer.stop()
        self._dirty = False

    def suspend(self):
        """Context manager: changes made while loading a form are not 'unsaved'."""
        saver = self

        class _Suspended:
            def __enter__(self_inner):
                saver._suspended += 1

            def __exit__(self_inner, *exc):
                saver._suspended -= 1

        return _Suspended()
