"""E-mail a report to the sponsor: a draft for the coach's own mail program, or SMTP.

The draft is an ``.eml`` file (``X-Unsent: 1``) written beside the practice and
handed to the system (``QDesktopServices.openUrl``); when nothing opens it the
dialog shows the folder and says in plain words how to send it. "Send now"
puts the message in the outbox and sends it off the GUI thread; a message
that cannot go stays in the outbox with the reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from coachdesk import mail
from coachdesk.errors import CoachDeskError

from ..context import AppContext
from ..plain import as_plain
from ..theme import css
from ..widgets.fields import ErrorLabel, name_widget, with_error
from .base import FormBehaviour

log = logging.getLogger(__name__)


# -- sending the outbox off the GUI thread ---------------------------------------------------

# One sender at a time works on the outbox (send_outbox's rule); senders in
# flight are kept referenced until their result has been delivered.
_send_lock = threading.Lock()
_senders: set[OutboxSender] = set()


class OutboxSender(QObject):
    """Sends the practice's outbox in a Python thread; ``finished`` carries the SendResult
    (or ``None`` when another send was already running)."""

    finished = Signal(object)
    _from_thread = Signal(object)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        # The worker thread emits _from_thread; this object lives in the GUI thread, so the
        # slot runs there, and whoever listens to ``finished`` is called on the GUI thread.
        self._from_thread.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _deliver(self, result) -> None:
        try:
            self.finished.emit(result)
        finally:
            QTimer.singleShot(0, lambda: _senders.discard(self))

    def start(self) -> bool:
        """Start sending; False (and nothing started) when a send is already running or the
        settings are incomplete."""
        settings = mail.get_smtp_settings(self.ctx.db)
        if not settings.configured:
            return False
        password = mail.get_smtp_password(settings.user) if settings.user else None
        if not _send_lock.acquire(blocking=False):
            return False
        outbox = mail.outbox_dir(self.ctx.db.path)
        _senders.add(self)

        def work():
            try:
                result = mail.send_outbox(outbox, settings, password)
            except Exception as exc:  # send_outbox should not raise; never lose the thread
                log.exception("sending the outbox failed")
                result = mail.SendResult([mail.MessageResult(p, False, f"Sending failed: {exc}")
                                          for p in mail.list_outbox(outbox)])
            finally:
                _send_lock.release()
            self._from_thread.emit(result)

        threading.Thread(target=work, name="coachdesk-outbox", daemon=True).start()
        return True


def sending_now() -> bool:
    return _send_lock.locked()


def outbox_count(ctx: AppContext) -> int:
    return len(mail.list_outbox(mail.outbox_dir(ctx.db.path)))


# -- the dialog -------------------------------------------------------------------------------

def default_subject(client: str, period: str) -> str:
    return f"Coaching progress report — {client}, {period}"


def default_message(sponsor: str, client: str, period: str, coach: str,
                    credentials: str = "") -> str:
    """The cover message, signed with the coach's name and, on the next line, credentials
    ("Anne Martin" / "PCC, ICF")."""
    hello = f"Dear {sponsor}," if sponsor else "Hello,"
    signature = "\n".join(x for x in (coach.strip(), credentials.strip() if coach.strip()
                                      else "") if x)
    sign = f"\n\nKind regards,\n{signature}" if signature else "\n\nKind regards"
    return (f"{hello}\n\nPlease find attached the coaching progress report for {client} "
            f"covering {period}. It is confidential and prepared for you only.\n\n"
            "I am happy to talk it through whenever it suits you." + sign)


class EmailDialog(FormBehaviour, QDialog):
    """To, subject, a short cover message, and two ways to send.

    ``record(method, recipient)`` is called once the report has gone a given way
    ("draft", "outbox", later "smtp"): the report dialog writes the log there.
    """

    def __init__(self, ctx: AppContext, pdf_path: Path, *, to: str, sponsor_name: str,
                 client_name: str, period: str, coach_name: str, coach_credentials: str = "",
                 record: Callable[[str, str], object] | None = None,
                 keep_address: Callable[[str], str] | None = None, parent=None,
                 subject: str | None = None, message: str | None = None,
                 what: str = "report"):
        """``subject`` and ``message`` replace the report's wording, and ``what`` ("report",
        "agreement", "invoice", "credit note") names the attachment in titles and messages,
        so the agreement and invoices are sent through the same dialog."""
        super().__init__(parent)
        self.ctx = ctx
        self.what = what
        self.pdf_path = Path(pdf_path)
        self.record = record
        #: saves a new address to the sponsor and returns the sentence that says so
        self.keep_address = keep_address
        self.given_to = to.strip()
        self.draft_path: Path | None = None
        self.queued_path: Path | None = None
        self.setWindowTitle(f"E-mail the {what} to the sponsor")
        self.setObjectName("emailDialog")
        self.setModal(True)
        self.resize(640, 480)

        self.to = name_widget(QLineEdit(to), "emailTo", "To")
        self.to.setPlaceholderText("sponsor@example.org")
        self.to_error = ErrorLabel("emailTo")
        self.missing = name_widget(QLabel(), "emailMissing", "No e-mail address on file")
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setText("The sponsor has no e-mail address on file. Type the address here"
                             + (" (tick “Also save” below to keep it with the sponsor)."
                                if keep_address else " (it is used for this message only)."))
        self.missing.setStyleSheet(f"color: {css('orange')};")
        self.missing.setVisible(not to.strip())
        self.keep = name_widget(QCheckBox(f"Also save to {sponsor_name[:60]}'s details"),
                                "emailKeepAddress", "Also save the address to the sponsor's details")
        self.keep.setChecked(True)
        self.keep.hide()
        self.kept_note = name_widget(QLabel(), "emailAddressSaved", "Address saved")
        self.kept_note.setTextFormat(Qt.TextFormat.PlainText)
        self.kept_note.setWordWrap(True)
        self.kept_note.hide()
        self.subject = name_widget(QLineEdit(
            subject if subject is not None else default_subject(client_name, period)), "emailSubject",
                                   "Subject")
        self.subject.setCursorPosition(0)
        self.message = name_widget(QPlainTextEdit(), "emailMessage", "Cover message")
        self.message.setPlainText(message if message is not None else default_message(
            sponsor_name, client_name, period, coach_name, coach_credentials))
        self.message.setTabChangesFocus(True)
        self.message.setMinimumHeight(150)
        attached = QLabel(f"Attached: {self.pdf_path.name}")
        attached.setObjectName("emailAttachment")
        attached.setTextFormat(Qt.TextFormat.PlainText)
        attached.setWordWrap(True)
        attached.setStyleSheet("color: palette(placeholder-text);")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        to_box = with_error(self.to, self.to_error)
        to_box.layout().insertWidget(0, self.missing)
        to_box.layout().addWidget(self.keep)
        to_box.layout().addWidget(self.kept_note)
        form.addRow("To", to_box)
        form.addRow("Subject", self.subject)
        form.addRow("Message", self.message)
        form.addRow("", attached)

        self.draft_button = name_widget(QPushButton("Open as a draft in my mail program"),
                                        "emailDraft", "Open as a draft in my mail program")
        self.send_button = name_widget(QPushButton("Send now"), "emailSendNow", "Send now")
        self.smtp = mail.get_smtp_settings(ctx.db)
        self.send_button.setEnabled(self.smtp.configured)
        self.send_button.setToolTip(
            as_plain(f"Send through {self.smtp.server} now") if self.smtp.configured
            else "To send from CoachDesk, set up your mail server in Settings → Reports & e-mail.")
        self.draft_button.setDefault(True)

        # What happened, in plain words (the draft's folder, a send's result).
        self.outcome = name_widget(QLabel(), "emailOutcome", "What happened")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        self.show_folder_button = name_widget(QPushButton("Show the folder"), "emailShowFolder",
                                              "Show the folder")
        self.show_folder_button.hide()
        self.show_folder_button.clicked.connect(self._show_folder)

        actions = QHBoxLayout()
        actions.addWidget(self.draft_button)
        actions.addWidget(self.send_button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setObjectName("emailClose")
        close.rejected.connect(self.close_asking)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(self.outcome, 1)
        outcome_row.addWidget(self.show_folder_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addLayout(outcome_row)
        layout.addWidget(close)

        self.draft_button.clicked.connect(self.open_draft)
        self.send_button.clicked.connect(self.send_now)
        self.to.textEdited.connect(self._to_edited)

    # -- helpers ------------------------------------------------------------------------------
    def _say(self, text: str, colour: str | None = None) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(f"color: {css(colour)};" if colour else "")
        self.outcome.show()

    def _to_edited(self, *_) -> None:
        """An error under the address goes as soon as the address is right; a new address
        may also be kept with the sponsor."""
        typed = self.to.text().strip()
        self.keep.setVisible(self.keep_address is not None and bool(typed)
                             and typed != self.given_to)
        if self.to_error.isVisibleTo(self):
            try:
                mail._recipients(self.to.text().strip())
            except CoachDeskError as exc:
                self.to_error.show_error(str(exc))
            else:
                self.to_error.show_error(None)

    def _recipient(self) -> str | None:
        to = self.to.text().strip()
        try:
            mail._recipients(to)  # the engine's own check, so the message matches the file
        except CoachDeskError as exc:
            self.to_error.show_error(str(exc))
            self.to.setFocus()
            return None
        self.to_error.show_error(None)
        return to

    def _keep(self, to: str) -> None:
        """Save a new address to the sponsor when the tick says so (once)."""
        if self.keep_address is None or self.keep.isHidden() or not self.keep.isChecked():
            return
        try:
            sentence = self.keep_address(to)
        except CoachDeskError as exc:
            self.kept_note.setText(f"Not saved to the sponsor's details: {exc}")
            self.kept_note.setStyleSheet(f"color: {css('orange')};")
        else:
            self.given_to = to
            self.kept_note.setText(sentence)
            self.kept_note.setStyleSheet("")
            self.keep.hide()
        self.kept_note.show()

    def _log(self, method: str, recipient: str):
        if self.record is None:
            return None
        try:
            return self.record(method, recipient)
        except CoachDeskError as exc:
            self.ctx.say(f"The {self.what}'s record could not be updated: {exc}")
        except Exception as exc:  # logged; the e-mail itself went fine
            log.exception("recording the sent file failed")
            self.ctx.say(f"The {self.what}'s record could not be updated: {exc}")
        return None

    def _show_folder(self) -> None:
        if self.draft_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.draft_path.parent)))

    # -- a draft --------------------------------------------------------------------------------
    def open_draft(self) -> Path | None:
        to = self._recipient()
        if to is None:
            return None
        self._keep(to)
        try:
            path = mail.write_draft(mail.mail_dir(self.ctx.db.path), to, self.subject.text(),
                                    self.message.toPlainText(), self.pdf_path,
                                    self.smtp.sender or None)
        except CoachDeskError as exc:
            if getattr(exc, "field", None) == "to":
                self.to_error.show_error(str(exc))
            else:
                self._say(str(exc), "red")
            return None
        except OSError as exc:
            self._say(f"The draft could not be written: {exc.strerror or exc}", "red")
            return None
        self.draft_path = path
        self.mark_clean()  # the words went into the draft: closing loses nothing
        self._log("draft", to)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._say("The draft is open in your mail program: check it and press Send there. "
                      f"A copy is kept at {path}.")
            self.show_folder_button.hide()
            self.ctx.say("Draft opened in your mail program.")
        else:
            self._say(
                "No mail program opened the draft, so it is waiting for you as a file:\n"
                f"{path}\n\n"
                "To send it: press “Show the folder”, then double-click the file (or drag it "
                "into your mail program’s window); it opens as a new message with the "
                f"{self.what} attached. Or write a new e-mail to the sponsor and attach the PDF from the "
                "same folder.", "orange")
            self.show_folder_button.show()
            self._show_folder()
            self.ctx.say("The draft is saved; see the dialog for how to send it.")
        return path

    # -- sending by SMTP -----------------------------------------------------------------------
    def send_now(self) -> bool:
        to = self._recipient()
        if to is None:
            return False
        self._keep(to)
        try:
            data = mail.make_eml(to, self.subject.text(), self.message.toPlainText(),
                                 self.pdf_path, self.smtp.sender or None, draft=False)
            self.queued_path = mail.queue(mail.outbox_dir(self.ctx.db.path), data)
        except CoachDeskError as exc:
            if getattr(exc, "field", None) == "to":
                self.to_error.show_error(str(exc))
            else:
                self._say(str(exc), "red")
            return False
        except OSError as exc:
            self._say(f"The message could not be put in the outbox: {exc.strerror or exc}", "red")
            return False
        self.mark_clean()  # the message waits in the outbox: closing loses nothing
        self._log("outbox", to)
        self.send_button.setEnabled(False)
        self.draft_button.setEnabled(False)
        sender = OutboxSender(self.ctx)
        name = self.queued_path.name
        record = self.record
        ctx = self.ctx

        what = self.what
        outbox = mail.outbox_dir(self.ctx.db.path)

        def done(result):
            mine = [r for r in (result.results if result else []) if r.path.name == name]
            if not mine and (mail.sent_dir_for(outbox) / name).exists():
                mine = [mail.MessageResult(mail.sent_dir_for(outbox) / name, True)]  # sent by
                # another send of the outbox (the start-up one) while we waited
            elif not mine and not (outbox / name).exists():
                mine = [mail.MessageResult(outbox / name, False, "The message left the outbox "
                                           "but is not among the sent ones.")]
            if mine and mine[0].sent:
                if record is not None:
                    try:
                        record("smtp", to)
                    except Exception:
                        log.exception("recording the sent report failed")
                ctx.say(f"{what.capitalize()} sent to {to}.")
                text, colour = f"Sent to {to}. A copy is kept in CoachDesk's sent mail.", None
            else:
                reason = mine[0].reason if mine else "Another send was still running."
                text = (f"Not sent: {reason}\nIt waits in the outbox; it will be sent when you "
                        "press Send outbox (File menu).")
                colour = "red"
                ctx.say(f"The {what} waits in the outbox: " + reason)
            try:
                self._say(text, colour)
                self.draft_button.setEnabled(True)
                self.send_button.setEnabled(not (mine and mine[0].sent))
            except RuntimeError:  # the dialog was closed meanwhile
                pass

        sender.finished.connect(done)
        tries = {"left": 60}

        def attempt():
            try:
                started = sender.start()
            except CoachDeskError as exc:  # the keyring could not be read
                self._say(f"Not sent: {exc}\nIt waits in the outbox; it will be sent when you "
                          "press Send outbox.", "red")
                self.draft_button.setEnabled(True)
                return
            if started:
                return
            if sending_now() and tries["left"] > 0:  # another send of the outbox: wait for it
                tries["left"] -= 1
                QTimer.singleShot(500, attempt)
            else:
                done(None)

        self._say("Sending…")
        attempt()
        return True
