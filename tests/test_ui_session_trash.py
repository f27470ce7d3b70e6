"""Deleting a session logged by mistake, Undo, and the Deleted sessions list, driven by keys
and clicks (issue 11, item 4)."""

from __future__ import annotations

from datetime import date

import pytest
import ui_helpers
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import update
from ui_helpers import type_text, when_modal

from coachdesk.errors import CoachDeskError
from coachdesk.models import DeletedSession
from coachdesk.services import actions, clients, engagements, session_trash, sessions
from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    window.open_client(jose.id)
    return window


def activate(qtbot, window) -> None:
    """Offscreen, a window stays inactive after a modal closes: shortcuts need it active."""
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def when_popup(action, attempts: int = 100):
    """Run ``action(menu)`` as soon as a popup menu is open (before its exec blocks us)."""
    state = {"done": False}
    generation = ui_helpers.TEST_GENERATION[0]

    def poll(remaining=attempts):
        menu = QApplication.activePopupWidget()
        if menu is None:
            if remaining:  # never into the next test (ui_helpers.later)
                ui_helpers.later(lambda: poll(remaining - 1), generation)
            return
        action(menu)
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def shown_rows(page) -> list[int]:
    """The session ids the client page's list shows, top to bottom."""
    model = page.session_model
    return [model.row_at(r).id for r in range(model.rowCount())
            if not page.session_table.isRowHidden(r)]


def click_row(qtbot, table, row: int) -> None:
    table.scrollTo(table.model().index(row, 0))
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.hasFocus()
    assert table.selectionModel().selectedRows()[0].row() == row


def session_with_actions(db, client_id: int):
    return next(s for s in sessions.list_for_client(db, client_id)
                if len(actions.for_session(db, s.id)) >= 2 and s.private_notes)


def used(page) -> str:
    return page.engagement_summary.text().split(" — ")[1].split(",")[0]


# -- from the session page ---------------------------------------------------------------------


def test_delete_from_the_session_page_then_undo(qtbot, win, demo_db):
    cp = win.client_page
    client_id = cp.client.id
    target = session_with_actions(demo_db, client_id)
    rows_before = shown_rows(cp)
    used_before = used(cp)
    n_used = int(used_before.split()[0])
    action_texts = [a.text for a in actions.for_session(demo_db, target.id)]
    win.open_session(target.id)
    page = win.session_page
    assert win.stack.currentWidget() is page
    # the coach types a last line, then deletes: the line goes into the list with the session
    page.private_notes.setFocus()
    page.private_notes.moveCursor(page.private_notes.textCursor().MoveOperation.End)
    type_text(page.private_notes, " Logged on the wrong client!")

    seen = {}

    def confirm(box):
        seen["text"] = box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: the default button deletes

    menu = when_popup(lambda m: (qtbot.keyClick(m, Qt.Key.Key_Down),
                                 qtbot.keyClick(m, Qt.Key.Key_Return)))
    box = when_modal(confirm, attempts=200)
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box["done"], timeout=5000)
    assert menu["done"] and box["error"] is None
    day = f"{target.session_date.day} {target.session_date:%b %Y}"
    assert seen["text"].startswith(f"Delete the session of {day} with José")
    assert f"its {len(action_texts)} action items go with it." in seen["text"]
    assert "Its private notes, its shareable summary" in seen["text"]
    assert "Edit → Deleted sessions" in seen["text"]

    # back on the client page: one row fewer, the agreement counts one fewer
    assert win.stack.currentWidget() is cp
    assert shown_rows(cp) == [i for i in rows_before if i != target.id]
    assert used(cp) == f"{n_used - 1} of 10 sessions used"
    notice = win.undo_delete
    assert notice.notice.isVisible()
    assert notice.text.text() == f"Session of {day} deleted."
    assert cp.trash.deleted_button.isVisible()
    assert cp.trash.deleted_button.text() == "Deleted sessions (1)…"
    entry = session_trash.list_deleted(demo_db)[0]
    assert entry.session_id == target.id

    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)  # Undo
    assert shown_rows(cp) == rows_before
    assert used(cp) == used_before
    assert not notice.notice.isVisible() and not notice.action.isEnabled()
    assert not cp.trash.deleted_button.isVisible()
    back = sessions.get(demo_db, target.id)
    assert back.private_notes.endswith(" Logged on the wrong client!")
    assert [a.text for a in actions.for_session(demo_db, target.id)] == action_texts


