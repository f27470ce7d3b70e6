"""The Invoices page (Ctrl+6) and the dashboard's money line, through the keyboard: every
invoice listed, filtered by status (overdue included), what is owed per currency, the
accountant's CSV read back, a row opening its client, and the dashboard's figures opening
the page filtered."""

from __future__ import annotations

import csv
from datetime import date

import pytest
import ui_helpers
from invoice_ui_helpers import small_practice
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from coachdesk.services import invoices
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.invoice_table import NUMBER_COL, STATUS_COL

TODAY = date(2026, 11, 30)


@pytest.fixture
def billed(db, monkeypatch):
    """A practice of its own with four invoices: one overdue (EUR), one paid (EUR), one
    sent in GBP, one draft."""
    monkeypatch.setattr(invoices, "current_day", lambda: TODAY)
    made = small_practice(db)
    a, b = made["amara"], made["bjorn"]
    line = [invoices.LineInput("Coaching programme, part 1", 100000)]
    late = invoices.issue(db, invoices.create_draft(db, a.id, line).id,
                          issue_date=date(2026, 10, 1))  # due 31 Oct: overdue
    paid = invoices.issue(db, invoices.create_draft(db, a.id, line).id,
                          issue_date=date(2026, 11, 2))
    invoices.mark_paid(db, paid.id, on=date(2026, 11, 20))
    pounds = invoices.issue(db, invoices.create_draft(
        db, b.id, [invoices.LineInput("Workshop <b>&", 50000)], currency="GBP",
        vat_rate="20").id, issue_date=date(2026, 11, 25))
    invoices.mark_sent(db, pounds.id, on=date(2026, 11, 26))
    draft = invoices.create_draft(db, b.id, line)
    return {"late": late, "paid": paid, "pounds": pounds, "draft": draft, "a": a, "b": b}


@pytest.fixture
def win(qtbot, db, billed):
    return ui_helpers.shown_window(qtbot, db, (1024, 640))


def shown(page, col: int = NUMBER_COL) -> list[str]:
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def test_ctrl_6_lists_every_invoice_and_what_is_owed_per_currency(qtbot, win, billed):
    qtbot.keyClick(win, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = win.invoices_page
    assert win.stack.currentWidget() is page and win.nav.currentItem().text() == "Invoices"
    assert page.table.hasFocus()
    assert sorted(shown(page)) == ["2026-0001", "2026-0002", "2026-0003", "—"]
    late_row = shown(page).index(billed["late"].number)
    assert page.model.index(late_row, STATUS_COL).data() == "Overdue: was due 31 Oct 2026"
    owed = page.owed.text()
    # 1,000 + 19 % = 1,190 EUR overdue; 500 + 20 % = 600 GBP sent, not yet due
    assert owed == ("Outstanding: €1,190.00 on 1 invoice, of which €1,190.00 overdue (1) · "
                    "£600.00 on 1 invoice.")

    # Alt+S: the filter; Down twice: "Overdue"
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.filter
    qtbot.keyClick(page.filter, Qt.Key.Key_Down)
    assert page.filter.currentData() == "outstanding"
    assert sorted(shown(page)) == ["2026-0001", "2026-0003"]
    qtbot.keyClick(page.filter, Qt.Key.Key_Down)
    assert page.filter.currentData() == "overdue"
    assert shown(page) == ["2026-0001"]
    assert page.shown.text() == "1 shown, issued totalling €1,190.00."


def test_the_accountant_csv_is_written_where_chosen(qtbot, win, billed, tmp_path, monkeypatch):
    target = tmp_path / "for the accountant"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "CSV files (*.csv)")))
    qtbot.keyClick(win, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    button = win.invoices_page.buttons["csv"]
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    written = tmp_path / "for the accountant.csv"
    raw = written.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the accents
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    assert [r[header.index("Number")] for r in body] == ["2026-0001", "2026-0002", "2026-0003"]
    by_number = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_number["2026-0001"]["Total"] == "1190.00"
    assert by_number["2026-0001"]["Status"] == "overdue"
    assert by_number["2026-0003"]["Currency"] == "GBP"
    assert by_number["2026-0003"]["VAT"] == "100.00"
    assert by_number["2026-0002"]["Paid on"] == "2026-11-20"
    notice = QApplication.activeWindow()
    if notice is not None and notice.objectName() == "savedNotice":
        notice.close()


def test_enter_on_a_row_opens_its_client(qtbot, win, billed):
    qtbot.keyClick(win, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = win.invoices_page
    row = shown(page).index(billed["pounds"].number)
    page.table.setCurrentIndex(page.model.index(row, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.client_page
    assert win.client_page.client.id == billed["b"].client_id


def test_dashboard_shows_what_is_owed_and_opens_the_overdue_invoices(qtbot, win, billed):
    qtbot.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    dashboard = win.dashboard_page
    dashboard.reload(TODAY)
    strip = dashboard.money
    assert strip.isVisible()
    assert strip.outstanding.text() == "€1,190.00 · £600.00 outstanding (2 invoices)"
    assert strip.overdue.text() == "€1,190.00 overdue (1)"
    strip.overdue.setFocus()
    qtbot.waitUntil(strip.overdue.hasFocus)
    qtbot.keyClick(strip.overdue, Qt.Key.Key_Space)
    page = win.invoices_page
    assert win.stack.currentWidget() is page
    assert page.filter.currentData() == "overdue" and shown(page) == ["2026-0001"]


def test_dashboard_hides_the_money_line_when_nothing_was_ever_issued(qtbot, db):
    small_practice(db)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    window.go_to("dashboard")
    window.dashboard_page.reload(TODAY)
    assert not window.dashboard_page.money.isVisible()
