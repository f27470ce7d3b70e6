"""The coaching agreement of one engagement, on the client's "Agreement & invoices" tab.

Says in words where the agreement stands (draft, sent on …, signed on …), what the sponsor
will receive as the client's consent says (or that no consent is recorded yet), and whether
a signed copy is attached. Its buttons make the PDF (kept with the engagement's reports,
then shown with Print and Save as PDF), e-mail it to the sponsor and the client (only a
message that went out through SMTP marks it sent; a draft or a queued message says to
press Mark as sent once it has gone), mark it sent or signed on a day, attach the signed
copy the coach received back, and open that copy. Once signed, making the PDF asks first:
show the agreement as signed (the signed copy, else the PDF kept), or start a new draft
with today's wording (the signed copy stays kept). PDFs shown or attached to an e-mail are
copies in the private temp folder under a friendly name ("Mentoring agreement — Chen
Jing.pdf"); the kept files keep their own names.
Everything is done by ``coachdesk.services.agreements``; this page only shows and asks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from coachdesk import dates, tempfiles
from coachdesk.errors import CoachDeskError
from coachdesk.models import Client, Engagement, Sponsor
from coachdesk.reports.agreement import agreement_data, shared_sentences, title_for
from coachdesk.services import agreements
from coachdesk.services import settings as settings_service

from ..context import AppContext
from ..plain import as_plain
from ..widgets.fields import OptionalDateEdit, name_widget

log = logging.getLogger(__name__)


DRAFT_READY = ("The draft is ready in your mail program (or as a file); once you have sent "
               "it, press Mark as sent.")


def agreement_message(kind: str, client_name: str, sponsor_name: str, signature: str,
                      both: bool) -> str:
    """The cover message of the agreement's e-mail: to the sponsor and, when ``both``, the
    client too (both addresses are in To)."""
    names = " and ".join(n for n in (sponsor_name, client_name if both else "") if n)
    greeting = f"Dear {names}," if names else "Hello,"
    word = "mentoring" if kind == "mentoring" else "coaching"
    copy = (f"I am sending it to you both, {sponsor_name or 'the sponsor'} and {client_name}. "
            if both else "")
    you = "you both" if both else f"you and {client_name}"
    return (f"{greeting}\n\nPlease find attached the {word} agreement for {client_name}: "
            "it sets out what the three of us agree, including what the sponsor will receive "
            f"in progress reports. {copy}Once {you} have signed it, please send me a copy "
            "(a scan is fine); I will sign it too.\n\nKind regards,\n" + signature)


def status_words(state: agreements.AgreementState) -> str:
    """Where the agreement stands, in a sentence."""
    if state.status == "signed":
        text = f"Signed on {dates.long(state.signed_on)}." if state.signed_on else "Signed."
        if state.sent_on:
            text += f" It was sent on {dates.long(state.sent_on)}."
        return text
    if state.status == "sent":
        return (f"Sent on {dates.long(state.sent_on)}; waiting for the three signatures."
                if state.sent_on else "Sent; waiting for the three signatures.")
    return "Draft: not sent yet."


def signed_copy_words(state: agreements.AgreementState) -> str:
    if state.signed_path is None:
        return "No signed copy attached yet."
    if not agreements.file_ok(state.signed_path, state.signed_sha256):
        return ("The signed copy is missing from the data folder or has changed since it was "
                "attached. Attach it again, or restore a backup.")
    if state.status != "signed":
        return "The copy signed earlier stays kept; open it with the button below."
    return "A signed copy is attached."


class AgreementPanel(QGroupBox):
    """The agreement panel (``Panel(ctx, parent)`` of ``client_business.PANELS``)."""
    #: reloaded by the tab when consent is recorded elsewhere (the report dialog)
    hears_consent = True

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Coaching agreement", parent)
        self.ctx = ctx
        self.engagement_id: int | None = None
        self.state: agreements.AgreementState | None = None
        self.job = None
        self.setObjectName("agreementPanel")

        self.status = name_widget(QLabel(), "agreementStatus", "Agreement status")
        self.shared = name_widget(QLabel(), "agreementShared", "What the sponsor will receive")
        self.signed_copy = name_widget(QLabel(), "agreementSignedCopy", "Signed copy")
        self.message = name_widget(QLabel(), "agreementMessage", "Agreement message")
        for label in (self.status, self.shared, self.signed_copy, self.message):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # names and "how" as typed
        self.status.setStyleSheet("font-weight: 600;")
        self.message.hide()

        def button(text: str, name: str, access: str, slot) -> QPushButton:
            b = name_widget(QPushButton(text), name, access)
            b.clicked.connect(lambda _=False: slot())
            return b

        self.make_button = button("&Make the agreement PDF…", "agreementMake",
                                  "Make the agreement PDF", self.make_pdf)
        self.email_button = button("E-&mail it…", "agreementEmail", "E-mail the agreement",
                                   self.email)
        self.sent_button = button("Mark as s&ent", "agreementMarkSent",
                                  "Mark the agreement as sent", self.mark_sent)
        self.signed_on = name_widget(OptionalDateEdit(allow_empty=False), "agreementSignedOn",
                                     "Day signed")
        self.signed_button = button("Mark as si&gned", "agreementMarkSigned",
                                    "Mark the agreement as signed", self.mark_signed)
        self.attach_button = button("&Attach the signed copy…", "agreementAttach",
                                    "Attach the signed copy", self.attach_signed)
        self.open_button = button("&Open the signed copy", "agreementOpenSigned",
                                  "Open the signed copy", self.open_signed)

        row1 = QHBoxLayout()
        for b in (self.make_button, self.email_button, self.sent_button):
            row1.addWidget(b)
        row1.addStretch(1)
        grid = QGridLayout()
        signed_label = QLabel("Signed o&n:")
        signed_label.setBuddy(self.signed_on.edit)
        grid.addWidget(signed_label, 0, 0)
        grid.addWidget(self.signed_on, 0, 1)
        grid.addWidget(self.signed_button, 0, 2)
        grid.addWidget(self.attach_button, 0, 3)
        grid.addWidget(self.open_button, 0, 4)
        grid.setColumnStretch(5, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.shared)
        layout.addWidget(self.signed_copy)
        layout.addLayout(row1)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self.show_engagement(None)

    # -- showing ---------------------------------------------------------------------------
    def show_engagement(self, engagement_id: int | None) -> None:
        self.engagement_id = engagement_id
        self.say("")
        self.reload()

    def reload(self) -> None:
        eid = self.engagement_id
        self.state = None
        if eid is not None:
            try:
                self.state = agreements.get(self.ctx.db, eid)
                data = agreement_data(self.ctx.db, eid, agreements._today())
            except CoachDeskError as exc:
                self.state = None
                self.say(str(exc), error=True)
        buttons = (self.make_button, self.email_button, self.sent_button, self.signed_button,
                   self.attach_button, self.open_button)
        # Each control on its own (never the whole box: the read-only guard hears each
        # button's change, and a box's would reach it mid-way through its children)
        if self.state is None:
            for b in buttons:
                b.setEnabled(False)
            self.signed_on.setEnabled(False)
            self.status.setText("Choose an engagement to see its agreement.")
            self.shared.setText("")
            self.signed_copy.setText("")
            return
        state = self.state
        self.setTitle(title_for(data.kind))  # "Mentoring agreement" for a mentoring engagement
        self.signed_on.setEnabled(not self.ctx.read_only)
        self.status.setText(status_words(state))
        self.shared.setText("\n".join(shared_sentences(data)))
        self.signed_copy.setText(signed_copy_words(state))
        if not self.ctx.read_only:  # (a read-only window locks the field and its parts: it
            # stays as it was, disabled)
            self.signed_on.set_value(state.signed_on or agreements._today())
        writable = not self.ctx.read_only
        for b in (self.make_button, self.email_button, self.signed_button, self.attach_button):
            b.setEnabled(writable)
        self.sent_button.setEnabled(writable and state.status == "draft")
        self.open_button.setEnabled(state.signed_path is not None
                                    and state.signed_path.is_file())

    def say(self, text: str, error: bool = False) -> None:
        from ..theme import css

        self.message.setText(text)
        self.message.setStyleSheet(f"color: {css('red')};" if error else "")
        self.message.setVisible(bool(text))

    def _refuse(self, exc: CoachDeskError) -> None:
        self.say(str(exc), error=True)

    # -- the PDF ---------------------------------------------------------------------------
    def make_pdf(self, then=None):
        """Make the agreement PDF off the GUI thread, keep it with the engagement's reports
        and show it (or hand its path to ``then``). Returns the job (None when refused)."""
        from ..dialogs.print_preview import PdfJob

        if self.engagement_id is None or self.job is not None:
            return None
        new_draft = False
        state = self.state
        if state is not None and state.status == "signed":
            choice = self._ask_signed(state)
            if choice == "show":
                return self._show_kept(state, then)
            if choice != "new":
                return None
            new_draft = True
        db, eid, day = self.ctx.db, self.engagement_id, agreements._today()
        try:
            folder = tempfiles.new_folder()
        except OSError:
            self.say("The agreement could not be made: CoachDesk could not write to its data "
                     "folder. Check that the disk is not full.", error=True)
            return None

        def work():
            return tempfiles.seal(agreements.build_pdf(db, eid, folder / self._file_name(),
                                                       today=day))

        job = PdfJob(work)
        self.job = job
        self.make_button.setEnabled(False)
        self.say("Making the agreement…")

        def done(path: str):
            self.job = None
            try:
                agreements.keep_pdf(self.ctx.db, eid, path, made_on=day, new_draft=new_draft)
            except CoachDeskError as exc:  # the PDF is still there to look at
                self.reload()
                self.say(f"The agreement was made but no copy could be kept: {exc}", error=True)
            else:
                self.reload()
                self.say("A new draft of the agreement was made; the signed copy stays kept."
                         if new_draft else "The agreement was made; a copy is kept with the "
                         "engagement's reports.")
            (then or self.show_pdf)(Path(path))

        def failed(text: str):
            self.job = None
            self.reload()
            self.say(text, error=True)

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        return job.start()

    def _ask_signed(self, state: agreements.AgreementState) -> str:
        """Ask what to do with a signed agreement: "show" (the PDF as signed), "new" (a new
        draft with today's wording) or "" (Cancel)."""
        day = f" on {dates.long(state.signed_on)}" if state.signed_on else ""
        kept = bool(state.pdf_path or state.signed_path)
        text = (f"This agreement was signed{day}. Making it again with today's wording "
                "starts a new draft; " + ("the signed agreement stays kept." if kept else
                "CoachDesk keeps no copy of what was signed: attach the signed copy you "
                "received (Attach the signed copy…) rather than remaking it."))
        box = QMessageBox(QMessageBox.Icon.Question, "The agreement is signed", text,
                          parent=self)
        box.setObjectName("agreementSignedQuestion")
        show = box.addButton("Show the signed agreement", QMessageBox.ButtonRole.AcceptRole)
        show.setVisible(kept)  # nothing kept: nothing to show
        new = box.addButton("Start a new draft", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(show if kept else box.button(QMessageBox.StandardButton.Cancel))
        try:
            box.exec()
            clicked = box.clickedButton()
        finally:
            box.deleteLater()
        return "show" if clicked is show else "new" if clicked is new else ""

    def _show_kept(self, state: agreements.AgreementState, then=None):
        """Show (or hand to ``then``) the agreement as it was signed: the signed copy when
        attached, else the PDF kept when it was made; a copy under a friendly name in the
        private temp folder, the kept file untouched. Returns None."""
        import shutil

        for path, sha in ((state.signed_path, state.signed_sha256),
                          (state.pdf_path, state.pdf_sha256)):
            if agreements.file_ok(path, sha):
                break
        else:
            self.say("The signed agreement's PDF is missing from the data folder or has "
                     "changed. Attach the signed copy again, or restore a backup.", error=True)
            return None
        try:
            copy = tempfiles.new_folder() / self._file_name()
            shutil.copyfile(path, copy)
            tempfiles.seal(copy)
        except OSError:
            self.say("The signed agreement could not be shown: CoachDesk could not write to "
                     "its data folder. Check that the disk is not full.", error=True)
            return None
        (then or self.show_pdf)(copy)
        return None

    def _names(self) -> tuple[str, str]:
        """(the client's name, the engagement's kind)."""
        with self.ctx.db.session() as s:
            e = s.get(Engagement, self.engagement_id)
            client = s.get(Client, e.client_id) if e else None
            kind = (e.kind.value if hasattr(e.kind, "value") else str(e.kind)) if e else ""
            return (client.name if client else ""), kind

    def _file_name(self) -> str:
        from coachdesk.filenames import file_name

        name, kind = self._names()
        return file_name(title_for(kind), name, suffix=".pdf")

    def show_pdf(self, path: Path) -> None:
        from ..dialogs.print_preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(str(path), path.name, self, kind="agreement")
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()  # its PDF document goes with it, not with the page

    # -- sending ---------------------------------------------------------------------------
    def email(self):
        """Make the PDF, then open the e-mail dialog; sending (or opening the draft) marks
        the agreement sent."""
        return self.make_pdf(then=self._email_ready)

    def _email_ready(self, path: Path) -> None:
        from ..dialogs.email_dialog import EmailDialog

        with self.ctx.db.session() as s:
            e = s.get(Engagement, self.engagement_id)
            client = s.get(Client, e.client_id)
            sponsor = s.get(Sponsor, e.sponsor_id) if e.sponsor_id else None
            client_name, kind = client.name, e.kind.value if hasattr(e.kind, "value") else e.kind
            client_email = (client.email or "").strip()
            sponsor_name, sponsor_email = (sponsor.name, (sponsor.email or "").strip()) \
                if sponsor else ("", "")
        profile = settings_service.coach_profile(self.ctx.db)
        to = ", ".join(a for a in (sponsor_email, client_email) if a)
        message = agreement_message(kind, client_name, sponsor_name,
                                    profile.signature or "", both=bool(client_email))
        eid = self.engagement_id

        def record(method: str, recipient: str):
            if method == "smtp":  # only a message that went marks it sent
                state = agreements.mark_sent(self.ctx.db, eid)
                self.reload()
                self.say("E-mailed, and marked as sent today.")
                return state
            if method == "draft":
                self.say(DRAFT_READY)
            elif method == "outbox":
                self.say("The e-mail waits in the outbox; the agreement is marked as sent "
                         "once it has gone.")
            return None

        dialog = EmailDialog(self.ctx, path, to=to, sponsor_name=sponsor_name,
                             client_name=client_name, period="",
                             coach_name=profile.name, coach_credentials=profile.credentials,
                             record=record, parent=self, what="agreement",
                             subject=f"{title_for(kind)} — {client_name}", message=message)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def mark_sent(self) -> None:
        try:
            agreements.mark_sent(self.ctx.db, self.engagement_id)
        except CoachDeskError as exc:
            self._refuse(exc)
            return
        self.reload()
        self.say("Marked as sent today.")

    def mark_signed(self) -> None:
        if self.signed_on.problem():
            self.signed_on.commit()
            self.signed_on.setFocus()
            return
        self.signed_on.commit()
        day = self.signed_on.value()
        try:
            agreements.mark_signed(self.ctx.db, self.engagement_id, day)
        except CoachDeskError as exc:
            self._refuse(exc)
            self.signed_on.setFocus()
            return
        self.reload()
        self.say(f"Marked as signed on {dates.long(day)}.")

    # -- the signed copy -------------------------------------------------------------------
    def attach_signed(self, path: str | None = None) -> bool:
        """Attach the signed copy (asked for when ``path`` is None); True when kept."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Choose the signed agreement (PDF)",
                                                  "", "PDF files (*.pdf);;All files (*)")
            if not path:
                return False
        self.signed_on.commit()
        try:
            agreements.attach_signed(self.ctx.db, self.engagement_id, path,
                                     signed_on=self.signed_on.value())
        except CoachDeskError as exc:
            self._refuse(exc)
            return False
        except Exception:  # noqa: BLE001 - logged without the path (it may name the client)
            log.exception("attaching a signed agreement failed")
            self.say("The signed copy could not be attached; the details are in the log file.",
                     error=True)
            return False
        self.reload()
        self.say("The signed copy is attached and kept with the engagement's reports and "
                 "backups.")
        return True

    def open_signed(self) -> bool:
        state = self.state
        if state is None or state.signed_path is None or not state.signed_path.is_file():
            self.say("There is no signed copy to open.", error=True)
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(state.signed_path))):
            QMessageBox.information(self, "Signed copy", as_plain(
                "No program opened the PDF. It is kept at:\n" + str(state.signed_path)))
            return False
        return True
