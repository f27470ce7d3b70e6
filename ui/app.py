"""Start the application: logging, the single-instance lock, opening the file safely."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from coachdesk import APP_NAME, paths, storage
from coachdesk.errors import CoachDeskError, StorageError
from coachdesk.private_log import PrivateFormatter
from coachdesk.services import clients

from . import theme
from .context import AppContext
from .dialogs import db_problem
from .main_window import MainWindow
from .plain import as_plain
from .qt_workarounds import keep_none_alive
from .widgets import fit

log = logging.getLogger("coachdesk.ui")
_PROCESS_START = time.perf_counter()


def setup_logging() -> Path | None:
    folder = paths.log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / "coachdesk.log", maxBytes=1_000_000,
                                                       backupCount=3, encoding="utf-8")
    except OSError:
        return None
    for private in (folder, folder / "coachdesk.log"):  # an older version's 0644 log too
        paths.keep_private(private)
    # tracebacks keep where and what kind, never the error's message (it may quote the coach)
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return folder / "coachdesk.log"


def install_excepthook() -> None:
    """An unexpected error becomes a plain sentence; the detail goes to the log."""

    def hook(exc_type, exc, tb):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if QApplication.instance() is not None and not os.environ.get("COACHDESK_NO_DIALOGS"):
            # No claim that anything is saved, and no message text (it may quote the coach).
            QMessageBox.warning(None, APP_NAME,
                                as_plain("Something went wrong. What the page shows as saved "
                                         "is saved; anything it shows as not saved yet is "
                                         "still on screen.\n\nThe details are in the log "
                                         f"folder: {paths.log_dir()}"))

    sys.excepthook = hook


class InstanceLock:
    """One running CoachDesk per practice file (a crashed copy's lock is taken over)."""

    def __init__(self, db_path: Path):
        self.lock = QLockFile(str(db_path) + ".lock")
        self.lock.setStaleLockTime(0)  # stale only when its process is gone

    def acquire(self) -> bool:
        return self.lock.tryLock(200)

    def release(self) -> None:
        self.lock.unlock()


def open_practice(path: Path,
                  ask: Callable[[str, str | None], str] = db_problem.ask_what_to_do,
                  choose_file: Callable[[], str] | None = None):
    """Open ``path``; on a problem, ask the coach what to do. Returns (db, path) or (None, path)."""
    while True:
        try:
            return storage.open_database(path), path
        except StorageError as exc:
            log.warning("cannot open %s: %s", path, exc)
            backup = _newest_good_backup(path)
            choice = ask(str(exc), db_problem.describe_backup(backup) if backup else None)
            if choice == db_problem.RESTORE and backup is not None:
                try:
                    storage.restore_file(backup, path)
                except CoachDeskError as restore_exc:
                    ask(f"The backup could not be restored: {restore_exc}", None)
                continue
            if choice == db_problem.CHOOSE:
                chosen = (choose_file or _choose_file)()
                if chosen:
                    path = Path(chosen)
                continue
            return None, path


def _newest_good_backup(path: Path) -> Path | None:
    """The newest backup that passes its check, in the usual or the second folder."""
    from coachdesk import backups

    try:
        return backups.latest_good_backup(path)
    except Exception:  # looking for a way out must not become a new problem
        log.exception("looking for a good backup of %s failed", path)
        return None


def _choose_file() -> str:
    name, _ = QFileDialog.getSaveFileName(
        None, "Choose or create a CoachDesk file", str(paths.data_dir()),
        "CoachDesk files (*.db);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite)
    return name


def run(db: str | None = None, demo_data: bool = False) -> int:
    paths.make_private()  # every file the app writes: 0600 in 0700 folders (POSIX)
    keep_none_alive()
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    theme.apply(app)  # one look everywhere, light or dark as the system is
    theme.follow_system(app)
    install_excepthook()

    path = paths.resolve_db_path(db)
    lock = InstanceLock(path)
    if not lock.acquire():
        message = ("CoachDesk is already open on this practice file.\n\n"
                   "Switch to the window that is already open; two copies working "
                   f"on the same file could overwrite each other's work.\n\n{path}")
        if os.environ.get("COACHDESK_NO_DIALOGS"):  # tests and scripts: no blocking dialog
            print(message, file=sys.stderr)
        else:
            QMessageBox.information(None, APP_NAME, as_plain(message))
        return 1
    database, path = open_practice(path)
    if database is None:
        lock.release()
        return 1
    if demo_data and clients.count(database) == 0:
        _populate_demo(database)

    ctx = AppContext(database, lock)
    window = MainWindow(ctx)
    fit.watch(window)  # every dialog it opens fits the screen
    window.show()
    if os.environ.get("COACHDESK_STARTUP_PROBE"):
        # Benchmarks: report when the window is on screen, then leave.
        def probe():
            print(f"WINDOW_SHOWN {time.perf_counter() - _PROCESS_START:.4f} {_peak_rss_mb():.1f}",
                  flush=True)
            app.quit()
        QTimer.singleShot(0, probe)
    code = app.exec()
    ctx.db.close()  # after a restore or a switch this is the file open at the end
    if ctx.lock is not None:
        ctx.lock.release()
    return code


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to this
    program alone; ru_maxrss can carry the parent's peak over a fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _populate_demo(database) -> None:
    try:
        from coachdesk import demo

        demo.populate(database)
    except CoachDeskError as exc:
        log.info("demo not loaded: %s", exc)
