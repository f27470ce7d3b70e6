"""Long work off the GUI thread, done one way across the app.

A ``Job`` runs a function in Qt's global thread pool; its result comes back on the GUI
thread as ``signals.done(result)``, or ``signals.failed(sentence)``: a CoachDeskError's
own message, or, for anything unexpected, the job's plain ``failure`` sentence (the
detail goes to the log, never a traceback to the coach).

Python must keep each job, and the QObject carrying its signals, alive until its result
has been delivered: a job nobody references can be collected while its queued signal is
still on the way, and the caller would then never hear back. Jobs in flight therefore sit
in ``_running`` and let go of themselves on the event loop's next turn after delivery.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from coachdesk.errors import CoachDeskError

log = logging.getLogger(__name__)


class JobSignals(QObject):
    progress = Signal(int, int, str)  # done, total, what is being worked on
    done = Signal(object)
    failed = Signal(str)


_running: set[Job] = set()


class Job(QRunnable):
    """``work()`` in the thread pool. Connect to ``signals`` first, then ``start()``."""

    def __init__(self, work: Callable[[], Any], failure: str = "That did not work."):
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.failure = failure
        self.signals = JobSignals()
        #: set in the worker thread once the work has ended, however it ended
        self.over = threading.Event()

    def start(self) -> Job:
        self.signals.done.connect(self._let_go)
        self.signals.failed.connect(self._let_go)
        _running.add(self)
        QThreadPool.globalInstance().start(self)
        return self

    def _let_go(self, *_args) -> None:
        QTimer.singleShot(0, lambda: _running.discard(self))

    # -- what subclasses may change ------------------------------------------------
    def call(self) -> Any:
        return self.work()

    def failure_text(self, exc: Exception) -> str:
        """The sentence for an unexpected error (its detail is logged)."""
        return f"{self.failure} ({exc})"

    # -- in the worker thread ------------------------------------------------------
    def run(self) -> None:
        try:
            result = self.call()
        except CoachDeskError as exc:
            signal, value = self.signals.failed, str(exc)
        except Exception as exc:  # noqa: BLE001 - logged; the coach reads a sentence
            log.exception("%s", self.failure)
            signal, value = self.signals.failed, self.failure_text(exc)
        else:
            signal, value = self.signals.done, result
        self.over.set()
        try:
            signal.emit(value)
        except RuntimeError:  # the application is closing: nobody is left to tell
            log.info("a job finished after its window closed: %s", self.failure)


def running(kind: type = Job) -> list[Job]:
    """Jobs of this kind started and not yet delivered."""
    return [job for job in _running if isinstance(job, kind)]
