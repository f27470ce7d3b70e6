"""What a new coach found in the invoice UI (issue 16), through the keyboard on the
Invoices page (Ctrl+6) and the engagement's panel: only an e-mail the app sent marks an
invoice sent, the attachment carries the invoice's own name, an overdue invoice is e-mailed
as a reminder, a missing billing address is said before "Issue this invoice?", a payment
recorded by mistake can be undone, a payment in the future is refused under its field, the
panel's actions sit above its list, and the sessions picker grows with its dialog."""

from __future__ import annotations

import email
import email.policy
import hashlib
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from invoice_ui_helpers import small_practice
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from ui_helpers import keys, when_modal

from coachdesk import mail
from coachdesk.reports.invoice import save_invoice_pdf
from coachdesk.services import invoices, organizations
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.invoice_table import NUMBER_COL, STATUS_COL

TODAY = date(2026, 11, 30)


@pytest.fixture
def billed(db, monkeypatch):
    """Two engagements, an overdue invoice (due 31 Oct), a paid one, an issued one, and a
    draft billed to an organisation without a billing address."""
    monkeypatch.setattr(invoices, "current_day", lambda: TODAY)
    made = small_practice(db)
    a, b = made["amara"], made["bjorn"]
    line = [invoices.LineInput("Coaching programme, part 1", 100000)]
    late = invoices.issue(db, invoices.create_draft(db, a.id, line).id,
                          issue_date=date(2026, 10, 1))
    paid = invoices.issue(db, invoices.create_draft(db, a.id, line).id,
                          issue_date=date(2026, 11, 2))
    invoices.mark_paid(db, paid.id, on=date(2026, 11, 20))
    fresh = invoices.issue(db, invoices.create_draft(db, a.id, line).id,
                           issue_date=date(2026, 11, 29))
    draft = invoices.create_draft(db, b.id, line)
    org_b = organizations.get(db, draft.organization_id)
    organizations.update(db, org_b.id, billing_address="")
    return {"late": late, "paid": paid, "fresh": fresh, "draft": draft, "a": a, "b": b}


@pytest.fixture
def win(qtbot, db, billed):
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


@pytest.fixture
def opened(monkeypatch):
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: urls.append(url.toLocalFile()) or True))
    return urls


def activate(qtbot, window) -> None:
    if not window.isActiveWindow():
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow)


