"""Add or edit a goal scaled the GAS way, and rate a goal's progress."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.models import Goal
from coachdesk.services import goals
from coachdesk.services.goals import LEVEL_FIELDS, LEVELS, level_label

from ..context import AppContext
from ..plain import as_plain
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


def last_rating_hint(goal: Goal, ratings, day: date | None = None) -> str:
    """"last: +1 on 16 Nov 2026", or the baseline when the goal was never rated; a rating
    already given on ``day`` is named, since saving corrects it (one rating a day)."""
    def short(level: int) -> str:
        return f"{level:+d}" if level else "0"

    same_day = [r for r in ratings if r.rating_date == day]
    if same_day:
        return f"rated {short(same_day[-1].level)} that day already: saving corrects it"
    if ratings:
        last = ratings[-1]
        return f"last: {short(last.level)} on {dates.short(last.rating_date)}"
    return f"not rated yet (baseline {short(goal.baseline_level)})"


def _plain_button_text(text: str) -> str:
    return text.replace("&", "&&")  # a lone & would become a keyboard mnemonic


class RatingDialog(FormDialog):
    """Where one goal stands on a day: a level from -2 to +2, shown with the goal's own words.

    No level is chosen when it opens: Save alone must not record a rating nobody observed
    (the last one is shown as a hint beside the levels). The comment is the coach's own:
    the sponsor's report never reads it.
    """

    def __init__(self, ctx: AppContext, goal: Goal, day: date | None = None, parent=None):
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
        # Beside the date, the last rating as a hint (filled with the history below: deleting
        # a rating here changes it); the level itself starts unchosen.
        self.date = OptionalDateEdit(allow_empty=False)
        self.date.set_value(day or date.today())
        self.last_hint = QLabel()
        self.last_hint.setObjectName("ratingLastHint")
        self.last_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.last_hint.setStyleSheet("color: palette(placeholder-text);")
        date_row = QWidget()
        row = QHBoxLayout(date_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date)
        row.addSpacing(8)
        row.addWidget(self.last_hint, 1)
        self.add_field("Date *", "rating_date", date_row, "ratingDateRow")
        self.date.setObjectName("ratingDate")
        self.date.setAccessibleName("Date")

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
        self.add_field("Level *", "level", levels, "ratingLevels")

        # Goal rating comments never reach the sponsor (coachdesk/reports/progress_model.py).
        self.comment = self.add_field("🔒 Private comment\n(never in a report)", "comment",
                                      _small_text("What you observed (optional)"), "ratingComment")
        self.comment.setAccessibleName("Private comment")
        self.comment.setToolTip("Your own note about this rating: it never appears in a report.")
        self.comment.setFixedHeight(60)

        # Earlier ratings, newest first: a mistaken one can be removed here.
        self.history_model = QStandardItemModel(self)
        self.history = QListView()
        self.history.setModel(self.history_model)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setMaximumHeight(96)
        self.delete_rating_button = QPushButton("Delete rating…")
        self.delete_rating_button.setObjectName("deleteRating")
        self.delete_rating_button.setAccessibleName("Delete rating")
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history)
        row = QHBoxLayout()
        row.addWidget(self.delete_rating_button)
        row.addStretch(1)
        history_layout.addLayout(row)
        self.add_field("Earlier ratings", "history", history, "ratingHistory")
        self.history.setObjectName("ratingHistoryList")
        self.history.setAccessibleName("Earlier ratings")
        self.delete_rating_button.clicked.connect(self._delete_rating)
        self.date.dateChanged.connect(self._show_last)
        self.history.selectionModel().selectionChanged.connect(self._update_delete)
        self._load_history()

    def _load_history(self) -> None:
        self.history_model.clear()
        rows = self._ratings = goals.ratings(self.ctx.db, self.goal.id)
        self._show_last()
        for r in reversed(rows):
            comment = " ".join(r.comment.split())
            text = f"{dates.short(r.rating_date)} · {level_label(r.level)}"
            item = QStandardItem(text + (f" · {comment[:120]}" if comment else ""))
            item.setToolTip(as_plain(r.comment[:2000] or text))
            item.setData(r.id, Qt.ItemDataRole.UserRole)
            self.history_model.appendRow(item)
        if not self.history_model.rowCount():
            placeholder = QStandardItem("None yet: this will be the first.")
            placeholder.setEnabled(False)
            self.history_model.appendRow(placeholder)
        self._update_delete()

    def _show_last(self, *_):
        self.last_hint.setText(last_rating_hint(self.goal, self._ratings, self.date.value()))

    def _selected_rating(self) -> int | None:
        index = self.history.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def _update_delete(self, *_):
        self.delete_rating_button.setEnabled(self._selected_rating() is not None)

    def _delete_rating(self) -> None:
        rating_id = self._selected_rating()
        if rating_id is None:
            return
        answer = QMessageBox.question(
            self, "Delete rating",
            as_plain(f"Delete the rating “{self.history.currentIndex().data()[:200]}”?\n\n"
                     "The goal's path and the T-score will be computed without it."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            goals.delete_rating(self.ctx.db, rating_id)
        except CoachDeskError as exc:
            self.general_error.show_error(str(exc))
            return
        self.ctx.notify("goal")
        self._load_history()

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
        if self.level() is None:  # nothing is chosen for the coach: a rating is an observation
            raise ValidationError("Choose the level you observed.", "level")
        result = goals.add_rating(self.ctx.db, self.goal.id, self.date.value(), self.level(),
                                  self.comment.toPlainText())
        self.ctx.notify("goal")
        return result
