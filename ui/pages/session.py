"""One session: details, the two kinds of notes, the GROW worksheet and its actions.

Private notes and the shareable summary are separate editors, each saved
only to its own field, and they look different at a glance: the private one
is amber with a lock, the shareable one blue with "may be sent to the sponsor".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError, StorageError, ValidationError
from coachdesk.models import SessionFormat, SessionStatus
from coachdesk.services import clients, grow, sessions
from coachdesk.services.sessions import FORMAT_LABELS, STATUS_LABELS

from ..context import AppContext
from ..plain import as_plain
from ..theme import css
from ..widgets.autosave import AutoSaver
from ..widgets.elided import elide
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget
from ..widgets.flow import FlowLayout, field_group
from ..widgets.saved_state import NEEDS_FIXING, NOT_SAVED_YET, SAVED, SAVING, SavedStateLabel
from ..widgets.sizing import ShortLineEdit
from ..widgets.text import FocusOutPlainTextEdit
from ..widgets.title_bar import TitleBar
from .session_grow import ActionsPanel, FollowUpPanel, GrowPanel

log = logging.getLogger(__name__)

PRIVATE_STYLE = ("QPlainTextEdit { background: rgba(255, 179, 0, 0.10); "
                 "border: 2px solid rgba(230, 140, 0, 0.75); border-radius: 4px; }")
SHARED_STYLE = ("QPlainTextEdit { background: rgba(30, 136, 229, 0.08); "
                "border: 2px solid rgba(30, 136, 229, 0.70); border-radius: 4px; }")


class SessionPage(QWidget):
    back_requested = Signal(int)  # client id

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.session = None
        #: the page the session was opened from ("Sessions", "Actions", "Dashboard"), which
        #: the back button returns to; None: the client's page
        self.back_to: str | None = None
        self.setObjectName("sessionPage")
        self.saver = AutoSaver(self._save, self)
        self.saver.saved.connect(self._show_saved)
        self.errors: dict[str, ErrorLabel] = {}
        self._fields: dict[str, QWidget] = {}  # field -> its widget (ui.leaving asks by it)

        # -- header: the title gets its room first (see TitleBar) -------------------------
        self.back_button = name_widget(QPushButton("← Client"), "backToClient", "Back to client")
        self.title = QLabel()
        self.title.setObjectName("sessionTitle")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.title_text = elide(self.title)  # shortened with "…" and a tooltip when narrow
        self.usage_label = QLabel()
        self.usage_label.setObjectName("sessionUsage")
        self.usage_label.setWordWrap(True)
        self.saved_label = SavedStateLabel("sessionSaved")
        self.print_button = name_widget(QPushButton("Print worksheet…"), "printWorksheet",
                                        "Print worksheet")
        self.print_button.setToolTip("Preview and print this session's GROW worksheet (Ctrl+P)")
        self.ics_button = name_widget(QPushButton("Add to calendar…"), "exportSessionIcs",
                                      "Export session to calendar")
        self.ics_button.setToolTip("Save this session as a calendar file (.ics) to add it to "
                                   "your calendar")
        self.rate_button = name_widget(QPushButton("Rate indicators…"), "rateIndicators",
                                       "Rate indicators")
        self.rate_button.setToolTip("Record this client's talent-retention indicators, dated "
                                    "with this session")
        more = self._build_more_button()
        self.header = TitleBar(self.title, self.title_text)
        self.header.setObjectName("sessionHeader")
        self.header.add_before(self.back_button, short="← Back")
        # On a narrower window: "← Back" first, then these two move into the "⋯" menu, then
        # Print gets short (TitleBar).
        self.header.add_after(self.rate_button, menu_action=self.rate_action)
        self.header.add_after(self.ics_button, menu_action=self.ics_action)
        self.header.add_after(self.print_button, short="Print…")
        self.header.add_after(more)

        # -- details: they wrap onto a second line rather than squeeze ------------------------
        self.date = name_widget(OptionalDateEdit(allow_empty=False), "sessionDate", "Date")
        self.start = name_widget(ShortLineEdit(["00:00", "23:59"]), "sessionStart", "Start time")
        self.start.setPlaceholderText("hh:mm")
        self.duration = name_widget(QSpinBox(), "sessionDuration", "Duration in minutes")
        self.duration.setRange(0, 10000)
        self.duration.setSuffix(" min")
        self.format = name_widget(QComboBox(), "sessionFormat", "Format")
        for f in SessionFormat:
            self.format.addItem(FORMAT_LABELS[f], f.value)
        self.status = name_widget(QComboBox(), "sessionStatus", "Status")
        for st in SessionStatus:
            self.status.addItem(STATUS_LABELS[st], st.value)
        self.pro_bono = name_widget(QCheckBox("Pro bono"), "sessionProBono", "Pro bono")
        self.is_group = name_widget(QCheckBox("Group"), "sessionGroup", "Group session")
        self.participants = name_widget(QSpinBox(), "sessionParticipants", "Participants")
        self.participants.setRange(1, 500)
        self.participants.setPrefix("participants: ")
        details_box = QWidget()
        details_box.setObjectName("sessionDetails")
        details = FlowLayout(details_box)
        # A refused value's reason shows under the row, as wide as the page (not squeezed
        # under a five-character field).
        errors = QVBoxLayout()
        errors.setContentsMargins(0, 0, 0, 0)
        errors.setSpacing(2)
        for label, field, widget in (("Date", "session_date", self.date),
                                     ("Start", "start_time", self.start),
                                     ("Length", "duration_minutes", self.duration),
                                     ("Format", "format", self.format),
                                     ("Status", "status", self.status),
                                     (None, "pro_bono", self.pro_bono),
                                     (None, "is_group", self.is_group),
                                     (None, "participants", self.participants)):
            details.addWidget(field_group(label, widget))
            if field in ("pro_bono", "is_group"):
                continue
            error = ErrorLabel(widget.objectName())
            self.errors[field] = error
            self._fields[field] = widget
            errors.addWidget(error)

        # -- notes ----------------------------------------------------------------------
        self.private_notes = name_widget(
            FocusOutPlainTextEdit("Your own working notes: observations, hypotheses, feelings…"),
            "privateNotes", "Private notes")
        self.private_notes.setStyleSheet(PRIVATE_STYLE)
        self.shared_summary = name_widget(
            FocusOutPlainTextEdit("What may be shared with the sponsor: themes, progress, "
                                  "agreed next steps…"),
            "sharedSummary", "Shareable summary")
        self.shared_summary.setStyleSheet(SHARED_STYLE)
        private_label = QLabel("🔒 <b>Private notes</b> — never leave this computer, never in a report")
        private_label.setObjectName("privateNotesLabel")
        private_label.setStyleSheet(f"color: {css('amber')};")
        shared_label = QLabel("👁 <b>Shareable summary</b> — may be sent to the sponsor")
        shared_label.setObjectName("sharedSummaryLabel")
        shared_label.setStyleSheet(f"color: {css('blue')};")
        private_box = QVBoxLayout()
        private_box.addWidget(private_label)
        private_box.addWidget(self.private_notes, 1)
        shared_box = QVBoxLayout()
        shared_box.addWidget(shared_label)
        shared_box.addWidget(self.shared_summary, 1)
        self.follow_up = FollowUpPanel(ctx)
        notes_tab = QWidget()
        notes_layout = QVBoxLayout(notes_tab)
        notes_layout.addWidget(self.follow_up)
        editors = QHBoxLayout()
        editors.addLayout(private_box, 1)
        editors.addSpacing(12)
        editors.addLayout(shared_box, 1)
        notes_layout.addLayout(editors, 1)

        self.grow = GrowPanel(ctx)
        self.actions = ActionsPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sessionTabs")
        self.tabs.addTab(notes_tab, "Notes")
        self.tabs.addTab(self.grow, "GROW worksheet")
        self.tabs.addTab(self.actions, "Actions")

        self.tabs.setCornerWidget(self.saved_label, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.header)
        layout.addWidget(self.usage_label)
        layout.addWidget(details_box)
        layout.addLayout(errors)
        layout.addWidget(self.tabs, 1)

        # -- wiring ---------------------------------------------------------------------
        # A date not understood is said under the row, with the others' messages: under the
        # field it made the row taller and moved Start and Length as the coach reached them.
        self.date.show_problem_inline(False)
        self.date.problemChanged.connect(self._date_problem)
        for editor in (self.private_notes, self.shared_summary):
            editor.textChanged.connect(self.saver.changed)
            editor.focus_lost.connect(self.saver.flush)
        self.start.textEdited.connect(self.saver.changed)
        self.start.editingFinished.connect(self.saver.flush)
        for signal in (self.date.dateChanged, self.duration.valueChanged,
                       self.format.currentIndexChanged, self.status.currentIndexChanged,
                       self.pro_bono.toggled, self.is_group.toggled,
                       self.participants.valueChanged):
            signal.connect(self.saver.changed)
        self.is_group.toggled.connect(self.participants.setEnabled)
        self.back_button.clicked.connect(self._back)
        self.grow.will_to_action.connect(self._will_to_action)
        for saver in (self.saver, self.grow.saver):  # the notes' and the worksheet's
            saver.failed.connect(self._show_saved)
            saver.pending.connect(self._show_saved)
        self.grow.saver.saved.connect(self._show_saved)
        self.actions.changed.connect(self._refresh_usage)
        ctx.data_changed.connect(lambda what: self.grow.refresh_prompts()
                                 if what == "settings" and self.session else None)
        self.print_button.clicked.connect(self._print)
        self.rate_button.clicked.connect(self._rate_indicators)
        self.ics_button.clicked.connect(self._export_ics)

    # -- loading --------------------------------------------------------------------
    def show_session(self, session_id: int) -> None:
        self.leave()
        self.session = sessions.get(self.ctx.db, session_id)
        s = self.session
        self.client = clients.get(self.ctx.db, s.client_id)
        with self.saver.suspend():
            self.date.set_value(s.session_date)
            self.start.setText(s.start_time.strftime("%H:%M") if s.start_time else "")
            self.duration.setValue(s.duration_minutes)
            self.format.setCurrentIndex(self.format.findData(s.format.value))
            self.status.setCurrentIndex(self.status.findData(s.status.value))
            self.pro_bono.setChecked(s.pro_bono)
            self.is_group.setChecked(s.is_group)
            self.participants.setValue(s.participants)
            self.participants.setEnabled(s.is_group)
            self.private_notes.setPlainText(s.private_notes)
            self.shared_summary.setPlainText(s.shared_summary)
        for label in self.errors.values():
            label.show_error(None)
        self.saved_label.clear()
        self.follow_up.load(s.id)
        self.grow.load(s.id)
        self.actions.load(s)
        self._refresh_title()
        self._refresh_usage()

    def _refresh_title(self) -> None:
        s = self.session
        name = self.client.name if len(self.client.name) <= 80 else self.client.name[:80] + "…"
        self.title_text.set_text(f"{name} — {dates.long(s.session_date)}")
        short = name if len(name) <= 24 else name[:23].rstrip() + "…"
        # "&&": a button shows "&" as "&" only doubled (alone it underlines the next letter).
        if self.back_to:
            self.header.set_texts(self.back_button, f"← {self.back_to}", "← Back")
            self.back_button.setToolTip(as_plain(f"Back to the {self.back_to} page"))
            return
        self.header.set_texts(self.back_button, f"← {short.replace('&', '&&')}", "← Back")
        self.back_button.setToolTip(as_plain(f"Back to {name}"))

    def _refresh_usage(self) -> None:
        if self.session is None:
            return
        usage = sessions.usage(self.ctx.db, self.session.engagement_id)
        text = f"Engagement: {usage.label}."
        if usage.warning:
            text += f"  ⚠ {usage.warning}"
            self.usage_label.setStyleSheet(f"color: {css('red')};")
        else:
            self.usage_label.setStyleSheet("color: palette(placeholder-text);")
        self.usage_label.setText(text)

    # -- saving ------------------------------------------------------------------------
    def form_values(self) -> dict:
        return {
            "session_date": self.date.value(),
            "start_time": self.start.text().strip() or None,
            "duration_minutes": self.duration.value(),
            "format": self.format.currentData(),
            "status": self.status.currentData(),
            "pro_bono": self.pro_bono.isChecked(),
            "is_group": self.is_group.isChecked(),
            "participants": self.participants.value(),
            "private_notes": self.private_notes.toPlainText(),
            "shared_summary": self.shared_summary.toPlainText(),
        }

    def _save(self) -> bool | None:
        """Save every valid field; notes are always saved, whatever else is refused.
        False when nothing could be written (the autosaver keeps the notes and retries)."""
        if self.session is None:
            return None
        values = self.form_values()
        refused: dict[str, str] = {}
        while True:
            try:
                self.session = sessions.update(self.ctx.db, self.session.id, **values)
                break
            except ValidationError as exc:
                field = exc.field if exc.field in values else None
                if field == "participants" and "is_group" in values:
                    values.pop("is_group")
                if field is None or field in refused:
                    self.ctx.say(f"Not saved: {exc}")
                    return None
                refused[field] = str(exc)
                values.pop(field)
            except StorageError as exc:  # the engine's sentence, never the notes
                self.ctx.say(f"{exc} CoachDesk keeps trying.")
                return False
            except CoachDeskError as exc:
                self.ctx.say(f"Not saved: {exc}")
                return None
        for field, label in self.errors.items():  # a date not understood stays said
            label.show_error(refused.get(field)
                             or (self.date.problem() if field == "session_date" else None))
        self._refresh_title()
        self._refresh_usage()
        self.ctx.notify("session")
        return True

    def _date_problem(self, message: str) -> None:
        self.errors["session_date"].show_error(message or None)
        self._show_saved()

    def _show_saved(self) -> None:
        if self.saver.failing or self.grow.saver.failing:
            self.saved_label.setText(NOT_SAVED_YET)
            return
        if self.saver.dirty or self.grow.saver.dirty:  # one saved, the other not yet
            self.saved_label.setText(SAVING)
            return
        broken = any(not e.isHidden() for e in self.errors.values())
        self.saved_label.setText(NEEDS_FIXING if broken else SAVED)

    def savers(self) -> list:
        return [self.saver, self.grow.saver]

    def unsaved_text(self) -> str:
        """The notes and the worksheet as typed, for a file when they could not be saved
        (the private notes are marked so: the file is the coach's own)."""
        parts = [("Private notes (never to be shared)", self.private_notes.toPlainText()),
                 ("Shareable summary", self.shared_summary.toPlainText())]
        parts += [(key.replace("_", " ").capitalize(), edit.toPlainText())
                  for key, edit in self.grow.edits.items()]
        return "\n\n".join(f"{label}:\n{text}" for label, text in parts if text.strip())

    def leave(self) -> None:
        self.saver.flush()
        self.grow.saver.flush()

    def hideEvent(self, event):
        self.leave()
        super().hideEvent(event)

    def _rate_indicators(self) -> None:
        from ..dialogs.readings_dialog import rate_indicators

        if self.session is None:
            return
        self.leave()
        if rate_indicators(self.ctx, self, self.session.client_id, self.session.engagement_id,
                           self.session.session_date):
            self.ctx.notify("reading")

    def _print(self) -> None:
        from ..dialogs.print_preview import print_worksheet

        self.leave()
        print_worksheet(self.ctx, self, self.session)

    def _export_ics(self, _checked=False, target: str | None = None) -> str | None:
        from coachdesk.services import calendar, clients

        from ..files import file_name, save_file

        if self.session is None:
            return None
        session = self.session
        name = file_name("Session", clients.get(self.ctx.db, session.client_id).name,
                         session.session_date.isoformat(), suffix=".ics")
        saved = save_file(self, "calendar",
                          lambda path: calendar.export_ics(self.ctx.db, path,
                                                           session_ids=[session.id]),
                          title="Add to calendar", what="The calendar file", name=name,
                          file_filter="Calendar files (*.ics)", suffix=".ics", target=target,
                          details="Open the file to add the session to your calendar.")
        if saved:
            self.ctx.say(f"Calendar file saved: {saved}. Open it to add the session to your "
                         "calendar.")
        return saved

    def _build_more_button(self) -> QToolButton:
        """The "⋯" button: the rarer things done to a session (deleting one logged by
        mistake), and the header's buttons that have no room on a narrow window."""
        self.more_button = name_widget(QToolButton(), "sessionMore", "More session actions")
        self.more_button.setText("⋯")
        # The "⋯" says "more" already; Qt's menu arrow would be drawn over it.
        self.more_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.more_button.setToolTip("More actions for this session")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        more.setObjectName("sessionMoreMenu")
        # Shown here only while their buttons have no room in the header (TitleBar).
        self.rate_action = more.addAction("Rate indicators…")
        self.rate_action.setObjectName("rateIndicatorsAction")
        self.ics_action = more.addAction("Add to calendar…")
        self.ics_action.setObjectName("exportSessionIcsAction")
        more.addSeparator()
        self.delete_action = more.addAction("Delete this session…")
        self.delete_action.setObjectName("deleteThisSession")
        self.delete_action.triggered.connect(self.delete_session)
        self.more_button.setMenu(more)
        return self.more_button

    def delete_session(self) -> None:
        """Delete this session after the coach confirms, and go back to the client (it can
        be brought back with Undo, or from Edit → Deleted sessions)."""
        from ..dialogs.deleted_sessions import delete_with_confirmation

        if self.session is None:
            return
        self.leave()  # what was just typed is saved, so it goes into the list with the session
        if not self._saved_as_shown():
            QMessageBox.warning(self, "Delete session",
                                "Your latest changes could not be saved just now, so the session "
                                "was not deleted. Nothing is lost: please try again in a moment.")
            return
        client_id = self.session.client_id
        if delete_with_confirmation(self.ctx, self, self.session.id) is None:
            return
        self.session = None  # nothing left to save here
        self.back_requested.emit(client_id)

    def _saved_as_shown(self) -> bool:
        """Whether the notes and worksheet on screen are what is stored (a failed save
        leaves them different: then nothing may be deleted)."""
        stored = sessions.get(self.ctx.db, self.session.id)
        pairs = [(stored.private_notes, self.private_notes),
                 (stored.shared_summary, self.shared_summary)]
        ws = grow.for_session(self.ctx.db, self.session.id, create=False)
        if ws is not None and self.grow.session_id == self.session.id:
            pairs += [(getattr(ws, field), edit) for field, edit in self.grow.edits.items()]
        return all(value == edit.toPlainText() for value, edit in pairs)

    def _will_to_action(self, text: str) -> None:
        """Will → action item: the Will's "What" as its text and, when the "When" names a
        date plainly ("by 15 Dec", "Friday", "in 2 weeks"), that date as its due date."""
        from coachdesk.services.grow import due_date_in

        self.tabs.setCurrentWidget(self.actions)
        when = self.grow.edits["will_when"].toPlainText()
        due = due_date_in(when, self.session.session_date) if self.session else None
        self.actions.prefill(text, due, when)

    def _back(self) -> None:
        self.leave()
        if self.session is not None:
            self.back_requested.emit(self.session.client_id)
