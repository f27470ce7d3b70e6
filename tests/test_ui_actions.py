"""Action items as a coach corrects and follows them up: edit (Enter, F2, double-click,
"Edit…"), mark done / drop / reopen by key and button, and the Actions page's filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui_views import activate, assert_views_show_models, click_into, click_row, double_click
from ui_helpers import keys, type_text, when_modal

from coachdesk.models import ActionOwner, ActionStatus
from coachdesk.services import actions, clients, sessions


def jose(db):
    return next(r for r in clients.list_rows(db) if r.name.startswith("José"))


def session_with_actions(qtbot, win, db, *texts):
    """A new session of José's opened on its Actions tab, with these actions added by typing."""
    client = jose(db)
    engagement = sessions.list_for_client(db, client.id)[0].engagement_id
    s = sessions.create(db, engagement, date.today() - timedelta(days=1), status="held")
    win.open_client(client.id)
    win.open_session(s.id)
    page = win.session_page
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(page.tabs.indexOf(page.actions)).center())
    panel = page.actions
    assert page.tabs.currentWidget() is panel
    for text in texts:
        click_into(qtbot, panel.text)
        type_text(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    return s, panel


def shown(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_an_action_is_corrected_by_keyboard_text_owner_and_due(qtbot, win, demo_db):
    s, panel = session_with_actions(qtbot, win, demo_db, "Call the sponsor", "Book a 360")
    assert shown(panel.model, 0) == ["Call the sponsor", "Book a 360"]
    due = date.today() + timedelta(days=10)

    def edit(dialog):
        activate(qtbot, dialog)
        # Focus starts in the text, the cursor after it: typing adds, nothing is replaced.
        assert QApplication.focusWidget() is dialog.text and not dialog.text.hasSelectedText()
        type_text(QApplication.focusWidget(), " about <b>&\"' 🙂 陈 مرحبا")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.owner
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # Client → Coach
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.due.isAncestorOf(QApplication.focusWidget())  # the date's typed line
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A,
                       Qt.KeyboardModifier.ControlModifier)
        keys(qtbot, due.strftime("%d/%m/%Y"))  # typed over, as a coach does
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    click_row(qtbot, panel.view, 0)
    state = when_modal(edit)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    text = "Call the sponsor about <b>&\"' 🙂 陈 مرحبا"
    assert [panel.model.index(0, c).data() for c in range(3)] == \
        [text, "Coach", f"{due.day} {due:%b %Y}"]
    item = actions.for_session(demo_db, s.id)[0]
    assert (item.text, item.owner, item.due_date) == (text, ActionOwner.coach, due)
    assert panel.view.currentIndex().row() == 0  # the row stays selected
    assert_views_show_models(win)


def test_edit_by_double_click_f2_and_button_and_a_refusal_keeps_what_was_typed(qtbot, win, demo_db):
    s, panel = session_with_actions(qtbot, win, demo_db, "Call the sponsor", "Book a 360")
    view = panel.view

    def refuse_then_cancel(dialog):
        activate(qtbot, dialog)
        type_text(QApplication.focusWidget(), " soon")
        dialog.due.set_value(s.session_date - timedelta(days=3))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        # Refused next to the field; the dialog stays open with what was typed.
        assert dialog.isVisible() and "before the session" in dialog.errors["due_date"].text()
        assert dialog.text.text() == "Book a 360 soon"
        dialog.reject()

    activate(qtbot, win)
    state = when_modal(refuse_then_cancel)
    double_click(qtbot, view, 1)
    assert state["done"] and state["error"] is None
    assert actions.for_session(demo_db, s.id)[1].text == "Book a 360"

    def empty(dialog):
        activate(qtbot, dialog)
        dialog.text.selectAll()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible() and "cannot be empty" in dialog.errors["text"].text()
        qtbot.keyClicks(QApplication.focusWidget(), "Book the 360 with HR")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    activate(qtbot, win)
    click_row(qtbot, view, 1)
    state = when_modal(empty)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert state["done"] and state["error"] is None
    assert shown(panel.model, 0) == ["Call the sponsor", "Book the 360 with HR"]

    def owner_only(dialog):
        activate(qtbot, dialog)
        dialog.owner.setCurrentIndex(dialog.owner.findData("coach"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    activate(qtbot, win)
    click_row(qtbot, view, 0)
    state = when_modal(owner_only)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert shown(panel.model, 1) == ["Coach", "Client"]
    assert [a.owner for a in actions.for_session(demo_db, s.id)] == [ActionOwner.coach,
                                                                     ActionOwner.client]


def test_space_marks_done_and_reopens_del_drops_and_the_buttons_follow(qtbot, win, demo_db):
    s, panel = session_with_actions(qtbot, win, demo_db, "Call the sponsor", "Book a 360")
    view = panel.view
    click_row(qtbot, view, 0)
    assert panel.done_button.isEnabled() and not panel.reopen_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    today = date.today()
    assert panel.model.index(0, 3).data() == f"Done {today.day} {today:%b}"
    assert actions.for_session(demo_db, s.id)[0].status == ActionStatus.done
    assert view.currentIndex().row() == 0  # still selected: Space again undoes it
    assert panel.reopen_button.isEnabled() and not panel.done_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert panel.model.index(0, 3).data() == "Open"
    assert actions.for_session(demo_db, s.id)[0].status == ActionStatus.open
    click_row(qtbot, view, 1)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert panel.model.index(1, 3).data() == f"Dropped {today.day} {today:%b}"
    qtbot.mouseClick(panel.reopen_button, Qt.MouseButton.LeftButton)
    assert panel.model.index(1, 3).data() == "Open"
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert [a.status for a in actions.for_session(demo_db, s.id)] == [ActionStatus.open,
                                                                      ActionStatus.done]
    assert_views_show_models(win)


def test_follow_up_marks_done_with_space(qtbot, win, demo_db):
    first, panel = session_with_actions(qtbot, win, demo_db, "Hand over the ops meeting")
    later = sessions.create(demo_db, first.engagement_id, date.today(), status="held")
    win.open_session(later.id)
    page = win.session_page
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())  # Notes
    follow = page.follow_up
    assert not follow.isHidden()
    texts = shown(follow.model, 0)
    assert "Hand over the ops meeting" in texts
    assert follow.view.verticalHeader().count() == len(texts)
    click_row(qtbot, follow.view, texts.index("Hand over the ops meeting"))
    qtbot.keyClick(follow.view, Qt.Key.Key_Space)
    assert "Hand over the ops meeting" not in shown(follow.model, 0)
    assert len(shown(follow.model, 0)) == len(texts) - 1
    assert actions.for_session(demo_db, first.id)[0].status == ActionStatus.done
    assert_views_show_models(win)


# -- the rows the lists show (engine, no screen) -------------------------------------------


def test_list_actions_filters_by_status_and_owner_and_rows_follow_a_change(db):
    from coachdesk.errors import NotFoundError, ValidationError
    from coachdesk.services import engagements

    anna = clients.create(db, "Anna Lindqvist")
    eng = engagements.create(db, anna.id, "2026-01-05")
    s = sessions.create(db, eng.id, "2026-03-02", status="held")
    today = date(2026, 3, 20)
    late = actions.create(db, s.id, "Late", due_date="2026-03-10")
    mine = actions.create(db, s.id, "Coach's", owner="coach", due_date="2026-04-01")
    done = actions.create(db, s.id, "Done one")
    actions.set_status(db, done.id, "done", today=date(2026, 3, 15))

    def ids(**kw):
        return [r.id for r in actions.list_actions(db, today=today, **kw)]

    assert ids() == [late.id, mine.id]
    assert ids(owner="coach") == [mine.id] and ids(owner="client") == [late.id]
    assert ids(status="done") == [done.id] and ids(status="dropped") == []
    assert ids(status="all") == [late.id, mine.id, done.id]  # open ones first
    assert ids(status="all", overdue_only=True) == [late.id]
    assert [r.id for r in actions.open_actions(db, today=today)] == ids()
    row = actions.row(db, done.id, today=today)
    assert (row.status, row.status_changed_on, row.overdue) == ("done", date(2026, 3, 15), False)
    assert row.client_name == "Anna Lindqvist" and row.session_date == date(2026, 3, 2)
    assert [r.id for r in actions.session_rows(db, s.id)] == [late.id, mine.id, done.id]
    later = sessions.create(db, eng.id, "2026-03-16", status="held")
    assert [r.id for r in actions.follow_up_rows(db, later.id)] == [late.id, mine.id]
    with pytest.raises(ValidationError):
        actions.list_actions(db, status="finished")
    with pytest.raises(ValidationError):
        actions.list_actions(db, owner="sponsor")
    with pytest.raises(NotFoundError):
        actions.row(db, 987654)


# -- the Actions page ---------------------------------------------------------------------


def open_actions_page(qtbot, win):
    nav = win.nav
    row = [nav.item(r).text() for r in range(nav.count())].index("Actions")
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=nav.visualItemRect(nav.item(row)).center())
    assert win.stack.currentWidget() is win.actions_page
    return win.actions_page


def choose(qtbot, combo, label: str) -> None:
    """Pick an entry of a drop-down as a person does: click it open, click the entry."""
    activate(qtbot, combo.window())
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    # A release soon after the list opens is taken as the end of the opening click.
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    index = popup.model().index(combo.findText(label), 0)
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton,
                     pos=popup.visualRect(index).center())
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert combo.currentText() == label


