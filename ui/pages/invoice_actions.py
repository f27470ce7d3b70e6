"""What the engagement's invoices panel and the Invoices page both do with one invoice:
confirm before issuing, save its PDF, e-mail it, and say a refusal in a sentence."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.filenames import file_name
from coachdesk.services import invoices

from ..models.invoice_table import money
from ..plain import as_plain

log = logging.getLogger(__name__)


def say_problem(parent: QWidget, title: str, message: str) -> None:
    """A refusal or a failure, as the one sentence the engine gave (never a traceback)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, as_plain(message),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("invoiceProblem")
    box.exec()


def run(parent: QWidget, title: str, work: Callable):
    """``work()``'s result, or None after saying why it could not be done."""
    try:
        return work()
    except CoachDeskError as exc:
        say_problem(parent, title, str(exc))
    except Exception:  # never a traceback in the coach's face; the detail is in the log
        log.exception("%s failed", title)
        say_problem(parent, title, f"{title} did not work. Nothing was changed; please try "
                    "again, and if it happens again, the log file has the details.")
    return None


def confirm_issue(parent: QWidget, view) -> bool:
    """Ask before a draft gets its number: the number is final, and the invoice can then
    only be corrected by a credit note."""
    box = QMessageBox(QMessageBox.Icon.Question, "Issue invoice",
                      f"Issue this invoice to {view.bill_to_name or 'the sponsor'} for "
                      f"{money(view.total_cents, view.currency)}?", parent=parent)
    box.setObjectName("issueQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(
        "It gets the next invoice number, which is final. After that the invoice cannot "
        "be changed or deleted: a mistake is corrected by a credit note.")
    issue = box.addButton("Issue", QMessageBox.ButtonRole.AcceptRole)
    issue.setObjectName("issueConfirm")
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(issue)
    box.exec()
    return box.clickedButton() is issue


def pdf_name(view) -> str:
    """"Invoice 2026-0001 — Nordlicht Energie GmbH.pdf" (safe on every system)."""
    return file_name(view.title, view.bill_to_name or view.client_name, suffix=".pdf")


def save_pdf(parent: QWidget, ctx, view, target: str | None = None) -> str | None:
    """Ask where and write the invoice's PDF there (an issued invoice's is its kept copy,
    the same file every time); says where it went, or why not. Returns the path."""
    from coachdesk.reports.invoice import save_invoice_pdf

    from ..files import save_file

    return save_file(parent, "invoice", lambda path: save_invoice_pdf(ctx.db, view.id, out=path),
                     title="Save invoice PDF" if not view.is_credit_note
                     else "Save credit note PDF",
                     what="The invoice PDF", name=pdf_name(view),
                     file_filter="PDF files (*.pdf)", suffix=".pdf", target=target)


def preview(parent: QWidget, ctx, view) -> None:
    """The invoice's PDF on screen, with Print… and Save as PDF… (a draft's says DRAFT)."""
    from coachdesk.reports.invoice import save_invoice_pdf

    from ..dialogs.print_preview import PdfPreviewDialog

    pdf = run(parent, "Show invoice", lambda: save_invoice_pdf(ctx.db, view.id))
    if pdf is not None:
        PdfPreviewDialog(str(pdf), pdf_name(view), parent, kind="invoice").exec()


def email(parent: QWidget, ctx, view) -> bool:
    """The e-mail dialog with the invoice's PDF attached, to the billing address on the
    invoice; once it has gone a way (a draft opened, the outbox, sent) the invoice is
    marked sent. Returns whether it went."""
    from coachdesk.reports.invoice import save_invoice_pdf

    from ..dialogs.email_dialog import EmailDialog

    pdf = run(parent, "E-mail invoice", lambda: save_invoice_pdf(ctx.db, view.id))
    if pdf is None:
        return False
    seller = view.seller.name or "your coach"
    what = "credit note" if view.is_credit_note else "invoice"
    greeting = f"Dear {view.bill_to_contact}," if view.bill_to_contact else "Hello,"
    due = f" It is due on {dates.long(view.due_date)}." if view.due_date and \
        not view.is_credit_note else ""
    message = (f"{greeting}\n\nplease find attached {what} {view.number} for the coaching of "
               f"{view.client_name or 'your colleague'}, "
               f"{money(view.total_cents, view.currency)}.{due}\n\nKind regards,\n{seller}")
    went: list[str] = []

    def record(method: str, _recipient: str) -> None:
        went.append(method)
        try:
            invoices.mark_sent(ctx.db, view.id)
        except CoachDeskError as exc:  # e.g. already paid: it went, nothing else to say
            log.info("invoice not marked sent: %s", type(exc).__name__)

    dialog = EmailDialog(ctx, pdf, to=view.bill_to_email, sponsor_name=view.bill_to_contact
                         or view.bill_to_name, client_name=view.client_name, period="",
                         coach_name=seller, record=record, parent=parent,
                         subject=f"{what.capitalize()} {view.number} from {seller}",
                         message=message, what=what)
    dialog.exec()
    if went:
        ctx.notify("invoice")
        ctx.say(f"{view.title} e-mailed and marked as sent.")
    return bool(went)


class InvoiceActions:
    """What a list of invoices does with the one chosen (the engagement's panel, the
    Invoices page). The widget has ``ctx``, ``current()`` (an ``InvoiceView`` or None) and
    ``reload(select=invoice_id)``."""

    def issue(self) -> None:
        view = self.current()
        if view is None or not view.is_draft:
            return
        if not confirm_issue(self, view):
            return
        done = run(self, "Issue invoice", lambda: invoices.issue(self.ctx.db, view.id))
        if done is not None:
            self.ctx.notify("invoice")
            self.ctx.say(f"{done.title} issued: {money(done.total_cents, done.currency)} to "
                         f"{done.bill_to_name}.")
            self.reload(select=done.id)

    def preview(self) -> None:
        view = self.current()
        if view is not None:
            preview(self, self.ctx, view)

    def save_pdf(self) -> None:
        view = self.current()
        if view is not None:
            save_pdf(self, self.ctx, view)

    def email(self) -> None:
        view = self.current()
        if view is not None and not view.is_draft:
            email(self, self.ctx, view)
            self.reload(select=view.id)

    def mark_paid(self) -> None:
        from ..dialogs.invoice_forms import MarkPaidDialog

        view = self.current()
        if view is None:
            return
        dialog = MarkPaidDialog(self.ctx, view.id, self)
        if dialog.exec():
            self.reload(select=view.id)

    def credit_note(self) -> None:
        from ..dialogs.invoice_forms import CreditNoteDialog

        view = self.current()
        if view is None:
            return
        dialog = CreditNoteDialog(self.ctx, view.id, self)
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select=dialog.result_object.id)

    def delete_draft(self) -> None:
        view = self.current()
        if view is None or not view.is_draft:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete draft",
                          f"Delete this draft invoice to {view.bill_to_name or 'the sponsor'} "
                          f"for {money(view.total_cents, view.currency)}?", parent=self)
        box.setObjectName("deleteDraftQuestion")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("It has no number yet, so no number is lost; its sessions "
                               "can be invoiced again.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return
        if run(self, "Delete draft", lambda: invoices.delete_draft(self.ctx.db, view.id)
                   or True):
            self.ctx.notify("invoice")
            self.ctx.say("Draft invoice deleted.")
            self.reload()

