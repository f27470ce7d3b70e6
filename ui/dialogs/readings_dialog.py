"""Indicator readings: quick entry after a session (several indicators at once), and
editing one reading from the client's Indicators tab.

Quick entry remembers which indicators the coach chose to rate (the ``setting``
row ``quick_entry_indicators``), so the next time the same set is ticked. Nothing
is pre-filled: every value starts empty, with the last value beside it as a hint,
and only the values the coach actually types (or steps to) are saved. A reading
nobody observed would look like a real "unchanged" and feed the retention signal.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import ValidationError
from coachdesk.models import Indicator, IndicatorReading, ReadingSource, Setting
from coachdesk.services import clients, engagements
from coachdesk.services import indicators as indicator_service
from coachdesk.services.indicators import SOURCE_LABELS, fmt

from ..context import AppContext
from ..plain import as_plain
from ..theme import css
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget
from .base import FormDialog

log = logging.getLogger(__name__)

QUICK_ENTRY_KEY = "quick_entry_indicators"


# -- the remembered set ------------------------------------------------------------------
# There is no settings service yet (the GROW settings keep theirs privately in
# coachdesk/reports/worksheet.py); these two small helpers read and write the one
# ``setting`` row this dialog owns.


def remembered_indicators(db) -> set[int] | None:
    """The indicator ids the coach last chose to rate, or None when never saved."""
    with db.session() as s:
        row = s.get(Setting, QUICK_ENTRY_KEY)
        raw = row.value if row is not None else None
    if not raw:
        return None
    try:
        ids = json.loads(raw)
        return {int(i) for i in ids}
    except (ValueError, TypeError):
        log.warning("ignoring the saved quick-entry indicators %r", raw)
        return None


def remember_indicators(db, indicator_ids) -> None:
    value = json.dumps(sorted(int(i) for i in indicator_ids))
    with db.session() as s:
        row = s.get(Setting, QUICK_ENTRY_KEY)
        if row is None:
            row = Setting(key=QUICK_ENTRY_KEY, value=value)
        else:
            row.value = value
        s.add(row)


# -- pieces --------------------------------------------------------------------------------


class ScaleSpinBox(QDoubleSpinBox):
    """A value on an indicator's scale. The arrows stay on the scale; a typed value
    outside it is let through so the engine can say why it is refused (a spin box
    that silently swallows the keystroke leaves the coach guessing)."""

    def __init__(self, indicator: Indicator, parent=None):
        super().__init__(parent)
        self.low, self.high = indicator.scale_min, indicator.scale_max
        self.setDecimals(1)
        self.setRange(-indicator_service.SCALE_LIMIT, indicator_service.SCALE_LIMIT)
        self.setSingleStep(1)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(70)
        self.setValue(round((self.low + self.high) / 2))

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt name)
        return fmt(round(value, 1))

    def stepBy(self, steps: int) -> None:  # noqa: N802
        target = min(self.high, max(self.low, round(self.value()) + steps))
        self.setValue(target)
        self.selectAll()

    def stepEnabled(self):  # noqa: N802
        flags = QDoubleSpinBox.StepEnabledFlag.StepNone
        if self.value() < self.high:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self.low:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


class RatingSpinBox(ScaleSpinBox):
    """A value on the scale that starts empty: nothing is rated until the coach types a
    value or steps to one. From empty, the arrows start at ``start`` (the last value,
    else the middle of the scale); clearing the text makes it empty again."""

    EMPTY = -indicator_service.SCALE_LIMIT - 1.0  # below any value a scale allows

    def __init__(self, indicator: Indicator, start: float | None = None, parent=None):
        super().__init__(indicator, parent)
        self.start = start
        self.setMinimum(self.EMPTY)
        self.lineEdit().setPlaceholderText("—")
        self.setValue(self.EMPTY)

    def rating(self) -> float | None:
        """The value the coach gave, or None while the box is empty."""
        value = self.value()
        return None if value <= self.EMPTY + 0.05 else round(value, 1)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt name)
        return "" if value <= self.EMPTY + 0.05 else super().textFromValue(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        text = text.strip().replace(",", ".")
        try:
            return float(text) if text else self.EMPTY
        except ValueError:
            return self.EMPTY

    def validate(self, text: str, pos: int):
        clean = text.strip().replace(",", ".")
        if not clean:
            return QValidator.State.Acceptable, text, pos
        try:
            value = float(clean)
        except ValueError:
            partial = clean in ("-", "+", ".", "-.", "+.")
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid,
                    text, pos)
        if abs(value) > indicator_service.SCALE_LIMIT:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802
        if self.rating() is None:
            start = self.start if self.start is not None else (self.low + self.high) / 2
            self.setValue(min(self.high, max(self.low, round(start))))
            self.selectAll()
            return
        super().stepBy(steps)

    def stepEnabled(self):  # noqa: N802
        if self.rating() is None:
            return (QDoubleSpinBox.StepEnabledFlag.StepUpEnabled
                    | QDoubleSpinBox.StepEnabledFlag.StepDownEnabled)
        return super().stepEnabled()


def source_combo(name: str) -> QComboBox:
    combo = QComboBox()
    for source in ReadingSource:
        combo.addItem(SOURCE_LABELS[source], source.value)
    return name_widget(combo, name, "Source")


def engagement_combo(ctx: AppContext, client_id: int, selected: int | None,
                     name: str) -> QComboBox:
    """The client's engagements (newest first) and "no engagement"."""
    combo = name_widget(QComboBox(), name, "Engagement")
    rows = engagements.list_all(ctx.db, client_id=client_id, include_archived=True)
    for e in rows:
        if e.archived and e.id != selected:
            continue
        combo.addItem(f"{engagements.describe(e)} (from {dates.month_year(e.start_date)})", e.id)
    combo.addItem("— no engagement —", None)
    at = combo.findData(selected) if selected is not None else combo.count() - 1
    combo.setCurrentIndex(max(at, 0))
    return combo