def test_actions_page_filters_by_owner_and_the_count_follows(qtbot, win, demo_db):
    _s, panel = session_with_actions(qtbot, win, demo_db, "Coach thing")
    actions.update(demo_db, panel.model.row_at(0).id, owner="coach")  # set-up
    page = open_actions_page(qtbot, win)
    everyone = actions.open_actions(demo_db)
    assert page.view.verticalHeader().count() == len(everyone)
    assert page.count.text() == f"{len(everyone)} open, {sum(a.overdue for a in everyone)} overdue"
    choose(qtbot, page.owner, "Coach")
    coach = [a for a in everyone if a.owner == "coach"]
    assert coach and len(coach) < len(everyone)
    assert page.view.verticalHeader().count() == len(coach)
    assert set(shown(page.model, 2)) == {"Coach"}
    assert "Coach thing" in shown(page.model, 1)
    assert page.count.text() == f"{len(coach)} open, {sum(a.overdue for a in coach)} overdue"
    choose(qtbot, page.owner, "Client")
    assert set(shown(page.model, 2)) == {"Client"}
    assert page.view.verticalHeader().count() == len(everyone) - len(coach)
    # Overdue only, for the client's actions.
    click_into(qtbot, page.overdue_only)  # the click ticks it
    assert page.overdue_only.isChecked()
    overdue = [a for a in everyone if a.owner == "client" and a.overdue]
    assert page.view.verticalHeader().count() == len(overdue) > 0
    assert all("overdue" in d for d in shown(page.model, 3))
    assert page.count.text() == f"{len(overdue)} open, {len(overdue)} overdue"
    assert_views_show_models(win)


