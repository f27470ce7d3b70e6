"""The dashboard: who needs attention and why, the month's figures, what to follow up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from coachdesk.services import actions, clients, engagements, indicators, risk, sessions
from coachdesk.services.practice import load_dashboard
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.dashboard import DashboardPage, rules_summary


def _client_id(db, start: str) -> int:
    return next(r.id for r in clients.list_rows(db) if r.name.startswith(start))


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.findChild(QAction, "actionShowDashboard").trigger()
    assert window.stack.currentWidget() is window.dashboard_page
    # Loaded off the GUI thread: the page says so, then fills.
    assert window.dashboard_page.date_label.text().startswith("Working out")
    with qtbot.waitSignal(window.dashboard_page.loaded, timeout=10000):
        pass
    assert window.dashboard_page.data is not None
    return window


def _notify(qtbot, win, what: str) -> None:
    """A write the dashboard hears: it works the figures out again off the GUI thread."""
    with qtbot.waitSignal(win.dashboard_page.loaded, timeout=10000):
        win.ctx.notify(what)


def _names(page) -> list[str]:
    m = page.attention_model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def _row_of(page, name_start: str) -> int:
    return next(i for i, n in enumerate(_names(page)) if n.startswith(name_start))


def test_lists_the_at_risk_client_with_his_reasons_and_not_the_improving_one(qtbot, win):
    page = win.dashboard_page
    names = _names(page)
    assert any(n.startswith("Søren") for n in names)
    assert not any(n.startswith("José") for n in names)
    row = _row_of(page, "Søren")
    m = page.attention_model
    assert m.data(m.index(row, 1)) == "● Needs attention"
    tip = m.data(m.index(row, 2), Qt.ItemDataRole.ToolTipRole)
    assert "Intent to stay fell from 7 to 4" in tip
    last = sessions.last_and_next(win.ctx.db)[m.assessment(row).client_id][0]
    assert m.data(m.index(row, 3)) == f"{(date.today() - last).days} days ago"
    # Clicking his row shows every reason in plain words below the list.
    view = page.attention
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(m.index(row, 0)).center())
    shown = page.reasons.toPlainText()
    assert shown.startswith("Why Søren Madsen: needs attention")
    assert "Intent to stay fell from 7 to 4" in shown
    assert "Commitment to the organization" in shown
    bare = sum(1 for a in risk.assess_all(win.ctx.db) if a.no_data)  # listed after, in grey
    assert bare == 1  # the demo's newest client
    assert page.attention_title.text() == (f"Who needs attention · {m.rowCount() - bare} "
                                           f"(and {bare} with no data yet)")


def test_double_click_or_enter_opens_the_client(qtbot, win, demo_db):
    page = win.dashboard_page
    soren = _client_id(demo_db, "Søren")
    view = page.attention
    rect = view.visualRect(page.attention_model.index(_row_of(page, "Søren"), 0))
    with qtbot.waitSignal(page.open_client_tab) as opened:  # the tab that shows why
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args[0] == soren
    assert win.stack.currentWidget() is win.client_page
    assert win.client_page.client.id == soren

    win.findChild(QAction, "actionShowDashboard").trigger()
    chen = _row_of(page, "Chen")
    view.setFocus()
    view.setCurrentIndex(page.attention_model.index(chen, 0))
    with qtbot.waitSignal(page.open_client_tab) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args[0] == _client_id(demo_db, "Chen")


def test_figures_match_the_engine(win, demo_db):
    page = win.dashboard_page
    today = date.today()
    month = [r for r in sessions.recent(demo_db, days=today.day - 1) if r.status == "held"]
    assert all(r.session_date.month == today.month for r in month)
    assert page.fig_held.number.text() == str(len(month))
    hours = round(sum(r.duration_minutes for r in month) / 60, 2)
    assert page.fig_hours.number.text() == f"{hours:g} h"
    assert page.fig_planned.number.text() == str(len(sessions.upcoming(demo_db, days=14)))
    overdue = actions.open_actions(demo_db, overdue_only=True)
    assert overdue and page.fig_overdue.number.text() == str(len(overdue))
    flagged = risk.needing_attention(demo_db)
    assessed = risk.assess_all(demo_db)
    assert page.fig_attention.number.text() == f"{len(flagged)} of {len(assessed)}"
    bare = [a.client_name for a in assessed if a.no_data]
    assert _names(page) == [a.client_name for a in flagged] + bare

    # The overdue list shows the oldest few, each opening its client.
    first = page.overdue_model
    assert first.text(0, 0) == overdue[0].client_name
    assert first.text(0, 1) == overdue[0].text
    assert page.overdue_title.text().startswith(f"Overdue actions · {len(overdue)}")


def test_engagements_used_up_or_ending_open_their_client(qtbot, win, demo_db):
    page = win.dashboard_page
    elodie = _client_id(demo_db, "Élodie")
    engagement = engagements.list_all(demo_db, client_id=elodie)[0]
    assert sessions.usage(demo_db, engagement.id).used_up
    m = page.engagement_model
    rows = {m.text(r, 0): m.text(r, 1) for r in range(m.rowCount())}
    assert rows["Élodie Fontaine"].startswith("Agreement used up: 10 of 10 sessions")
    # An engagement ending in 10 days joins the list.
    zoe = _client_id(demo_db, "Zoë")
    zoe_engagement = engagements.list_all(demo_db, client_id=zoe)[0]
    ends = date.today() + timedelta(days=10)
    engagements.update(demo_db, zoe_engagement.id, end_date=ends)
    _notify(qtbot, win, "engagement")
    rows = {m.text(r, 0): m.text(r, 1) for r in range(m.rowCount())}
    assert rows["Zoë Whitfield"] == f"Ends on {risk.day_text(ends)} (in 10 days)"
    assert "1 ending within 30 days" in page.engagements_title.text()
    # One whose end date has passed while it is still marked active is named first.
    engagements.update(demo_db, zoe_engagement.id, end_date=date.today() - timedelta(days=3))
    _notify(qtbot, win, "engagement")
    past = [m.text(r, 1) for r in range(m.rowCount()) if m.text(r, 0) == "Zoë Whitfield"]
    assert past == [f"Ended on {risk.day_text(date.today() - timedelta(days=3))}, still marked "
                    "active"]
    assert "past their end date" in page.engagements_title.text()
    engagements.update(demo_db, zoe_engagement.id, end_date=ends)
    _notify(qtbot, win, "engagement")
    row = next(r for r in range(m.rowCount()) if m.text(r, 0) == "Zoë Whitfield")
    rect = page.engagements.visualRect(m.index(row, 0))
    with qtbot.waitSignal(page.open_client) as opened:
        qtbot.mouseClick(page.engagements.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.engagements.viewport(), Qt.MouseButton.LeftButton,
                          pos=rect.center())
    assert opened.args == [zoe]


def test_a_new_low_reading_puts_a_client_on_the_list_with_hostile_text_intact(qtbot, win,
                                                                           demo_db):
    page = win.dashboard_page
    name = 'Ana <b>&"\' 🙂 أحمد 陈'
    cid = clients.create(demo_db, name=name).id
    stay = indicators.by_key(demo_db, "intent_to_stay")
    indicators.add_reading(demo_db, cid, stay.id, date.today() - timedelta(days=2), 2)
    _notify(qtbot, win, "reading")
    row = _row_of(page, "Ana")
    m = page.attention_model
    assert m.data(m.index(row, 0)) == name
    assert "Intent to stay is low: 2 on a scale of 1 to 10" in m.data(m.index(row, 2))
    assert m.data(m.index(row, 3)) == "none held yet"


def test_chart_shows_the_practice_averages_key_lines_first(qtbot, win, demo_db):
    chart = win.dashboard_page.chart
    assert chart.point_count() > 10
    assert chart.visible_names() == ["Engagement at work", "Commitment to the organization",
                                     "Intent to stay", "Wellbeing and resilience"]
    assert all(1 <= p.value <= 10 for s in chart.series for p in s.points)
    tips = [p.tip for s in chart.series if s.name == "Intent to stay" for p in s.points]
    assert tips and all("on 1 to 10" in t and "client" in t for t in tips)
    # The coach's choice of lines survives a reload.
    chart.set_series_visible("Confidence in role", True)
    win.dashboard_page.reload()
    assert "Confidence in role" in chart.visible_names()


def test_empty_practice_says_so_instead_of_failing(qtbot, db):
    page = DashboardPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.reload()
    assert page.attention_model.rowCount() == 0
    assert page.reasons.toPlainText().startswith("No one needs attention right now")
    assert page.fig_held.number.text() == "0" and page.fig_attention.number.text() == "0 of 0"
    assert page.chart.point_count() == 0
    assert "No indicator readings" in page.chart.empty_text
    page.grab()  # paints without data


def test_how_it_is_worked_out_names_the_rules(win):
    summary = rules_summary()
    assert "5 or below is amber" in summary and "3 or below red" in summary
    assert "3 warning signs at once" in summary
    link = win.dashboard_page.explain_link
    assert link.toolTip() == summary and "How is this worked out?" in link.text()


def test_load_dashboard_is_the_same_data_for_a_fixed_day(demo_db):
    day = date.today()
    data = load_dashboard(demo_db, day)
    assert [a.client_id for a in data.attention] == \
        [a.client_id for a in risk.needing_attention(demo_db, day)]
    assert data.assessed == len(risk.assess_all(demo_db, day))
    # The set-based session figures agree with the engine's per-session lists.
    last = {cid: pair[0] for cid, pair in sessions.last_and_next(demo_db, day).items()}
    assert sum(d is not None for d in last.values()) >= 8
    assert all(data.last_held.get(cid) == held for cid, held in last.items())
    overdue = actions.open_actions(demo_db, overdue_only=True, today=day)
    assert data.overdue_count == len(overdue)
    assert [(a.client_id, a.text, a.due_date) for a in data.overdue] == \
        [(a.client_id, a.text, a.due_date) for a in overdue[:len(data.overdue)]]
    month = [r for r in sessions.recent(demo_db, days=day.day - 1, today=day) if r.status == "held"]
    assert data.held_this_month == len(month)
    assert data.planned_soon == len(sessions.upcoming(demo_db, days=14, today=day)) > 0


def test_enter_on_a_client_in_need_opens_the_tab_that_shows_why(qtbot, win):
    from ui.pages.dashboard import REASON_TAB

    page = win.dashboard_page
    m = page.attention_model
    assert m.rowCount() > 0
    opened = []
    for row in range(min(m.rowCount(), 4)):
        win.show_nav("dashboard")
        with qtbot.waitSignal(page.loaded, timeout=10000):
            pass
        a = m.assessment(row)
        worst = next(r for r in a.reasons if r.level == a.level)
        page.attention.setFocus()
        page.attention.setCurrentIndex(m.index(row, 0))
        qtbot.keyClick(page.attention, Qt.Key.Key_Return)
        assert win.stack.currentWidget() is win.client_page
        assert win.client_page.client.id == a.client_id
        assert win.client_page.tabs.currentIndex() == REASON_TAB.get(worst.rule, 0)
        opened.append(worst.rule)
    # Søren's intent to stay fell: his page opens on the indicators
    assert any(rule in ("low_value", "falling_trend") for rule in opened)


def test_a_change_while_it_shows_is_worked_out_off_the_gui_thread(qtbot, win, monkeypatch):
    """A write while the dashboard shows reloads it in the background (the practice-wide
    signal is worked out afresh after a write): the window answers meanwhile."""
    import threading

    from ui.pages import dashboard

    page = win.dashboard_page
    cid = _client_id(win.ctx.db, "José")
    threads = []
    real = dashboard.load_dashboard

    def watched(db, today=None):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(db, today)

    monkeypatch.setattr(dashboard, "load_dashboard", watched)
    intent = indicators.by_key(win.ctx.db, "intent_to_stay")
    indicators.add_reading(win.ctx.db, cid, intent.id, date.today(), 1)
    win.ctx.data_changed.emit("readings")
    assert page.date_label.text().startswith("Working out")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        pass
    assert threads == [False]
    assert any(n.startswith("José") for n in _names(page))


def test_a_failed_load_is_a_plain_sentence(qtbot, win, monkeypatch):
    from ui.pages import dashboard

    def broken(db, today=None):
        raise RuntimeError("SELECT secret FROM client -- Søren's private words")

    monkeypatch.setattr(dashboard, "load_dashboard", broken)
    page = win.dashboard_page
    page.reload_in_background()
    qtbot.waitUntil(lambda: not page.date_label.text().startswith("Working out"), timeout=10000)
    text = page.date_label.text()
    assert text == "The dashboard could not be loaded just now; try again."
    assert "SELECT" not in text and "Søren" not in text


def test_changes_in_quick_succession_work_the_practice_out_once_more_not_each_time(
        qtbot, win, monkeypatch):
    """Three writes heard while a load is under way: the loads they asked for wait in
    line, and only the newest of them runs (the others would be thrown away)."""
    import threading

    from ui.pages import dashboard

    page = win.dashboard_page
    gate = threading.Event()
    runs = []
    real = dashboard.load_dashboard

    def slow(db, today=None):
        runs.append(1)
        gate.wait(10)
        return real(db, today)

    monkeypatch.setattr(dashboard, "load_dashboard", slow)
    page.reload_in_background()
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=10000)  # the first load is under way
    for what in ("reading", "session", "action"):
        win.ctx.notify(what)
    gate.set()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        pass
    qtbot.wait(200)
    assert len(runs) == 2  # the one under way, then the newest


def test_the_page_leaves_the_shared_assessments_as_they_were(qtbot, win):
    """The dashboard's assessments are the kept ones, shared with the next load: showing,
    selecting, reloading and opening them must change none of them."""
    db = win.ctx.db

    def snapshot():
        return [(a.client_id, a.level, a.no_data, list(a.reasons))
                for a in risk.shared_assessments(db)]

    before = snapshot()
    page = win.dashboard_page
    assert page.data.attention[0] is risk.shared_assessments(db)[0]  # shared, not copied
    m = page.attention_model
    for row in range(min(m.rowCount(), 5)):
        page.attention.setCurrentIndex(m.index(row, 0))
        for col in range(m.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                m.data(m.index(row, col), role)
    page.reload()
    page.grab()
    with qtbot.waitSignal(page.open_client_tab):
        page._open_attention(m.index(0, 0))
    assert snapshot() == before


def test_the_agenda_says_it_is_working_out_never_nothing_planned_before_it_knows(qtbot, demo_db):
    from ui.context import AppContext
    from ui.pages import dashboard_agenda
    from ui.pages.dashboard import DashboardPage

    page = DashboardPage(AppContext(demo_db))
    qtbot.addWidget(page)
    page.show()
    assert page.agenda.empty.isVisible()
    assert page.agenda.empty.text() == dashboard_agenda.WORKING, "nothing is known yet"
    page.reload()
    if page.data.agenda:
        assert page.agenda.view.isVisible() and not page.agenda.empty.isVisible()
    else:
        assert page.agenda.empty.text() == dashboard_agenda.EMPTY