def _label_text(text: str) -> str:
    """A name on a checkbox or button: '&' would become a keyboard accelerator."""
    return text.replace("&", "&&")


class IndicatorRow:
    """One indicator in the quick-entry form: rate it or not, its value, a private comment."""

    def __init__(self, indicator: Indicator, last: indicator_service.LatestValue | None):
        self.indicator = indicator
        iid = indicator.id
        self.check = name_widget(QCheckBox(_label_text(indicator.name)), f"rate_{iid}",
                                 f"Rate {indicator.name}")
        self.value = name_widget(RatingSpinBox(indicator, last.value if last else None),
                                 f"value_{iid}", f"{indicator.name} value")
        direction = "higher is better" if indicator.higher_is_better else "lower is better"
        tip = f"{indicator.name}: {indicator.scale_min} to {indicator.scale_max}, {direction}"
        if indicator.description:
            tip += f"\n\n{indicator.description}"
        for w in (self.check, self.value):
            w.setToolTip(as_plain(tip))
        hint = f"{indicator.scale_min} to {indicator.scale_max}"
        if not indicator.higher_is_better:
            hint += ", lower is better"
        if last is not None:  # a hint only: the value itself starts empty
            hint += f" · last {fmt(last.value)} on {dates.short(last.reading_date)}"
        else:
            hint += " · not rated before"
        self.hint = QLabel(hint)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setStyleSheet(f"color: {css('grey')};")
        self.comment = name_widget(QLineEdit(), f"comment_{iid}",
                                   f"Private comment on {indicator.name}")
        self.comment.setPlaceholderText("🔒 private comment (optional)")
        self.error = ErrorLabel(f"value_{iid}")
        self.check.toggled.connect(self._toggled)
        self._toggled(False)

    def _toggled(self, on: bool) -> None:
        self.value.setEnabled(on)
        self.comment.setEnabled(on)
        if not on:
            self.error.show_error(None)


