"""What the engagement's invoices panel and the Invoices page both do with one invoice:
confirm before issuing, save its PDF, e-mail it, and say a refusal in a sentence."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from coachdesk import dates, tempfiles
from coachdesk.errors import CoachDeskError
from coachdesk.filenames import file_name
from coachdesk.services import invoices

from ..models.invoice_table import money
from ..plain import as_plain

log = logging.getLogger(__name__)

#: (key, button text, method) of the actions on one invoice, in the order both the client's
#: invoices panel and the Invoices page show them
INVOICE_BUTTONS = (("issue", "Issue…", "issue"), ("pdf", "Save PDF…", "save_pdf"),
                   ("email", "E-mail…", "email"), ("sent", "Mark as sent", "mark_sent"),
                   ("paid", "Mark paid…", "mark_paid"),
                   ("unpaid", "Mark as not paid", "mark_unpaid"),
                   ("credit", "Credit note…", "credit_note"),
                   ("delete", "Delete draft", "delete_draft"))


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


def greeting(contact: str) -> str:
    """"Dear Jane Doe," for a person; "Hello," for a department ("Kreditorenbuchhaltung",
    "Accounts") or nobody: a person's name has at least two words."""
    name = " ".join(contact.split())
    return f"Dear {name}," if len(name.split(" ")) >= 2 else "Hello,"


def email_text(view, seller: str) -> tuple[str, str]:
    """The subject and the message for e-mailing ``view``: a first send, or for an
    overdue invoice a polite reminder."""
    what = "credit note" if view.is_credit_note else "invoice"
    amount = money(view.total_cents, view.currency)
    client = view.client_name or "your colleague"
    if view.state == "overdue" and not view.is_credit_note:
        owed = money(view.balance_cents or view.total_cents, view.currency)
        subject = f"Reminder: invoice {view.number}"
        body = (f"a friendly reminder: invoice {view.number} concerning {client}, "
                f"{owed}, was due on {dates.short(view.due_date)} and is still open; if you "
                "have already paid, please ignore this message. The invoice is attached "
                "again for your convenience.")
    else:
        subject = f"{what.capitalize()} {view.number} from {seller}"
        due = f" It is due on {dates.long(view.due_date)}." if view.due_date and \
            not view.is_credit_note else ""
        body = f"please find attached {what} {view.number} concerning {client}, " \
               f"{amount}.{due}"
    return subject, f"{greeting(view.bill_to_contact)}\n\n{body}\n\nKind regards,\n{seller}"


def attachment(pdf, view) -> Path:
    """A copy of the kept PDF named as Save PDF suggests ("Invoice 2026-0004 — Mercer &
    Hale Partners.pdf") in the app's private temp folder; the kept file is not touched.
    Raises OSError (a full disk)."""
    out = tempfiles.new_folder() / pdf_name(view)
    shutil.copyfile(pdf, out)
    return tempfiles.seal(out)


def email(parent: QWidget, ctx, view) -> bool:
    """The e-mail dialog with a copy of the invoice's PDF attached, to the billing address
    on the invoice. Only a message sent by the app (SMTP) marks the invoice sent: a draft
    or a message waiting in the outbox has not reached anybody yet, so the coach is told to
    press Mark as sent once it has. Returns whether it was sent."""
    from coachdesk.reports.invoice import save_invoice_pdf

    from ..dialogs.email_dialog import EmailDialog

    pdf = run(parent, "E-mail invoice",
              lambda: attachment(save_invoice_pdf(ctx.db, view.id), view))
    if pdf is None:
        return False
    seller = view.seller.name or "your coach"
    what = "credit note" if view.is_credit_note else "invoice"
    subject, message = email_text(view, seller)
    went: list[str] = []

    def record(method: str, _recipient: str) -> None:
        went.append(method)
        if method != "smtp":
            return
        try:
            invoices.mark_sent(ctx.db, view.id)
        except CoachDeskError as exc:  # e.g. already paid: it went, nothing else to say
            log.info("invoice not marked sent: %s", type(exc).__name__)
        ctx.notify("invoice")

    dialog = EmailDialog(ctx, pdf, to=view.bill_to_email, sponsor_name=view.bill_to_contact
                         or view.bill_to_name, client_name=view.client_name, period="",
                         coach_name=seller, record=record, parent=parent,
                         subject=subject, message=message, what=what)
    dialog.exec()
    if "smtp" in went:
        ctx.say(f"{view.title} e-mailed and marked as sent.")
    elif went:
        ctx.say("The draft is ready; once you have sent it, press Mark as sent.")
    return "smtp" in went


class InvoiceActions:
    """What a list of invoices does with the one chosen (the engagement's panel, the
    Invoices page). The widget has ``ctx``, ``current()`` (an ``InvoiceView`` or None) and
    ``reload(select=invoice_id)``."""

    def issue(self) -> None:
        view = self.current()
        if view is None or not view.is_draft:
            return
        from coachdesk.services import invoice_ready

        missing = run(self, "Issue invoice", lambda: invoice_ready.problem(self.ctx.db, view.id)
                      or False)
        if missing is None:  # could not even check: said already
            return
        if missing:  # said before asking, so the coach does not confirm for nothing
            say_problem(self, "Issue invoice", str(missing))
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

    def mark_sent(self) -> None:
        """Record that the coach sent the invoice herself (a draft from her mail program)."""
        view = self.current()
        if view is None or view.is_draft or view.is_credit_note:
            return
        done = run(self, "Mark as sent", lambda: invoices.mark_sent(self.ctx.db, view.id))
        if done is not None:
            self.ctx.notify("invoice")
            self.ctx.say(f"{done.title} marked as sent.")
            self.reload(select=view.id)

    def mark_unpaid(self) -> None:
        """Undo a payment recorded by mistake (after asking)."""
        view = self.current()
        if view is None or view.status != "paid":
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Mark as not paid",
                          f"Mark {view.title} as not paid?", parent=self)
        box.setObjectName("markUnpaidQuestion")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("The payment date is removed; the invoice is open again.")
        unpaid = box.addButton("Mark as not paid", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(unpaid)
        box.exec()
        if box.clickedButton() is not unpaid:
            return
        done = run(self, "Mark as not paid", lambda: invoices.mark_unpaid(self.ctx.db, view.id))
        if done is not None:
            self.ctx.notify("invoice")
            self.ctx.say(f"{done.title} is marked as not paid.")
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