def test_actions_page_marks_done_drops_and_reopens_and_enter_opens_the_session(qtbot, win,
                                                                                demo_db):
    page = open_actions_page(qtbot, win)
    rows = actions.open_actions(demo_db)
    total, overdue = len(rows), sum(a.overdue for a in rows)
    click_row(qtbot, page.view, 0)
    first = page.model.row_at(0)
    assert first.overdue  # overdue ones come first
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    # The row stays in view, marked done; the count says so; the database too.
    assert page.model.index(0, 5).data() == f"Done {date.today().day} {date.today():%b}"
    assert page.view.verticalHeader().count() == total
    assert page.count.text() == f"{total - 1} open, {overdue - 1} overdue, 1 done"
    assert actions.row(demo_db, first.id).status == "done"
    assert page.reopen_button.isEnabled() and not page.done_button.isEnabled()
    qtbot.keyClick(page.view, Qt.Key.Key_Space)  # changed my mind
    assert actions.row(demo_db, first.id).status == "open"
    assert page.count.text() == f"{total} open, {overdue} overdue"
    click_row(qtbot, page.view, 1)
    second = page.model.row_at(1)
    qtbot.mouseClick(page.drop_button, Qt.MouseButton.LeftButton)
    assert actions.row(demo_db, second.id).status == "dropped"
    # Show: Dropped lists it, and Reopen brings it back.
    choose(qtbot, page.status, "Dropped")
    dropped = actions.list_actions(demo_db, "dropped")
    assert [a.id for a in page.model.rows] == [a.id for a in dropped]
    assert page.view.verticalHeader().count() == len(dropped)
    assert set(shown(page.model, 5)) == {
        f"Dropped {a.status_changed_on.day} {a.status_changed_on:%b}" for a in dropped}
    click_row(qtbot, page.view, page.model.row_of(second.id))
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert actions.row(demo_db, second.id).status == "open"
    choose(qtbot, page.status, "Open")
    assert page.view.verticalHeader().count() == total
    # Enter opens the session the action was agreed in.
    click_row(qtbot, page.view, 2)
    target = page.model.row_at(2)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.session_page
    assert win.session_page.session.id == target.session_id
    # And a double-click does the same.
    page = open_actions_page(qtbot, win)
    other = page.model.row_at(3)
    double_click(qtbot, page.view, 3, 1)
    assert win.session_page.session.id == other.session_id


def test_tab_walks_the_actions_tab_in_the_order_it_is_seen(qtbot, win, demo_db):
    _s, panel = session_with_actions(qtbot, win, demo_db, "Call the sponsor")
    click_row(qtbot, panel.view, 0)
    walked = []
    for _ in range(7):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    # The open action's buttons (Reopen is off), then the new-action row: its text, owner,
    # the due date's typed line, and the Add button.
    assert walked[:5] == [panel.edit_button, panel.done_button, panel.drop_button, panel.text,
                          panel.owner]
    assert panel.due.isAncestorOf(walked[5])
    assert walked[6] is panel.add_button
