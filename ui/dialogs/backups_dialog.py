"""File → Backups…: every copy of the practice, back up now, restore one, open the folder.

Also the pieces the main window uses for its automatic backups: a background
job (``backup_job``) and ``restore_into_app``, which swaps the open practice
for a restored one.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import backups, dates, key_files, paths, storage
from coachdesk.backups import BackupInfo
from coachdesk.errors import CoachDeskError, StorageError
from coachdesk.services import practice_files

from .. import workers
from ..context import AppContext
from ..models.rows import RowsTableModel
from ..plain import plain_tips
from ..theme import css
from ..widgets.fields import name_widget
from .unlock import unlock_backup

log = logging.getLogger(__name__)


# -- a backup off the GUI thread ------------------------------------------------------------


class BackupJob(workers.Job):
    """``backups.backup_now`` in the thread pool (see ui/workers.py). It needs only the
    file's path: the online backup opens its own connection, so the window keeps working."""

    def __init__(self, db_path: Path, kind: str, second_folder: Path | None):
        self.db_path, self.kind, self.second_folder = Path(db_path), kind, second_folder
        super().__init__(lambda: backups.backup_now(self.db_path, kind=self.kind,
                                                    second_folder=self.second_folder),
                         "The backup could not be made.")

    def failure_text(self, exc: Exception) -> str:
        return f"The backup could not be made ({exc}). Your older backups were kept."


def backup_job(ctx: AppContext, kind: str = backups.MANUAL) -> BackupJob:
    """A backup of the open practice, not started yet: connect to ``job.signals``, then
    ``job.start()``. Connected after the start, a backup that failed at once (a full disk)
    said so before anyone listened, and the status bar said "Making a backup…" for good."""
    return BackupJob(ctx.db.path, kind, backups.get_second_folder(ctx.db))


def backup_running() -> bool:
    return any(not job.over.is_set() for job in workers.running(BackupJob))


def wait_for_backups(timeout_s: float = 10.0) -> None:
    """Let a backup in flight finish (closing the app waits for it, briefly)."""
    for job in workers.running(BackupJob):
        job.over.wait(timeout_s)


def describe_done(info: BackupInfo) -> str:
    text = f"Backup made: {info.path.name}, in {info.folder}."
    if info.warnings:
        text += "\n" + "\n".join(info.warnings)
    return text


# -- restoring into the running app ----------------------------------------------------------

#: Said after a restore that put the backup's own key file beside the practice (its data key
#: is not the practice's: a backup from before a decryption, or over a plain practice).
OLDER_KEY_NOTE = ("This backup was protected with the passphrase and recovery key you used "
                  "when it was made; CoachDesk will ask for that passphrase from now on. You "
                  "can change it in Settings → Privacy & lock.")