def test_cancelling_the_confirmation_keeps_the_session(qtbot, win, demo_db):
    target = session_with_actions(demo_db, win.client_page.client.id)
    win.open_session(target.id)
    box = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Escape))
    win.session_page.delete_action.trigger()
    assert box["done"] and box["error"] is None
    assert win.stack.currentWidget() is win.session_page
    assert sessions.get(demo_db, target.id).id == target.id
    assert session_trash.count(demo_db) == 0


def test_a_failed_save_stops_the_delete_and_keeps_the_text(qtbot, win, demo_db, monkeypatch):
    target = session_with_actions(demo_db, win.client_page.client.id)
    win.open_session(target.id)
    page = win.session_page
    told = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: told.append(text)))

    def disk_full(*_a, **_k):
        raise CoachDeskError("The practice file could not be written.")

    monkeypatch.setattr(sessions, "update", disk_full)
    page.shared_summary.setFocus()
    type_text(page.shared_summary, " One more line.")
    page.delete_action.trigger()  # no confirmation: the save failed first
    assert told and told[0].startswith("Your latest changes could not be saved")
    assert win.stack.currentWidget() is page and page.session is not None
    assert page.shared_summary.toPlainText().startswith(" One more line.")
    assert session_trash.count(demo_db) == 0


# -- from the client page's list ----------------------------------------------------------------


def test_delete_key_on_the_client_page_list_and_ctrl_z(qtbot, win, demo_db):
    cp = win.client_page
    activate(qtbot, win)
    cp.tabs.setCurrentIndex(0)
    rows_before = shown_rows(cp)
    click_row(qtbot, cp.session_table, 1)
    assert cp.trash.delete_button.isEnabled()
    chosen = rows_before[1]

    box = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Return))
    qtbot.keyClick(cp.session_table, Qt.Key.Key_Delete)
    assert box["done"] and box["error"] is None
    assert shown_rows(cp) == [i for i in rows_before if i != chosen]
    # the next session down is selected and the list keeps the focus
    activate(qtbot, win)
    assert cp.session_table.selectionModel().selectedRows()[0].row() == 1
    cp.session_table.setFocus()
    assert cp.session_table.hasFocus()

    qtbot.keyClick(cp.session_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown_rows(cp) == rows_before
    assert not win.undo_delete.notice.isVisible()
    assert session_trash.count(demo_db) == 0


def test_escape_on_the_client_page_confirmation_deletes_nothing(qtbot, win, demo_db):
    cp = win.client_page
    activate(qtbot, win)
    rows_before = shown_rows(cp)
    click_row(qtbot, cp.session_table, 0)
    box = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Escape))
    qtbot.mouseClick(cp.trash.delete_button, Qt.MouseButton.LeftButton)
    assert box["done"] and box["error"] is None
    assert shown_rows(cp) == rows_before and session_trash.count(demo_db) == 0


def test_undo_is_offered_only_for_a_while_and_ctrl_z_in_notes_stays_text_undo(
        qtbot, win, demo_db):
    cp = win.client_page
    win.undo_delete.timer.setInterval(200)  # set-up: a short while
    activate(qtbot, win)
    rows_before = shown_rows(cp)
    click_row(qtbot, cp.session_table, 2)
    gone = rows_before[2]
    box = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Return))
    qtbot.keyClick(cp.session_table, Qt.Key.Key_Delete)
    assert box["done"]
    assert win.undo_delete.notice.isVisible()
    qtbot.waitUntil(lambda: not win.undo_delete.notice.isVisible(), timeout=3000)
    assert not win.undo_delete.action.isEnabled()
    # Ctrl+Z typed in a session's notes undoes the typing, never brings the session back
    win.open_session(rows_before[0])
    activate(qtbot, win)
    notes = win.session_page.private_notes
    notes.setFocus()
    assert notes.hasFocus()
    before = notes.toPlainText()
    qtbot.keyClicks(QApplication.focusWidget(), "xyz")
    assert notes.toPlainText() != before
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "xyz" not in notes.toPlainText()
    assert session_trash.count(demo_db) == 1 and gone not in [
        s.id for s in sessions.list_for_client(demo_db, cp.client.id)]