class QuickEntryDialog(FormDialog):
    """Rate a chosen set of indicators for one client on one day, from one source."""

    def __init__(self, ctx: AppContext, client_id: int, engagement_id: int | None = None,
                 day: date | None = None, parent=None):
        super().__init__("Rate indicators", "quickEntryDialog", parent)
        self.ctx = ctx
        self.client_id = client_id
        client = clients.get(ctx.db, client_id)
        self.setWindowTitle(f"Rate indicators — {client.name[:80]}")
        self.resize(760, 0)
        self.saved: list[IndicatorReading] = []

        self.date = self.add_field("Date", "reading_date", OptionalDateEdit(allow_empty=False),
                                   "readingDate")
        self.date.set_value(day or date.today())
        self.source = self.add_field("Source", "source", source_combo("readingSource"),
                                     "readingSource")
        if engagement_id is None:
            current = engagements.pick_current(engagements.list_all(ctx.db, client_id=client_id))
            engagement_id = current.id if current else None
        self.engagement = self.add_field(
            "Engagement", "engagement_id",
            engagement_combo(ctx, client_id, engagement_id, "readingEngagement"),
            "readingEngagement")

        # -- one row per indicator in use ----------------------------------------------
        library = indicator_service.list_all(ctx.db)
        last = {lv.indicator_id: lv for lv in indicator_service.latest_values(ctx.db, client_id)}
        chosen = remembered_indicators(ctx.db)
        self.rows: dict[int, IndicatorRow] = {}
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for n, ind in enumerate(library):
            row = IndicatorRow(ind, last.get(ind.id))
            self.rows[ind.id] = row
            r = n * 2
            grid.addWidget(row.check, r, 0)
            grid.addWidget(row.value, r, 1)
            grid.addWidget(row.hint, r, 2)
            grid.addWidget(row.comment, r, 3)
            grid.addWidget(row.error, r + 1, 0, 1, 4)
            row.check.setChecked(chosen is None or ind.id in chosen)
            self.errors[f"indicator_{ind.id}"] = row.error
            self.fields[f"indicator_{ind.id}"] = row.value  # a refused value gets the cursor
        grid.setRowStretch(len(library) * 2 + 1, 1)
        if not library:
            empty = QLabel("No indicators are in use. Add some with Edit → Indicators….")
            empty.setWordWrap(True)
            grid.addWidget(empty, 0, 0, 1, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_box)
        scroll.setMinimumHeight(min(grid_box.sizeHint().height() + 40, 440))
        self.all_button = name_widget(QPushButton("Tick all"), "rateAll", "Tick all indicators")
        self.none_button = name_widget(QPushButton("Tick none"), "rateNone", "Tick no indicator")
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        heading = QLabel("Type a value for each indicator you rated; empty ones are not saved "
                         "(the ticked set is remembered for next time)")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: 600;")
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.none_button)
        self.values_error = ErrorLabel("readingValues")
        self.errors["values"] = self.values_error
        layout: QVBoxLayout = self.layout()
        layout.insertLayout(1, top)
        layout.insertWidget(2, self.values_error)
        layout.insertWidget(3, scroll, 1)

    def _tick_all(self, on: bool) -> None:
        for row in self.rows.values():
            row.check.setChecked(on)

    def checked_ids(self) -> list[int]:
        return [iid for iid, row in self.rows.items() if row.check.isChecked()]

    def rated_ids(self) -> list[int]:
        """The ticked indicators the coach gave a value: the only ones saved."""
        return [iid for iid in self.checked_ids() if self.rows[iid].value.rating() is not None]

    def submit(self):
        ids = self.checked_ids()
        values, comments = {}, {}
        for iid in ids:
            row = self.rows[iid]
            # The spin box shows a rounded value; what the coach sees is what is saved.
            rating = row.value.rating()
            if rating is None:
                if row.comment.text().strip():  # never drop what was typed
                    raise ValidationError(
                        f"Give {row.indicator.name} a value to keep its comment, or clear "
                        "the comment.", f"indicator_{iid}")
                continue
            values[iid], comments[iid] = rating, row.comment.text()
        if not values:
            raise ValidationError("Nothing is rated yet: type a value for at least one "
                                  "indicator. Nothing was saved.", "values")
        recorded = indicator_service.record_readings(
            self.ctx.db, self.client_id, self.engagement.currentData(), self.date.value(),
            self.source.currentData(), values, comments)
        saved = recorded.readings
        try:
            remember_indicators(self.ctx.db, ids)
        except Exception:  # the readings are saved; forgetting the choice is no reason to fail
            log.exception("could not remember the quick-entry indicators")
        self.saved = saved
        self.ctx.notify("reading")
        self.ctx.say(saved_sentence(len(saved), len(recorded.replaced), self.date.value()))
        return saved


