"""Start the application: logging, the single-instance lock, opening the file safely.

Start-up problems each get their own plain message and a way out (``dialogs.db_problem``):
the practice already open in another CoachDesk; a folder given with ``--db`` or
``COACHDESK_DB`` that does not exist; a 0-byte file (its backups are offered first, and a new
practice is only made when the coach says so); a read-only file, folder or drive (which can
be opened read-only: ``storage.open_read_only``, see ``ui.read_only``); a full disk; real
damage, the only problem for which "Restore latest backup" is offered.

The window shows first and the rest follows (``ui.first_frame``): this module and what it
imports at the top must not bring SQLAlchemy, the models, Alembic, reportlab, mail or any
page but the clients page; tests/test_startup_imports.py checks it with the start-up probe
(``COACHDESK_STARTUP_PROBE=1`` prints ``WINDOW_SHOWN <s since start> <peak MB>``, then
shows the client list, prints ``FIRST_PAGE_READY <s> <peak MB>``, builds the other pages,
prints ``START_COMPLETE <s> <peak MB>`` and quits, then ``CHECK_DONE <s> <peak MB>`` when a
full check ran after the window showed; ``=modules`` adds,
after the first, a line ``STARTUP_MODULES <json list of sys.modules at the first frame>``).

A practice this computer does not trust (``coachdesk.verified``: a first start, an unclean
close, a copied file) is opened with the light check (header, key, schema, revision) and
its full ``quick_check`` runs right after the first paint, off the GUI thread, with every
write held until its verdict (``ui.start_check``); damage it finds brings the choices below
over the window. A file that needs an upgrade, and damage the light check sees (no SQLite
header, an unreadable schema, 0 bytes), are still dealt with before the window shows.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from coachdesk import APP_NAME, age_seal, crash, identity, logfile, paths, storage, tempfiles
from coachdesk.encryption import PassphraseNeededError
from coachdesk.errors import (
    CoachDeskError,
    CorruptDatabaseError,
    EmptyPracticeFileError,
    NotADatabaseError,
    PracticeInUseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from coachdesk.memory import peak_rss_mb
from coachdesk.practice_lock import PracticeLock, holder_is_closing

from . import first_frame, gc_thread, one_language, theme
from . import read_only as read_only_mode
from .context import AppContext
from .dialogs import db_problem
from .main_window import MainWindow
from .plain import as_plain
from .qt_workarounds import keep_none_alive
from .widgets import fit

log = logging.getLogger("coachdesk.ui")
_PROCESS_START = time.perf_counter()


def setup_logging() -> Path | None:
    """The log file, and ``faulthandler`` writing a hard crash's stacks beside it."""
    path = logfile.setup()
    crash.enable_faulthandler()
    return path


def log_start() -> None:
    """Which CoachDesk, on which system, Python and Qt: the first thing a log must say."""
    import PySide6
    from PySide6.QtCore import qVersion

    log.info("starting %s", crash.runtime_summary(qVersion(), PySide6.__version__))


def apply_identity(app: QApplication) -> None:
    """The icon on every window (each size drawn for itself) and the application id that
    ties the window to its ``.desktop`` file on Linux (``coachdesk.identity``)."""
    icon = QIcon()
    for size in identity.ICON_SIZES:
        file = identity.icon_file(size)
        if file.is_file():
            icon.addFile(str(file), QSize(size, size))
    if not icon.isNull():
        app.setWindowIcon(icon)
    QGuiApplication.setDesktopFileName(identity.APP_ID)


