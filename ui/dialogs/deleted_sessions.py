"""Deleting a session logged by mistake, Undo right after, and the Deleted sessions list.

Deleting asks first, in plain words (the date, the notes, the worksheet, how many action
items go), then moves the session into the list the engine keeps
(``coachdesk.services.session_trash``): it leaves every count, the dashboard and the ICF log
at once. For a while the status bar offers Undo (and Ctrl+Z does the same); after that the
session waits in Edit → Deleted sessions…, where it can be restored, deleted for good, or
the list emptied.

Pieces, each called from one place:

* :func:`install` — the main window's Edit menu entries, Ctrl+Z and the Undo notice;
* :func:`delete_with_confirmation` — the session page's and the client page's delete;
* :class:`SessionListTrash` — the client page's buttons and the Delete key on its list;
* :class:`DeletedSessionsDialog` — the list itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.models import SessionStatus
from coachdesk.services import clients, session_trash
from coachdesk.services.sessions import STATUS_LABELS

from ..context import AppContext
from ..models.rows import RowsTableModel
from ..plain import as_plain, plain_tips
from ..widgets.fields import name_widget

log = logging.getLogger(__name__)

#: how long the status bar offers Undo after a deletion
UNDO_SECONDS = 30
ID_ROLE = Qt.ItemDataRole.UserRole + 1
WHERE = "Edit → Deleted sessions…"


def _one_line(text: str, limit: int = 60) -> str:
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


# -- deleting ------------------------------------------------------------------------------------


def confirmation_text(contents: session_trash.Contents) -> str:
    """What the confirmation says: what goes, that it stops counting, where it can come back
    from."""
    day = session_trash.day_text(contents.session_date)
    head = f"Delete the session of {day} with {_one_line(contents.client_name)}?"
    parts = contents.parts()
    goes = (f"{_and(parts)[0].upper()}{_and(parts)[1:]} go with it." if parts
            else "Nothing was written in it yet.")
    return (f"{head}\n\n{goes} It will no longer count in the engagement, the dashboard or "
            f"the ICF log.\n\nYou can bring it back with Undo straight away, or later from "
            f"{WHERE}")


def delete_with_confirmation(ctx: AppContext, parent: QWidget,
                             session_id: int) -> session_trash.DeletedInfo | None:
    """Ask, then delete the session; returns what was deleted, or ``None`` if the coach
    said no or it could not be done (the coach has been told why)."""
    try:
        contents = session_trash.preview(ctx.db, session_id)
    except CoachDeskError as exc:
        QMessageBox.information(parent, "Delete session", as_plain(str(exc)))
        return None
    box = QMessageBox(parent)
    box.setObjectName("confirmDeleteSession")
    box.setWindowTitle("Delete session")
    box.setIcon(QMessageBox.Icon.Question)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a client's name is text, never markup
    box.setText(confirmation_text(contents))
    delete = box.addButton("Delete session", QMessageBox.ButtonRole.AcceptRole)
    name_widget(delete, "confirmDeleteSessionButton", "Delete session")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    name_widget(cancel, "cancelDeleteSessionButton", "Cancel")
    box.setDefaultButton(delete)  # it can be undone: Enter deletes, Esc keeps it
    box.setEscapeButton(cancel)
    box.exec()
    if box.clickedButton() is not delete:
        return None
    try:
        info = session_trash.delete(ctx.db, session_id)
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Delete session", as_plain(str(exc)))
        return None
    except Exception:  # never a traceback in the coach's face
        log.exception("deleting a session failed")
        QMessageBox.warning(parent, "Delete session",
                            "The session could not be deleted; nothing was changed.")
        return None
    ctx.notify("session")
    undo = parent.window().findChild(UndoDelete, "undoDeleteSession") if parent else None
    if undo is not None:
        undo.offer(info)
    else:
        ctx.say(f"{info.message} Bring it back from {WHERE}")
    return info


class UndoDelete(QObject):
    """Edit → Undo delete (Ctrl+Z) and the status bar's "… deleted. [Undo]", offered for
    ``UNDO_SECONDS`` after a session is deleted, and only while there is something to undo:
    once the session is restored from the list, or deleted from it for good, both go."""

    def __init__(self, window, ctx: AppContext):
        super().__init__(window)
        self.setObjectName("undoDeleteSession")
        self.window, self.ctx = window, ctx
        self.pending: tuple[object, session_trash.DeletedInfo] | None = None
        self.action = QAction("&Undo delete", window)
        self.action.setObjectName("actionUndoDeleteSession")
        self.action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.action.setEnabled(False)
        self.action.triggered.connect(self.undo)
        self.notice = name_widget(QWidget(), "undoNotice", "Session deleted")
        self.text = name_widget(QLabel(), "undoNoticeText", "What was deleted")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.button = name_widget(QPushButton("Undo"), "undoDeleteButton", "Undo delete")
        self.button.setToolTip("Bring the session back (Ctrl+Z)")
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves focus where it was
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(0, 0, 6, 0)
        row.addWidget(self.text)
        row.addWidget(self.button)
        window.statusBar().addPermanentWidget(self.notice)
        self.notice.hide()
        self.timer = QTimer(self)
        self.timer.setObjectName("undoDeleteTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self.expire)
        self.button.clicked.connect(self.undo)
        ctx.database_replaced.connect(self.expire)  # the entry belongs to the practice closed
        ctx.data_changed.connect(self._check_still_there)

    def offer(self, info: session_trash.DeletedInfo) -> None:
        self.pending = (self.ctx.db, info)
        self.text.setText(info.message)
        self.action.setText("&Undo delete of the session of "
                            f"{session_trash.day_text(info.contents.session_date)}")
        self.action.setEnabled(True)
        self.notice.show()
        self.timer.start()

    def _check_still_there(self, _what: str = "") -> None:
        """Something changed (the Deleted sessions list restored or removed an entry, or
        another window did): an Undo for an entry no longer in the list goes at once."""
        if self.pending is None:
            return
        db, info = self.pending
        try:
            waiting = db is self.ctx.db and session_trash.is_waiting(db, info.id)
        except Exception:  # the file busy just now: keep the offer, the next change checks
            log.exception("checking the deleted session entry failed")
            return
        if not waiting:
            self.expire()

    def expire(self) -> None:
        self.pending = None
        self.timer.stop()
        self.notice.hide()
        self.action.setText("&Undo delete")
        self.action.setEnabled(False)

    def undo(self) -> None:
        if self.pending is None:
            return
        db, info = self.pending
        self.expire()
        if db is not self.ctx.db:
            return
        try:
            session_trash.restore(db, info.id)
        except CoachDeskError as exc:
            QMessageBox.warning(self.window, "Undo delete", as_plain(str(exc)))
            return
        self.ctx.notify("session")
        self.ctx.say(f"{info.contents.label} brought back.")


def install(window, edit_menu) -> UndoDelete:
    """Put Undo delete (Ctrl+Z) at the top of the Edit menu, Deleted sessions… below the
    search entries, and the Undo notice into the status bar."""
    undo = UndoDelete(window, window.ctx)
    first = edit_menu.actions()[0] if edit_menu.actions() else None
    edit_menu.insertAction(first, undo.action)
    edit_menu.insertSeparator(first)
    listing = QAction("&Deleted sessions…", window)
    listing.setObjectName("actionDeletedSessions")
    listing.triggered.connect(lambda: open_deleted_sessions(window.ctx, window))
    edit_menu.addSeparator()
    edit_menu.addAction(listing)
    return undo


def open_deleted_sessions(ctx: AppContext, parent, client_id: int | None = None) -> None:
    DeletedSessionsDialog(ctx, parent, client_id).exec()


# -- the client page's part ------------------------------------------------------------------


class SessionListTrash(QObject):
    """The client page's "Delete session…" and "Deleted sessions (n)…" buttons, and the
    Delete key on its session list. The page places the two buttons."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.delete_button = name_widget(QPushButton("Delete session…"), "deleteSession",
                                         "Delete session")
        self.delete_button.setToolTip("Delete the selected session (Delete key); it can be "
                                      f"brought back from {WHERE}")
        self.deleted_button = name_widget(QPushButton("Deleted sessions…"),
                                          "clientDeletedSessions", "Deleted sessions")
        self.deleted_button.hide()
        self.delete_key = QAction("Delete session", page.session_table)
        self.delete_key.setObjectName("deleteSessionKey")
        self.delete_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        page.session_table.addAction(self.delete_key)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_key.triggered.connect(self.delete_selected)
        self.deleted_button.clicked.connect(self.open_list)
        page.session_model.modelReset.connect(self.refresh)
        page.session_table.selectionModel().selectionChanged.connect(self._update)
        self._update()

    def _selected_row(self) -> int:
        rows = self.page.session_table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update(self, *_):
        self.delete_button.setEnabled(self._selected_row() >= 0)

    def refresh(self) -> None:
        """Show "Deleted sessions (n)…" when this client has some waiting."""
        client = self.page.client
        n = session_trash.count(self.page.ctx.db, client.id) if client is not None else 0
        self.deleted_button.setText(f"Deleted sessions ({n})…")
        self.deleted_button.setAccessibleName(f"Deleted sessions of this client: {n}")
        self.deleted_button.setToolTip(f"{n} deleted session{'s' if n != 1 else ''} of this "
                                       "client can be restored")
        self.deleted_button.setVisible(n > 0)
        self._update()

    def delete_selected(self) -> None:
        row = self._selected_row()
        chosen = self.page.session_model.row_at(row)
        if chosen is None:
            return
        table = self.page.session_table
        if delete_with_confirmation(self.page.ctx, self.page, chosen.id) is None:
            table.setFocus()
            return
        left = self.page.session_model.rowCount()
        if left:  # the next session down (or the new last one) is selected, focus stays
            table.selectRow(min(row, left - 1))
        table.setFocus()

    def open_list(self) -> None:
        if self.page.client is not None:
            open_deleted_sessions(self.page.ctx, self.page, self.page.client.id)