def test_a_hostile_client_name_is_shown_as_typed(qtbot, win, demo_db):
    name = '<b>Bold</b> & "Quote" 🙂 ليلى 陈'
    c = clients.create(demo_db, name)
    e = engagements.create(demo_db, c.id, date(2026, 1, 5))
    s = sessions.create(demo_db, e.id, date(2026, 2, 3), status="held")
    win.open_client(c.id)
    seen = {}

    def confirm(box):
        seen["text"] = box.text()
        seen["format"] = box.textFormat()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    box = when_modal(confirm)
    click_row(qtbot, win.client_page.session_table, 0)
    qtbot.mouseClick(win.client_page.trash.delete_button, Qt.MouseButton.LeftButton)
    assert box["done"] and box["error"] is None
    assert f"with {name}?" in seen["text"] and seen["format"] == Qt.TextFormat.PlainText
    assert "Nothing was written in it yet." in seen["text"]
    assert shown_rows(win.client_page) == []
    assert session_trash.list_deleted(demo_db)[0].session_id == s.id


# -- the Deleted sessions list ------------------------------------------------------------------


def _delete_two(db, client_id):
    rows = sessions.list_for_client(db, client_id)
    first = session_trash.delete(db, rows[0].id)
    second = session_trash.delete(db, rows[1].id)
    return rows[0].id, rows[1].id, first, second


def test_the_list_restores_with_enter_and_deletes_forever_with_the_delete_key(
        qtbot, win, demo_db):
    cp = win.client_page
    first_id, second_id, _first, _second = _delete_two(demo_db, cp.client.id)
    cp.load_engagements()  # set-up done through the engine: the page reloads
    assert first_id not in shown_rows(cp) and second_id not in shown_rows(cp)
    seen = {}

    def drive(dialog):
        activate(qtbot, dialog)
        assert dialog.table.hasFocus()  # focus starts in the list, on the latest deleted
        model = dialog.model
        seen["rows"] = model.rowCount()
        seen["first"] = [model.data(model.index(0, c)) for c in range(model.columnCount())]
        # Enter restores the selected (latest deleted) one
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
        seen["after_restore"] = model.rowCount()
        seen["restored_shown"] = second_id in shown_rows(cp)
        # the Delete key asks, and the coach confirms with a click
        forever = when_modal(lambda b: qtbot.mouseClick(
            b.findChild(QPushButton, "confirmForeverButton"), Qt.MouseButton.LeftButton))
        qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
        seen["forever"] = forever["done"] and forever["error"] is None
        seen["after_forever"] = model.rowCount()
        seen["empty_shown"] = dialog.empty_label.isVisible() and not dialog.table.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    state = when_modal(drive)
    win.findChild(QAction, "actionDeletedSessions").trigger()
    assert state["done"] and state["error"] is None
    assert seen["rows"] == 2
    assert seen["first"][0] == cp.client.name
    assert seen["first"][4].startswith("Notes") or seen["first"][4] == "Nothing written"
    assert seen["after_restore"] == 1 and seen["restored_shown"]
    assert seen["forever"] and seen["after_forever"] == 0 and seen["empty_shown"]
    assert second_id in shown_rows(cp) and first_id not in shown_rows(cp)
    assert session_trash.count(demo_db) == 0


