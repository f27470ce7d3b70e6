"""Add or edit a goal scaled the GAS way, and rate a goal's progress."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from coachdesk.models import Goal
from coachdesk.services import goals
from coachdesk.services.goals import LEVEL_FIELDS, LEVEL_LABELS, LEVELS, level_label

from ..context import AppContext
from ..theme import css
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog

LEVEL_HINTS = {
    -2: "e.g. still avoids the conversation altogether",
    -1: "often where the client starts",
    0: "the outcome agreed: what success looks like",
    1: "",
    2: "",
}
LEVEL_NAMES = {-2: "goalLevelM2", -1: "goalLevelM1", 0: "goalLevel0", 1: "goalLevelP1",
               2: "goalLevelP2"}


def _small_text(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(46)
    return edit


class GoalDialog(FormDialog):
    """Title, description, weight, importance, baseline, and the five described levels."""

    def __init__(self, ctx: AppContext, engagement_id: int, goal: Goal | None = None, parent=None):
        super().__init__("Edit goal" if goal else "New goal", "goalDialog", parent)
        self.ctx = ctx
        self.engagement_id = engagement_id
        self.goal = goal
        self.resize(640, 0)

        self.title = self.add_field("Goal *", "title", QLineEdit(), "goalTitle")
        self.title.setPlaceholderText("e.g. Delegate with confidence")
        self.description = self.add_field("Description", "description",
                                          _small_text("Why it matters, how it will be observed"),
                                          "goalDescription")
        self.weight = self.add_field("Weight", "weight", QLineEdit("1"), "goalWeight")
        self.weight.setPlaceholderText("1")
        self.weight.setToolTip("How much this goal counts in the T-score (1 is the usual weight; "
                               "2 counts twice as much).")
        self.importance = QComboBox()
        self.importance.addItem("— not set —", None)
        for n in range(1, 6):
            self.importance.addItem(f"{n} of 5", n)
        self.add_field("Importance", "importance", self.importance, "goalImportance")
        self.baseline = QComboBox()
        for level in LEVELS:
            self.baseline.addItem(level_label(level), level)
        self.baseline.setCurrentIndex(self.baseline.findData(-1))
        self.add_field("Baseline level", "baseline_level", self.baseline, "goalBaseline")
        self.baseline.setToolTip("Where the client stands now, before the coaching "
                                 "(usually -1, somewhat less than expected).")

        heading = QLabel("What each level looks like (Goal Attainment Scaling): describe an "
                         "observable outcome for each.")
        heading.setWordWrap(True)
        heading.setStyleSheet(f"color: {css('grey')}; padding-top: 6px;")
        self.form.addRow(heading)
        self.levels: dict[int, QPlainTextEdit] = {}
        for level in reversed(LEVELS):  # +2 at the top, like a ladder
            edit = _small_text(LEVEL_HINTS[level])
            self.levels[level] = self.add_field(level_label(level), LEVEL_FIELDS[level], edit,
                                                LEVEL_NAMES[level])

        if goal is not None:
            self._load(goal)

    def _load(self, g: Goal) -> None:
        self.title.setText(g.title)
        self.description.setPlainText(g.description)
        self.weight.setText(f"{g.weight:g}")
        self.importance.setCurrentIndex(max(self.importance.findData(g.importance), 0))
        self.baseline.setCurrentIndex(max(self.baseline.findData(g.baseline_level), 0))
        for level, edit in self.levels.items():
            edit.setPlainText(getattr(g, LEVEL_FIELDS[level]))

    def values(self) -> dict:
        values = {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "weight": self.weight.text().strip().replace(",", "."),
            "importance": self.importance.currentData(),
            "baseline_level": self.baseline.currentData(),
        }
        for level, edit in self.levels.items():
            values[LEVEL_FIELDS[level]] = edit.toPlainText()
        return values

    def submit(self):
        values = self.values()
        if self.goal is None:
            title = values.pop("title")
            result = goals.create(self.ctx.db, self.engagement_id, title, **values)
        else:
            result = goals.update(self.ctx.db, self.goal.id, **values)
        self.ctx.notify("goal")
        return result


def _plain_button_text(text: str) -> str:
    return text.replace("&", "&&")  # a lone & would become a keyboard mnemonic


class RatingDialog(FormDialog):
    """Where one goal stands on a day: a level from -2 to +2, shown with the goal's own words."""

    def __init__(self, ctx: AppContext, goal: Goal, current_level: int | None = None,
                 day: date | None = None, parent=None):
        super().__init__("Rate progress", "ratingDialog", parent)
        self.ctx = ctx
        self.goal = goal
        self.resize(600, 0)

        title = QLabel(goal.title if len(goal.title) <= 300 else goal.title[:300] + "…")
        title.setObjectName("ratingGoalTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: 600; font-size: 15px;")
        self.form.addRow(title)
        self.date = self.add_field("Date *", "rating_date", OptionalDateEdit(allow_empty=False),
                                   "ratingDate")
        self.date.set_value(day or date.today())

        levels = QWidget()
        grid = QGridLayout(levels)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(1, 1)
        self.level_group = QButtonGroup(self)
        self.level_buttons: dict[int, QRadioButton] = {}
        for row, level in enumerate(reversed(LEVELS)):
            described = getattr(goal, LEVEL_FIELDS[level])
            button = QRadioButton(_plain_button_text(level_label(level)))
            button.setObjectName(f"ratingLevel{'M' if level < 0 else 'P'}{abs(level)}")
            button.setAccessibleName(level_label(level))
            button.setAccessibleDescription(described)
            words = QLabel(described or "— not described —")
            words.setObjectName(f"{button.objectName()}Words")
            words.setTextFormat(Qt.TextFormat.PlainText)
            words.setWordWrap(True)
            if not described:
                words.setStyleSheet(f"color: {css('grey')};")
            words.setBuddy(button)
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(words, row, 1)
            self.level_group.addButton(button, level + 10)  # ids must not be -1
            self.level_buttons[level] = button
        start = goal.baseline_level if current_level is None else current_level
        self.level_buttons[start].setChecked(True)
        self.add_field("Level *", "level", levels, "ratingLevels")

        self.comment = self.add_field("Comment", "comment",
                                      _small_text("What you observed (optional)"), "ratingComment")
        self.comment.setFixedHeight(60)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        # A top-level window does not grow for wrapped labels by itself: make room for
        # long level descriptions at the width the dialog has.
        super().resizeEvent(event)
        layout = self.layout()
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.minimumHeight():
                self.setMinimumHeight(needed)

    def level(self) -> int | None:
        checked = self.level_group.checkedId()
        return None if checked == -1 else checked - 10

    def submit(self):
        result = goals.add_rating(self.ctx.db, self.goal.id, self.date.value(), self.level(),
                                  self.comment.toPlainText())
        self.ctx.notify("goal")
        return result
