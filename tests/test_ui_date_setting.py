"""Dates by locale in the window (issue 14): the coach changes "Date format" and "Language
for month names" in Settings with the keyboard, and the lists show the new form at once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import keys, when_modal

from coachdesk import dates
from coachdesk.services import clients, sessions
from coachdesk.services import settings as settings_service


def _last_session_cell(win) -> tuple[str, date]:
    """The clients list's "Last session" cell of a client who has one, and that day."""
    page = win.clients_page
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = headers.index("Last session")
    for row in range(page.proxy.rowCount()):
        name = page.proxy.index(row, 0).data()
        text = page.proxy.index(row, column).data()
        if text:
            client = next(r for r in clients.list_rows(win.ctx.db) if r.name == name)
            held = [s.session_date for s in sessions.list_for_client(win.ctx.db, client.id)
                    if s.status.value == "held"]
            return text, max(held)
    raise AssertionError("no client with a last session in the demo practice")


def test_the_coach_changes_the_date_format_in_settings_and_the_lists_follow(
        qtbot, win, demo_db):
    from ui.dialogs.settings_dialog import SettingsDialog

    win.show_clients()
    before, day = _last_session_cell(win)
    assert before == f"{day.day} {day:%b %Y}"  # the standard form to begin with
    seen = {}

    def choose(dialog):
        assert isinstance(dialog, SettingsDialog)
        dialog.activateWindow()
        dialog.session_minutes.setFocus()
        qtbot.waitUntil(dialog.session_minutes.hasFocus)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to the paper size
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to the date format
        assert QApplication.focusWidget() is dialog.date_format
        keys(qtbot, "2026")  # the combo's own search: "2026-11-29 (year-month-day)"
        seen["format"] = dialog.date_format.currentText()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.date_language
        keys(qtbot, "Fr")  # Français
        seen["language"] = dialog.date_language.currentText()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(choose)
    win.open_settings()
    assert state["done"] and state["error"] is None, state["error"]
    assert seen == {"format": "2026-11-29 (year-month-day)", "language": "Français"}
    assert settings_service.date_style(demo_db) == dates.DateStyle("iso", "fr")
    # The list writes its cells as it paints them: the new form at once, no reload needed.
    after, same_day = _last_session_cell(win)
    assert same_day == day and after == day.isoformat()
    # A date field's calendar names months in the chosen language; numbers keep theirs.
    from ui.widgets.fields import OptionalDateEdit

    field = OptionalDateEdit()
    qtbot.addWidget(field)
    field.open_calendar()
    assert field.calendarWidget().locale().language() == QLocale.Language.French
    assert QLocale().language() != QLocale.Language.French
    field.calendarWidget().window().close()
    # A page loaded afterwards writes its long dates in French.
    held = next(s for s in sessions.list_for_client(demo_db, _client_id(demo_db))
                if s.status.value == "held")
    win.open_session(held.id)
    french_day = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
                  "dimanche")[held.session_date.weekday()]
    title = win.session_page.title_text.full_text()
    assert f"{french_day} {held.session_date.day} " in title


def _client_id(db) -> int:
    return next(r.id for r in clients.list_rows(db)
                if any(s.status.value == "held" for s in sessions.list_for_client(db, r.id)))


def test_the_dialog_opens_on_the_practice_setting(qtbot, win, demo_db):
    settings_service.set_date_style(demo_db, "mdy", "de")
    seen = {}

    def look(dialog):
        seen["format"] = dialog.date_format.currentData()
        seen["language"] = dialog.date_language.currentData()
        dialog.reject()

    state = when_modal(look)
    win.open_settings()
    assert state["done"] and state["error"] is None
    assert seen == {"format": "mdy", "language": "de"}
