"""The engagement's invoices on the client's "Agreement & invoices" tab, used through the
keyboard: a new invoice from ticked sessions with its total as typed, issuing (the number
shows in the list), the PDF, e-mailing (marks it sent), paying, a credit note, deleting a
draft; what the view shows is checked, then the practice file."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date

import pytest
import ui_helpers
from invoice_ui_helpers import billable_client, ready_to_bill
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog
from ui_helpers import keys, when_modal

from coachdesk.services import invoices
from ui.models.invoice_table import NUMBER_COL, STATUS_COL, TOTAL_COL

TODAY = date(2026, 11, 30)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(invoices, "current_day", lambda: TODAY)


@pytest.fixture
def win(qtbot, demo_db, frozen):
    ready_to_bill(demo_db)
    return ui_helpers.shown_window(qtbot, demo_db, (1024, 640))


def open_panel(qtbot, win, client_id: int, engagement_id: int):
    win.open_client(client_id)
    page = win.client_page
    tab = page.section_tabs[-1]
    page.tabs.setCurrentWidget(tab)
    tab.show_engagement(engagement_id)
    panel = next(p for p in tab.panels if p.objectName() == "invoicesPanel")
    assert panel.isVisible()
    return panel


def press(qtbot, button) -> None:
    """Put the cursor on a button and press Space, as a keyboard user does (offscreen, the
    window stays inactive after a modal: made active first)."""
    assert button.isEnabled()
    window = button.window()
    if not window.isActiveWindow():
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)


def cells(panel, col: int) -> list[str]:
    model = panel.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def in_dialog(qtbot, act):
    def run(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        act(dialog)
    return when_modal(run)


def test_new_invoice_from_ticked_sessions_issue_pay_and_credit(qtbot, win, demo_db):
    b = billable_client(demo_db, least=2)
    panel = open_panel(qtbot, win, b.client_id, b.engagement_id)
    n = b.sessions
    assert panel.counts.text() == \
        invoices.session_counts(demo_db, b.engagement_id).sentence + "."
    assert f"{n} to invoice" in panel.counts.text()
    seen = {}

    def fill(dialog):
        assert QApplication.focusWidget() is dialog.mode  # the first field
        qtbot.keyClick(dialog.mode, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.sessions
        qtbot.keyClick(dialog.sessions, Qt.Key.Key_Space)  # untick the first session
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.unit
        dialog.unit.selectAll()
        keys(qtbot, "400")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # currency
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.vat_rate
        dialog.vat_rate.selectAll()
        keys(qtbot, "19")
        seen["preview"] = dialog.preview.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, fill)
    press(qtbot, panel.buttons["new"])
    assert state["done"] and state["error"] is None
    net = 400 * (n - 1)
    vat = round(net * 0.19, 2)
    assert f"net €{net:,.2f}" in seen["preview"] and f"19 % €{vat:,.2f}" in seen["preview"]
    assert f"total €{net + vat:,.2f}" in seen["preview"]
    assert cells(panel, STATUS_COL) == ["Draft, not yet issued"]
    assert cells(panel, TOTAL_COL) == [f"€{net + vat:,.2f}"]
    assert "1 on a draft" in panel.counts.text() or n - 1 != 1
    draft = invoices.list_invoices(demo_db, engagement_id=b.engagement_id)[0]
    assert len(draft.lines) == n - 1 and draft.number is None

    # Issue: the confirmation says the number is final; Enter issues
    asked = {}

    def confirm(box):
        asked["text"] = box.text() + " " + box.informativeText()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    state = when_modal(confirm)
    press(qtbot, panel.buttons["issue"])
    assert state["done"] and state["error"] is None
    assert "final" in asked["text"] and "credit note" in asked["text"]
    number = invoices.get(demo_db, draft.id).number  # the next of 2026 (the demo has some)
    assert re.fullmatch(r"2026-\d{4}", number)
    assert cells(panel, NUMBER_COL) == [number]
    assert cells(panel, STATUS_COL) == ["Issued, not sent yet, due 30 Dec 2026"]
    assert f"{n - 1} invoiced" in panel.counts.text()

    # Mark paid: the date typed over today's (a payment cannot be in the future, and the
    # invoice was issued today)
    today = invoices.current_day()

    def paid(dialog):
        assert QApplication.focusWidget() is dialog.paid_on.lineEdit()
        dialog.paid_on.lineEdit().selectAll()
        keys(qtbot, today.isoformat())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, paid)
    press(qtbot, panel.buttons["paid"])
    assert state["done"] and state["error"] is None
    assert cells(panel, STATUS_COL) == [f"Paid on {today.day} {today:%b %Y}"]
    assert invoices.get(demo_db, draft.id).paid_on == today

    # A credit note for the first line only, with a reason
    def credit(dialog):
        assert QApplication.focusWidget() is dialog.lines
        for _ in range(1, dialog.lines.count()):  # untick all lines but the first
            qtbot.keyClick(dialog.lines, Qt.Key.Key_Down)
            qtbot.keyClick(dialog.lines, Qt.Key.Key_Space)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        keys(qtbot, "Session cancelled in time <b>&")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, credit)
    press(qtbot, panel.buttons["credit"])
    assert state["done"] and state["error"] is None
    note = invoices.get(demo_db, panel.current_id())  # the new credit note is chosen
    assert re.fullmatch(r"CN-2026-\d{4}", note.number)
    assert sorted(cells(panel, NUMBER_COL)) == [number, note.number]
    row = cells(panel, NUMBER_COL).index(note.number)
    assert cells(panel, STATUS_COL)[row] == f"Credit note for {number}"
    assert cells(panel, TOTAL_COL)[row] == f"−€{400 * 1.19:,.2f}"
    assert note.is_credit_note and len(note.lines) == 1
    assert note.notes == "Session cancelled in time <b>&"  # the reason, as typed
    assert f"{n - 2} invoiced" in panel.counts.text()  # net of the credit note


def test_issue_cancelled_keeps_the_draft_and_delete_draft_removes_it(qtbot, win, demo_db):
    b = billable_client(demo_db, least=1)
    invoices.create_draft(demo_db, b.engagement_id, invoices.package_line(
        demo_db, b.engagement_id, 100000, "Programme"))
    panel = open_panel(qtbot, win, b.client_id, b.engagement_id)
    state = when_modal(lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    press(qtbot, panel.buttons["issue"])
    assert state["done"] and state["error"] is None
    assert cells(panel, NUMBER_COL) == ["—"]
    assert not panel.buttons["credit"].isEnabled() and not panel.buttons["paid"].isEnabled()

    def delete(box):
        assert box.objectName() == "deleteDraftQuestion"
        next(b for b in box.buttons() if b.text() == "Delete").click()

    state = when_modal(delete)
    press(qtbot, panel.buttons["delete"])
    assert state["done"] and state["error"] is None
    assert panel.model.rowCount() == 0 and panel.empty.isVisible()
    assert invoices.list_invoices(demo_db, engagement_id=b.engagement_id) == []


def test_issuing_without_business_details_says_what_to_do(qtbot, win, demo_db):
    from coachdesk.services import business

    business.save(demo_db, name="", address="")
    b = billable_client(demo_db, least=1)
    invoices.create_draft(demo_db, b.engagement_id, invoices.session_lines(demo_db,
                                                                           b.engagement_id))
    panel = open_panel(qtbot, win, b.client_id, b.engagement_id)
    said = {}

    def problem(box):  # the first box is the problem: no "Issue this invoice?" before it
        said["name"] = box.objectName()
        said["text"] = box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    state = when_modal(problem)
    press(qtbot, panel.buttons["issue"])
    qtbot.waitUntil(lambda: "name" in said)
    assert state["done"] and said["name"] == "invoiceProblem"
    assert "Traceback" not in said["text"] and "Error" not in said["text"]
    assert cells(panel, NUMBER_COL) == ["—"]  # still a draft, no number used
    assert invoices.list_invoices(demo_db, engagement_id=b.engagement_id)[0].number is None


def test_pdf_saved_and_a_draft_e_mail_leaves_it_to_mark_as_sent(qtbot, win, demo_db, tmp_path,
                                                                 monkeypatch):
    b = billable_client(demo_db, least=1)
    view = invoices.create_draft(demo_db, b.engagement_id,
                                 invoices.session_lines(demo_db, b.engagement_id))
    number = invoices.issue(demo_db, view.id).number
    panel = open_panel(qtbot, win, b.client_id, b.engagement_id)
    panel.table.setCurrentIndex(panel.model.index(cells(panel, NUMBER_COL).index(number), 0))
    target = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF files (*.pdf)")))
    press(qtbot, panel.buttons["pdf"])
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert number in text
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))

    def send(dialog):
        assert dialog.windowTitle() == "E-mail the invoice to the sponsor"
        assert dialog.to.text() == "ap@example.org"
        press(qtbot, dialog.draft_button)
        dialog.accept()

    state = in_dialog(qtbot, send)
    press(qtbot, panel.buttons["email"])
    assert state["done"] and state["error"] is None
    eml = [p for p in opened if p.endswith(".eml")]
    assert eml
    message = email.message_from_bytes(open(eml[0], "rb").read(), policy=email.policy.default)
    assert f"Invoice {number}" in message["Subject"]
    pdfs = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdfs
    # the attachment is named as Save PDF suggests, not after the kept file
    kept = invoices.get(demo_db, view.id)
    billed = kept.bill_to_name
    assert pdfs[0].get_filename() == f"Invoice {number} — {billed}.pdf"
    # a draft has not reached anybody: not marked sent, and the coach is told what to do
    row = cells(panel, NUMBER_COL).index(number)
    assert cells(panel, STATUS_COL)[row].startswith("Issued, not sent yet")
    assert invoices.get(demo_db, view.id).status == "issued"
    assert win.statusBar().currentMessage() == \
        "The draft is ready; once you have sent it, press Mark as sent."
    assert panel.buttons["sent"].isEnabled()
    press(qtbot, panel.buttons["sent"])
    assert cells(panel, STATUS_COL)[row] == "Sent on 30 Nov 2026, due 30 Dec 2026"
    assert invoices.get(demo_db, view.id).status == "sent"
    assert not panel.buttons["sent"].isEnabled()


def test_enter_on_an_invoice_shows_its_pdf(qtbot, win, demo_db):
    b = billable_client(demo_db, least=1)
    view = invoices.create_draft(demo_db, b.engagement_id,
                                 invoices.session_lines(demo_db, b.engagement_id))
    number = invoices.issue(demo_db, view.id).number
    panel = open_panel(qtbot, win, b.client_id, b.engagement_id)
    panel.table.setCurrentIndex(panel.model.index(cells(panel, NUMBER_COL).index(number), 0))
    seen = {}

    def look(dialog):
        seen["name"] = dialog.objectName()
        seen["pages"] = dialog.document.pageCount()
        seen["file"] = dialog.suggested_name
        dialog.reject()

    state = when_modal(look)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    assert seen["name"] == "pdfPreview" and seen["pages"] >= 1
    assert seen["file"].startswith(f"Invoice {number}")
