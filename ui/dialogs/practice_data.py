"""The whole practice as one file: export it, or bring it into a new, empty practice.

File → "Export the whole practice…" writes the JSON export (services/export.py,
docs/export-format.md), sealed with a passphrase or plain (ui/dialogs/practice_seal.py);
File → "Import a practice export…" and the welcome page's "Move from another computer…"
read one back, a sealed one after asking its passphrase. Both run off the GUI thread with a
progress dialog fed table by table, so the window never freezes. An import is
only offered into an empty practice: merging two practices could overwrite or
duplicate records, so a practice that holds clients gets a plain explanation
instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from coachdesk import paths
from coachdesk.errors import CoachDeskError
from coachdesk.services import export, export_sealed

from .. import files, workers
from ..context import AppContext
from ..plain import as_plain
from . import practice_protect, practice_seal

log = logging.getLogger(__name__)

EXPORT_TITLE = "Export the whole practice"
IMPORT_TITLE = "Import a practice export"

#: table -> the words a coach reads in the summary ("12 clients")
_COUNTED = (("client", "client", "clients"), ("engagement", "engagement", "engagements"),
            ("coaching_session", "session", "sessions"))


class Cancelled(Exception):
    """The coach pressed Cancel while the export was running."""


#: the last job started (tests wait on it and read what progress it reported)
last_job: Job | None = None


class Job(workers.Job):
    """Run ``work(progress)`` in the thread pool (see ui/workers.py);
    ``progress(done, total, table)`` is forwarded to the GUI thread as a signal, and
    Cancel is honoured between tables. A failure that is not CoachDesk's own reads
    ``failure`` plus where the log is."""

    def __init__(self, work: Callable, failure: str):
        super().__init__(work, failure)
        self.seen: list[tuple[int, int]] = []  # progress as the GUI received it
        self.finished = False  # delivered to the GUI thread
        self.cancelled = False  # read by the worker between tables
        self.dialog: QProgressDialog | None = None  # the progress dialog it feeds
        self.percent = 0  # what that dialog last showed
        self.signals.progress.connect(lambda d, t, _name: self.seen.append((d, t)))

    def start(self) -> Job:
        global last_job
        last_job = self
        return super().start()

    def _let_go(self, *_args) -> None:
        self.finished = True
        super()._let_go()

    def _progress(self, done: int, total: int, table: str) -> None:
        if self.cancelled:
            raise Cancelled()
        self.signals.progress.emit(done, total, table)

    def call(self):
        try:
            return self.work(self._progress)
        except Cancelled:
            raise _Quiet("") from None

    def failure_text(self, exc: Exception) -> str:
        return f"{self.failure} The details are in the log folder: {paths.log_dir()}"


class _Quiet(CoachDeskError):
    """Cancelled: ``failed`` is emitted with an empty sentence (nothing to tell)."""


def _progress_dialog(parent: QWidget | None, title: str, label: str,
                     can_cancel: bool) -> QProgressDialog:
    dialog = QProgressDialog(label, "Cancel" if can_cancel else "", 0, 100, parent)
    dialog.setObjectName("practiceProgress")
    dialog.setAccessibleName(title)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not can_cancel:
        dialog.setCancelButton(None)
    dialog.setMinimumWidth(420)
    dialog.setValue(0)
    return dialog


def _alive(widget) -> bool:
    """Whether the Qt object behind ``widget`` still exists (a window closed meanwhile)."""
    return widget is not None and shiboken6.isValid(widget)


def _owner(parent):
    """The parent for a message box, or None when that window has gone meanwhile."""
    return parent if _alive(parent) else None


def _close(dialog: QProgressDialog) -> None:
    if _alive(dialog):
        dialog.close()


def _feed(dialog: QProgressDialog, words: str, job: Job) -> Callable[[int, int, str], None]:
    def show(done: int, total: int, _table: str) -> None:
        if not _alive(dialog):
            return
        job.percent = int(done * 100 / total) if total else 100
        dialog.setValue(job.percent)
        # The bar says how far; the tables' own names ("deleted session", "stakeholder")
        # meant nothing to a coach and one of them frightened (the new-coach trial).
        dialog.setLabelText(f"{words} (part {done} of {total})")
    return show


def documents_folder() -> Path:
    return files.documents_folder()


def default_export_name(today: date | None = None, sealed: bool = False) -> str:
    return files.file_name("CoachDesk export", (today or date.today()).isoformat(),
                           suffix=export_sealed.SUFFIX if sealed else ".json")


def size_words(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _folder_problem(target: Path) -> str | None:
    """A plain sentence when ``target`` cannot be written, else None."""
    folder = target.parent
    if target.is_dir():
        return f"“{target}” is a folder. Please give the export a file name."
    if not folder.is_dir():
        return (f"The folder “{folder}” does not exist. Please choose a folder that does, "
                "such as your Documents folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"CoachDesk may not save files in the folder “{folder}”. Please choose another "
                "folder, such as your Documents folder.")
    return None


# -- export ---------------------------------------------------------------------------------


def export_practice(ctx: AppContext, parent: QWidget | None = None, *,
                    today: date | None = None) -> Job | None:
    """Ask sealed or plain (and the passphrase), then where, then write the whole practice
    there in the background (ui/dialogs/practice_seal.py). Returns the job, or None."""
    how = practice_seal.ask_how(ctx, parent)
    if how is None:
        return None
    sealed, passphrase, own_passphrase = how
    target = practice_seal.ask_target(parent, default_export_name(today, sealed), sealed)
    if target is None:
        return None
    problem = _folder_problem(target)
    if problem:
        QMessageBox.warning(_owner(parent), EXPORT_TITLE,
                            as_plain(f"The export was not saved. {problem}"))
        return None

    db = ctx.db
    dialog = _progress_dialog(parent, EXPORT_TITLE, "Saving your practice…", can_cancel=True)
    job = Job(practice_seal.export_work(db, target, passphrase), "The export could not be saved.")
    passphrase = None  # the job's work holds it until it is done
    job.dialog = dialog
    job.signals.progress.connect(_feed(dialog, "Saving your practice…", job))

    def cancel() -> None:
        job.cancelled = True
        dialog.setLabelText("Stopping…")

    dialog.canceled.connect(cancel)

    def done(path) -> None:
        if _alive(dialog):
            dialog.setValue(100)
        _close(dialog)
        path = Path(path)
        try:
            size = size_words(path.stat().st_size)
        except OSError:
            size = "size unknown"
        ctx.say(f"Practice exported to {path}")
        job.saved_notice = files.show_saved(
            _owner(parent), "practice_export", path, title=EXPORT_TITLE,
            what="Your whole practice was saved to",
            details=f"({size})\n\n" + practice_seal.how_to_open(path, sealed, own_passphrase))

    def failed(message: str) -> None:
        _close(dialog)
        if not message:  # cancelled: the engine writes atomically, so nothing was left behind
            ctx.say("Export cancelled; no file was saved.")
            return
        ctx.say("The export was not saved.")
        QMessageBox.warning(_owner(parent), EXPORT_TITLE,
                            as_plain(f"The export was not saved.\n\n{message}"))

    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    dialog.show()
    job.start()
    return job


# -- import ---------------------------------------------------------------------------------


def refusal_text(ctx: AppContext) -> str:
    """What a coach reads when the open practice already holds records."""
    here = Path(ctx.db.path)
    return (
        "This practice already holds clients, so CoachDesk will not import into it: mixing two "
        "practices could overwrite or duplicate your records. Nothing was changed.\n\n"
        "A practice export is for moving to a new computer: it goes into a new, empty "
        "practice.\n\n"
        "• On the new computer, open CoachDesk for the first time and choose “Move from another "
        "computer…” on the welcome page.\n"
        "• On this computer, choose File → Open or create a practice file…, give a new name "
        "(for example “coachdesk-moved”), then choose “Move from another computer…” on its "
        "welcome page. Your current practice stays as it is in:\n"
        f"    {here}\n"
        "  and File → Open or create a practice file… takes you back to it.\n\n"
        "To add a few clients from a spreadsheet or an address book instead, use File → "
        "Import clients from a spreadsheet or vCard…")


def _summary_words(rows: dict[str, list] | dict[str, int]) -> str:
    parts = []
    for table, one, many in _COUNTED:
        value = rows.get(table, 0)
        n = value if isinstance(value, int) else len(value)
        parts.append(f"{n:,} {one if n == 1 else many}")
    return ", ".join(parts)


def _check_file(path: Path, progress) -> tuple[dict, str]:
    """Read and check the file (worker thread): the rows ready to insert and when it was made."""
    doc = export.read_file(path)
    ready = export.check_document(doc, path.name)
    when = doc.get("exported_at") if isinstance(doc, dict) else None
    progress(1, 1, "checked")
    return ready, when if isinstance(when, str) else ""


def import_practice(ctx: AppContext, parent: QWidget | None = None, *,
                    path: str | None = None, confirm: bool = True,
                    protect: bool = False) -> Job | None:
    """Bring an export file into this (empty) practice: pick, check, confirm, import.

    A sealed export going into a plain practice first offers to protect the practice with
    the passphrase just typed (ui/dialogs/practice_protect.py). ``protect`` (the welcome
    page's "Protect this practice" ticked) encrypts it without asking: with the export's
    passphrase when sealed, else a new one asked for. Returns the job that checks the file
    (the import job follows it), or None."""
    try:
        empty = export.is_empty(ctx.db)
    except CoachDeskError as exc:
        QMessageBox.warning(_owner(parent), IMPORT_TITLE, as_plain(str(exc)))
        return None
    if not empty:
        QMessageBox.information(_owner(parent), IMPORT_TITLE, as_plain(refusal_text(ctx)))
        return None
    if not path:
        path, _ = QFileDialog.getOpenFileName(parent, "Choose the CoachDesk export to import",
                                              str(documents_folder()),
                                              "CoachDesk exports (*.json *.age);;All files (*)")
    if not path:
        return None
    source = Path(path)
    if export_sealed.is_sealed(source):  # opened in memory once its passphrase is typed
        opened = practice_seal.open_sealed(parent, source)
        if opened is None:
            ctx.say("Nothing was imported.")
            return None
        doc, ready, passphrase = opened
        when = doc.get("exported_at") if isinstance(doc.get("exported_at"), str) else ""
        return _confirm_and_import(ctx, parent, source, ready, when, confirm,
                                   passphrase=passphrase, protect=protect)
    dialog = _progress_dialog(parent, IMPORT_TITLE, f"Checking “{source.name}”…",
                              can_cancel=False)
    dialog.setRange(0, 0)  # reading and checking: no steps to count
    checker = Job(lambda progress: _check_file(source, progress),
                  f"CoachDesk could not read “{source.name}”; nothing was imported.")
    checker.dialog = dialog

    def checked(result) -> None:
        ready, when = result
        _close(dialog)
        _confirm_and_import(ctx, parent, source, ready, when, confirm, protect=protect)

    def failed(message: str) -> None:
        _close(dialog)
        QMessageBox.warning(_owner(parent), IMPORT_TITLE,
                            as_plain(f"Nothing was imported from “{source.name}”.\n\n{message}"))

    checker.signals.done.connect(checked)
    checker.signals.failed.connect(failed)
    dialog.show()
    checker.start()
    return checker


def _confirm_and_import(ctx: AppContext, parent: QWidget | None, source: Path, ready: dict,
                        when: str, confirm: bool, *, passphrase: str | None = None,
                        protect: bool = False) -> Job | None:
    """Say what the checked file holds, protect the practice as chosen (before anything is
    written into it), and import once the coach agrees."""
    if confirm:
        made = f" made on {when[:10]}" if when else ""
        answer = QMessageBox.question(_owner(parent), IMPORT_TITLE,
            as_plain(f"“{source.name}”{made} holds {_summary_words(ready)}.\n\n"
                     "Bring them into this practice?"))
        if answer != QMessageBox.StandardButton.Yes:
            ctx.say("Nothing was imported.")
            return None
    if not practice_protect.protect_before_import(ctx, parent, passphrase, protect):
        ctx.say("Nothing was imported.")
        return None
    passphrase = None
    return _run_import(ctx, parent, source, ready)


def _run_import(ctx: AppContext, parent: QWidget | None, source: Path, ready: dict) -> Job:
    db = ctx.db
    words = "Bringing your practice in…"
    dialog = _progress_dialog(parent, IMPORT_TITLE, words, can_cancel=False)
    job = Job(lambda progress: export.import_checked(db, ready, source.name, progress=progress),
              f"CoachDesk could not import “{source.name}”; nothing was imported.")
    job.dialog = dialog
    job.signals.progress.connect(_feed(dialog, words, job))

    def done(summary) -> None:
        if _alive(dialog):
            dialog.setValue(100)
        _close(dialog)
        ctx.database_replaced.emit()
        ctx.notify("all")
        window = parent.window() if _alive(parent) else None
        if window is not None and hasattr(window, "show_clients"):
            window.show_clients()
        ctx.say(f"Imported {source.name}: {_summary_words(summary.rows)}.")
        guarded = (" and protected with your passphrase"
                   if practice_protect.is_protected(db.path) else "")
        QMessageBox.information(_owner(parent), IMPORT_TITLE,
            as_plain(f"Your practice is here: {_summary_words(summary.rows)} "
                     f"from “{source.name}”.\n\nIt is saved{guarded} in {db.path}."))

    def failed(message: str) -> None:
        _close(dialog)
        QMessageBox.warning(_owner(parent), IMPORT_TITLE,
                            as_plain(f"Nothing was imported from “{source.name}”.\n\n{message}"))

    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    dialog.show()
    job.start()
    return job
