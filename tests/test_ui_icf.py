"""The ICF coaching log dialog (ui/dialogs/icf_dialog.py): period, scope, preview, totals, CSV."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox
from ui_helpers import when_modal

from coachdesk.hours import minutes_as_hours
from coachdesk.services import clients, engagements, icf, sessions
from ui.context import AppContext
from ui.dialogs.icf_dialog import IcfLogDialog, period_for
from ui.main_window import MainWindow

HOSTILE = "<b>&\"' 🙂 راشد 陈静"
TODAY = date(2026, 11, 20)


@pytest.fixture
def dialog(qtbot, demo_db):
    d = IcfLogDialog(AppContext(demo_db), today=TODAY)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.fixture
def saved(monkeypatch):
    shown = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, _k=kind, **kw: shown.append((_k, text))))
    return shown


def choose(combo, data) -> None:
    """Pick an entry the way a coach does: focus the combo and step to it with the keyboard."""
    target = combo.findData(data)
    assert target >= 0, data
    combo.setFocus()
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        before = combo.currentIndex()
        from PySide6.QtTest import QTest

        QTest.keyClick(combo, key)
        assert combo.currentIndex() != before, "the combo did not move"


def shown_rows(d) -> list[list[str]]:
    m = d.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_opens_from_the_file_menu_with_the_whole_history(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    seen = {}

    def look(d):
        seen["rows"] = d.model.rowCount()
        seen["from"], seen["to"] = d.date_from.value(), d.date_to.value()
        d.reject()

    state = when_modal(look)
    win.findChild(QAction, "actionIcfLog").trigger()
    assert state["done"] and state["error"] is None
    assert seen["rows"] == len(icf.coaching_log(demo_db)) > 0
    assert seen["from"] is None and seen["to"] is None  # the whole history


def test_one_client_totals_equal_the_engine_and_save_csv_writes_them(qtbot, dialog, demo_db,
                                                                     tmp_path, monkeypatch, saved):
    grace = next(r.id for r in clients.list_rows(demo_db) if r.name == "Grace Mensah")
    choose(dialog.scope, "client")
    choose(dialog.client, grace)
    rows = icf.coaching_log(demo_db, client_id=grace)
    total = icf.totals(rows)
    assert total.pro_bono_minutes > 0
    assert dialog.model.rowCount() == len(rows) == 2  # individual and group rows
    text = dialog.totals.text()
    # hours as the app writes them everywhere (coachdesk.hours): "0", "4.75"
    assert f"Paid: {minutes_as_hours(total.paid_minutes)} hours" in text
    assert f"Pro bono: {minutes_as_hours(total.pro_bono_minutes)} hours" in text
    assert {r[0] for r in shown_rows(dialog)} == {"Grace Mensah"}

    target = tmp_path / "log" / "grace"
    target.parent.mkdir()
    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda parent, caption, suggested, *a, **k: offered.append(suggested) or (str(target), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = target.with_suffix(".csv")
    assert written.exists() and offered[0].endswith(f"ICF coaching log — start to {TODAY}.csv")
    with open(written, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:8] == icf.HEADER
    assert len(table) == 3
    assert sum(float(r[6]) for r in table[1:]) == pytest.approx(total.paid_hours)
    assert sum(float(r[7]) for r in table[1:]) == pytest.approx(total.pro_bono_hours)
    notice = dialog.saved_notice  # "Saved to …" with Open folder, not blocking the coach
    assert notice.isVisible() and not notice.isModal() and str(written) in notice.text()
    assert not saved, "no blocking box on a save that worked"


def test_quick_periods_and_chosen_dates(qtbot, dialog, demo_db):
    choose(dialog.period, "last12")
    assert (dialog.date_from.value(), dialog.date_to.value()) == (date(2025, 11, 20), TODAY)
    expected = icf.coaching_log(demo_db, date(2025, 11, 20), TODAY)
    assert dialog.model.rowCount() == len(expected)
    choose(dialog.period, "this_year")
    assert dialog.date_from.value() == date(2026, 1, 1)
    # Editing a date by hand makes the period "Chosen dates".
    dialog.date_from.set_value(date(2026, 10, 1))
    assert dialog.period.currentData() == "custom"
    rows = icf.coaching_log(demo_db, date(2026, 10, 1), TODAY)
    assert dialog.model.rowCount() == len(rows)
    assert period_for("last12", date(2028, 2, 29)) == (date(2027, 2, 28), date(2028, 2, 29))
    assert period_for("last_year", TODAY) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_start_after_the_end_is_one_plain_line_and_no_csv(qtbot, dialog):
    dialog.date_from.set_value(date(2026, 6, 1))
    dialog.date_to.set_value(date(2026, 1, 1))
    error = dialog.findChild(type(dialog.error), "icfLogError")
    assert error.isVisibleTo(dialog) and "start is after its end" in error.text()
    assert dialog.model.rowCount() == 0 and not dialog.save_button.isEnabled()


def test_one_engagement_gets_its_own_row_and_label(qtbot, dialog, demo_db):
    grace = next(r.id for r in clients.list_rows(demo_db) if r.name == "Grace Mensah")
    choose(dialog.scope, "engagement")
    choose(dialog.client, grace)
    engagement = dialog.engagement.currentData()
    rows = icf.coaching_log(demo_db, engagement_id=engagement, client_id=grace,
                            per_engagement=True)
    assert dialog.model.rowCount() == len(rows) > 0
    assert dialog.model.headerData(8, Qt.Orientation.Horizontal) == "Engagement"
    assert all(r[8] == rows[0].engagement_label for r in shown_rows(dialog))


def test_hostile_names_survive_on_screen_and_in_the_file(qtbot, db, tmp_path, monkeypatch,
                                                         saved):
    client = clients.create(db, HOSTILE, email="x@example.org")
    eng = engagements.create(db, client.id, start_date=date(2026, 1, 1), pro_bono=True)
    sessions.create(db, eng.id, date(2026, 1, 10), status="held", duration_minutes=90)
    d = IcfLogDialog(AppContext(db), today=TODAY)
    qtbot.addWidget(d)
    assert d.client.itemText(0) == HOSTILE
    assert shown_rows(d)[0][0] == HOSTILE and shown_rows(d)[0][7] == "1.50"
    out = tmp_path / "h.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "")))
    d.save_csv()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[1][0] == HOSTILE


def test_an_empty_practice_says_the_log_is_empty(qtbot, db):
    d = IcfLogDialog(AppContext(db), today=TODAY)
    qtbot.addWidget(d)
    assert d.model.rowCount() == 0
    assert "empty" in d.totals.text() and not d.save_button.isEnabled()
