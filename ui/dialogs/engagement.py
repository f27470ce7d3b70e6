"""Add or edit an engagement: the contract with the sponsor for one client."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from coachdesk.models import Engagement, EngagementKind, EngagementStatus
from coachdesk.services import engagements, sponsors

from ..context import AppContext
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog
from .people import PickerWithNew, SponsorDialog


class SponsorPicker(PickerWithNew):
    """Sponsors, the client's own organization's first; “New…” creates one there."""

    none_label = "— no sponsor (self-funded or pro bono) —"

    def __init__(self, ctx: AppContext, organization_id: int | None, parent=None):
        super().__init__(ctx, "engagementSponsor", "Sponsor", parent)
        self.organization_id = organization_id
        self.reload()

    def items(self, current):
        everyone = sponsors.list_all(self.ctx.db)
        mine = [s for s in everyone if s.organization_id == self.organization_id]
        others = [s for s in everyone if s.organization_id != self.organization_id]
        return [(f"{s.name} — {s.role}" if s.role else s.name, s.id) for s in mine + others]

    def create_dialog(self):
        return SponsorDialog(self.ctx, self, organization_id=self.organization_id)


def _cents_to_text(cents: int | None) -> str:
    return "" if cents is None else f"{cents / 100:.2f}"


class EngagementDialog(FormDialog):
    def __init__(self, ctx: AppContext, client_id: int, organization_id: int | None = None,
                 engagement: Engagement | None = None, parent=None):
        super().__init__("Edit engagement" if engagement else "New engagement",
                         "engagementDialog", parent)
        self.ctx = ctx
        self.client_id = client_id
        self.engagement = engagement
        self.resize(560, 0)

        self.kind = QComboBox()
        for k in EngagementKind:
            self.kind.addItem(k.value.capitalize(), k.value)
        self.add_field("Kind", "kind", self.kind, "engagementKind")
        self.sponsor = self.add_field("Sponsor", "sponsor_id", SponsorPicker(ctx, organization_id),
                                      "engagementSponsor")
        self.status = QComboBox()
        for st in EngagementStatus:
            self.status.addItem(st.value.capitalize(), st.value)
        self.add_field("Status", "status", self.status, "engagementStatus")
        self.start = self.add_field("Start date *", "start_date",
                                    OptionalDateEdit(allow_empty=False), "engagementStart")
        self.end = self.add_field("End date", "end_date", OptionalDateEdit(), "engagementEnd")
        self.end.set_related_date(self.start.value)  # its calendar opens near the start
        self.sessions = QSpinBox()
        self.sessions.setRange(0, 1000)
        self.add_field("Sessions agreed", "sessions_agreed", self.sessions, "engagementSessions")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 5000)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.add_field("Hours agreed", "hours_agreed", self.hours, "engagementHours")
        self.pro_bono = self.add_field("Pro bono", "pro_bono", QCheckBox("No fee: pro bono work"),
                                       "engagementProBono")
        fee_row = QWidget()
        fee_layout = QHBoxLayout(fee_row)
        fee_layout.setContentsMargins(0, 0, 0, 0)
        self.fee = QLineEdit()
        self.fee.setObjectName("engagementFeeAmount")
        self.fee.setAccessibleName("Fee")
        self.fee.setPlaceholderText("total agreed, e.g. 4500.00")
        self.currency = QLineEdit("EUR")
        self.currency.setObjectName("engagementCurrency")
        self.currency.setAccessibleName("Currency")
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(60)
        fee_layout.addWidget(self.fee, 1)
        fee_layout.addWidget(self.currency)
        self.add_field("Fee", "fee_cents", fee_row, "engagementFee")
        self.objectives = QPlainTextEdit()
        self.objectives.setPlaceholderText("The objectives agreed with the client and sponsor")
        self.objectives.setMinimumHeight(90)
        self.add_field("Agreed objectives", "objectives", self.objectives, "engagementObjectives")
        self.pro_bono.toggled.connect(self._on_pro_bono)

        if engagement:
            self._load(engagement)
        else:
            self.start.set_value(date.today())
            self.status.setCurrentIndex(self.status.findData("active"))
            self.sessions.setValue(6)
            self.hours.setValue(9)

    def _load(self, e: Engagement) -> None:
        self.kind.setCurrentIndex(self.kind.findData(e.kind.value))
        self.sponsor.set_value(e.sponsor_id)
        self.status.setCurrentIndex(self.status.findData(e.status.value))
        self.start.set_value(e.start_date)
        self.end.set_value(e.end_date)
        self.sessions.setValue(e.sessions_agreed)
        self.hours.setValue(e.hours_agreed)
        self.pro_bono.setChecked(e.pro_bono)
        self.fee.setText(_cents_to_text(e.fee_cents))
        self.currency.setText(e.currency)
        self.objectives.setPlainText(e.objectives)

    def _on_pro_bono(self, checked: bool) -> None:
        self.fee.setEnabled(not checked)
        self.currency.setEnabled(not checked)

    def values(self) -> dict:
        pro_bono = self.pro_bono.isChecked()
        return {
            "kind": self.kind.currentData(),
            "sponsor_id": self.sponsor.value(),
            "status": self.status.currentData(),
            "start_date": self.start.value(),
            "end_date": self.end.value(),
            "sessions_agreed": self.sessions.value(),
            "hours_agreed": self.hours.value(),
            "pro_bono": pro_bono,
            "fee_cents": None if pro_bono else engagements.parse_money(self.fee.text()),
            "currency": self.currency.text(),
            "objectives": self.objectives.toPlainText(),
        }

    def submit(self):
        values = self.values()
        if self.engagement is None:
            result = engagements.create(self.ctx.db, client_id=self.client_id, **values)
        else:
            result = engagements.update(self.ctx.db, self.engagement.id, **values)
        self.ctx.notify("engagement")
        return result
