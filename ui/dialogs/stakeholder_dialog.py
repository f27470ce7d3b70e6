"""Add or edit a stakeholder of a client, or one of the client's blocking patterns."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from coachdesk.errors import ValidationError
from coachdesk.models import BlockingPattern, RelationshipTrend, Stakeholder, StakeholderRelation
from coachdesk.services import relationships
from coachdesk.services.relationships import RELATION_LABELS, TREND_LABELS, check_mvs

from ..context import AppContext
from ..models.stakeholder_table import INFLUENCE_WORDS, QUALITY_WORDS, TREND_ARROWS
from ..theme import css
from ..widgets.fields import name_widget
from .base import FormDialog, StayOpen, focus_into


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def mvs_sum_hint(texts: list[str]) -> tuple[str, str]:
    """(sentence, theme colour name) for three typed numbers: what they add up to so far."""
    if not any(t.strip() for t in texts):
        return "Leave all three empty if you have no view yet.", "grey"
    total = 0.0
    for t in texts:
        try:
            total += float(t.strip().replace(",", ".")) if t.strip() else 0.0
        except ValueError:
            return "Numbers only, from 0 to 100.", "red"
    if abs(total - 100) <= relationships.SUM_TOLERANCE:
        return f"Adds up to {total:g} ✓", "green"
    return f"Adds up to {total:g}; needs 100.", "amber"


# What a new stakeholder's form says when Save is pressed with a view left unchosen.
UNCHOSEN = {
    "influence": "Choose how much this person can affect the client's goals, as you see it.",
    "relationship_quality": "Choose how good the working relationship is, as you see it.",
    "trend": "Choose which way the relationship is going, as you see it.",
}


class StakeholderDialog(FormDialog):
    def __init__(self, ctx: AppContext, client_id: int, stakeholder: Stakeholder | None = None,
                 parent=None):
        super().__init__("Edit stakeholder" if stakeholder else "New stakeholder",
                         "stakeholderDialog", parent)
        self.ctx = ctx
        self.client_id = client_id
        self.stakeholder = stakeholder
        self.resize(520, 0)

        self.name = self.add_field("Name *", "name", QLineEdit(), "stakeholderName")
        self.name.setPlaceholderText("e.g. Dr. Amira Haddad")
        self.role = self.add_field("Role", "role", QLineEdit(), "stakeholderRole")
        self.role.setPlaceholderText("e.g. CFO, her manager's manager")
        self.relation = QComboBox()
        for rel in StakeholderRelation:
            self.relation.addItem(RELATION_LABELS[rel], rel.value)
        self.add_field("Relation", "relation", self.relation, "stakeholderRelation")
        self.influence = QComboBox()
        for n in range(1, 6):
            self.influence.addItem(f"{n} — {INFLUENCE_WORDS[n]}", n)
        self.add_field("Influence on the client's goals *", "influence", self.influence,
                       "stakeholderInfluence")
        self.quality = QComboBox()
        for n in range(1, 6):
            self.quality.addItem(f"{n} — {QUALITY_WORDS[n]}", n)
        self.add_field("Relationship quality *", "relationship_quality", self.quality,
                       "stakeholderQuality")
        self.trend = QComboBox()
        for t in RelationshipTrend:
            self.trend.addItem(f"{TREND_ARROWS[t]} {TREND_LABELS[t]}", t.value)
        self.add_field("Trend *", "trend", self.trend, "stakeholderTrend")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What matters about this person for the client's goals…")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(80)
        self.add_field("Notes", "notes", self.notes, "stakeholderNotes")

        # The person's motivational value system: optional, three numbers adding up to 100.
        mvs_row = QWidget()
        row = QHBoxLayout(mvs_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.mvs_edits: dict[str, QLineEdit] = {}
        for key, label in (("blue", "Blue"), ("red", "Red"), ("green", "Green")):
            caption = QLabel(label)
            caption.setStyleSheet(f"color: {css(key)}; font-weight: 600;")
            edit = name_widget(QLineEdit(), f"stakeholderMvs{label}", f"{label} motivation")
            edit.setPlaceholderText("—")
            edit.setMaxLength(6)
            edit.setFixedWidth(56)
            edit.textChanged.connect(self._update_hint)
            caption.setBuddy(edit)
            self.mvs_edits[key] = edit
            row.addWidget(caption)
            row.addWidget(edit)
            row.addSpacing(6)
        row.addStretch(1)
        self.add_field("Motivation (optional)", "mvs", mvs_row, "stakeholderMvs")
        self.mvs_hint = name_widget(QLabel(), "stakeholderMvsHint", "Motivation total")
        self.mvs_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow("", self.mvs_hint)

        if stakeholder is not None:
            self._load(stakeholder)
        else:
            self.relation.setCurrentIndex(self.relation.findData(StakeholderRelation.peer.value))
            # Influence, relationship and trend are the coach's view ("as the coach sees them"
            # in the sponsor's report): none is chosen for them, so Save alone records no
            # "3 / 5, steady" that nobody observed.
            for combo in (self.influence, self.quality, self.trend):
                combo.setPlaceholderText("— choose —")
                combo.setCurrentIndex(-1)
        self._update_hint()

    def _load(self, s: Stakeholder) -> None:
        self.name.setText(s.name)
        self.role.setText(s.role)
        self.relation.setCurrentIndex(self.relation.findData(s.relation.value))
        self.influence.setCurrentIndex(self.influence.findData(s.influence))
        self.quality.setCurrentIndex(self.quality.findData(s.relationship_quality))
        self.trend.setCurrentIndex(self.trend.findData(s.trend.value))
        self.notes.setPlainText(s.notes)
        for key, value in (("blue", s.mvs_blue), ("red", s.mvs_red), ("green", s.mvs_green)):
            self.mvs_edits[key].setText(_number_text(value))

    def _update_hint(self, *_):
        text, tone = mvs_sum_hint([e.text() for e in self.mvs_edits.values()])
        self.mvs_hint.setText(text)
        self.mvs_hint.setStyleSheet(f"color: {css(tone)};")

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "role": self.role.text(),
            "relation": self.relation.currentData(),
            "influence": self.influence.currentData(),
            "relationship_quality": self.quality.currentData(),
            "trend": self.trend.currentData(),
            "notes": self.notes.toPlainText(),
        }

    def mvs_values(self) -> tuple[str, str, str]:
        return tuple(self.mvs_edits[k].text() for k in ("blue", "red", "green"))

    def show_error(self, exc) -> None:
        # The engine refuses an unchosen view (after the name, in reading order): say it as
        # the choice it is.
        if isinstance(exc, ValidationError) and exc.field in UNCHOSEN \
                and self.values()[exc.field] is None:
            exc = ValidationError(UNCHOSEN[exc.field], exc.field)
        # The engine names blue/red/green; all three share the one row.
        if isinstance(exc, ValidationError) and exc.field in ("blue", "red", "green"):
            self.errors["mvs"].show_error(str(exc))
            self.mvs_edits[exc.field].setFocus()
            return
        super().show_error(exc)

    def submit(self):
        values = self.values()
        mvs = self.mvs_values()
        # Check the blend before writing anything, so a refused blend saves nothing.
        if any(x.strip() for x in mvs):
            check_mvs(*mvs)
        else:
            mvs = (None, None, None)
        # Every view left unchosen is said at once, under its own field (not one per Save).
        unchosen = [field for field in UNCHOSEN if values[field] is None]
        if unchosen and values["name"].strip():
            for field in unchosen:
                self.errors[field].show_error(UNCHOSEN[field])
            focus_into(self.fields[unchosen[0]])
            raise StayOpen
        if self.stakeholder is None:
            row = relationships.add_stakeholder(self.ctx.db, self.client_id, **values)
            self.stakeholder = row  # a retry after a failure below edits, not adds again
        else:
            row = relationships.update_stakeholder(self.ctx.db, self.stakeholder.id, **values)
        row = relationships.set_stakeholder_mvs(self.ctx.db, row.id, *mvs)
        self.ctx.notify("stakeholder")
        return row


class PatternDialog(FormDialog):
    """A behaviour of the client that blocks success: what, when it shows, what it costs."""

    def __init__(self, ctx: AppContext, client_id: int, pattern: BlockingPattern | None = None,
                 parent=None):
        super().__init__("Edit blocking pattern" if pattern else "New blocking pattern",
                         "patternDialog", parent)
        self.ctx = ctx
        self.client_id = client_id
        self.pattern = pattern
        self.resize(520, 0)
        self.text = self.add_field("Pattern *", "pattern", QLineEdit(), "patternText")
        self.text.setPlaceholderText("e.g. Takes over the task when the team is slow")
        self.when = QPlainTextEdit()
        self.when.setTabChangesFocus(True)
        self.when.setPlaceholderText("e.g. Under deadline pressure, in board preparation")
        self.when.setMinimumHeight(60)
        self.add_field("When it shows", "when_it_shows", self.when, "patternWhen")
        self.costs = QPlainTextEdit()
        self.costs.setTabChangesFocus(True)
        self.costs.setPlaceholderText("e.g. The team stops offering ideas; she works late")
        self.costs.setMinimumHeight(60)
        self.add_field("What it costs", "what_it_costs", self.costs, "patternCosts")
        if pattern is not None:
            self.text.setText(pattern.pattern)
            self.when.setPlainText(pattern.when_it_shows)
            self.costs.setPlainText(pattern.what_it_costs)

    def values(self) -> dict:
        return {"pattern": self.text.text(), "when_it_shows": self.when.toPlainText(),
                "what_it_costs": self.costs.toPlainText()}

    def submit(self):
        if self.pattern is None:
            row = relationships.add_pattern(self.ctx.db, self.client_id, **self.values())
        else:
            row = relationships.update_pattern(self.ctx.db, self.pattern.id, **self.values())
        self.ctx.notify("stakeholder")
        return row