# -- the list ----------------------------------------------------------------------------------


def _deleted_on(row: session_trash.DeletedRow) -> str:
    local = row.deleted_at.astimezone()
    return dates.short_when(local)


def _holds(row: session_trash.DeletedRow) -> str:
    parts = ["Notes"] if row.has_notes else []
    if row.actions:
        parts.append(f"{row.actions} action{'s' if row.actions != 1 else ''}")
    return ", ".join(parts) if parts else "Nothing written"


@plain_tips
class DeletedSessionsModel(RowsTableModel):
    HEADERS = ("Client", "Session", "Engagement", "Deleted on", "What it holds")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[session_trash.DeletedRow] = []

    def set_rows(self, rows: list[session_trash.DeletedRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> session_trash.DeletedRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return _one_line(r.client_name)
            if col == 1:
                try:
                    status = STATUS_LABELS[SessionStatus(r.status)]
                except ValueError:  # a copy that could not be read
                    status = ""
                when = dates.short_weekday(r.session_date)
                return f"{when} · {status}" if status else when
            if col == 2:
                return r.engagement_label
            if col == 3:
                return _deleted_on(r)
            return _holds(r)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return r.client_name[:500]
        if role == ID_ROLE:
            return r.id
        return None


class DeletedSessionsDialog(QDialog):
    """Edit → Deleted sessions…: every deleted session (or one client's), with Restore
    (Enter, double-click), Delete forever… (Delete key) and Empty the list…."""

    def __init__(self, ctx: AppContext, parent=None, client_id: int | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.setObjectName("deletedSessionsDialog")
        self.setWindowTitle("Deleted sessions")
        intro = QLabel("Sessions you deleted wait here. Restore puts a session back with its "
                       "notes, GROW worksheet and actions, and it counts again. Delete forever "
                       "removes it for good.")
        intro.setObjectName("deletedSessionsIntro")
        intro.setWordWrap(True)
        self.only_client = name_widget(QCheckBox(), "deletedOnlyClient",
                                       "Only this client's deleted sessions")
        if client_id is not None:
            try:
                name = clients.get(ctx.db, client_id).name
            except CoachDeskError:
                name, self.client_id = "", None
            self.only_client.setText(f"Only {_one_line(name, 50)}")
            self.only_client.setChecked(self.client_id is not None)
        self.only_client.setVisible(self.client_id is not None)

        self.model = DeletedSessionsModel(self)
        self.table = name_widget(QTableView(), "deletedSessionsTable", "Deleted sessions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the buttons
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.empty_label = name_widget(QLabel("No deleted sessions: nothing is waiting to be "
                                              "restored."), "deletedSessionsEmpty",
                                       "No deleted sessions")
        self.empty_label.setWordWrap(True)
        self.forever_key = QAction("Delete forever", self.table)
        self.forever_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.forever_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.forever_key)

        # buttons after the fields: focus starts in the list
        self.restore_button = name_widget(QPushButton("Restore"), "restoreDeletedSession",
                                          "Restore session")
        self.restore_button.setToolTip("Put the selected session back (Enter)")
        self.forever_button = name_widget(QPushButton("Delete forever…"),
                                          "deleteSessionForever", "Delete forever")
        self.forever_button.setToolTip("Delete the selected session for good (Delete key)")
        self.empty_button = name_widget(QPushButton("Empty the list…"), "emptyDeletedSessions",
                                        "Empty the list")
        close = name_widget(QPushButton("Close"), "deletedSessionsClose", "Close")
        for button in (self.forever_button, self.empty_button, close):
            button.setAutoDefault(False)
        self.restore_button.setDefault(True)  # Enter restores
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.forever_button)
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.only_client)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1, Qt.AlignmentFlag.AlignTop)  # while the list is empty
        layout.addLayout(buttons)

        self.restore_button.clicked.connect(self.restore_selected)
        self.table.doubleClicked.connect(self.restore_selected)
        self.forever_button.clicked.connect(self.delete_selected_forever)
        self.forever_key.triggered.connect(self.delete_selected_forever)
        self.empty_button.clicked.connect(self.empty_list)
        self.only_client.toggled.connect(lambda _on: self.reload())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        close.clicked.connect(self.accept)
        self._fit()
        self.reload()
        self.table.setFocus()

    def _fit(self) -> None:
        """760×420, or less on a small screen."""
        screen = (self.parent().screen() if self.parent() is not None else self.screen())
        room = screen.availableGeometry() if screen is not None else None
        width, height = 760, 420
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    # -- state -------------------------------------------------------------------------------
    def _scope(self) -> int | None:
        return self.client_id if self.only_client.isChecked() else None

    def reload(self, select: int = 0) -> None:
        rows = session_trash.list_deleted(self.ctx.db, self._scope())
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        if rows:
            self.table.selectRow(min(max(select, 0), len(rows) - 1))
        self.empty_button.setEnabled(bool(rows))
        self._update_buttons()

    def selected(self) -> session_trash.DeletedRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_):
        has = self.selected() is not None
        self.restore_button.setEnabled(has)
        self.forever_button.setEnabled(has)

    def _after(self, row_index: int) -> None:
        self.ctx.notify("session")
        self.reload(select=row_index)
        (self.table if self.model.rowCount() else self.findChild(QPushButton,
                                                                "deletedSessionsClose")).setFocus()

    # -- actions -----------------------------------------------------------------------------
    def restore_selected(self, *_):
        row = self.selected()
        if row is None:
            return
        index = self.table.selectionModel().selectedRows()[0].row()
        try:
            session_trash.restore(self.ctx.db, row.id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Restore session", as_plain(str(exc)))
            self.reload(select=index)
            return
        self.ctx.say(f"{row.label} of {_one_line(row.client_name)} brought back.")
        self._after(index)

    def _confirm(self, title: str, text: str, yes: str) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirmDeleteForever")
        box.setWindowTitle(title)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        go = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        name_widget(go, "confirmForeverButton", yes)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        name_widget(cancel, "cancelForeverButton", "Cancel")
        box.setDefaultButton(cancel)  # for good: Enter keeps it
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def delete_selected_forever(self, *_):
        row = self.selected()
        if row is None:
            return
        index = self.table.selectionModel().selectedRows()[0].row()
        if not self._confirm("Delete forever",
                             f"Delete the session of {session_trash.day_text(row.session_date)} with "
                             f"{_one_line(row.client_name)} for good?\n\nIts notes, worksheet "
                             "and actions are deleted too. This cannot be undone.",
                             "Delete forever"):
            self.table.setFocus()
            return
        try:
            session_trash.purge(self.ctx.db, row.id)
        except CoachDeskError as exc:  # already gone (restored elsewhere): the list says so
            QMessageBox.warning(self, "Delete forever", as_plain(str(exc)))
            self.reload(select=index)
            return
        self.ctx.say(f"{row.label} of {_one_line(row.client_name)} deleted for good.")
        self._after(index)

    def empty_list(self) -> None:
        n = self.model.rowCount()
        if not n:
            return
        whose = "" if self._scope() is None else f" of {_one_line(self.model.row_at(0).client_name)}"
        what = "the deleted session" if n == 1 else f"all {n} deleted sessions"
        if not self._confirm("Empty the list", f"Delete {what}{whose} for good?\n\nTheir "
                             "notes, worksheets and actions are deleted too. This cannot be "
                             "undone.", "Empty the list"):
            self.table.setFocus()
            return
        removed = session_trash.empty(self.ctx.db, self._scope())
        self.ctx.say(f"{removed} deleted session{'s' if removed != 1 else ''} removed for good.")
        self._after(0)
