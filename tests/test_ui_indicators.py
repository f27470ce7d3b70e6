"""The Indicators tab, quick entry of readings and the indicator library, driven as a coach would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import type_text, when_modal

from coachdesk.models import ReadingSource
from coachdesk.services import clients, engagements, sessions
from coachdesk.services import indicators as ind
from coachdesk.services.charts import IndicatorSeries, ReadingPoint
from ui.context import AppContext
from ui.dialogs.indicator_library import IndicatorDialog, IndicatorLibraryDialog
from ui.dialogs.readings_dialog import QUICK_ENTRY_KEY, QuickEntryDialog, ReadingDialog
from ui.main_window import MainWindow
from ui.pages.client_progress import chart_series

HOSTILE = "Tired <b>&\"' 🙂 راشد 陈静"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    window.open_client(jose.id)
    return window


@pytest.fixture
def tab(win):
    page = win.client_page
    progress = page.section_tabs[0]
    page.tabs.setCurrentWidget(progress)
    assert progress.client is not None and progress.client.id == page.client.id
    return progress


def indicator(db, key):
    return ind.by_key(db, key)


def set_spin(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def test_quick_entry_saves_readings_and_the_tab_shows_them(qtbot, win, tab, demo_db):
    cid = tab.client.id
    intent, wellbeing = indicator(demo_db, "intent_to_stay"), indicator(demo_db, "wellbeing")
    before_points = tab.chart.point_count()
    before_readings = len(ind.readings_for_client(demo_db, cid))
    day = date.today() + timedelta(days=1)  # later than anything in the demo: the new latest value

    def fill(dialog):
        assert isinstance(dialog, QuickEntryDialog)
        assert dialog.engagement.currentData() == engagements.pick_current(
            engagements.list_all(demo_db, client_id=cid)).id
        dialog.date.set_value(day)
        dialog.source.setCurrentIndex(dialog.source.findData("self_rating"))
        qtbot.mouseClick(dialog.none_button, LEFT)
        assert dialog.checked_ids() == []
        for i in (intent, wellbeing):
            dialog.rows[i.id].check.setChecked(True)
        set_spin(qtbot, dialog.rows[intent.id].value, "4")
        set_spin(qtbot, dialog.rows[wellbeing.id].value, "6")
        dialog.rows[intent.id].comment.setFocus()
        type_text(dialog.rows[intent.id].comment, HOSTILE)
        # The spin box carries the indicator's description as its tooltip.
        assert intent.description[:40] in dialog.rows[intent.id].value.toolTip()
        qtbot.mouseClick(dialog.save_button, LEFT)

    with qtbot.waitSignal(win.ctx.data_changed, timeout=3000,
                          check_params_cb=lambda what: what == "reading"):
        state = when_modal(fill)
        qtbot.mouseClick(tab.rate_button, LEFT)
    assert state["done"] and state["error"] is None

    saved = ind.readings_for_client(demo_db, cid)
    assert len(saved) == before_readings + 2
    new = {r.indicator_id: r for r in saved if r.reading_date == day}
    assert new[intent.id].value == 4 and new[wellbeing.id].value == 6
    assert new[intent.id].source == ReadingSource.self_rating
    assert new[intent.id].private_comment == HOSTILE and new[wellbeing.id].private_comment == ""

    # The tab updated by itself: two more points, the new latest value, the comment marked private.
    assert tab.chart.point_count() == before_points + 2
    latest = {tab.latest_model.latest(r).indicator_id: r for r in range(tab.latest_model.rowCount())}
    row = latest[intent.id]
    assert tab.latest_model.index(row, 1).data() == "4 / 10"
    assert tab.latest_model.index(row, 4).data() == "Self-rating"
    texts = [tab.readings_proxy.index(r, 5).data() for r in range(tab.readings_proxy.rowCount())]
    assert f"🔒 {HOSTILE}" in texts
    assert "🔒" in tab.readings_model.headerData(5, Qt.Orientation.Horizontal)

    # The ticked set is remembered for next time.
    dialog = QuickEntryDialog(win.ctx, cid)
    qtbot.addWidget(dialog)
    assert sorted(dialog.checked_ids()) == sorted([intent.id, wellbeing.id])
    # Nothing is pre-filled: the last value is a hint beside an empty box.
    assert dialog.rows[intent.id].value.rating() is None
    assert dialog.rows[intent.id].value.text() == ""
    assert f"last 4 on {day.day} {day:%b %Y}" in dialog.rows[intent.id].hint.text()


def test_change_arrow_follows_the_indicators_direction(qtbot, tab, demo_db):
    cid = tab.client.id
    stress = ind.create(demo_db, "Stress", "How pressed", 1, 10, higher_is_better=False)
    later = date.today() + timedelta(days=3)
    ind.add_reading(demo_db, cid, stress.id, later - timedelta(days=1), 7)
    ind.add_reading(demo_db, cid, stress.id, later, 4)
    tab.ctx.notify("reading")
    rows = {tab.latest_model.latest(r).indicator_id: r for r in range(tab.latest_model.rowCount())}
    change = tab.latest_model.index(rows[stress.id], 2)
    assert change.data() == "▲ 7 → 4"  # the value fell, and for stress that is better
    assert "Better" in change.data(Qt.ItemDataRole.ToolTipRole)
    ind.add_reading(demo_db, cid, stress.id, later + timedelta(days=1), 9)
    tab.ctx.notify("reading")
    rows = {tab.latest_model.latest(r).indicator_id: r for r in range(tab.latest_model.rowCount())}
    assert tab.latest_model.index(rows[stress.id], 2).data() == "▼ 4 → 9"


def test_out_of_scale_value_shows_a_message_beside_its_row_and_saves_nothing(qtbot, win, tab,
                                                                              demo_db):
    cid = tab.client.id
    intent, engagement = indicator(demo_db, "intent_to_stay"), indicator(demo_db, "engagement")
    before = len(ind.readings_for_client(demo_db, cid))
    points = tab.chart.point_count()

    def fill(dialog):
        qtbot.mouseClick(dialog.none_button, LEFT)
        dialog.rows[engagement.id].check.setChecked(True)
        dialog.rows[intent.id].check.setChecked(True)
        set_spin(qtbot, dialog.rows[engagement.id].value, "7")
        set_spin(qtbot, dialog.rows[intent.id].value, "12")
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.isVisible()  # refused: still open, nothing lost
        error = dialog.rows[intent.id].error
        assert error.isVisible() and "1 to 10" in error.text() and "12" in error.text()
        assert not dialog.rows[engagement.id].error.isVisible()
        assert len(ind.readings_for_client(demo_db, cid)) == before  # all or nothing
        # Nothing ticked: a plain sentence, not a traceback.
        qtbot.mouseClick(dialog.none_button, LEFT)
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.values_error.isVisible() and "at least one" in dialog.values_error.text()
        dialog.reject()

    state = when_modal(fill)
    assert tab.rate() is False
    assert state["done"] and state["error"] is None, state["error"]
    assert len(ind.readings_for_client(demo_db, cid)) == before
    assert tab.chart.point_count() == points
    with demo_db.session() as s:  # the choice is remembered only when readings are saved
        from coachdesk.models import Setting

        assert s.get(Setting, QUICK_ENTRY_KEY) is None


def test_engagement_filter_chooser_and_tooltips(qtbot, tab, demo_db):
    cid = tab.client.id
    intent = indicator(demo_db, "intent_to_stay")
    old = engagements.create(demo_db, client_id=cid, start_date=date(2020, 1, 6),
                             end_date=date(2020, 12, 18), status="completed")
    ind.add_reading(demo_db, cid, intent.id, date(2020, 3, 12), 4, ReadingSource.self_rating,
                    engagement_id=old.id)
    tab.ctx.notify("engagement")
    tab.engagement.setCurrentIndex(tab.engagement.findData(old.id))
    assert tab.readings_model.rowCount() == 1
    assert tab.chart.point_count() == 1
    (point,) = tab.chart.series[0].points
    assert point.tip == "Intent to stay: 4 / 10 on 12 Mar 2020 — client's self-rating"
    assert point.value == pytest.approx(100 * 3 / 9)
    assert tab.latest_model.rowCount() == 1
    tab.engagement.setCurrentIndex(0)  # all engagements
    assert tab.readings_model.rowCount() == len(ind.readings_for_client(demo_db, cid))
    # Hiding an indicator in the chooser hides its line and its rows.
    action = tab.chooser_actions[intent.id]
    action.trigger()
    assert intent.name not in tab.chart.visible_names()
    shown = {tab.readings_proxy.index(r, 1).data() for r in range(tab.readings_proxy.rowCount())}
    assert intent.name not in shown
    assert "hidden" in tab.readings_note.text()
    # A legend click on the chart brings it back, and the chooser follows.
    tab.chart.set_series_visible(intent.name, True)
    assert action.isChecked()
    assert tab.readings_proxy.rowCount() == tab.readings_model.rowCount()


def test_chart_series_share_of_scale_respects_direction():
    s = IndicatorSeries(1, None, "Stress", 0, 100, False, False,
                        [ReadingPoint(date(2026, 3, 2), 25, ReadingSource.feedback_360)])
    (series,) = chart_series([s])
    assert series.points[0].value == pytest.approx(75)  # lower is better: 25 of 100 plots high
    assert series.points[0].marker == list(ReadingSource).index(ReadingSource.feedback_360)
    assert series.points[0].tip == "Stress: 25 / 100 (lower is better) on 2 Mar 2026 — 360 feedback"


def test_edit_and_delete_a_reading_from_the_table(qtbot, tab, demo_db):
    cid = tab.client.id
    intent = indicator(demo_db, "intent_to_stay")
    reading = ind.add_reading(demo_db, cid, intent.id, date.today() + timedelta(days=5), 5,
                              private_comment="first thought")
    tab.ctx.notify("reading")
    row = next(r for r in range(tab.readings_proxy.rowCount())
               if tab.readings_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == reading.id)
    tab.readings_table.selectRow(row)
    assert tab.edit_button.isEnabled() and tab.delete_button.isEnabled()

    def edit(dialog):
        assert isinstance(dialog, ReadingDialog)
        set_spin(qtbot, dialog.value, "11")
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.isVisible() and "outside" in dialog.errors["value"].text()
        set_spin(qtbot, dialog.value, "8")
        dialog.comment.clear()
        dialog.comment.setFocus()
        type_text(dialog.comment, HOSTILE)
        qtbot.mouseClick(dialog.save_button, LEFT)

    state = when_modal(edit)
    qtbot.mouseClick(tab.edit_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    stored = ind.get_reading(demo_db, reading.id)
    assert stored.value == 8 and stored.private_comment == HOSTILE

    row = next(r for r in range(tab.readings_proxy.rowCount())
               if tab.readings_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == reading.id)
    tab.readings_table.selectRow(row)
    before = tab.chart.point_count()

    def confirm(box):
        assert isinstance(box, QMessageBox) and "Intent to stay" in box.text()
        delete = next(b for b in box.buttons() if b.text() == "Delete")
        qtbot.mouseClick(delete, LEFT)

    state = when_modal(confirm)
    qtbot.mouseClick(tab.delete_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    assert all(r.id != reading.id for r in ind.readings_for_client(demo_db, cid))
    assert tab.chart.point_count() == before - 1


def test_session_page_rate_indicators_opens_quick_entry_for_that_session(qtbot, win, demo_db):
    cid = win.client_page.client.id
    held = [s for s in sessions.list_for_client(demo_db, cid) if s.status.value == "held"]
    session = held[-1]
    win.open_session(session.id)
    page = win.session_page
    seen = {}

    def look(dialog):
        seen["type"] = type(dialog)
        seen["date"] = dialog.date.value()
        seen["engagement"] = dialog.engagement.currentData()
        dialog.reject()

    state = when_modal(look)
    qtbot.mouseClick(page.rate_button, LEFT)
    assert state["done"] and state["error"] is None
    assert seen["type"] is QuickEntryDialog
    assert seen["date"] == session.session_date
    assert seen["engagement"] == session.engagement_id


def test_library_opens_from_the_edit_menu(qtbot, win):
    action = win.findChild(type(win.new_session_action), "actionIndicatorLibrary")
    seen = {}

    def look(dialog):
        seen["type"] = type(dialog)
        seen["rows"] = dialog.model.rowCount()
        dialog.reject()

    state = when_modal(look)
    action.trigger()
    assert state["done"] and seen["type"] is IndicatorLibraryDialog and seen["rows"] >= 9


@pytest.fixture
def library(qtbot, demo_db):
    dialog = IndicatorLibraryDialog(AppContext(demo_db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def select(dialog, indicator_id):
    dialog.table.selectRow(dialog.model.row_of(indicator_id))
    assert dialog.selected_id() == indicator_id


def test_library_add_rename_scale_refused_retire(qtbot, library, demo_db):
    name = "Psychological safety <b>&\"' 🙂 陈"

    def add(dialog):
        assert isinstance(dialog, IndicatorDialog)
        dialog.name.setFocus()
        type_text(dialog.name, name)
        dialog.scale_min.setValue(0)
        dialog.scale_max.setValue(100)
        dialog.direction.setCurrentIndex(dialog.direction.findData(False))
        qtbot.mouseClick(dialog.save_button, LEFT)

    state = when_modal(add)
    qtbot.mouseClick(library.add_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    created = next(i for i in ind.list_all(demo_db) if i.name == name)
    assert (created.scale_min, created.scale_max, created.higher_is_better) == (0, 100, False)
    assert library.selected_id() == created.id  # the new one is selected, shown as typed
    assert library.model.index(library.model.row_of(created.id), 0).data() == name

    # Rename; then a scale that would not hold a reading already taken is refused beside the scale.
    cid = clients.list_rows(demo_db)[0].id
    ind.add_reading(demo_db, cid, created.id, date.today(), 80)

    def rename(dialog):
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Safety to speak up")
        dialog.scale_max.setValue(50)
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.isVisible()
        assert "80" in dialog.errors["scale"].text() and dialog.errors["scale"].isVisible()
        dialog.scale_max.setValue(100)
        qtbot.mouseClick(dialog.save_button, LEFT)

    state = when_modal(rename)
    qtbot.mouseClick(library.edit_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    assert ind.get(demo_db, created.id).name == "Safety to speak up"
    assert ind.get(demo_db, created.id).scale_max == 100

    # Retire, and bring back.
    qtbot.mouseClick(library.retire_button, LEFT)
    assert ind.get(demo_db, created.id).retired
    assert library.retire_button.text() == "Bring back"
    assert created.id not in [i.id for i in ind.list_all(demo_db)]
    qtbot.mouseClick(library.retire_button, LEFT)
    assert not ind.get(demo_db, created.id).retired


def test_library_reorder_and_delete(qtbot, library, demo_db):
    first, second = ind.list_all(demo_db)[:2]
    select(library, second.id)
    qtbot.mouseClick(library.up_button, LEFT)
    assert [i.id for i in ind.list_all(demo_db)[:2]] == [second.id, first.id]
    assert library.model.indicator(0).id == second.id and library.selected_id() == second.id
    qtbot.mouseClick(library.down_button, LEFT)
    assert [i.id for i in ind.list_all(demo_db)[:2]] == [first.id, second.id]

    # A used indicator cannot be deleted: the engine says why, and retiring is offered.
    used = ind.create(demo_db, "Used one")
    ind.add_reading(demo_db, clients.list_rows(demo_db)[0].id, used.id, date.today(), 5)
    library.reload(used.id)
    seen = {}

    def offer(box):
        seen["text"] = box.text()
        retire = next(b for b in box.buttons() if b.text() == "Retire it")
        qtbot.mouseClick(retire, LEFT)

    state = when_modal(offer)
    qtbot.mouseClick(library.delete_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    assert "cannot be deleted" in seen["text"]
    assert ind.get(demo_db, used.id).retired  # kept, with its reading

    # One never used goes, after a confirmation.
    spare = ind.create(demo_db, "Never rated")
    library.reload(spare.id)

    def confirm(box):
        qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Delete"), LEFT)

    state = when_modal(confirm)
    qtbot.mouseClick(library.delete_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    assert spare.id not in [i.id for i in ind.list_all(demo_db, include_retired=True)]
    assert library.model.row_of(spare.id) == -1


def test_library_notifies_indicator_and_the_tab_follows_a_rename(qtbot, win, tab, demo_db):
    intent = indicator(demo_db, "intent_to_stay")
    ind.add_reading(demo_db, tab.client.id, intent.id, date.today() + timedelta(days=2), 6)
    tab.ctx.notify("reading")
    dialog = IndicatorLibraryDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    select(dialog, intent.id)

    def rename(d):
        d.name.clear()
        qtbot.keyClicks(d.name, "Plans to stay")
        qtbot.mouseClick(d.save_button, LEFT)

    with qtbot.waitSignal(win.ctx.data_changed, timeout=3000):
        state = when_modal(rename)
        qtbot.mouseClick(dialog.edit_button, LEFT)
    assert state["done"] and state["error"] is None
    dialog.close()
    assert "Plans to stay" in [s.name for s in tab.chart.series]
    names = [tab.latest_model.index(r, 0).data() for r in range(tab.latest_model.rowCount())]
    assert "Plans to stay" in names
