"""Date fields, used as a coach uses them: typed character by character in the forms
people write dates in, typed over, cleared, picked from a calendar that opens at a
sensible month (never January 1900), and a plain sentence for text that is no date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QToolButton
from ui_helpers import type_text

from coachdesk.services import clients, engagements
from ui.context import AppContext
from ui.widgets.fields import OptionalDateEdit

NOV_29 = date(2026, 11, 29)


def keys(qtbot, text: str) -> None:
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(QApplication.focusWidget(), ch)
        else:
            type_text(QApplication.focusWidget(), ch)


@pytest.fixture
def engagement_dialog(qtbot, demo_db):
    from ui.dialogs.engagement import EngagementDialog

    client = clients.get(demo_db, clients.list_rows(demo_db)[0].id)
    dialog = EngagementDialog(AppContext(demo_db), client.id, client.organization_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def tab_to(qtbot, dialog, field: OptionalDateEdit) -> None:
    """Press Tab until the cursor is in ``field``, as a person would."""
    for _ in range(30):
        if field.hasFocus():
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {field.objectName()}")


@pytest.mark.parametrize("typed", ["29/11/2026", "29.11.2026", "2026-11-29", "29 Nov 2026",
                                   "29-11-2026", "29/11/26", "Sun 29 November 2026"])
def test_a_date_typed_into_an_empty_field_is_kept(qtbot, engagement_dialog, typed):
    end = engagement_dialog.end
    assert end.value() is None and end.text() == "" and end.lineEdit().placeholderText() == "Not set"
    tab_to(qtbot, engagement_dialog, end)
    keys(qtbot, typed)
    assert end.text() == typed  # what is typed shows as typed, character by character
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert end.value() == NOV_29
    assert end.text() == "29 Nov 2026"
    assert not end.problem_label.isVisible()


def test_typing_over_a_date_and_saving_it(qtbot, engagement_dialog, demo_db):
    start = engagement_dialog.start
    tab_to(qtbot, engagement_dialog, start)
    assert start.lineEdit().selectedText() == start.text() != ""  # Tab selects it all
    keys(qtbot, "3/2/2027")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert start.value() == date(2027, 2, 3)
    end = engagement_dialog.end
    qtbot.mouseClick(end.lineEdit(), Qt.MouseButton.LeftButton)
    keys(qtbot, "31 July 2027")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter saves the form
    assert not engagement_dialog.isVisible()
    saved = engagement_dialog.result_object
    stored = engagements.get(demo_db, saved.id)
    assert (stored.start_date, stored.end_date) == (date(2027, 2, 3), date(2027, 7, 31))


@pytest.mark.parametrize("how", ["delete", "backspace", "button"])
def test_a_set_date_can_be_cleared(qtbot, engagement_dialog, how):
    end = engagement_dialog.end
    end.set_value(NOV_29)  # set-up: an engagement with an end date
    seen = []
    end.dateChanged.connect(seen.append)
    tab_to(qtbot, engagement_dialog, end)
    if how == "button":
        clear = next(b for b in end.lineEdit().findChildren(QToolButton) if b.isVisible())
        qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(end.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(end.lineEdit(), Qt.Key.Key_Delete if how == "delete"
                       else Qt.Key.Key_Backspace)
        qtbot.keyClick(end.lineEdit(), Qt.Key.Key_Tab)
    assert end.value() is None and end.text() == ""
    assert seen and not seen[-1].isValid()  # callers hear "no date"
    assert not end.problem_label.isVisible()
    engagement_dialog.save_button.click()
    assert engagement_dialog.result_object.end_date is None


def test_the_calendar_opens_near_the_start_then_at_the_date(qtbot, engagement_dialog):
    start, end = engagement_dialog.start, engagement_dialog.end
    start.set_value(date(2025, 3, 10))  # set-up: an engagement that started in March 2025
    tab_to(qtbot, engagement_dialog, end)
    qtbot.keyClick(end.lineEdit(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = end.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 3)
    assert calendar.selectedDate() == QDate(2025, 3, 10)
    # Pick with the keyboard: a week later, Enter.
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Down)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert not end.is_calendar_open()
    assert end.value() == date(2025, 3, 17) and end.text() == "17 Mar 2025"
    assert engagement_dialog.isVisible(), "Enter in the calendar picks, it does not save"
    # Opened again, it shows the date in the field; Esc closes it and keeps the date.
    qtbot.mouseClick(end.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(end.is_calendar_open)
    assert calendar.selectedDate() == QDate(2025, 3, 17)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Escape)
    assert not end.is_calendar_open() and engagement_dialog.isVisible()
    assert end.value() == date(2025, 3, 17)


def test_an_empty_field_with_nothing_related_opens_at_today(qtbot):
    field = OptionalDateEdit()
    field.setObjectName("loneDate")
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    qtbot.mouseClick(field.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(field.is_calendar_open)
    calendar = field.calendarWidget()
    assert calendar.selectedDate() == QDate.currentDate()
    assert calendar.yearShown() > 1900
    qtbot.mouseClick(field.calendarWidget().parentWidget().today_button, Qt.MouseButton.LeftButton)
    assert field.value() == date.today()


def test_text_that_is_no_date_gets_a_sentence_and_is_kept(qtbot, engagement_dialog):
    end = engagement_dialog.end
    tab_to(qtbot, engagement_dialog, end)
    keys(qtbot, "31/02/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert end.text() == "31/02/2026", "the typed text was thrown away"
    assert end.value() is None
    assert end.problem_label.isVisible() and "not a date" in end.problem_label.text()
    assert "31/02" not in end.problem_label.text()  # the coach's text stays out of messages
    # Save is refused while the date is wrong; the cursor goes back to it.
    qtbot.mouseClick(engagement_dialog.save_button, Qt.MouseButton.LeftButton)
    assert engagement_dialog.isVisible() and end.hasFocus()
    assert end.text() == "31/02/2026"
    # Corrected in place: the sentence goes as soon as the text is a date.
    qtbot.keyClick(end.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(qtbot, "28/02/2027")
    assert not end.problem_label.isVisible()
    qtbot.keyClick(end.lineEdit(), Qt.Key.Key_Return)
    assert not engagement_dialog.isVisible()
    assert engagement_dialog.result_object.end_date == date(2027, 2, 28)


@pytest.mark.parametrize("hostile", ["<b>&\"'", "٢٩/١١/٢٠٢٦", "二〇二六年", "🎉", "x" * 500])
def test_hostile_text_is_kept_with_the_sentence(qtbot, engagement_dialog, hostile):
    end = engagement_dialog.end
    tab_to(qtbot, engagement_dialog, end)
    keys(qtbot, hostile)
    qtbot.keyClick(end.lineEdit(), Qt.Key.Key_Tab)
    assert end.text() == hostile and end.value() is None
    assert end.problem_label.isVisible()


def test_a_required_date_cannot_be_emptied(qtbot, engagement_dialog):
    start = engagement_dialog.start
    before = start.value()
    assert not any(b.isVisible() for b in start.lineEdit().findChildren(QToolButton)), \
        "a required date offers no clear button"
    tab_to(qtbot, engagement_dialog, start)
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Delete)  # Tab selected it all
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Tab)
    assert start.value() == before and start.text() == ""
    assert "date is needed" in start.problem_label.text() and start.problem_label.isVisible()
    qtbot.mouseClick(engagement_dialog.save_button, Qt.MouseButton.LeftButton)
    assert engagement_dialog.isVisible() and start.hasFocus()
    keys(qtbot, "1/9/2026")
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Return)
    assert engagement_dialog.result_object.start_date == date(2026, 9, 1)


def test_up_and_down_move_a_day(qtbot, engagement_dialog):
    start = engagement_dialog.start
    start.set_value(date(2026, 2, 28))
    tab_to(qtbot, engagement_dialog, start)
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Up)
    assert start.value() == date(2026, 3, 1)
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Down)
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Down)
    assert start.value() == date(2026, 2, 27) and start.text() == "27 Feb 2026"


def test_client_since_typed_on_the_client_page_is_saved(qtbot, demo_db):
    """Typed into the empty "Client since" of a client page, as a coach would: kept."""
    from ui.main_window import MainWindow

    client = clients.create(demo_db, name="Zoë Ångström")
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_client(client.id)
    field = win.client_page.start_date
    assert field.value() is None and field.text() == ""
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.mouseClick(field.lineEdit(), Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    keys(qtbot, "1/3/2025")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: clients.get(demo_db, client.id).start_date == date(2025, 3, 1))
    assert field.text() == "1 Mar 2025"


def test_the_forms_a_date_may_take():
    from ui.widgets.fields import parse_date_text

    assert parse_date_text("29 Nov. 2026") == NOV_29
    assert parse_date_text("Nov 29, 2026") == NOV_29
    assert parse_date_text("2026/11/29") == NOV_29
    assert parse_date_text("today", NOV_29) == NOV_29
    assert parse_date_text("tomorrow", NOV_29) == NOV_29 + timedelta(days=1)
    for wrong in ("11/29/2026", "29/11", "31/02/2026", "1/1/1899", "29/11/2026 10:00",
                  "29 Foo 2026", "", "   "):
        assert parse_date_text(wrong) is None, wrong


def test_an_empty_action_due_date_opens_its_calendar_at_the_session(qtbot, demo_db):
    """An action agreed in an August session: its empty due date's calendar shows August
    of that year (not 1900, not today's month), in the session's Actions tab and in the
    action's edit form."""
    from coachdesk.services import actions, clients, sessions
    from ui.context import AppContext
    from ui.dialogs.action_dialog import ActionDialog
    from ui.pages.session_grow import ActionsPanel

    jose = next(c for c in clients.list_rows(demo_db) if c.name.startswith("José"))
    session = next(s for s in sessions.list_for_client(demo_db, jose.id)
                   if s.session_date.month == 8)
    shown = QDate(session.session_date.year, 8, session.session_date.day)

    panel = ActionsPanel(AppContext(demo_db))
    qtbot.addWidget(panel)
    panel.load(session)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.due.value() is None
    qtbot.mouseClick(panel.due.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.due.is_calendar_open)
    calendar = panel.due.calendarWidget()
    assert (calendar.yearShown(), calendar.monthShown()) == (shown.year(), 8)
    assert calendar.selectedDate() == shown
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Escape)

    action = actions.create(demo_db, session.id, "Call the sponsor", due_date=None)
    dialog = ActionDialog(AppContext(demo_db), actions.row(demo_db, action.id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.due.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.due.is_calendar_open)
    assert dialog.due.calendarWidget().selectedDate() == shown
