"""The sponsor progress report of one engagement: choose, preview, save, print, e-mail.

The PDF is built off the GUI thread (``PdfJob``) from the engine's read model
(shareable fields only). Whatever the coach does with a built report (save,
print, a draft, SMTP) is written to the report log, which keeps the exact PDF;
earlier reports reopen from there, checked against their SHA-256.

Consent decides (``report_consent``): the dialog starts from the consent in force, says
what will be shared and why, and asks to record consent before anything else goes in.

Nothing typed is lost: the summary, next steps, sections and indicators chosen are
kept as the engagement's draft (``services.report_drafts``) as the coach types and on
close, and come back when the dialog opens again. The draft ends once a report made
from it has gone out (saved, printed, e-mailed): the log keeps its words, and the next
report starts fresh. A draft that cannot be saved says so and is tried again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates, tempfiles
from coachdesk.errors import CoachDeskError
from coachdesk.reports import progress
from coachdesk.reports.worksheet import get_paper_size
from coachdesk.services import clients, engagements, indicators, report_drafts, sponsors
from coachdesk.services import settings as settings_service

from ..context import AppContext
from ..files import file_name
from ..plain import as_plain
from ..theme import css
from ..widgets.autosave import AutoSaver
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget, with_error
from .print_preview import PdfJob
from .report_choices import CoachNameDialog, IndicatorChoices, SponsorAddress
from .report_consent import ReportConsent
from .report_earlier import EarlierReports, ReportPreviewDialog, log_module, period_words, short_date

log = logging.getLogger(__name__)

DRAFT_END = ("Once the report is saved, printed or e-mailed, your words stay with it under "
             "Earlier reports and the next report starts fresh.")
DRAFT_HINT = ("Your words and choices are kept as a draft as you type and come back when you "
              "open this report again. " + DRAFT_END)
DRAFT_RETRY_MS = 3000
#: every section but the stakeholder map: a draft with these ticked keeps "None" for them
#: (the ticks themselves start from the client's consent: ``report_consent``)
DEFAULT_SECTIONS = tuple(k for k in progress.SECTIONS if k != "indicators")


class ReportDialog(QDialog):
    def __init__(self, ctx: AppContext, engagement_id: int, parent=None, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.engagement = engagements.get(ctx.db, engagement_id)
        self.client = clients.get(ctx.db, self.engagement.client_id)
        self.sponsor = (sponsors.get(ctx.db, self.engagement.sponsor_id)
                        if self.engagement.sponsor_id else None)
        self.today = today
        #: tests set this to receive preview dialogs instead of running them modally
        self.on_preview = None
        self.job: PdfJob | None = None
        self.built: tuple[Path, object] | None = None  # (pdf, ReportData) of the last build
        self.built_key = None  # the choices it was built from
        self.built_draft = None  # the draft values it was built from
        self.entry = None  # the log entry of the last build, once it went somewhere
        self.name_asked = False  # the coach's name is asked for once per dialog
        self.setWindowTitle(f"Progress report — {self.client.name[:80]}")
        self.setObjectName("reportDialog")
        self.setModal(True)
        room = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(980, room.width() - 40), min(700, room.height() - 40))  # fits a laptop

        title = QLabel(f"{self.client.name} · {engagements.describe(self.engagement)}")
        title.setObjectName("reportTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        title.setWordWrap(True)

        # -- period and contents ------------------------------------------------------------
        start, end = log_module().default_period(ctx.db, self.engagement.id, today)
        self.date_from = name_widget(OptionalDateEdit(allow_empty=False), "reportFrom", "From")
        self.date_to = name_widget(OptionalDateEdit(allow_empty=False), "reportTo", "To")
        self.date_from.set_value(start)
        self.date_to.set_value(end)
        self.errors = {"date_from": ErrorLabel("reportFrom"), "date_to": ErrorLabel("reportTo")}
        period = QHBoxLayout()
        period.addWidget(with_error(self.date_from, self.errors["date_from"]))
        period.addWidget(QLabel("to"))
        period.addWidget(with_error(self.date_to, self.errors["date_to"]))
        period.addStretch(1)

        self.section_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, key in enumerate(DEFAULT_SECTIONS):
            box = name_widget(QCheckBox(progress.SECTION_TITLES[key]), f"section_{key}",
                              progress.SECTION_TITLES[key])
            box.setChecked(True)
            self.section_boxes[key] = box
            grid.addWidget(box, i // 2, i % 2)
        self.include_stakeholders = name_widget(
            QCheckBox("Include the stakeholder map (off unless you mean to share it)"),
            "includeStakeholders", "Include the stakeholder map")
        self.include_stakeholders.setToolTip("The map is your working material: names, roles "
                                             "and how you see each relationship.")
        self.include_stakeholders.setChecked(False)
        grid.addWidget(self.include_stakeholders, (len(DEFAULT_SECTIONS) + 1) // 2, 0, 1, 2)
        self.indicator_choices = IndicatorChoices(
            indicators.list_all(ctx.db, include_retired=True), self)
        self.consent = ReportConsent(self)

        self.summary = name_widget(QPlainTextEdit(), "reportSummary", "Coach's summary")
        self.summary.setPlaceholderText("Your summary for the sponsor: what moved, what it means. "
                                        "It is printed as typed; left empty, it is left out.")
        self.next_steps = name_widget(QPlainTextEdit(), "reportNextSteps", "Next steps")
        self.next_steps.setPlaceholderText("What comes next, as agreed with your client.")
        for edit in (self.summary, self.next_steps):
            edit.setTabChangesFocus(True)
        self.summary.setMinimumHeight(100)
        self.next_steps.setMinimumHeight(64)
        self.draft_status = name_widget(QLabel(), "reportDraftStatus", "Draft")
        self.draft_status.setTextFormat(Qt.TextFormat.PlainText)
        self.draft_status.setWordWrap(True)
        self.draft_status.setToolTip(DRAFT_HINT)

        sponsor_name = self.sponsor.name if self.sponsor else ""
        self.recipient_name = name_widget(QLabel(sponsor_name or "No sponsor on this engagement"),
                                          "reportRecipientName", "Sponsor")
        self.recipient_name.setTextFormat(Qt.TextFormat.PlainText)
        self.address = SponsorAddress(ctx, self.sponsor, self)
        self.recipient_email, self.errors["to"] = self.address.field, self.address.error
        self.keep_email, self.email_note = self.address.keep, self.address.note

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above when narrow
        form.addRow("Shared", self.consent.box)
        form.addRow("Period", period)
        form.addRow("Sections", grid)
        form.addRow("Indicators", self.indicator_choices)
        form.addRow("For", self.recipient_name)
        form.addRow("E-mail", self.address)
        left = QGroupBox("What goes in")
        left.setLayout(form)
        # The choices scroll on a small screen rather than push the buttons off it.
        scroll = QScrollArea()
        scroll.setObjectName("reportChoicesScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(left)
        scroll.setMinimumWidth(left.minimumSizeHint().width() + 16)

        words = QGroupBox("Your words for the sponsor")
        words_layout = QVBoxLayout(words)
        for label, edit, stretch in (("&Coach's summary", self.summary, 3),
                                     ("&Next steps", self.next_steps, 2)):
            caption = QLabel(label)
            caption.setBuddy(edit)
            words_layout.addWidget(caption)
            words_layout.addWidget(edit, stretch)

        # -- earlier reports ------------------------------------------------------------------
        self.earlier = EarlierReports(ctx, self.engagement.id, self._show, self._say, self)
        self.log_model, self.log_table = self.earlier.model, self.earlier.table
        self.empty_log, self.open_button = self.earlier.empty, self.earlier.open_button
        right = QVBoxLayout()
        right.addWidget(words, 3)
        right.addWidget(self.earlier, 2)

        # -- buttons ----------------------------------------------------------------------------
        self.status = name_widget(QLabel(), "reportStatus", "Report status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("reportClose")
        self.preview_button = name_widget(
            buttons.addButton("Preview…", QDialogButtonBox.ButtonRole.ActionRole),
            "reportPreview", "Preview")
        self.email_button = name_widget(
            buttons.addButton("E-mail to sponsor…", QDialogButtonBox.ButtonRole.ActionRole),
            "reportEmail", "E-mail to sponsor")
        self.preview_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(lambda: self.preview())
        self.email_button.clicked.connect(lambda: self.email())

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        layout.addWidget(self.draft_status)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        # -- the draft: restored, then saved as the coach types ----------------------------------
        self.saver = AutoSaver(self.save_draft, self)
        self.draft_retry = QTimer(self)
        self.draft_retry.setSingleShot(True)
        self.draft_retry.setInterval(DRAFT_RETRY_MS)
        self.draft_retry.timeout.connect(self.save_draft)
        self.draft_kept = None  # the draft values last read or written (None: unreadable)
        self.draft_problem = ""  # why the last save failed, "" when it did not
        self.show_indicator_choices()
        self.restore_draft()
        self.consent.start(self.had_draft)  # what the client agreed, or the draft's choice
        if self.draft_kept is not None:
            self.draft_kept = self.draft_values()
        for key, box in self.consent.section_boxes().items():  # asks before it stays ticked
            box.toggled.connect(lambda on, k=key: self.consent.section_ticked(k, on))
        self.indicator_choices.guard = self.consent.indicator_may_be_ticked
        self.indicator_choices.changed.connect(self.consent.say_what_goes)
        for edit in (self.summary, self.next_steps):
            edit.textChanged.connect(self.saver.changed)
        for box in (*self.section_boxes.values(), self.include_stakeholders):
            box.toggled.connect(self.saver.changed)
        self.indicator_choices.changed.connect(self.saver.changed)
        for field in (self.date_from, self.date_to):
            field.dateChanged.connect(lambda *_: self.show_indicator_choices())
        self.load_log()
        chain = [self.consent.record_button, self.date_from, self.date_to, *self.section_boxes.values(),
                 self.include_stakeholders, *self.indicator_choices.boxes.values(),
                 self.recipient_email, self.keep_email, self.summary, self.next_steps,
                 self.log_table, self.open_button, self.preview_button, self.email_button,
                 buttons.button(QDialogButtonBox.StandardButton.Close)]
        for first, second in zip(chain, chain[1:], strict=False):  # Tab goes down one column, then the next
            QWidget.setTabOrder(first, second)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.summary.setFocus()  # opening puts the cursor where the coach writes

    # -- helpers ---------------------------------------------------------------------------------
    def _say(self, text: str, colour: str | None = None) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {css(colour)};" if colour else "")

    def choices(self) -> dict:
        """The arguments of ``progress.report_data``: indicators only as ticked one by one."""
        chosen = self.indicator_choices.chosen_ids()
        sections = tuple(k for k, b in self.section_boxes.items() if b.isChecked())
        kw = dict(date_from=self.date_from.value(), date_to=self.date_to.value(),
                  sections=sections + (("indicators",) if chosen else ()),
                  coach_summary=self.summary.toPlainText(),
                  next_steps=self.next_steps.toPlainText(), indicator_ids=chosen)
        kw["include_stakeholders"] = self.include_stakeholders.isChecked()
        return kw

    def show_indicator_choices(self) -> None:
        """Offer a tick for each indicator rated in the period (none ticked by CoachDesk)."""
        start, end = self.date_from.value(), self.date_to.value()
        if end < start:
            return  # said beside the field when the coach goes on
        try:
            found = progress.indicator_choices(self.ctx.db, self.engagement.id, start, end)
        except CoachDeskError as exc:
            self._say(str(exc), "red")
            found = []
        self.indicator_choices.show_choices(found)

    # -- the draft -----------------------------------------------------------------------------
    def draft_values(self) -> dict:
        """What the draft keeps: the words as typed and every choice the coach made."""
        sections = tuple(k for k, b in self.section_boxes.items() if b.isChecked())
        if self.include_stakeholders.isChecked():
            sections += (progress.STAKEHOLDERS,)
        return dict(coach_summary=self.summary.toPlainText(),
                    next_steps=self.next_steps.toPlainText(),
                    sections=None if sections == DEFAULT_SECTIONS else sections,
                    indicator_ids=self.indicator_choices.all_chosen())

    def _draft_say(self, text: str, colour: str | None = None) -> None:
        self.draft_status.setText(text)
        self.draft_status.setStyleSheet(f"color: {css(colour)};" if colour
                                        else "color: palette(placeholder-text);")

    def restore_draft(self) -> None:
        self.had_draft = False
        try:
            draft = report_drafts.get(self.ctx.db, self.engagement.id)
        except CoachDeskError as exc:
            # Saving over a draft that could not be read would lose it: nothing is saved
            # in this dialog, and closing asks before anything typed is dropped.
            self.draft_kept = None
            self.draft_problem = (f"Your earlier draft could not be read just now ({exc}) and "
                                  "is kept as it was; close and open the report again to get "
                                  "it back.")
            self._draft_say(self.draft_problem, "red")
            return
        if draft is not None:
            self.had_draft = True
            with self.saver.suspend():
                self.summary.setPlainText(draft.coach_summary)
                self.next_steps.setPlainText(draft.next_steps)
                if draft.sections is not None:
                    for key, box in self.section_boxes.items():
                        box.setChecked(key in draft.sections)
                    self.include_stakeholders.setChecked(progress.STAKEHOLDERS in draft.sections)
                self.indicator_choices.set_chosen(draft.indicator_ids)
                self.show_indicator_choices()
            when = draft.updated_at.astimezone()
            self._draft_say(f"Your draft of {short_date(when.date())} {dates.clock(when)} is back. "
                            + DRAFT_END)
        else:
            self._draft_say(DRAFT_HINT)
        self.draft_kept = self.draft_values()

    def save_draft(self) -> bool:
        """Keep the words and choices as the engagement's draft now; True when they are kept
        (or there was nothing new). A failure says so beside the words and is retried."""
        self.saver.discard()
        self.draft_retry.stop()
        values = self.draft_values()
        if self.ctx.read_only:  # choices made for this printout; none kept (the bar says so)
            return True
        if self.draft_kept is None:  # the earlier draft could not be read: never overwrite it
            return not values["coach_summary"].strip() and not values["next_steps"].strip()
        if values == self.draft_kept:
            return True
        try:
            report_drafts.save(self.ctx.db, self.engagement.id, **values)
        except CoachDeskError as exc:
            self.draft_problem = str(exc)
        except Exception as exc:  # logged without the coach's words; never a traceback shown
            log.error("saving the report draft failed: %s", type(exc).__name__)
            self.draft_problem = "The draft could not be saved just now."
        else:
            self.draft_kept = values
            self.draft_problem = ""
            self._draft_say(f"Draft saved {dates.clock(datetime.now())} ✓ " + DRAFT_END)
            return True
        self._draft_say(f"⚠ Not saved yet: {self.draft_problem} Trying again in a few seconds; "
                        "your words stay here.", "red")
        self.draft_retry.start()
        return False

    def _end_draft(self) -> None:
        """A report made from the draft has gone out: the log keeps its words, the next
        report starts fresh (unless the coach has changed something since the build)."""
        if self.built_draft is None or self.draft_kept is None:
            return
        if self.draft_values() != self.built_draft:
            self.save_draft()
            return
        try:
            report_drafts.clear(self.ctx.db, self.engagement.id)
        except CoachDeskError as exc:
            self._draft_say(f"The draft could not be ended ({exc}); it will come back next "
                            "time, and the report's words are in the log.", "orange")
            return
        self.saver.discard()
        self.draft_retry.stop()
        self.draft_kept = self.built_draft
        # "made", not "gone out": an e-mail may still wait in the outbox, which says so itself
        self._draft_say("This report is made: its words are kept with it under Earlier "
                        "reports, and the next report starts fresh.")

    # -- the coach's name, the sponsor's address ---------------------------------------------------
    def ask_coach_name(self) -> None:
        """Before the first report, ask for the name on the cover (once per dialog)."""
        if self.name_asked:
            return
        self.name_asked = True
        try:
            if settings_service.coach_profile(self.ctx.db).name:
                return
        except CoachDeskError:
            return
        dialog = CoachNameDialog(self.ctx, self)
        if dialog.exec() and dialog.result_object is not None:
            self._say(f"Your name goes on the cover: {dialog.result_object.signature}.")

    def recipient(self) -> str:
        email = self.recipient_email.text().strip()
        name = self.sponsor.name if self.sponsor else ""
        if email and name:
            return f"{name} <{email}>"
        return email or name

    def _suggested_name(self, data) -> str:
        return file_name("Progress report", self.client.name,
                         f"{data.period_from} to {data.period_to}", suffix=".pdf")

    # -- building ----------------------------------------------------------------------------------
    def build(self, then) -> PdfJob | None:
        """Build the PDF off the GUI thread, then call ``then(path, data)``; a build with the
        same choices as the last one is reused (same file, same log entry)."""
        for key in ("date_from", "date_to"):  # the address's error stays until it is fixed
            self.errors[key].show_error(None)
        kw = self.choices()
        if self.consent.state is None:
            self._say("No report can be made until the client's consent is recorded: press "
                      "Record consent….", "red")
            return None
        if kw["date_to"] < kw["date_from"]:
            self.errors["date_to"].show_error("The period ends before it starts.")
            return None
        if not kw["sections"]:
            self._say("Tick at least one section: the report would be only its cover.", "red")
            return None
        key = repr(sorted(kw.items()))
        if self.built is not None and key == self.built_key and self.built[0].exists():
            then(*self.built)
            return None
        if self.job is not None:
            return self.job  # one build at a time
        self.save_draft()  # the words are kept before anything else happens
        draft = self.draft_values()
        db, eid, today = self.ctx.db, self.engagement.id, self.today
        paper = get_paper_size(db)
        try:  # the app's private temp folder, removed on close (coachdesk.tempfiles)
            folder = tempfiles.new_folder()
        except OSError:
            self._say("The report could not be prepared: CoachDesk could not write to its "
                      "data folder. Check that the disk is not full.", "red")
            return None
        made: dict = {}

        def work():
            data = progress.report_data(db, eid, today=today, **kw)
            out = folder / self._suggested_name(data)
            made["data"] = data
            return tempfiles.seal(progress.build_report_pdf(out, data, paper))

        job = PdfJob(work)
        self.job = job
        self.preview_button.setEnabled(False)
        self.email_button.setEnabled(False)
        self._say("Preparing the report…")

        def finished():
            self.job = None
            self.preview_button.setEnabled(True)
            self.email_button.setEnabled(True)

        def done(path: str):
            finished()
            self._say("")
            self.built = (Path(path), made["data"])
            self.built_key = key
            self.built_draft = draft
            self.entry = None
            then(Path(path), made["data"])

        def failed(message: str):
            finished()
            self._say(message, "red")

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        job.start()
        return job

    # -- the log -------------------------------------------------------------------------------------
    def record(self, method: str, recipient: str | None = None):
        """Write what happened to the last built report into the log (one entry per build)."""
        if self.built is None:
            return None
        if self.ctx.read_only:  # the log is in the practice: the PDF went out, unlogged
            self.ctx.say("This practice is read-only, so the report is not in its report log.")
            return None
        rlog = log_module()
        recipient = self.recipient() if recipient is None else recipient
        if method in ("saved", "printed") and self.entry is not None:
            return self.entry  # already in the log; the stored copy is the same file
        if self.entry is None:
            self.entry = rlog.record(self.ctx.db, self.engagement.id, self.built[0], self.built[1],
                                     recipient=recipient, method=method)
            self._end_draft()  # it has gone out: the log keeps its words
        else:
            self.entry = rlog.mark_sent(self.ctx.db, self.entry.id, method, recipient)
        self.load_log()
        self.ctx.notify("report")
        return self.entry

    def load_log(self) -> None:
        self.earlier.load()

    # -- what the coach does -------------------------------------------------------------------------
    def _show(self, dialog) -> None:
        if self.on_preview is not None:
            self.on_preview(dialog)
        else:
            dialog.exec()

    def preview(self) -> PdfJob | None:
        self.ask_coach_name()
        self.address.check_and_keep()  # a wrong address is said under it; preview goes on

        def ready(path: Path, data):
            dialog = ReportPreviewDialog(str(path), self._suggested_name(data),
                                         lambda method: self._record_safely(method), self)
            self._show(dialog)

        return self.build(ready)

    def reject(self) -> None:
        """Close (Esc, the Close button, the window's ×): the words and choices are kept as
        the draft first. Only when that fails (the file busy) does closing ask, and staying
        is the default."""
        if self.save_draft():
            super().reject()
            return
        answer = QMessageBox.question(
            self, "Close the report",
            as_plain("Your summary and next steps could not be kept as a draft just now: "
                     f"{self.draft_problem}\n\nClosing now loses them. Stay, and they are tried "
                     "again in a few seconds (or copy them somewhere safe)."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.draft_retry.stop()
            super().reject()

    def _record_safely(self, method: str, recipient: str | None = None):
        try:
            return self.record(method, recipient)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Report log",
                                as_plain(f"The report log could not be updated: {exc}"))
        except Exception as exc:  # logged, never a traceback
            log.exception("recording the report failed")
            QMessageBox.warning(self, "Report log",
                                as_plain(f"The report log could not be updated: {exc}"))
        return None

    def email(self) -> PdfJob | None:
        if not self.address.check_and_keep():
            self.recipient_email.setFocus()
            return None
        self.ask_coach_name()

        def ready(path: Path, data):
            from .email_dialog import EmailDialog

            dialog = EmailDialog(
                self.ctx, path, to=self.recipient_email.text().strip(),
                sponsor_name=self.sponsor.name if self.sponsor else "",
                client_name=self.client.name, period=period_words(data.period_from, data.period_to),
                coach_name=data.coach_name, coach_credentials=data.coach_credentials,
                record=lambda method, to: self.record(method, to),
                keep_address=self.address.save if self.sponsor else None, parent=self)
            self._show(dialog)

        return self.build(ready)

    def open_earlier(self, entry_id: int | None = None):
        return self.earlier.open(entry_id)


def open_report_dialog(ctx: AppContext, engagement_id: int, parent=None) -> ReportDialog | None:
    try:
        dialog = ReportDialog(ctx, engagement_id, parent)
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Progress report", as_plain(str(exc)))
        return None
    except ImportError:  # the report log is not installed in this build
        QMessageBox.warning(parent, "Progress report", "Reports are not available in this version.")
        return None
    dialog.exec()
    return dialog
