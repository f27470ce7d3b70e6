"""Signals that do not mislead (issue 11, item 9): "No data yet" for a client with nothing
recorded, a readings form that saves only what was rated, a date axis that reads right,
series that never hide each other, the explanation shipped and shown in the app, the
title, and the dashboard's agenda of today and tomorrow."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import when_modal

from coachdesk.services import actions, clients, engagements, goals, practice, risk, sessions
from coachdesk.services import indicators as ind
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.widgets.line_chart import SERIES_COLOURS, ChartPoint, ChartSeries, LineChart

ROOT = Path(__file__).resolve().parents[1]
LEFT = Qt.MouseButton.LeftButton
TODAY = date(2026, 11, 29)


def new_client(db, name="Noor Haddad", start=TODAY):
    client = clients.create(db, name)
    eng = engagements.create(db, client.id, start_date=start, sessions_agreed=6,
                             end_date=start + timedelta(days=180), status="active")
    return client, eng


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


# -- "No data yet" ---------------------------------------------------------------------------


def test_no_data_yet_means_nothing_held_read_or_rated_and_no_rule_firing(db):
    client, eng = new_client(db)
    a = risk.assess(db, client.id, TODAY)
    assert a.no_data and a.signal == "no_data" and a.level == risk.Level.green
    assert a.reasons == [] and a.explanation == [risk.NO_DATA_TEXT]
    assert not a.needs_attention

    # A planned session, an unrated goal: still nothing to judge by.
    planned = sessions.create(db, eng.id, TODAY + timedelta(days=3), status="planned")
    goal = goals.create(db, eng.id, "Lead the practice group")
    assert risk.assess(db, client.id, TODAY).no_data

    # Each kind of data ends "No data yet" on its own.
    intent = ind.by_key(db, "intent_to_stay").id
    for n, add in enumerate((
            lambda e, c: sessions.create(db, e.id, TODAY, status="held"),
            lambda e, c: ind.add_reading(db, c.id, intent, TODAY, 7),
            lambda e, c: goals.add_rating(db, goals.create(db, e.id, "Delegate").id, TODAY, -1))):
        someone, their_eng = new_client(db, f"Client {n}")
        assert risk.assess(db, someone.id, TODAY).no_data
        add(their_eng, someone)
        a = risk.assess(db, someone.id, TODAY)
        assert not a.no_data and a.signal == "green" and a.explanation == [], n
    goals.add_rating(db, goal.id, TODAY, -1)
    assert not risk.assess(db, client.id, TODAY).no_data

    # A rule that fires gives its colour, data or not.
    other, other_eng = new_client(db, "Ada Brennan", start=TODAY - timedelta(days=120))
    a = risk.assess(db, other.id, TODAY)
    assert not a.no_data and a.signal in ("amber", "red")
    assert a.reasons[0].rule == "session_gap"
    third, third_eng = new_client(db, "Bo Lindqvist")
    first = sessions.create(db, third_eng.id, TODAY + timedelta(days=1), status="planned")
    actions.create(db, first.id, "Draft the plan", due_date=TODAY + timedelta(days=1))
    assert risk.assess(db, third.id, TODAY + timedelta(days=5)).signal == "amber"
    assert planned.id  # (kept planned throughout)


def test_the_dashboard_lists_no_data_clients_apart_from_the_ones_needing_attention(db):
    client, _ = new_client(db)
    data = practice.load_dashboard(db, TODAY)
    assert [a.client_id for a in data.no_data] == [client.id]
    assert client.id not in [a.client_id for a in data.attention]
    assert data.assessed == 1


def test_a_new_client_says_no_data_yet_on_the_client_page_and_the_dashboard(qtbot, win, demo_db):
    client, eng = new_client(demo_db, "Noor <b>&\"' Haddad 🙂")
    win.clients_page.reload()
    win.open_client(client.id)
    chip = win.client_page.risk_chip
    assert chip.text() == "● No data yet"
    assert chip.toolTip() == risk.NO_DATA_TEXT
    assert "On track" not in chip.text()

    win.show_nav("dashboard")
    page = win.dashboard_page
    page.reload()
    m = page.attention_model
    row = m.row_of(client.id)
    assert row >= 0 and m.index(row, 1).data() == "● No data yet"
    assert m.index(row, 2).data() == risk.NO_DATA_TEXT
    assert row > max((m.row_of(a.client_id) for a in page.data.attention), default=-1)
    view = page.attention
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.visualRect(m.index(row, 0)).center())
    assert page.reasons.toPlainText() == (f"Why {client.name}: no data yet\n"
                                          f"• {risk.NO_DATA_TEXT}")

    # Once a session is held, the client has data: green and off the list.
    sessions.create(demo_db, eng.id, date.today(), status="held")
    page.reload()
    assert m.row_of(client.id) == -1
    win.open_client(client.id)
    assert chip.text() == "● On track"


# -- the Rate indicators form ------------------------------------------------------------------


def _rows_by_key(dialog, db):
    return {key: dialog.rows[ind.by_key(db, key).id]
            for key in ("intent_to_stay", "wellbeing", "engagement")}


def test_the_readings_form_starts_empty_and_saves_only_what_was_rated(qtbot, win, demo_db):
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    win.open_client(jose.id)
    tab = win.client_page.section_tabs[0]
    win.client_page.tabs.setCurrentWidget(tab)
    before = len(ind.readings_for_client(demo_db, jose.id))
    last = {lv.indicator_id: lv for lv in ind.latest_values(demo_db, jose.id)}
    seen = {}

    def rate(dialog):
        dialog.activateWindow()  # offscreen, a dialog opened by exec() is not always active
        qtbot.waitUntil(dialog.isActiveWindow)
        rows = _rows_by_key(dialog, demo_db)
        qtbot.mouseClick(dialog.all_button, LEFT)
        # Nothing pre-filled: every box is empty, the last value is only a hint beside it.
        assert all(r.value.text() == "" and r.value.rating() is None
                   for r in dialog.rows.values())
        intent = rows["intent_to_stay"]
        assert f"last {ind.fmt(last[intent.indicator.id].value)}" in intent.hint.text()

        # Save with nothing rated: a plain sentence, nothing saved, the dialog stays.
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.isVisible() and dialog.values_error.isVisible()
        seen["nothing"] = dialog.values_error.text()
        assert len(ind.readings_for_client(demo_db, jose.id)) == before

        # A comment with no value is not silently dropped.
        rows["wellbeing"].comment.setFocus()
        qtbot.keyClicks(QApplication.focusWidget(), "tired")
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.isVisible() and rows["wellbeing"].error.isVisible()
        seen["comment"] = rows["wellbeing"].error.text()
        rows["wellbeing"].comment.setFocus()
        rows["wellbeing"].comment.selectAll()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
        assert rows["wellbeing"].comment.text() == ""

        # The coach rates two: one typed, one stepped with the arrow key from empty,
        # which starts at the last value.
        rows["intent_to_stay"].value.setFocus()
        qtbot.keyClicks(QApplication.focusWidget(), "3")
        rows["engagement"].value.setFocus()
        qtbot.keyClick(rows["engagement"].value, Qt.Key.Key_Up)
        assert rows["engagement"].value.rating() == last[rows["engagement"].indicator.id].value
        assert sorted(dialog.rated_ids()) == sorted(
            r.indicator.id for r in (rows["intent_to_stay"], rows["engagement"]))
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert not dialog.isVisible(), dialog.general_error.text()

    state = when_modal(rate)
    qtbot.mouseClick(tab.rate_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    assert "at least one" in seen["nothing"] and "Nothing was saved" in seen["nothing"]
    assert "Wellbeing" in seen["comment"] and "tired" not in seen["comment"]
    saved = ind.readings_for_client(demo_db, jose.id)
    assert len(saved) == before + 2  # two rated: two saved, not nine
    new = {r.indicator_id: r.value for r in saved if r.reading_date == date.today()}
    assert new[ind.by_key(demo_db, "intent_to_stay").id] == 3


# -- the chart ----------------------------------------------------------------------------------


def test_a_29_november_reading_sits_after_a_tick_that_says_nov_2026(qtbot):
    chart = LineChart()
    qtbot.addWidget(chart)
    chart.resize(640, 320)
    chart.set_data([ChartSeries("Intent to stay", [ChartPoint(date(2026, 11, 29), 70)])], 0, 100)
    ticks = chart.date_ticks()
    labels = [label for _day, label in ticks]
    assert labels[0] == "Nov 2026"
    assert not any(label.endswith(" 26") for label in labels)  # "Dec 26" read as a day
    chart.show()
    chart.grab()
    (name, day, at), = chart.marker_positions()
    assert day == date(2026, 11, 29)
    nov = ticks[0][0]
    assert nov == date(2026, 11, 1)


def test_month_ticks_name_the_year_in_full_and_keep_calendar_steps():
    from ui.widgets.line_chart import month_ticks

    assert month_ticks(date(2026, 6, 1), date(2026, 11, 30), 10) == [
        (date(2026, 6, 1), "Jun 2026"), (date(2026, 7, 1), "Jul"), (date(2026, 8, 1), "Aug"),
        (date(2026, 9, 1), "Sep"), (date(2026, 10, 1), "Oct"), (date(2026, 11, 1), "Nov")]
    over_new_year = [label for _d, label in month_ticks(date(2026, 11, 1), date(2027, 2, 3), 10)]
    assert over_new_year == ["Nov 2026", "Dec", "Jan 2027", "Feb"]
    crowded = month_ticks(date(2025, 1, 1), date(2026, 12, 31), 6)
    assert [d.month for d, _l in crowded] == [1, 5, 9, 1, 5, 9]
    assert [label for _d, label in crowded][:2] == ["Jan 2025", "May"]
    years = month_ticks(date(2016, 1, 1), date(2026, 12, 31), 6)
    assert all(label.isdigit() and len(label) == 4 for _d, label in years)


def test_series_that_meet_at_one_spot_all_stay_visible_with_one_tooltip_for_all(qtbot):
    chart = LineChart()
    qtbot.addWidget(chart)
    chart.resize(640, 320)
    days = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 16)]
    names = ["Engagement at work", "Commitment", "Intent to stay"]
    chart.set_data([ChartSeries(n, [ChartPoint(d, 70, 0, f"{n}: 8 / 10 on {d}") for d in days])
                    for n in names], 0, 100)
    chart.show()
    image = chart.grab().toImage()
    where = {}
    for name, day, at in chart.marker_positions():
        where.setdefault(day, []).append((name, at))
    for day, spot in where.items():
        xs = sorted(at.x() for _n, at in spot)
        assert len(spot) == 3 and all(b - a >= 8 for a, b in zip(xs, xs[1:], strict=False)), (day, xs)
        assert len({round(at.y()) for _n, at in spot}) == 1  # the value is not moved
    # Every series' own colour is on screen at the shared spot, not only the last one's.
    for index, (name, at) in enumerate(where[days[1]]):
        colour = QColor(SERIES_COLOURS[index][0])
        assert image.pixelColor(at.toPoint()) == colour, name
    tip = chart.tip_at(where[days[1]][1][1])
    assert tip.splitlines() == [f"{n}: 8 / 10 on {days[1]}" for n in names]


# -- the explanation ------------------------------------------------------------------------------


def test_the_explanation_ships_with_the_app_and_matches_the_docs():
    shipped = ROOT / "resources" / "docs" / "retention-signal.md"
    assert shipped.read_text(encoding="utf-8") == \
        (ROOT / "docs" / "retention-signal.md").read_text(encoding="utf-8")
    # found through coachdesk.bundled (the wheel carries it: tests/test_packaging.py)
    from ui.dialogs import explanation

    assert explanation.EXPLANATION == shipped
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'coachdesk_resources = ["**/*"]' in text


def test_read_the_full_explanation_opens_it_inside_the_app(qtbot, win, monkeypatch):
    from ui.dialogs import explanation

    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    win.show_nav("dashboard")
    page = win.dashboard_page
    seen = {}

    def read(dialog):
        seen["text"] = dialog.browser.toPlainText()
        seen["name"] = dialog.objectName()
        dialog.reject()

    def summary(box):
        assert isinstance(box, QMessageBox) and box.objectName() == "signalSummary"
        seen["state"] = when_modal(read)
        qtbot.mouseClick(box.findChild(type(box.buttons()[0]), "readFullExplanation"), LEFT)

    state = when_modal(summary)
    page.explain()
    assert state["done"] and state["error"] is None, state["error"]
    assert seen["state"]["done"] and seen["state"]["error"] is None
    assert seen["name"] == "signalExplanation"
    assert seen["text"].startswith("The retention signal, and how goal attainment is scored")
    assert "No data yet" in seen["text"] and "#" not in seen["text"].splitlines()[0]
    assert opened == []  # nothing handed to another program

    # A copy without the file still explains, and says what is missing.
    monkeypatch.setattr(explanation, "EXPLANATION", ROOT / "no-such-file.md")
    dialog = explanation.ExplanationDialog(win, "• Low latest intent to stay")
    qtbot.addWidget(dialog)
    assert "missing" in dialog.browser.toPlainText()
    assert "Low latest intent to stay" in dialog.browser.toPlainText()


# -- the title ----------------------------------------------------------------------------------


def test_the_title_names_the_practice_file_and_coachdesk_once(qtbot, win, tmp_path):
    QGuiApplication.setApplicationDisplayName("CoachDesk")
    try:
        title = win.windowTitle()
        assert title == "coachdesk.db — CoachDesk"
        # Qt appends the display name unless the title already ends with it.
        shown = title if title.endswith("CoachDesk") else f"{title} — CoachDesk"
        assert shown.count("CoachDesk") == 1
        from ui.practice_file import switch_practice

        assert switch_practice(win, tmp_path / "other practice.db")
        assert win.windowTitle() == "other practice.db — CoachDesk"
        win.ctx.db.close()
    finally:
        QGuiApplication.setApplicationDisplayName("")


# -- the agenda ---------------------------------------------------------------------------------


def _agenda_practice(db, today: date):
    """Sessions around midnight of ``today`` and ``today`` + 1 (a month's or year's end)."""
    client, eng = new_client(db, "Zoë Whitfield", start=today - timedelta(days=60))
    other, other_eng = new_client(db, "Amara Okafor", start=today - timedelta(days=60))
    for n in range(2):  # two held, one cancelled late: the next is session 4
        sessions.create(db, eng.id, today - timedelta(days=40 - 10 * n), status="held")
    sessions.create(db, eng.id, today - timedelta(days=5), status="cancelled_late")
    sessions.create(db, eng.id, today - timedelta(days=4), status="cancelled")  # not counted
    made = {
        "before": sessions.create(db, eng.id, today - timedelta(days=1), start_time=time(23, 30),
                                  status="held"),
        "late": sessions.create(db, eng.id, today, start_time=time(23, 30), status="planned"),
        "untimed": sessions.create(db, other_eng.id, today, status="planned"),
        "early": sessions.create(db, other_eng.id, today, start_time=time(0, 5),
                                 status="planned", format="phone"),
        "next": sessions.create(db, eng.id, today + timedelta(days=1), start_time=time(0, 15),
                                status="planned", format="in_person"),
        "after": sessions.create(db, eng.id, today + timedelta(days=2), start_time=time(0, 15),
                                 status="planned"),
    }
    return client, other, made


@pytest.mark.parametrize("today", [date(2026, 1, 31), date(2026, 12, 31), date(2028, 2, 28)])
def test_the_agenda_lists_today_and_tomorrow_in_time_order_with_the_engagement_usage(db, today):
    client, other, made = _agenda_practice(db, today)
    items = practice.agenda(db, today)
    assert [i.session_id for i in items] == [made[k].id for k in ("early", "late", "untimed",
                                                                  "next")]
    by_id = {i.session_id: i for i in items}
    late, nxt, early = by_id[made["late"].id], by_id[made["next"].id], by_id[made["early"].id]
    # 3 held (two, and the one the day before), 1 late cancellation: this is the 5th.
    assert late.usage_text == "session 5 of 6" and nxt.usage_text == "session 6 of 6"
    assert early.usage_text == "session 1 of 6" and early.format == "Phone"
    assert by_id[made["untimed"].id].usage_text == "session 2 of 6"
    assert nxt.day == today + timedelta(days=1) and nxt.start == time(0, 15)
    assert nxt.client_name == client.name and early.client_name == other.name
    assert practice.load_dashboard(db, today).agenda == items


def test_enter_on_an_agenda_row_opens_the_session(qtbot, db):
    today = date(2026, 1, 31)
    client, _other, made = _agenda_practice(db, today)
    window = MainWindow(AppContext(db))
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_nav("dashboard")
    page = window.dashboard_page
    page.reload(today)
    view = page.agenda.view
    model = view.model()
    shown = [[model.index(r, c).data() for c in range(model.columnCount())]
             for r in range(model.rowCount())]
    assert shown[1] == ["Today 23:30", client.name, "Video", "session 5 of 6"]
    assert shown[3][0] == "Tomorrow 00:15" and shown[2][0] == "Today, no time set"
    assert page.agenda.title.text() == "Today and tomorrow · 4"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 3
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.session_page
    assert window.session_page.session.id == made["next"].id

    # Nothing planned: the agenda says so in words.
    page.reload(today + timedelta(days=10))
    assert not view.isVisibleTo(page) and page.agenda.empty.isVisibleTo(page)
    assert page.agenda.empty.text() == "Nothing planned for today or tomorrow."


# -- the status bar -----------------------------------------------------------------------------


def test_work_announced_in_the_status_bar_is_never_left_announced_when_it_fails(
        qtbot, win, monkeypatch):
    from coachdesk import backups

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: warned.append(text) or QMessageBox.StandardButton.Ok))

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "backup_now", full)
    bar = win.statusBar()
    job = win.backup_now()
    assert bar.currentMessage() == "Making a backup…"
    qtbot.waitUntil(lambda: bool(warned), timeout=10000)
    assert "…" not in bar.currentMessage() and "not made" in bar.currentMessage()
    assert job is not None

    from ui.dialogs import print_preview

    monkeypatch.setattr(print_preview, "build_worksheet_pdf", full)
    choice = print_preview.WorksheetChoiceDialog(False, win)
    qtbot.addWidget(choice)
    print_preview.print_worksheet(win.ctx, win, None, choice=choice, on_ready=lambda p: None)
    assert bar.currentMessage() == "Preparing the worksheet…"
    qtbot.waitUntil(lambda: len(warned) == 2, timeout=10000)
    assert bar.currentMessage() == "The worksheet could not be made."
