"""Another practice file: open an existing one or start a new, empty one (File menu).

The coach keeps working on the current practice unless the new one opens; the
one-instance lock moves with the file, and CoachDesk opens it next time too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from coachdesk import encryption, paths, storage
from coachdesk.errors import CoachDeskError, ReadOnlyDatabaseError
from coachdesk.services import clients, practice_files

from .app import InstanceLock
from .dialogs import unlock
from .plain import as_plain


def open_practice_file(window) -> None:
    """File → Open or create a practice file: another file (an existing one, or a new
    name for an empty practice), e.g. to import a practice export into."""
    name, _ = QFileDialog.getSaveFileName(
        window, "Open or create a practice file", str(Path(window.ctx.db.path).parent),
        "CoachDesk files (*.db);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite)
    if name:
        switch_practice(window, Path(name))


def switch_practice(window, path: Path) -> bool:
    """Close the open practice and open ``path`` (created empty if it does not exist).

    Nothing changes if ``path`` cannot be opened: the coach is told why and keeps
    working on the current practice. CoachDesk opens ``path`` next time too.
    """
    path = Path(path).expanduser()
    if not path.suffix:
        path = path.with_suffix(".db")
    path = path.resolve()
    if path == Path(window.ctx.db.path).resolve():
        window.ctx.say(f"{path.name} is the practice already open.")
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside it
    except OSError as exc:
        QMessageBox.warning(window, "Open a practice file",
                            as_plain(f"The folder {path.parent} could not be made "
                                     f"({exc.strerror or exc}). Your current practice stays open."))
        return False
    lock = InstanceLock(path)
    if not lock.acquire():
        if lock.error is not None:  # not another CoachDesk: the folder, the disk
            QMessageBox.warning(window, "Open a practice file",
                                f"{lock.error}\n\nYour current practice stays open.")
            return False
        QMessageBox.information(
            window, "Open a practice file",
            as_plain(f"{path.name} is already open in another CoachDesk window; switch to that "
                     "window instead."))
        return False
    try:
        database = unlock.open_asking(window, path, storage.open_database)  # encrypted: asks
        if database is None:  # the coach chose Cancel in the unlock dialog
            lock.release()
            window.ctx.say("Your current practice stays open.")
            return False
    except ReadOnlyDatabaseError as exc:
        database = _read_only_instead(window, path, exc)
        if database is None:
            lock.release()
            return False
    except (CoachDeskError, OSError) as exc:
        lock.release()
        encryption.forget(path)  # unlocked but not opened: its key goes too
        QMessageBox.warning(window, "Open a practice file",
                            as_plain(f"{path.name} could not be opened: {exc}\n\n"
                                     "Your current practice stays open; nothing was changed."))
        return False
    window.client_page.leave()
    window.session_page.leave()
    old_db, old_lock = window.ctx.db, window.ctx.lock
    window.ctx.db, window.ctx.lock = database, lock
    practice_files.on_close(None if old_db.read_only else old_db)  # a compaction; previews
    old_db.close()
    encryption.forget(old_db.path)  # the practice left behind is locked again
    # An erasure cut short there is finished (nothing is written in a read-only one).
    notes = [] if database.read_only else practice_files.on_open(database)
    if old_lock is not None:
        old_lock.release()
    paths.remember_practice(path)
    window.client_page.client = None
    window.ctx.database_replaced.emit()
    if clients.count(database) == 0 and not database.read_only:
        window.show_welcome()
    else:
        window.show_clients()
    window.ctx.say(" ".join([f"Practice file open: {path}.", *notes]))
    return True


def _read_only_instead(window, path: Path, exc: ReadOnlyDatabaseError):
    """A read-only file: offer to open it read-only. The open ``Database`` or None (the
    coach said no, or it cannot be read either: said in a box)."""
    from .dialogs import db_problem

    if not path.is_file() or path.stat().st_size == 0:
        QMessageBox.warning(window, "Open a practice file",
                            as_plain(f"{exc}\n\nYour current practice stays open."))
        return None
    choice = db_problem.ask_what_to_do(f"{exc}", None, window, restorable=False,
                                       offer_read_only=True, offer_choose=False)
    if choice != db_problem.READ_ONLY:
        return None
    try:
        return storage.open_read_only(path)
    except CoachDeskError as problem:
        QMessageBox.warning(window, "Open a practice file",
                            as_plain(f"{problem}\n\nYour current practice stays open."))
        return None
