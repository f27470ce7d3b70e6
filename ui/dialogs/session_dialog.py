"""Plan or log a session for one of the client's engagements."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from coachdesk.models import SessionFormat, SessionStatus
from coachdesk.services import engagements, sessions
from coachdesk.services import settings as settings_service
from coachdesk.services.sessions import FORMAT_LABELS, STATUS_LABELS

from ..context import AppContext
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog


class NewSessionDialog(FormDialog):
    def __init__(self, ctx: AppContext, client_id: int, parent=None):
        super().__init__("New session", "newSessionDialog", parent)
        self.ctx = ctx
        self.engagement = QComboBox()
        rows = engagements.list_all(ctx.db, client_id=client_id)
        current = engagements.pick_current(rows)
        for e in rows:
            self.engagement.addItem(f"{engagements.describe(e)} ({e.status.value})", e.id)
        if current is not None:
            self.engagement.setCurrentIndex(self.engagement.findData(current.id))
        self.add_field("Engagement", "engagement_id", self.engagement, "newSessionEngagement")
        self.date = self.add_field("Date", "session_date", OptionalDateEdit(allow_empty=False),
                                   "newSessionDate")
        self.date.set_value(date.today())
        self.start = self.add_field("Start time", "start_time", QLineEdit(), "newSessionStart")
        self.start.setPlaceholderText("hh:mm, e.g. 09:30")
        self.duration = QSpinBox()
        self.duration.setRange(0, 10000)
        self.duration.setValue(settings_service.default_session_minutes(ctx.db))  # Settings
        self.duration.setSuffix(" min")
        self.add_field("Length", "duration_minutes", self.duration, "newSessionDuration")
        self.format = QComboBox()
        for f in SessionFormat:
            self.format.addItem(FORMAT_LABELS[f], f.value)
        self.format.setCurrentIndex(self.format.findData("video"))
        self.add_field("Format", "format", self.format, "newSessionFormat")
        self.status = QComboBox()
        for st in SessionStatus:
            self.status.addItem(STATUS_LABELS[st], st.value)
        self.add_field("Status", "status", self.status, "newSessionStatus")
        self.date.dateChanged.connect(self._default_status)
        self._default_status()

    def _default_status(self, *_):
        planned = (self.date.value() or date.today()) > date.today()
        self.status.setCurrentIndex(self.status.findData("planned" if planned else "held"))

    def submit(self):
        if self.engagement.currentData() is None:
            raise engagements.v.ValidationError(
                "Add an engagement first: a session belongs to an engagement.", "engagement_id")
        row = sessions.create(self.ctx.db, self.engagement.currentData(), self.date.value(),
                              start_time=self.start.text().strip() or None,
                              duration_minutes=self.duration.value(),
                              format=self.format.currentData(), status=self.status.currentData())
        self.ctx.notify("session")
        return row