def invoices_page(qtbot, win, number: str):
    """Ctrl+6, then Down/Up in the list onto the invoice ``number``."""
    activate(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = win.invoices_page
    assert page.table.hasFocus()
    numbers = [page.model.index(r, NUMBER_COL).data() for r in range(page.model.rowCount())]
    qtbot.keyClick(page.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(numbers.index(number)):
        qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert (page.current().number or "—") == number
    return page


def press(qtbot, button) -> None:
    assert button.isEnabled()
    activate(qtbot, button.window())
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)


def in_dialog(qtbot, act):
    def run(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        act(dialog)
    return when_modal(run)


def status_of(page, number: str) -> str:
    numbers = [page.model.index(r, NUMBER_COL).data() for r in range(page.model.rowCount())]
    return page.model.index(numbers.index(number), STATUS_COL).data()


# -- 1, 2, 3: e-mailing ----------------------------------------------------------------------

def test_an_overdue_invoice_is_e_mailed_as_a_reminder_with_its_own_name(qtbot, win, db, billed,
                                                                         opened):
    late = billed["late"]
    page = invoices_page(qtbot, win, late.number)
    kept = save_invoice_pdf(db, late.id)
    before = hashlib.sha256(kept.read_bytes()).hexdigest()
    seen = {}

    def look(dialog):
        seen["subject"] = dialog.subject.text()
        seen["message"] = dialog.message.toPlainText()
        seen["attached"] = dialog.pdf_path
        press(qtbot, dialog.draft_button)
        dialog.accept()

    state = in_dialog(qtbot, look)
    press(qtbot, page.buttons["email"])
    assert state["done"] and state["error"] is None
    assert seen["subject"] == f"Reminder: invoice {late.number}"
    message = seen["message"]
    assert message.startswith("Hello,\n")  # the contact is "Accounts", not a person
    assert "was due on 31 Oct 2026 and is still open" in message
    assert "if you have already paid, please ignore this message" in message
    assert "It is due on" not in message
    # the attachment: a copy named as Save PDF suggests, in the app's private temp folder
    name = f"Invoice {late.number} — Mercer & Hale Partners.pdf"
    assert seen["attached"].name == name and seen["attached"] != kept
    eml = email.message_from_bytes(open(next(p for p in opened if p.endswith(".eml")),
                                        "rb").read(), policy=email.policy.default)
    assert [p.get_filename() for p in eml.walk()
            if p.get_content_type() == "application/pdf"] == [name]
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == before  # the kept file unchanged
    # a draft went nowhere yet: still overdue, and the coach is told to mark it herself
    assert status_of(page, late.number).startswith("Overdue")
    assert invoices.get(db, late.id).status == "issued"
    assert win.statusBar().currentMessage() == \
        "The draft is ready; once you have sent it, press Mark as sent."
    press(qtbot, page.buttons["sent"])
    assert invoices.get(db, late.id).status == "sent"
    assert not page.buttons["sent"].isEnabled()


def test_the_greeting_names_a_person_and_not_a_department():
    from ui.pages.invoice_actions import greeting

    assert greeting("Jane Doe") == "Dear Jane Doe,"
    assert greeting("  Dr.  Katrin   Vogel ") == "Dear Dr. Katrin Vogel,"
    for contact in ("Kreditorenbuchhaltung", "Accounts", "", "   "):
        assert greeting(contact) == "Hello,"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_an_invoice_sent_by_smtp_is_marked_sent(qtbot, win, db, billed, smtp):
    controller, inbox = smtp
    mail.set_smtp_settings(db, mail.SmtpSettings(
        server="127.0.0.1", port=controller.port, security="none", user="",
        sender="Anne Müller <anne@example.net>"))
    fresh = billed["fresh"]
    page = invoices_page(qtbot, win, fresh.number)

    def send(dialog):
        assert dialog.subject.text().startswith(f"Invoice {fresh.number} from ")
        assert "It is due on" in dialog.message.toPlainText()
        press(qtbot, dialog.send_button)
        qtbot.waitUntil(lambda: invoices.get(db, fresh.id).status == "sent", timeout=10000)
        dialog.accept()

    state = in_dialog(qtbot, send)
    press(qtbot, page.buttons["email"])
    assert state["done"] and state["error"] is None
    assert len(inbox.received) == 1
    qtbot.waitUntil(lambda: status_of(page, fresh.number).startswith("Sent on 30 Nov 2026"))


# -- 5: what is missing is said before asking ---------------------------------------------

def test_a_missing_billing_address_is_said_before_asking_to_issue(qtbot, win, db, billed):
    page = invoices_page(qtbot, win, "—")
    boxes = []

    def first(box):
        boxes.append((box.objectName(), box.text()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    state = when_modal(first)
    press(qtbot, page.buttons["issue"])
    assert state["done"] and state["error"] is None
    assert boxes[0][0] == "invoiceProblem"  # not "issueQuestion" first
    assert "billing address" in boxes[0][1]
    assert invoices.get(db, billed["draft"].id).number is None


# -- 6: a mistaken payment, a payment in the future --------------------------------------

def test_a_payment_recorded_by_mistake_is_undone(qtbot, win, db, billed):
    paid = billed["paid"]
    page = invoices_page(qtbot, win, paid.number)
    assert status_of(page, paid.number) == "Paid on 20 Nov 2026"
    assert not page.buttons["paid"].isEnabled()
    asked = {}

    def confirm(box):
        asked["name"] = box.objectName()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    state = when_modal(confirm)
    press(qtbot, page.buttons["unpaid"])
    assert state["done"] and asked["name"] == "markUnpaidQuestion"
    assert invoices.get(db, paid.id).status == "issued"
    assert invoices.get(db, paid.id).paid_on is None
    assert not status_of(page, paid.number).startswith("Paid")
    assert page.buttons["paid"].isEnabled() and not page.buttons["unpaid"].isEnabled()


def test_a_payment_in_the_future_is_refused_under_the_date(qtbot, win, db, billed):
    fresh = billed["fresh"]
    page = invoices_page(qtbot, win, fresh.number)
    seen = {}

    def pay(dialog):
        assert QApplication.focusWidget() is dialog.paid_on.lineEdit()
        dialog.paid_on.lineEdit().selectAll()
        keys(qtbot, "2026-12-03")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["under"] = dialog.errors["paid_on"].text()
        seen["visible"] = dialog.errors["paid_on"].isVisible()
        seen["open"] = dialog.isVisible()
        dialog.reject()

    state = in_dialog(qtbot, pay)
    press(qtbot, page.buttons["paid"])
    assert state["done"] and state["error"] is None
    assert seen["open"] and seen["visible"] and "future" in seen["under"]
    assert invoices.get(db, fresh.id).status == "issued"


# -- 4: layout ---------------------------------------------------------------------------------

def test_the_panel_actions_show_without_scrolling_after_a_draft(qtbot, win, db, billed):
    win.resize(1366, 768)
    a = billed["a"]
    win.open_client(a.client_id)
    client_page = win.client_page
    tab = client_page.section_tabs[-1]
    client_page.tabs.setCurrentWidget(tab)
    tab.show_engagement(a.id)
    panel = next(p for p in tab.panels if p.objectName() == "invoicesPanel")
    qtbot.waitUntil(panel.isVisible)
    issue = panel.buttons["issue"]
    # the actions sit above the list, not under it
    assert issue.mapTo(panel, QPoint(0, 0)).y() < panel.table.mapTo(panel, QPoint(0, 0)).y()

    def fill(dialog):
        dialog.mode.setFocus()
        qtbot.keyClick(dialog.mode, Qt.Key.Key_Down)  # a package fee
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, fill)
    press(qtbot, panel.buttons["new"])
    assert state["done"] and state["error"] is None
    assert panel.current().is_draft and issue.isEnabled()
    scroll = panel.parentWidget()
    while not hasattr(scroll, "viewport"):
        scroll = scroll.parentWidget()
    viewport = scroll.viewport()
    top = issue.mapTo(viewport, QPoint(0, 0)).y()
    assert 0 <= top and top + issue.height() <= viewport.height()


def test_the_sessions_picker_grows_with_the_dialog(qtbot, demo_db):
    from invoice_ui_helpers import billable_client, ready_to_bill

    from ui.dialogs.new_invoice import NewInvoiceDialog

    ready_to_bill(demo_db)
    b = billable_client(demo_db, least=2)
    dialog = NewInvoiceDialog(AppContext(demo_db), b.engagement_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    small = dialog.sessions.height()
    dialog.resize(dialog.width(), dialog.height() + 200)
    qtbot.waitUntil(lambda: dialog.sessions.height() >= small + 150)


# -- 7: VAT suggested for the buyer, double-billing warnings --------------------------------

def test_new_invoice_starts_from_the_vat_for_the_buyer_and_warns_of_double_billing(qtbot, db,
                                                                                  billed):
    from ui.dialogs.new_invoice import NewInvoiceDialog

    b = billed["b"]  # Nordlicht Energie GmbH, agreed fee €5,000.00
    org = organizations.get(db, billed["draft"].organization_id)
    organizations.update(db, org.id, vat_number="FR40303265045", billing_address="Paris")
    invoices.delete_draft(db, billed["draft"].id)
    dialog = NewInvoiceDialog(AppContext(db), b.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.reverse.isChecked()  # seller DE, buyer FR: reverse charge
    assert dialog.vat_note.text() == "Reverse charge: the buyer is a business in France."
    assert "reverse charge" in dialog.preview.text()
    assert not dialog.warnings.isVisible()
    # a package fee above the agreed €5,000: warned in orange, Save still works
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.mode.currentData() == "package"  # no session to invoice
    dialog.amount.setFocus()
    qtbot.waitUntil(dialog.amount.hasFocus)
    dialog.amount.selectAll()
    keys(qtbot, "6000")
    assert dialog.warnings.isVisible() and dialog.warnings.text()
    assert "orange" not in dialog.warnings.text()
    assert dialog.warnings.y() < dialog.buttons.y()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    made = invoices.list_invoices(db, engagement_id=b.id, state="draft")
    assert len(made) == 1 and made[0].reverse_charge and made[0].total_cents == 600000


def test_a_buyer_outside_the_eu_is_not_called_reverse_charge_in_the_totals(qtbot, db, billed):
    """A UK buyer: the note said "No VAT … outside the EU" while the totals line said
    "VAT reverse charge" (a second new-coach pass)."""
    from ui.dialogs.new_invoice import NewInvoiceDialog

    b = billed["b"]
    org = organizations.get(db, billed["draft"].organization_id)
    organizations.update(db, org.id, vat_number="GB123456789", billing_address="London")
    invoices.delete_draft(db, billed["draft"].id)
    dialog = NewInvoiceDialog(AppContext(db), b.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.reverse.isChecked()
    assert "outside the EU" in dialog.vat_note.text()
    assert "VAT not applicable (outside the EU)" in dialog.preview.text()
    assert "reverse charge" not in dialog.preview.text()


def test_after_a_package_invoice_new_invoice_does_not_offer_the_package_again(qtbot, db,
                                                                              billed):
    """It opened on "A package fee" at the full amount again (a second coach pass)."""
    from ui.dialogs.new_invoice import NewInvoiceDialog

    a = billed["a"]
    assert invoices.session_counts(db, a.id).package_invoiced_on is not None
    assert not invoices.billable_sessions(db, a.id)  # nothing left to bill by the session
    dialog = NewInvoiceDialog(AppContext(db), a.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.mode.currentData() == "sessions"
    assert dialog.no_sessions.isVisible()