class _CrashReporter(QObject):
    """Carries an error from any thread to the GUI thread (a queued signal) and shows the
    crash dialog there, one at a time."""

    crashed = Signal(str)

    def __init__(self):
        super().__init__()
        self.dialog = None
        self.crashed.connect(self.show_dialog)

    def show_dialog(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # one is on screen; this error is in the log
        from .dialogs.crash import CrashDialog

        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(details, paths.log_dir(), parent)
        self.dialog.open()  # no nested event loop inside an error handler


_reporter: _CrashReporter | None = None


def install_excepthook() -> None:
    """An unexpected error, in the GUI thread (``sys.excepthook``, which PySide6 calls for
    a slot that raises) or another (``threading.excepthook``), is logged (frames and type,
    never its message) and becomes ``dialogs.crash.CrashDialog``: a plain sentence and
    "Copy details". ``COACHDESK_NO_DIALOGS`` (scripts, tests) or no QApplication: the log
    only."""
    global _reporter
    import PySide6
    from PySide6.QtCore import qVersion

    if _reporter is None and QApplication.instance() is not None:
        _reporter = _CrashReporter()

    def report(exc_type, exc, tb, thread: str | None = None) -> None:
        log.error("unexpected error%s", f" in thread {thread}" if thread else "",
                  exc_info=(exc_type, exc, tb))
        if _reporter is None or os.environ.get("COACHDESK_NO_DIALOGS"):
            return
        text = crash.details(exc_type, exc, tb, qt_version=qVersion(),
                             pyside_version=PySide6.__version__, thread=thread)
        _reporter.crashed.emit(text)

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in the terminal: no crash
            sys.__excepthook__(exc_type, exc, tb)
            return
        # a QRunnable's error arrives here in its pool thread: named, like a Python thread's
        current = threading.current_thread()
        report(exc_type, exc, tb,
               None if current is threading.main_thread() else current.name)

    def thread_hook(args):
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else None
        report(args.exc_type, args.exc_value, args.exc_traceback, name)

    sys.excepthook = hook
    threading.excepthook = thread_hook


CLOSING_WAIT_S = 30  # a closing CoachDesk's backup and check take seconds, not minutes
ALREADY_OPEN = ("CoachDesk is already open on this practice file.\n\n"
                "Switch to the window that is already open; two copies working "
                "on the same file could overwrite each other's work.")


class InstanceLock:
    """One running CoachDesk per practice file, and no writing command beside it.

    Two locks: the engine's ``PracticeLock`` (an OS lock the command line honours too,
    released when the process dies), and the ``QLockFile`` ``<practice>.lock`` of earlier
    versions, so an older copy still running on the file and this one refuse each other.

    ``acquire()`` is False when another CoachDesk (or a writing command) holds the file;
    when the lock cannot be taken for another reason (a missing folder, a full disk) it is
    False too and ``error`` holds that plain ``StorageError``. A read-only folder or drive
    is no lock failure: nothing can be written there anyway, and opening says so.
    """

    def __init__(self, db_path: Path):
        self.engine_lock = PracticeLock(db_path)
        self.error: StorageError | None = None
        self.lock: QLockFile | None = None
        try:
            str(db_path).encode("utf-8")
        except UnicodeEncodeError:  # a name Qt cannot hold; older versions never opened it
            return
        self.lock = QLockFile(str(db_path) + ".lock")
        self.lock.setStaleLockTime(0)  # stale only when its process is gone

    def acquire(self, closing_wait_s: float = CLOSING_WAIT_S) -> bool:
        self.error = None
        try:
            self.engine_lock.acquire()
        except PracticeInUseError:
            if not self._wait_while_closing(closing_wait_s):
                return False
        except ReadOnlyDatabaseError:
            return True
        except StorageError as exc:
            self.error = exc
            return False
        if self.lock is not None and not self.lock.tryLock(200):
            if self.lock.error() == QLockFile.LockError.LockFailedError:
                self.engine_lock.release()
                return False
            self.lock = None  # cannot be made here (read-only, full): the engine lock counts
        return True

    def _wait_while_closing(self, seconds: float) -> bool:
        """The holder is a CoachDesk closing (its last backup and check, seconds on a big
        practice): wait for it, up to ``seconds``, instead of telling the coach to switch
        to a window that is already gone. True once the lock is ours."""
        deadline = time.monotonic() + seconds
        while holder_is_closing(self.engine_lock.db_path) and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                self.engine_lock.acquire()
                return True
            except PracticeInUseError:
                continue
        return False

    def closing(self) -> None:
        """This CoachDesk is closing: one started now waits for it (``_wait_while_closing``)."""
        self.engine_lock.mark_closing()

    def release(self) -> None:
        if self.lock is not None:
            self.lock.unlock()
        self.engine_lock.release()


def open_practice(path: Path,
                  ask: Callable[..., str] = db_problem.ask_what_to_do,
                  choose_file: Callable[[], str] | None = None,
                  unlock_ask: Callable[..., bool] | None = None):
    """Open ``path``; on a problem, ask the coach what to do. Returns (db, path) or (None, path).

    An encrypted practice is unlocked first (``dialogs.unlock.unlock_at_start``: the
    keyring's passphrase, else ``unlock_ask(path, key_file_missing=, message=)``, by default
    the unlock dialog); the coach's Quit there returns (None, path)."""
    db, path, _lock = _open_loop(Path(path), ask, choose_file, take_lock=False,
                                 unlock_ask=unlock_ask)
    return db, path


def open_locked(path: Path, ask: Callable[..., str] = db_problem.ask_what_to_do,
                choose_file: Callable[[], str] | None = None, *, explicit: bool = False,
                unlock_ask: Callable[..., bool] | None = None, check_later: bool = False):
    """As ``open_practice``, holding the file's ``InstanceLock`` (moved along when the coach
    chooses another file). ``explicit``: the path came from ``--db`` or ``COACHDESK_DB``,
    so a missing folder is reported, not made. ``check_later``: the window's start, whose
    ``ui.start_check`` runs the full check of an untrusted file (``db.pending_check``).
    Returns (db, path, lock) or (None, path, None).
    """
    return _open_loop(Path(path), ask, choose_file, take_lock=True, explicit=explicit,
                      unlock_ask=unlock_ask, check_later=check_later)


def _restorable(exc: StorageError) -> bool:
    """Real damage (or a file emptied or overwritten by a failed copy): the only problems
    a backup can answer. Never a full disk, a lock, a read-only file or a drive error."""
    return isinstance(exc, (CorruptDatabaseError, NotADatabaseError, EmptyPracticeFileError))


def _open_unlocked(path: Path, unlock_ask, open_it):
    """``open_it()``; a locked encrypted practice is unlocked first. None: the coach quit."""
    try:
        return open_it()
    except PassphraseNeededError as exc:
        from .dialogs import unlock

        if not unlock.unlock_at_start(path, exc, unlock_ask):
            log.info("the practice was not unlocked")
            return None
    return open_it()


def _open_loop(path: Path, ask, choose_file, *, take_lock: bool, explicit: bool = False,
               unlock_ask=None, check_later: bool = False):
    accept_empty = False
    first = True
    while True:
        lock = None
        try:
            if take_lock:
                if not explicit or not first:
                    _make_folder(path)
                lock = InstanceLock(path)
                if not lock.acquire():
                    if lock.error is not None:
                        raise lock.error
                    lock = None
                    if first:
                        _say_already_open(path)
                        return None, path, None
                    raise PracticeInUseError(ALREADY_OPEN)
            db = _open_unlocked(path, unlock_ask, partial(
                storage.open_database, path, accept_empty=accept_empty,
                create_folder=not explicit, trust_checked=take_lock,
                check="later" if check_later else "now"))
            if db is None:  # the coach chose Quit instead of unlocking it
                if lock is not None:
                    lock.release()
                return None, path, None
            return db, path, lock
        except StorageError as exc:
            if lock is not None:
                lock.release()
            log.warning("cannot open the practice file (%s)", exc.__class__.__name__)
            first = False
            backup = _newest_good_backup(path) if _restorable(exc) else None
            described = db_problem.describe_backup(backup) if backup else None
            if isinstance(exc, EmptyPracticeFileError):
                choice = ask(str(exc), described, offer_new=True)
            elif _read_only_file(exc, path):
                choice = ask(str(exc), None, restorable=False, offer_read_only=True)
            elif not _restorable(exc):
                choice = ask(str(exc), None, restorable=False)
            else:
                choice = ask(str(exc), described)
            if choice == db_problem.RESTORE and backup is not None:
                from coachdesk import key_files  # noqa: PLC0415 (kept out of the start's imports)

                older_key = key_files.restore_brings_older_key(backup, path)
                try:
                    storage.restore_file(backup, path)
                except (CoachDeskError, OSError) as restore_exc:
                    reason = (str(restore_exc) if isinstance(restore_exc, CoachDeskError)
                              else restore_exc.strerror or "a file error")
                    ask(f"The backup could not be restored: {reason}", None, restorable=False)
                else:
                    if older_key:  # the passphrase asked next is the backup's: say why
                        from .dialogs.backups_dialog import tell_older_key

                        tell_older_key(None)
                continue
            if choice == db_problem.READ_ONLY:
                opened = _open_read_only(path, ask, take_lock)
                if opened is not None:
                    return opened
                continue
            if choice == db_problem.NEW and isinstance(exc, EmptyPracticeFileError):
                accept_empty = True
                continue
            if choice == db_problem.CHOOSE:
                chosen = (choose_file or _choose_file)()
                if chosen:
                    path, accept_empty, explicit = Path(chosen), False, False
                continue
            return None, path, None


def _read_only_file(exc: StorageError, path: Path) -> bool:
    """A read-only file, folder or drive holding a practice (not a missing file in a
    read-only folder: there is nothing to read)."""
    return isinstance(exc, ReadOnlyDatabaseError) and path.is_file() and path.stat().st_size > 0


def _open_read_only(path: Path, ask, take_lock: bool):
    """The coach chose "Open read-only": (db, path, lock), or None after saying why not.

    The lock: where one can be made beside the file (a chmod-444 file in a folder that can
    be written), it is held as for any practice, so no restore or import replaces the file
    while it is read, and it goes when the app closes; where nothing can be written (a
    read-only folder or drive) there is none, and nothing can change the file there either.
    """
    lock = None
    try:
        if take_lock:
            lock = InstanceLock(path)
            if not lock.acquire():
                if lock.error is not None:
                    raise lock.error
                lock = None
                raise PracticeInUseError(ALREADY_OPEN)
        return storage.open_read_only(path), path, lock
    except StorageError as exc:
        if lock is not None:
            lock.release()
        log.warning("cannot open the practice read-only (%s)", exc.__class__.__name__)
        ask(str(exc), None, restorable=False)
        return None


def _make_folder(path: Path) -> None:
    """The practice's folder, made on a first start (or for a file the coach chose)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # the lock or the opening says what is wrong, in plain words


def _say_already_open(path: Path) -> None:
    message = f"{ALREADY_OPEN}\n\n{path}"
    if os.environ.get("COACHDESK_NO_DIALOGS"):  # tests and scripts: no blocking dialog
        print(message, file=sys.stderr)
    else:
        QMessageBox.information(None, APP_NAME, as_plain(message))  # a path may hold "<"


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
    app = QApplication.instance() or QApplication(qt_argv(sys.argv))
    age_seal.use_child_process(True)  # pyrage holds the GIL: sealing must not stop painting
    gc_thread.collect_on_gui_thread(app)  # never a widget destroyed by a worker's collection
    one_language.dates_in_one_language()  # Qt set the system's LC_TIME: one language for dates
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    apply_identity(app)  # the icon, and the id that matches the .desktop file
    log_start()
    theme.apply(app)  # one look everywhere, light or dark as the system is
    theme.follow_system(app)
    install_excepthook()

    explicit = bool(db) or bool(os.environ.get("COACHDESK_DB"))
    database, path, lock = open_locked(paths.resolve_db_path(db), explicit=explicit,
                                       check_later=True)
    if database is None:
        return 1
    read_only = database.read_only  # nothing is written: no erasure's leftovers, no demo
    if read_only:
        tempfiles.clean_leftovers()  # gone processes' private temp folders: not the practice's

    ctx = AppContext(database, lock)
    window = MainWindow(ctx, deferred=True)  # the clients page says it is loading
    read_only_mode.follow(window)  # the bar, the title, editors and actions, when read-only
    from .lock import install as install_lock
    install_lock(window, deferred=True)  # an encrypted practice: idle and screen lock
    from .protected_label import install as install_protected_label
    install_protected_label(window)  # "🔒 Protected" in the status bar when encrypted
    fit.watch(window)  # every dialog it opens fits the screen
    from .start_check import StartCheck, unsound_at_close
    checker = window.start_check = StartCheck(window)  # an untrusted file's full check
    window.show()

    def rest() -> None:  # once the window is on screen
        from coachdesk.services import clients, practice_files

        checker.start()  # off the GUI thread; writes wait for its verdict

        notes = [] if read_only else practice_files.on_open(database)  # an erasure finished
        if demo_data and not read_only and clients.count(database) == 0:
            _populate_demo(database)
        first_frame.finish_or_retry(window)
        if notes:  # what an earlier erasure could not finish yet: the truth, not silence
            ctx.say(" ".join(notes))

    rest_now = first_frame.after_first_paint(window, rest)
    probe_mode = os.environ.get("COACHDESK_STARTUP_PROBE")
    if probe_mode:
        # Benchmarks and tests: report when the window is on screen, finish, then leave.
        def probe():
            print(f"WINDOW_SHOWN {time.perf_counter() - _PROCESS_START:.4f} {peak_rss_mb():.1f}",
                  flush=True)
            if probe_mode == "modules":
                print("STARTUP_MODULES " + json.dumps(sorted(sys.modules)), flush=True)
            rest_now()  # then the list: how long until the coach can work, at what peak
            print(f"FIRST_PAGE_READY {time.perf_counter() - _PROCESS_START:.4f} "
                  f"{peak_rss_mb():.1f}", flush=True)
            app.processEvents()  # the other pages and the outbox, a turn after the list
            print(f"START_COMPLETE {time.perf_counter() - _PROCESS_START:.4f} "
                  f"{peak_rss_mb():.1f}", flush=True)
            app.quit()
        QTimer.singleShot(0, probe)
    code = app.exec()
    from PySide6.QtCore import QThreadPool

    from coachdesk.services import practice_files

    # A background job still at work (a dashboard reload a last save started) finishes
    # before its practice closes, not against a closed one or a finalising interpreter.
    QThreadPool.globalInstance().waitForDone(30_000)
    if probe_mode and checker.last is not None and checker.last.at:
        print(f"CHECK_DONE {checker.last.at - _PROCESS_START:.4f} {checker.last.peak_mb:.1f}",
              flush=True)

    # Quit from the lock screen (ui.lock): the practice is not touched, its key is gone.
    # Quit from the damage choices (ui.start_check): nothing more goes into that file.
    untouched = getattr(ctx, "quit_while_locked", False) or unsound_at_close(ctx.db)
    # Private temp folder removed, a waiting compaction done (not in a read-only practice).
    practice_files.on_close(None if ctx.db.read_only or untouched else ctx.db)
    ctx.db.close()  # after a restore or a switch this is the file open at the end
    if getattr(ctx.db, "pending_check", None) is not None:  # a refused file: as it was found
        ctx.db.pending_check.let_go()
    if not ctx.db.read_only and ctx.lock is not None and not untouched:
        from coachdesk import verified

        # Checked now, still locked, so the next start need not (see coachdesk.verified).
        verified.check_and_remember(ctx.db.path)
    if ctx.lock is not None:
        ctx.lock.release()
    return code


def qt_argv(argv: list[str]) -> list[str]:
    """The arguments as Qt can take them: a file name Python could not decode as UTF-8
    (a folder named in Latin-1) holds lone surrogates, which QApplication cannot convert
    (it crashed on them). Qt only needs its own options; CoachDesk reads ``--db`` itself."""
    return [a.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for a in argv]


def _populate_demo(database) -> None:
    try:
        from coachdesk import demo

        demo.populate(database)
    except CoachDeskError as exc:
        log.info("demo not loaded: %s", exc)