def tell_older_key(parent: QWidget | None) -> None:
    """Say ``OLDER_KEY_NOTE`` in a box (to stderr without dialogs: scripts, tests)."""
    if os.environ.get("COACHDESK_NO_DIALOGS"):
        print(OLDER_KEY_NOTE, file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Information, "Backup restored", OLDER_KEY_NOTE,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("restoredKeyNote")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def restore_into_app(ctx: AppContext, backup: Path, parent: QWidget | None) -> Path | None | bool:
    """Replace the open practice with ``backup`` and reopen it.

    Returns where the replaced practice was kept (``None`` if there was none),
    or ``False`` when nothing changed (the coach was told why).
    """
    window = parent.window() if parent is not None else None
    if not unlock_backup(parent, Path(backup)):  # an encrypted backup's key not known here
        return False
    for page in ("client_page", "session_page"):
        leave = getattr(getattr(window, page, None), "leave", None)
        if leave is not None:
            try:
                leave()  # the last typed words are saved before the file goes
            except Exception:  # pragma: no cover - never blocks the restore
                log.exception("final save before restore failed")
    wait_for_backups()
    db_path = ctx.db.path
    older_key = key_files.restore_brings_older_key(backup, db_path)  # before: both keys known
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        ctx.db.close()
        try:
            kept = backups.restore_backup(backup, db_path)
        except CoachDeskError as exc:
            ctx.db = storage.open_database(db_path)
            _warn(parent, "Restore", f"Nothing was changed.\n\n{exc}")
            return False
        try:
            ctx.db = storage.open_database(db_path)  # an older backup is upgraded here
            practice_files.on_open(ctx.db)  # an erasure the backup predates is finished
        except StorageError as exc:
            log.warning("restored file does not open: %s", exc)
            if kept is not None and backups.parse_name(kept)[1] == backups.BEFORE_RESTORE:
                backups.restore_backup(kept, db_path)
                ctx.db = storage.open_database(db_path)
                _warn(parent, "Restore", f"That backup could not be opened, so your practice "
                      f"was put back as it was.\n\n{exc}")
                return False
            raise
    finally:
        QGuiApplication.restoreOverrideCursor()
    client_page = getattr(window, "client_page", None)
    if client_page is not None:
        client_page.client = None
    ctx.database_replaced.emit()
    ctx.notify("all")
    if hasattr(window, "show_clients"):
        window.show_clients()
    where = f" Your practice as it was just before is kept at {kept}." if kept else ""
    ctx.say(f"Backup restored.{where}")
    if older_key:
        tell_older_key(parent)
    return kept


def _warn(parent, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


# -- the list ---------------------------------------------------------------------------------


def size_words(size: int) -> str:
    if size < 1_000_000:
        return f"{max(size, 1) / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


@plain_tips
class BackupsModel(RowsTableModel):
    HEADERS = ("Made on", "Size", "Kind", "Folder")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[BackupInfo] = []

    def set_rows(self, rows: list[BackupInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        b = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                made = f"{dates.short_weekday(b.when)}, {dates.clock(b.when)}"
                # Why the newest-looking copy is not the one "Restore latest" takes.
                return f"{made} ({b.note})" if b.note else made
            if col == 1:
                return size_words(b.size)
            if col == 2:
                return b.label
            return "Second folder" if b.in_second_folder else "Usual folder"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{b.path}\n{b.note.capitalize()}." if b.note else str(b.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return b
        return None


class BackupsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Backups")
        self.setModal(True)
        self.resize(760, 480)
        self.job: BackupJob | None = None

        self.intro = QLabel()
        self.intro.setObjectName("backupsIntro")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = BackupsModel(self)
        self.view = name_widget(QTableView(), "backupsList", "Backups")
        self.view.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _i: self.restore_selected())

        self.empty = QLabel("No backups yet. Press “Back up now” to make the first one.")
        self.empty.setObjectName("backupsEmpty")
        self.empty.setWordWrap(True)

        self.busy = QProgressBar()
        self.busy.setObjectName("backupsBusy")
        self.busy.setAccessibleName("Backing up")
        self.busy.setRange(0, 0)  # busy: the copy does not report steps
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(10)
        self.busy.hide()
        self.status = QLabel()
        self.status.setObjectName("backupsStatus")
        self.status.setAccessibleName("Backup status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.backup_button = name_widget(QPushButton("Back up now"), "backupNow", "Back up now")
        self.restore_button = name_widget(QPushButton("Restore…"), "restoreBackup",
                                          "Restore the selected backup")
        self.folder_button = name_widget(QPushButton("Open folder"), "openBackupFolder",
                                         "Open the backups folder")
        self.close_button = name_widget(QPushButton("Close"), "backupsClose", "Close")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)
        self.backup_button.setDefault(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    # -- what is shown ----------------------------------------------------------------------
    def reload(self) -> None:
        settings = backups.get_settings(self.ctx.db)
        self.second_folder = settings.second_folder
        when = {backups.RHYTHM_DAILY: "once a day while CoachDesk is open and when you close it",
                backups.RHYTHM_ON_CLOSE: "each time you close CoachDesk",
                backups.RHYTHM_OFF: "only when you ask (automatic backups are off)"}[settings.rhythm]
        lines = [f"CoachDesk copies your practice {when}. It keeps the newest copy of each of the "
                 "last 7 days, 4 weeks and 12 months; safety copies made before an upgrade or a "
                 "restore are kept apart.",
                 f"Usual folder: {paths.backup_dir(self.ctx.db.path)}"]
        if settings.second_folder:
            there = "" if settings.second_folder.is_dir() else "  (not found now: is it plugged in?)"
            lines.append(f"Second folder: {settings.second_folder}{there}")
        else:
            lines.append("Second folder: none (choose one in Settings → Data & backups, "
                         "for example a USB stick or a synced folder).")
        self.intro.setText("\n".join(lines))
        self.model.set_rows(backups.backup_files(self.ctx.db.path, settings.second_folder))
        self.empty.setVisible(not self.model.rows)
        if self.model.rows and self.selected() is None:
            self.view.selectRow(0)  # the focus already marks it: Restore… acts on what is seen
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self, *_args) -> None:
        busy = self.job is not None
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.selected() is not None)

    def _say(self, text: str, problem: bool = False) -> None:
        self.status.setStyleSheet(f"color: {css('red')};" if problem else "")
        self.status.setText(text)

    # -- actions -----------------------------------------------------------------------------
    def back_up_now(self) -> None:
        if self.job is not None:
            return
        self.busy.show()
        self._say("Making a backup… you can keep working.")
        self.job = backup_job(self.ctx, backups.MANUAL)
        self.job.signals.done.connect(self._backup_done)
        self.job.signals.failed.connect(self._backup_failed)
        self.job.start()
        self._update_buttons()

    def _backup_done(self, info: BackupInfo) -> None:
        self.job = None
        self.busy.hide()
        self.reload()
        for row, b in enumerate(self.model.rows):
            if b.path == info.path:
                self.view.selectRow(row)
                break
        self._say(describe_done(info), problem=bool(info.warnings))
        self.ctx.say(f"Backup made: {info.path.name}")

    def _backup_failed(self, message: str) -> None:
        self.job = None
        self.busy.hide()
        self.reload()
        self._say(message, problem=True)

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or self.job is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Restore this backup?",
                          f"Go back to your practice as it was on "
                          f"{dates.long_when(chosen.when)}?", parent=self)
        box.setObjectName("confirmRestore")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "Everything entered since then will be replaced by this backup.\n\n"
            "Your practice as it is now is kept as a safety copy first, so you can undo this "
            "by restoring that copy.")
        yes = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("confirmRestoreYes")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not yes:
            return
        kept = restore_into_app(self.ctx, chosen.path, self.parent() or self)
        self.reload()
        if kept is not False:
            self._say(f"Restored the backup of {dates.short_when(chosen.when)}. "
                      + (f"Your previous practice is kept as a safety copy ({Path(kept).name})."
                         if kept else ""))

    def open_folder(self) -> None:
        chosen = self.selected()
        folder = chosen.folder if chosen else paths.backup_dir(self.ctx.db.path)
        if not folder.is_dir():
            self._say(f"The folder {folder} is not there yet: it is made with the first backup.")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._say(f"The folder could not be opened. It is {folder}", problem=True)

    def reject(self) -> None:
        if self.job is not None:
            # The backup carries on in the background; the status bar says when it is done.
            job = self.job
            job.signals.done.connect(lambda info: self.ctx.say(f"Backup made: {info.path.name}"))
            job.signals.failed.connect(lambda message: self.ctx.say(message))
        super().reject()
