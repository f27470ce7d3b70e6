"""The practice's full check, right after the window shows (issue 17).

The window's start opens a practice it does not trust (a first start, an unclean close, a
copied or synced file) with the light check only (``storage.open_database(...,
check="later")``), so the window is on screen as soon as a trusted one's. Its full check
(``coachdesk.start_check.PendingCheck``: ``PRAGMA quick_check`` of every page on a
read-only connection of its own) runs here after the first paint, in a ``workers.Job``.
Until its verdict every write of the practice waits (an autosave only a moment, then it
retries: "Not saved yet"). Only the window's start defers; the command line and every
other opening check first.

- "ok": the held writes go on, nothing typed is lost. The status bar says
  ``CHECKING`` only when the check takes longer than ``SLOW_MS``.
- Damage (or a drive error): every write is refused with a plain sentence, so nothing more
  is written into the file; what was typed stays in its editor; the start's choices come
  over the window (``dialogs.db_problem.ask_what_to_do``, with the newest good backup found
  off the GUI thread): Restore latest backup (done in the running window, as the Backups
  dialog does: the damaged file set aside, the backup reopened, an older key file brought
  back asks its passphrase), Choose another file… (``practice_file.switch_practice``), or
  Quit (no closing backup or check of a damaged file: ``ui.app.run`` sees
  ``unsound_at_close``).
- The lock (``ui.lock``) drops the key: a check still running is stopped (its connection
  interrupted, no verdict, writes stay held) and runs again, from the start, once the
  practice is unlocked.
- Closing the window during the check waits for it: the close is put off, the status bar
  says so, and the window closes on "ok" (the last words are saved then); on damage the
  choices above come instead. Quitting otherwise (the start-up probe) waits for it in
  ``ui.app.run`` (``QThreadPool.waitForDone``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from coachdesk import start_check, storage
from coachdesk.errors import CoachDeskError, CorruptDatabaseError, StorageError
from coachdesk.memory import peak_rss_mb

from .dialogs import db_problem
from .workers import Job

log = logging.getLogger(__name__)

SLOW_MS = 500  # a check shorter than this says nothing
CHECKING = "Checking the practice…"
CLOSING = "Checking the practice; CoachDesk closes as soon as it is done."
UNLOCKED_NOT = ("The backup was restored, but it was not unlocked, so it is not open. "
                "Choose another file, or quit and open CoachDesk again to unlock it.")


@dataclass
class Outcome:
    """What a run of the check came to (made in the worker thread)."""

    check: start_check.PendingCheck
    stopped: bool = False
    error: StorageError | None = None
    backup: Path | None = None  # damage: the newest backup that passes its check
    at: float = 0.0  # ``time.perf_counter()`` when it ended
    peak_mb: float = 0.0


class _CheckJob(Job):
    def failure_text(self, exc: Exception) -> str:  # never an exception's words
        return self.failure


def quit_app() -> None:
    """Leave the event loop without closing the window (closing would save and back up)."""
    QApplication.exit(0)


class StartCheck(QObject):
    """Runs the window's practice's ``pending_check`` (see the module). ``ask``: the
    choices' dialog (``db_problem.ask_what_to_do``'s signature); ``choose_file``: the file
    dialog of "Choose another file…"."""

    #: None ("ok") or the ``StorageError`` every write now gets; not for a stopped check
    finished = Signal(object)

    def __init__(self, window, ask=None, choose_file=None):
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.ask = ask
        self.choose_file = choose_file
        self.job: _CheckJob | None = None
        #: the last run that came to a verdict, set in the worker thread as it ends (the
        #: start-up probe reads it after the event loop, when no signal is delivered)
        self.last: Outcome | None = None
        self.close_wanted = False
        self.slow = QTimer(self)
        self.slow.setSingleShot(True)
        self.slow.timeout.connect(self._say_checking)
        window.installEventFilter(self)
        self.ctx.database_replaced.connect(self._replaced)
        locker = getattr(window, "locker", None)
        if locker is not None:
            locker.locked_changed.connect(self._locked_changed)

    @property
    def check(self) -> start_check.PendingCheck | None:
        return getattr(self.ctx.db, "pending_check", None)

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> bool:
        """Start the check in the thread pool (once; again after a stop). False when there
        is nothing to check, it runs already, or the practice is locked."""
        check = self.check
        if check is None or check.decided or self.job is not None or self._locked():
            return False
        job = _CheckJob(lambda: self._keep(_run(check)), "The practice could not be checked.")
        job.signals.done.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self.job = job.start()
        self.slow.start(SLOW_MS)
        return True

    def _keep(self, outcome: Outcome) -> Outcome:  # in the worker thread
        if not outcome.stopped:
            self.last = outcome
        return outcome

    # -- on the GUI thread -----------------------------------------------------------------
    def _say_checking(self) -> None:
        if self.job is not None:
            self.ctx.say(CLOSING if self.close_wanted else CHECKING)

    def _quiet(self) -> None:
        self.slow.stop()
        bar = self.window.statusBar()
        if bar.currentMessage() in (CHECKING, CLOSING):
            bar.clearMessage()

    def _failed(self, message: str) -> None:  # the program's own error: logged by the Job
        self.job = None
        self._quiet()
        self.ctx.say(message)
        if self.close_wanted:
            QTimer.singleShot(0, self.window.close)

    def _finished(self, outcome: Outcome) -> None:
        self.job = None
        self._quiet()
        if outcome.stopped:  # the lock stopped it; unlocked already: from the start again
            if not self._locked():
                self.start()
            return
        if outcome.check is not self.check:  # another practice is open now (File → Open, a
            outcome.check.let_go()  # restore): not its verdict; the one left is closed
            return
        self.finished.emit(outcome.error)
        if outcome.error is None:
            if self.close_wanted:
                QTimer.singleShot(0, self.window.close)
            return
        self.close_wanted = False
        self.offer_way_out(outcome.error, outcome.backup)

    def _replaced(self) -> None:
        """Another practice is open (File → Open, a restore): the one left behind is closed,
        so a refused one's guard connection goes too (``PendingCheck.let_go``)."""
        if self.last is not None and self.last.check is not self.check:
            self.last.check.let_go()

    def _locked(self) -> bool:
        locker = getattr(self.window, "locker", None)
        return bool(locker is not None and locker.locked)

    def _locked_changed(self, locked: bool) -> None:
        """Locked: the check stops and its guard connection goes (both hold the key; the
        practice's own connections are closed already, so SQLite folds nothing in). Unlocked:
        the guard again, and the check from the start."""
        check = self.check
        if check is None:
            return
        if locked:
            if self.job is not None:
                check.stop()
            check.let_go()
        else:
            check.keep_as_found()
            self.start()

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if obj is self.window and event.type() == QEvent.Type.Close and self.job is not None:
            event.ignore()  # closing saves: the saves wait for the verdict, and so does this
            self.close_wanted = True
            self.ctx.say(CLOSING)
            return True
        return False

    # -- the way out of a damaged practice -------------------------------------------------
    def _ask(self, message: str, backup: str | None, **options) -> str:
        ask = self.ask or db_problem.ask_what_to_do
        return ask(message, backup, parent=self.window, title=db_problem.FOUND_DAMAGE, **options)

    def offer_way_out(self, error: StorageError, backup: Path | None) -> None:
        """The start's choices over the window, until one of them is done."""
        restorable = isinstance(error, CorruptDatabaseError)
        message = str(error)
        described = db_problem.describe_backup(backup) if backup and restorable else None
        while True:
            if restorable:
                choice = self._ask(message, described)
            else:
                choice = self._ask(message, None, restorable=False)
            if choice == db_problem.RESTORE and described is not None:
                problem = self.restore(backup)
                if problem is None:
                    return
                message, described, restorable = problem, None, False
            elif choice == db_problem.CHOOSE:
                from .app import _choose_file

                chosen = (self.choose_file or _choose_file)()
                if chosen and self.window.switch_practice(Path(chosen)):
                    return
            else:
                self.quit()
                return

    def restore(self, backup: Path) -> str | None:
        """Put ``backup`` in place of the damaged practice and open it in this window.
        None when done; else the plain sentence why not (the damaged practice stays, its
        writes refused)."""
        from coachdesk import key_files
        from coachdesk.services import practice_files

        from .dialogs import unlock
        from .dialogs.backups_dialog import tell_older_key

        ctx, path = self.ctx, Path(self.ctx.db.path)
        older_key = key_files.restore_brings_older_key(backup, path)
        ctx.db.close()
        if ctx.db.pending_check is not None:  # closed after the practice: nothing folded in
            ctx.db.pending_check.let_go()
        try:
            kept = storage.restore_file(backup, path)
        except (CoachDeskError, OSError) as exc:
            reason = str(exc) if isinstance(exc, CoachDeskError) else (exc.strerror or
                                                                        "a file error")
            log.warning("restoring over a damaged practice failed (%s)", type(exc).__name__)
            return f"The backup could not be restored: {reason}"
        if older_key:  # the passphrase asked next is the backup's: say why
            tell_older_key(self.window)
        try:
            database = unlock.open_asking(self.window, path, storage.open_database)
        except StorageError as exc:
            return f"The restored backup could not be opened: {exc}"
        if database is None:
            return UNLOCKED_NOT
        ctx.db = database
        notes = practice_files.on_open(database)
        self.window.client_page.client = None
        ctx.database_replaced.emit()
        ctx.notify("all")
        self.window.show_clients()
        where = f" The damaged file was kept at {kept}." if kept else ""
        ctx.say(" ".join([f"Backup restored.{where}", *notes]))
        log.info("the latest good backup replaced a damaged practice")
        return None

    def quit(self) -> None:
        """Quit without touching the damaged file: no window closes (closing saves and
        backs up); ``ui.app.run`` skips the closing check (``unsound_at_close``)."""
        log.info("CoachDesk quits, leaving the damaged practice as it is")
        quit_app()


def _run(check: start_check.PendingCheck) -> Outcome:
    """In the worker thread: the check, and for damage the newest good backup."""
    try:
        error = check.run()
    except start_check.CheckStopped:
        return Outcome(check, stopped=True)
    at, peak = time.perf_counter(), peak_rss_mb()
    backup = None
    if isinstance(error, CorruptDatabaseError):
        from .app import _newest_good_backup

        backup = _newest_good_backup(check.path)
    return Outcome(check, error=error, backup=backup, at=at, peak_mb=peak)


def unsound_at_close(database) -> bool:
    """The practice open at the end is not known to be sound (its check refused its writes,
    or never came to a verdict): no closing compaction (its writes would wait for a verdict
    that will not come) and no closing check; the next start checks it."""
    check = getattr(database, "pending_check", None)
    return check is not None and not check.ok


def install(window, **kwargs) -> StartCheck:
    """The window's ``StartCheck`` (``window.start_check``), started at once."""
    runner = window.start_check = StartCheck(window, **kwargs)
    runner.start()
    return runner