def saved_sentence(saved: int, replaced: int, day: date) -> str:
    """"Saved 2 readings; 1 replaced the one of today." A reading of the same day and source
    is corrected, not doubled: the coach is told, so nothing changes unseen."""
    text = f"Saved {saved} reading{'s' if saved != 1 else ''}"
    if replaced:
        when = "today" if day == date.today() else dates.short(day)
        ones = "the one" if replaced == 1 else "the ones"
        who = "it" if saved == replaced == 1 else ("they" if saved == replaced else str(replaced))
        text += f"; {who} replaced {ones} of {when}"
    return text + "."


def rate_indicators(ctx, parent, client_id: int, engagement_id: int | None = None,
                    day: date | None = None) -> bool:
    """Open the quick-entry form; True when readings were saved."""
    dialog = QuickEntryDialog(ctx, client_id, engagement_id, day, parent)
    return bool(dialog.exec())


class ReadingDialog(FormDialog):
    """Correct one reading: its date, value, source, engagement and private comment."""

    def __init__(self, ctx: AppContext, reading: IndicatorReading, parent=None):
        super().__init__("Edit reading", "readingDialog", parent)
        self.ctx = ctx
        self.reading = reading
        indicator = indicator_service.get(ctx.db, reading.indicator_id)
        self.setWindowTitle(f"Edit reading — {indicator.name[:80]}")
        self.resize(520, 0)
        name = QLabel(indicator.name)
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setWordWrap(True)
        name.setToolTip(as_plain(indicator.description))
        self.form.addRow("Indicator", name)
        self.date = self.add_field("Date", "reading_date", OptionalDateEdit(allow_empty=False),
                                   "editReadingDate")
        self.date.set_value(reading.reading_date)
        self.value = self.add_field(f"Value ({indicator.scale_min} to {indicator.scale_max})",
                                    "value", ScaleSpinBox(indicator), "editReadingValue")
        self.value.setValue(reading.value)
        self.source = self.add_field("Source", "source", source_combo("editReadingSource"),
                                     "editReadingSource")
        self.source.setCurrentIndex(max(self.source.findData(reading.source.value), 0))
        self.engagement = self.add_field(
            "Engagement", "engagement_id",
            engagement_combo(ctx, reading.client_id, reading.engagement_id, "editReadingEngagement"),
            "editReadingEngagement")
        self.comment = QPlainTextEdit(reading.private_comment)
        self.comment.setTabChangesFocus(True)
        self.comment.setMinimumHeight(80)
        self.add_field("🔒 Private comment", "private_comment", self.comment,
                       "editReadingComment")
        self.comment.setToolTip("Your own note about this rating: it never appears in a report.")

    def submit(self):
        result = indicator_service.update_reading(
            self.ctx.db, self.reading.id, reading_date=self.date.value(),
            value=round(self.value.value(), 1), source=self.source.currentData(),
            engagement_id=self.engagement.currentData(),
            private_comment=self.comment.toPlainText())
        self.ctx.notify("reading")
        return result
