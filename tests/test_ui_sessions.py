"""Log a session, take both kinds of notes, fill GROW, agree actions, follow them up."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import type_text, when_modal

from coachdesk.models import ActionStatus, SessionStatus
from coachdesk.services import actions, clients, grow, sessions
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.widgets.saved_state import NEEDS_FIXING, SAVED

CANARY = "CANARY-PRIVATE-7f3a"


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    window.open_client(jose.id)
    return window


def log_session(qtbot, win, when: date, start="09:30", status="held", shortcut=False):
    def fill(dialog):
        dialog.date.setDate(QDate(when.year, when.month, when.day))
        qtbot.keyClicks(dialog.start, start)
        dialog.status.setCurrentIndex(dialog.status.findData(status))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    if shortcut:
        qtbot.keyClick(win, Qt.Key.Key_N,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    else:
        # Offscreen, a closed modal dialog does not hand activation back to the
        # window, so later key shortcuts get lost; the menu action is the same path.
        win.new_session_action.trigger()
    assert state["done"] and state["error"] is None
    assert win.stack.currentWidget() is win.session_page
    return win.session_page


def test_log_a_session_and_keep_the_two_kinds_of_notes_apart(qtbot, win, demo_db):
    jose = win.client_page.client.id
    before = len(sessions.list_for_client(demo_db, jose))
    engagement = sessions.list_for_client(demo_db, jose)[0].engagement_id
    used = sessions.usage(demo_db, engagement).sessions_used
    page = log_session(qtbot, win, date.today() - timedelta(days=1), shortcut=True)
    page.private_notes.setFocus()
    type_text(page.private_notes, f"Tired, defensive about Ana. {CANARY}")
    page.shared_summary.setFocus()  # focus-out of the private notes saves them
    type_text(page.shared_summary, "Worked on delegation <b>&\"'. 🙂 راشد 陈静")
    qtbot.waitUntil(lambda: sessions.get(demo_db, page.session.id).shared_summary != "",
                    timeout=1500)
    stored = sessions.get(demo_db, page.session.id)
    assert stored.private_notes == f"Tired, defensive about Ana. {CANARY}"
    assert stored.shared_summary == "Worked on delegation <b>&\"'. 🙂 راشد 陈静"
    assert CANARY not in stored.shared_summary
    assert stored.status == SessionStatus.held and stored.start_time.strftime("%H:%M") == "09:30"
    # Visibly different: a lock on the private label, different frames.
    assert "🔒" in page.findChild(type(page.title), "privateNotesLabel").text()
    assert page.private_notes.styleSheet() != page.shared_summary.styleSheet()
    # The client page lists it newest first, with the usage counted.
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    cp = win.client_page
    assert cp.session_model.rowCount() == before + 1
    listed = [cp.session_model.row_at(r) for r in range(cp.session_model.rowCount())]
    assert page.session.id in [r.id for r in listed]
    assert [r.session_date for r in listed] == sorted((r.session_date for r in listed), reverse=True)
    assert f"{used + 1} of 10 sessions used" in cp.engagement_summary.text()


def test_bad_duration_and_time_get_a_clear_message_and_notes_are_still_saved(qtbot, win, demo_db):
    page = log_session(qtbot, win, date.today())
    page.duration.setValue(2000)
    page.start.setText("25:99")
    page.private_notes.setFocus()
    type_text(page.private_notes, "Never lose this.")
    page.saver.flush()
    stored = sessions.get(demo_db, page.session.id)
    assert stored.private_notes == "Never lose this."
    assert stored.duration_minutes == 60
    assert "12 hours" in page.errors["duration_minutes"].text()
    assert "09:30" in page.errors["start_time"].text()
    page.duration.setValue(0)
    page.saver.flush()
    assert "at least one minute" in page.errors["duration_minutes"].text()


def test_grow_worksheet_options_and_will_to_action(qtbot, win, demo_db):
    page = log_session(qtbot, win, date.today())
    page.tabs.setCurrentWidget(page.grow)
    g = page.grow
    g.edits["goal_session"].setFocus()
    type_text(g.edits["goal_session"], "Decide what to delegate")
    g.edits["reality_facts"].setFocus()
    type_text(g.edits["reality_facts"], "Works 60 hours a week")
    qtbot.keyClicks(g.new_option, "Hire a deputy")
    qtbot.keyClick(g.new_option, Qt.Key.Key_Return)
    qtbot.keyClicks(g.new_option, "Drop the Monday report")
    qtbot.mouseClick(g.add_option_button, Qt.MouseButton.LeftButton)
    assert g.options_model.rowCount() == 2
    g.options_model.setData(g.options_model.index(1, 0), Qt.CheckState.Checked,
                            Qt.ItemDataRole.CheckStateRole)
    g.edits["will_what"].setFocus()
    type_text(g.edits["will_what"], "Stop the Monday report")
    g.commitment.setValue(8)
    g.saver.flush()
    ws = grow.for_session(demo_db, page.session.id)
    assert ws.goal_session == "Decide what to delegate"
    assert ws.reality_facts == "Works 60 hours a week" and ws.commitment == 8
    chosen = [o.text for o in grow.options(demo_db, ws.id) if o.chosen]
    assert chosen == ["Drop the Monday report"]
    # An empty option is refused with a message.
    qtbot.mouseClick(g.add_option_button, Qt.MouseButton.LeftButton)
    assert "cannot be empty" in g.option_error.text()
    # Will becomes an action item.
    qtbot.mouseClick(g.to_action_button, Qt.MouseButton.LeftButton)
    assert page.tabs.currentWidget() is page.actions
    assert page.actions.text.text() == "Stop the Monday report"
    qtbot.mouseClick(page.actions.add_button, Qt.MouseButton.LeftButton)
    [item] = actions.for_session(demo_db, page.session.id)
    assert item.text == "Stop the Monday report" and item.status == ActionStatus.open


def test_due_date_before_the_session_is_refused(qtbot, win, demo_db):
    page = log_session(qtbot, win, date(2026, 3, 10))
    page.tabs.setCurrentWidget(page.actions)
    qtbot.keyClicks(page.actions.text, "Call the sponsor")
    page.actions.due.setDate(QDate(2026, 3, 1))
    qtbot.mouseClick(page.actions.add_button, Qt.MouseButton.LeftButton)
    assert "before the session" in page.actions.error.text()
    assert actions.for_session(demo_db, page.session.id) == []
    assert page.actions.text.text() == "Call the sponsor"  # nothing typed is lost


def test_next_session_shows_open_actions_for_follow_up(qtbot, win, demo_db):
    first = log_session(qtbot, win, date.today() - timedelta(days=14))
    first_id = first.session.id
    first.tabs.setCurrentWidget(first.actions)
    qtbot.keyClicks(first.actions.text, "Hand over the ops meeting")
    qtbot.mouseClick(first.actions.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(first.actions.text, "Book a 360")
    qtbot.mouseClick(first.actions.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(first.back_button, Qt.MouseButton.LeftButton)
    second = log_session(qtbot, win, date.today())
    assert second.session.id != first_id
    follow = second.follow_up
    assert not follow.isHidden()

    def shown():
        return [follow.model.index(r, 0).data() for r in range(follow.model.rowCount())]

    # The demo history has open actions of its own; ours are among them.
    assert {"Hand over the ops meeting", "Book a 360"} <= set(shown())
    count = len(shown())
    follow.view.selectRow(shown().index("Hand over the ops meeting"))
    qtbot.mouseClick(follow.done_button, Qt.MouseButton.LeftButton)
    assert len(shown()) == count - 1 and "Hand over the ops meeting" not in shown()
    done = [a for a in actions.for_session(demo_db, first_id) if a.status == ActionStatus.done]
    assert [a.text for a in done] == ["Hand over the ops meeting"]
    assert done[0].status_changed_on == date.today()


def test_sessions_and_actions_views(qtbot, win, demo_db):
    open_before = len(actions.open_actions(demo_db))
    overdue_before = len([a for a in actions.open_actions(demo_db) if a.overdue])
    page = log_session(qtbot, win, date.today() + timedelta(days=3), status="planned")
    planned_id = page.session.id
    held = log_session(qtbot, win, date.today() - timedelta(days=2))
    held.tabs.setCurrentWidget(held.actions)
    qtbot.keyClicks(held.actions.text, "Overdue thing")
    held.actions.due.setDate(QDate.currentDate().addDays(-1))
    qtbot.mouseClick(held.actions.add_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QAction

    win.findChild(QAction, "actionShowSessions").trigger()  # View → Sessions (Ctrl+2)
    sp = win.sessions_page
    assert win.stack.currentWidget() is sp
    upcoming = sp.models["upcoming"]._rows
    assert planned_id in [r.id for r in upcoming]
    assert all(date.today() <= r.session_date <= date.today() + timedelta(days=14) for r in upcoming)
    assert [r.session_date for r in upcoming] == sorted(r.session_date for r in upcoming)
    assert held.session.id in [r.id for r in sp.models["without_notes"]._rows]
    win.findChild(QAction, "actionShowActions").trigger()  # View → Actions (Ctrl+3)
    ap = win.actions_page
    assert ap.model.rowCount() == open_before + 1
    mine = next(r for r in range(ap.model.rowCount()) if ap.model.index(r, 1).data() == "Overdue thing")
    assert "overdue" in ap.model.index(mine, 3).data()
    assert ap.count.text() == f"{open_before + 1} open, {overdue_before + 1} overdue"
    ap.overdue_only.setChecked(True)
    assert ap.model.rowCount() == overdue_before + 1
    assert all("overdue" in ap.model.index(r, 3).data() for r in range(ap.model.rowCount()))


def test_clients_list_shows_last_and_next_session(qtbot, win, demo_db):
    log_session(qtbot, win, date.today() - timedelta(days=5))
    # Sooner than the session the demo history has planned for José.
    log_session(qtbot, win, date.today() + timedelta(days=2), status="planned")
    win.show_clients()
    page = win.clients_page
    page.reload()
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data().startswith("José"))
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    last = page.proxy.index(row, headers.index("Last session")).data()
    nxt = page.proxy.index(row, headers.index("Next session")).data()
    before, after = date.today() - timedelta(days=5), date.today() + timedelta(days=2)
    assert last == f"{before.day} {before:%b %Y}"
    assert nxt == f"{after.day} {after:%b %Y}"


def test_print_preview_opens_with_the_filled_worksheet(qtbot, win, demo_db, tmp_path):
    from pypdf import PdfReader

    from ui.dialogs.print_preview import WorksheetChoiceDialog, print_worksheet

    page = log_session(qtbot, win, date.today())
    page.private_notes.setFocus()
    type_text(page.private_notes, CANARY)
    page.tabs.setCurrentWidget(page.grow)
    page.grow.edits["goal_session"].setFocus()
    type_text(page.grow.edits["goal_session"], "Lead the merger <calmly> & well")
    page.leave()
    choice = WorksheetChoiceDialog(True, page)
    qtbot.addWidget(choice)
    assert choice.filled.isChecked() and not choice.include_private.isChecked()
    previews = []
    print_worksheet(win.ctx, page, page.session, choice=choice, on_ready=previews.append)
    gc.collect()  # nobody holds the job: it must still deliver the preview
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    preview = previews[0]
    qtbot.addWidget(preview)
    assert preview.page_count() >= 1
    saved = preview.save_as(str(tmp_path / "ws.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Lead the merger <calmly> & well" in text
    assert CANARY not in text  # private notes only when the coach ticks the box


def test_search_everything_finds_both_kinds_of_notes_labelled_and_opens_the_hit(qtbot, win, demo_db):
    from ui.dialogs.search_dialog import SearchDialog

    page = log_session(qtbot, win, date.today())
    page.private_notes.setFocus()
    type_text(page.private_notes, "Hypothesis: perfectionism around the Zürich board")
    page.shared_summary.setFocus()
    type_text(page.shared_summary, "Agreed to present to the Zürich board herself")
    page.leave()
    dialog = SearchDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    type_text(dialog.query, "zurich")  # accents are not needed to find Zürich
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=2000)
    labels = sorted(h.kind_label for h in dialog.model.hits)
    assert labels == ["Private note", "Shareable summary"]
    private = next(h for h in dialog.model.hits if h.is_private)
    assert any(m and t.lower().startswith("zürich") for t, m in private.snippet_parts)
    from ui.dialogs.search_dialog import hit_html

    assert "🔒" in hit_html(private)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert dialog.chosen is not None
    win.open_hit(dialog.chosen)
    assert win.session_page.session.id == page.session.id
    # Hostile queries never fail.
    for query in ['"', "NEAR(", "a AND", "*", "-x", "陈静", "<b>&"]:
        dialog.query.setText(query)
        dialog.run_search()


def test_settings_change_the_prompts_and_paper(qtbot, win, demo_db):
    from coachdesk.reports import worksheet

    def fill(dialog):
        dialog.prompt_edits["goal"].setPlainText("What would make today worthwhile?\n\nAnd for you?")
        dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    win.open_settings()
    assert state["done"] and state["error"] is None
    assert worksheet.get_prompts(demo_db)["goal"] == ["What would make today worthwhile?",
                                                      "And for you?"]
    assert worksheet.get_paper_size(demo_db) == "Letter"
    page = log_session(qtbot, win, date.today())
    assert "worthwhile" in page.grow.prompt_labels["goal"].text()


def test_export_planned_sessions_to_calendar(qtbot, win, demo_db, tmp_path):
    from icalendar import Calendar

    log_session(qtbot, win, date.today() + timedelta(days=4), status="planned")
    out = win.export_planned_sessions(target=str(tmp_path / "planned.ics"))
    cal = Calendar.from_ical((tmp_path / "planned.ics").read_bytes())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert out and any("José" in str(e["SUMMARY"]) for e in events)


def test_will_turns_into_an_action_with_the_due_date_its_when_names_and_enter_adds(qtbot, win,
                                                                                     demo_db):
    from PySide6.QtWidgets import QApplication

    page = log_session(qtbot, win, date(2026, 11, 27))  # a Friday
    win.activateWindow()  # offscreen, the window stays inactive after the new-session form
    win.windowHandle().requestActivate()
    qtbot.waitUntil(win.isActiveWindow)
    page.tabs.setCurrentWidget(page.grow)
    g = page.grow
    g.edits["will_what"].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is g.edits["will_what"])
    qtbot.keyClicks(QApplication.focusWidget(), "Ask Lena to run the Monday meeting")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to "When"
    assert QApplication.focusWidget() is g.edits["will_when"]
    qtbot.keyClicks(QApplication.focusWidget(), "by 15 Dec")
    qtbot.mouseClick(g.to_action_button, Qt.MouseButton.LeftButton)
    actions_panel = page.actions
    assert page.tabs.currentWidget() is actions_panel
    assert QApplication.focusWidget() is actions_panel.text  # Enter is all it takes
    assert actions_panel.due.value() == date(2026, 12, 15)
    assert actions_panel.due.edit.text() != ""  # the view shows the date, too
    assert actions_panel.when_hint.isHidden()  # the date says it all
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    [item] = actions.for_session(demo_db, page.session.id)
    assert (item.text, item.due_date) == ("Ask Lena to run the Monday meeting",
                                          date(2026, 12, 15))
    view = actions_panel.view
    assert view.model().rowCount() == 1
    shown = [view.model().index(0, c).data() for c in range(view.model().columnCount())]
    assert "Ask Lena to run the Monday meeting" in shown and any("15 Dec" in str(x) for x in shown)
    # Enter in the owner or the due date adds as well; a date that is not one adds nothing
    actions_panel.text.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Book the offsite")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is actions_panel.owner
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is actions_panel.due.edit
    qtbot.keyClicks(QApplication.focusWidget(), "someday")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert len(actions.for_session(demo_db, page.session.id)) == 1
    assert actions_panel.text.text() == "Book the offsite"  # nothing typed is lost
    actions_panel.due.edit.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "18/12/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert [(a.text, a.due_date) for a in actions.for_session(demo_db, page.session.id)][-1] == \
        ("Book the offsite", date(2026, 12, 18))
    actions_panel.text.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Send the summary")
    actions_panel.owner.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert actions.for_session(demo_db, page.session.id)[-1].text == "Send the summary"
    assert view.model().rowCount() == 3
    # a "When" with no date in it is shown for the coach to set the date from
    page.tabs.setCurrentWidget(g)
    g.edits["will_when"].setPlainText("after the board meeting")
    qtbot.mouseClick(g.to_action_button, Qt.MouseButton.LeftButton)
    assert actions_panel.due.value() is None
    assert actions_panel.when_hint.isVisible()
    assert actions_panel.when_hint.text() == "The Will says when: after the board meeting"


def test_a_date_not_understood_is_said_under_the_row_and_moves_no_field(qtbot, win, demo_db):
    # a new coach typed 31/12/2026 into a month-first date field: the message under the
    # field made the row taller, Start and Length moved, and the next click went astray
    page = log_session(qtbot, win, date.today())
    win.activateWindow()  # offscreen, a closed dialog does not hand activation back
    win.windowHandle().requestActivate()
    qtbot.waitUntil(win.isActiveWindow)
    start_y = page.start.mapTo(page, page.start.rect().topLeft()).y()
    page.date.setFocus()
    qtbot.waitUntil(page.date.edit.hasFocus)
    page.date.edit.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "31/31/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    error = page.errors["session_date"]
    qtbot.waitUntil(error.isVisible, timeout=3000)
    assert "not a date" in error.text()
    assert not page.date.problem_label.isVisible()  # said once, under the row
    QApplication.processEvents()
    assert page.start.mapTo(page, page.start.rect().topLeft()).y() == start_y
    assert page.saved_label.text() == NEEDS_FIXING  # the typed date is not saved
    page.saver.flush()
    assert error.isVisible()  # a save of the other fields does not wipe the message
    page.date.setFocus()
    page.date.edit.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "3 Dec 2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=3000)
    page.saver.flush()
    assert page.saved_label.text() == SAVED
    assert sessions.get(demo_db, page.session.id).session_date == date(2026, 12, 3)
