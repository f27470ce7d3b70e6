"""A "please wait" the coach cannot close half-way, for work that must finish once begun
(turning the practice file encrypted or plain, checking a passphrase).

``run_busy(parent, title, text, work)`` runs ``work()`` off the GUI thread
(``ui.workers.Job``) while a modal dialog with a moving bar says what is happening; the
window stays painted and answers nothing else meanwhile. It returns what ``work``
returned, or raises the ``CoachDeskError`` it raised (its class kept, so a caller can
tell a wrong passphrase from a full disk); anything unexpected becomes a
``CoachDeskError`` with the ``failure`` sentence (the detail goes to the log only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout

from coachdesk.errors import CoachDeskError

from ..widgets.fields import name_widget
from ..workers import Job


class _PlainJob(Job):
    """An unexpected error reads as the ``failure`` sentence, with at most the system's
    short reason for a refused write ("No space left on device"), never a class name."""

    def failure_text(self, exc: Exception) -> str:
        if isinstance(exc, OSError) and exc.strerror:
            return f"{self.failure} (The computer said: {exc.strerror}.)"
        return self.failure


class BusyDialog(QDialog):
    """Shown while a job runs; Esc and the window's close button do nothing until it ends."""

    def __init__(self, title: str, text: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("busyDialog")
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.label = name_widget(QLabel(text), "busyText", "What CoachDesk is doing")
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(380)
        self.bar = name_widget(QProgressBar(), "busyBar", "Working")
        self.bar.setRange(0, 0)  # moving: how long it takes is not known
        self.bar.setTextVisible(False)
        note = QLabel("Please wait: this window closes by itself when it is done.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(note)
        self.finished_work = False
        self.outcome: tuple[str, Any] | None = None

    # -- not closable while the work runs ---------------------------------------------------
    def reject(self) -> None:
        if self.finished_work:
            super().reject()

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event):  # noqa: N802
        if not self.finished_work:
            event.ignore()
            return
        super().closeEvent(event)

    # -- the work ------------------------------------------------------------------------
    def _ended(self, outcome: tuple[str, Any]) -> None:
        self.outcome = outcome
        self.finished_work = True
        self.accept()

    def run(self, work: Callable[[], Any], failure: str) -> Any:
        def guarded():
            try:
                return ("done", work())
            except CoachDeskError as exc:  # kept whole: the caller tells one kind from another
                return ("refused", exc)

        job = _PlainJob(guarded, failure)
        job.signals.done.connect(self._ended)
        job.signals.failed.connect(lambda sentence: self._ended(("failed", sentence)))
        job.start()
        self.exec()
        kind, value = self.outcome or ("failed", failure)
        if kind == "done":
            return value
        if kind == "refused":
            raise value
        raise CoachDeskError(value)


def run_busy(parent, title: str, text: str, work: Callable[[], Any],
             failure: str = "That could not be finished.") -> Any:
    """``work()`` off the GUI thread behind a ``BusyDialog``; its result, or the
    ``CoachDeskError`` it raised (see the module's docstring)."""
    return BusyDialog(title, text, parent).run(work, failure)