def test_delete_forever_asks_and_escape_keeps_it(qtbot, win, demo_db):
    _delete_two(demo_db, win.client_page.client.id)
    seen = {}

    def drive(dialog):
        keep = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Escape))
        qtbot.mouseClick(dialog.forever_button, Qt.MouseButton.LeftButton)
        seen["asked"] = keep["done"]
        seen["rows"] = dialog.model.rowCount()
        dialog.reject()

    state = when_modal(drive)
    win.findChild(QAction, "actionDeletedSessions").trigger()
    assert state["done"] and state["error"] is None
    assert seen == {"asked": True, "rows": 2}
    assert session_trash.count(demo_db) == 2


def test_the_client_page_opens_its_own_list_and_empties_it(qtbot, win, demo_db):
    cp = win.client_page
    other = next(r for r in clients.list_rows(demo_db) if r.id != cp.client.id)
    theirs = session_trash.delete(demo_db, sessions.list_for_client(demo_db, other.id)[0].id)
    _delete_two(demo_db, cp.client.id)
    cp.load_engagements()
    assert cp.trash.deleted_button.isVisible()
    assert cp.trash.deleted_button.text() == "Deleted sessions (2)…"
    rows_before = shown_rows(cp)
    seen = {}

    def drive(dialog):
        seen["only"] = dialog.only_client.isChecked() and dialog.only_client.isVisible()
        seen["rows"] = dialog.model.rowCount()
        confirm = when_modal(lambda b: qtbot.mouseClick(
            b.findChild(QPushButton, "confirmForeverButton"), Qt.MouseButton.LeftButton))
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
        seen["confirmed"] = confirm["done"]
        seen["left"] = dialog.model.rowCount()
        box = dialog.only_client  # every client's: a click on the tick box
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        seen["all"] = dialog.model.rowCount()
        dialog.accept()

    state = when_modal(drive)
    qtbot.mouseClick(cp.trash.deleted_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert seen == {"only": True, "rows": 2, "confirmed": True, "left": 0, "all": 1}
    assert [r.id for r in session_trash.list_deleted(demo_db)] == [theirs.id]
    assert not cp.trash.deleted_button.isVisible()
    assert shown_rows(cp) == rows_before  # emptied for good: nothing came back


def test_a_refused_restore_says_why_in_a_sentence(qtbot, win, demo_db, monkeypatch):
    _delete_two(demo_db, win.client_page.client.id)
    told = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: told.append(text)))
    with demo_db.session() as s:
        s.execute(update(DeletedSession).values(payload="{not json"))

    def drive(dialog):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        dialog.reject()

    state = when_modal(drive)
    win.findChild(QAction, "actionDeletedSessions").trigger()
    assert state["done"] and state["error"] is None
    assert len(told) == 1 and told[0].endswith("its saved copy is damaged.")
    assert session_trash.count(demo_db) == 2


def test_the_clients_list_forgets_a_deleted_last_session(qtbot, win, demo_db):
    """The list's "Last session" column follows a deletion (and the Undo)."""
    cp = win.client_page
    jose = cp.client.id
    held = [s for s in sessions.list_for_client(demo_db, jose) if s.status.value == "held"]
    latest, previous = held[0], held[1]

    def last_session_cell() -> str:
        view = win.clients_page.table
        proxy = view.model()
        column = next(c for c in range(proxy.columnCount())
                      if proxy.headerData(c, Qt.Orientation.Horizontal) == "Last session")
        row = next(r for r in range(proxy.rowCount())
                   if proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == jose)
        return proxy.index(row, column).data()

    win.show_clients()
    assert last_session_cell() == latest.session_date.strftime("%d %b %Y")
    win.open_client(jose)
    activate(qtbot, win)
    click_row(qtbot, cp.session_table, shown_rows(cp).index(latest.id))
    box = when_modal(lambda b: qtbot.keyClick(b, Qt.Key.Key_Return))
    qtbot.keyClick(cp.session_table, Qt.Key.Key_Delete)
    assert box["done"] and box["error"] is None
    qtbot.mouseClick(cp.back_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.clients_page
    assert last_session_cell() == previous.session_date.strftime("%d %b %Y")
    qtbot.mouseClick(win.undo_delete.button, Qt.MouseButton.LeftButton)
    assert last_session_cell() == latest.session_date.strftime("%d %b %Y")
