"""The client's Goals tab: an engagement's goals scaled the GAS way, their ratings over
time, and the engagement's GAS T-score, in plain words.

Everything shown is computed by the engine (``coachdesk.services.goals`` and
``coachdesk.services.charts.goal_attainment_series``); this tab only draws it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import charts, engagements, goals

from ..context import AppContext
from ..dialogs.goal_dialog import GoalDialog, RatingDialog
from ..models.goals_table import (
    COL_LOOKS,
    COL_TITLE,
    GoalsTableModel,
    short_level,
)
from ..plain import as_plain
from ..theme import css
from ..widgets.fields import name_widget
from ..widgets.line_chart import ChartPoint, ChartSeries, LineChart
from ..widgets.row_actions import row_action

log = logging.getLogger(__name__)

FORMULA_HELP = (
    "How the GAS T-score is computed (Kiresuk & Sherman, 1968)\n\n"
    "T = 50 + 10·Σ(wᵢxᵢ) / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²)\n\n"
    "xᵢ is goal i's level, from −2 (much less than expected) to +2 (much more than "
    "expected); wᵢ is its weight; ρ is the assumed correlation between goals: "
    f"ρ = {goals.DEFAULT_RHO:g}, the conventional value. A goal not rated yet counts at its "
    "baseline level.\n\n"
    "50 means the goals are met as expected on average; around 40 or below is clearly "
    "less than expected, around 60 or above clearly more."
)
MEANING = ("50 means the goals are met as expected on average; above 50 is better than "
           "expected, below 50 worse.")


def t_score_text(t: float, baseline: float | None) -> str:
    """'GAS T-score 56 (baseline 38)': the headline of the tab."""
    text = f"GAS T-score {t:.0f}"
    return text if baseline is None else f"{text} (baseline {baseline:.0f})"


def _engagement_label(e) -> str:
    """'Coaching · Jul 2026 – May 2027 · 10 sessions · active'."""
    period = dates.month_year(e.start_date)
    period += f" – {dates.month_year(e.end_date)}" if e.end_date else " onwards"
    parts = [e.kind.value.capitalize(), period]
    if e.sessions_agreed:
        parts.append(f"{e.sessions_agreed} session{'s' if e.sessions_agreed != 1 else ''}")
    parts.append(e.status.value)
    return " · ".join(parts)


def fill_engagement_chooser(ctx, combo, client_id: int, keep: int | None):
    """Fill ``combo`` with the client's engagements (labelled, id as data), keeping ``keep``
    chosen if it is still there, else the current engagement; no signal is emitted.
    Returns (the engagements, the chosen id or None). The Goals and the Agreement &
    invoices tabs use it."""
    rows = engagements.list_all(ctx.db, client_id=client_id)
    if keep not in {e.id for e in rows}:
        current = engagements.pick_current(rows)
        keep = current.id if current else None
    combo.blockSignals(True)
    combo.clear()
    for e in rows:
        combo.addItem(_engagement_label(e), e.id)
    combo.setCurrentIndex(max(combo.findData(keep), 0))
    combo.blockSignals(False)
    return rows, keep


def _table(name: str, accessible: str) -> QTableView:
    table = name_widget(QTableView(), name, accessible)
    table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


class GoalsTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        self.engagement_id: int | None = None
        self.setObjectName("goalsTab")

        # -- engagement chooser ------------------------------------------------------
        self.engagement_combo = name_widget(QComboBox(), "goalsEngagement", "Engagement")
        self.engagement_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.chooser = QWidget()
        chooser = QHBoxLayout(self.chooser)
        chooser.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Engagement:")
        label.setBuddy(self.engagement_combo)
        chooser.addWidget(label)
        chooser.addWidget(self.engagement_combo)
        chooser.addStretch(1)

        # -- the T-score, big and plain ---------------------------------------------
        self.t_score_label = name_widget(QLabel(), "gasTScore", "GAS T-score")
        self.t_score_label.setTextFormat(Qt.TextFormat.PlainText)
        self.t_score_label.setStyleSheet("font-size: 24px; font-weight: 600;")
        self.help_button = name_widget(QToolButton(), "gasHelp", "How the T-score is computed")
        self.help_button.setText("?")
        self.help_button.setToolTip(FORMULA_HELP)
        self.meaning_label = name_widget(QLabel(MEANING), "gasMeaning", "What the T-score means")
        self.meaning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meaning_label.setWordWrap(True)
        score_row = QHBoxLayout()
        score_row.addWidget(self.t_score_label)
        score_row.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignVCenter)
        score_row.addSpacing(12)
        score_row.addWidget(self.meaning_label, 1)
        self.score_box = QWidget()
        self.score_box.setLayout(score_row)
        score_row.setContentsMargins(0, 0, 0, 0)

        # -- the goals ------------------------------------------------------------------
        self.model = GoalsTableModel(self)
        self.table = _table("goalsTable", "Goals")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LOOKS, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)

        def button(text: str, name: str, accessible: str, tip: str = "") -> QPushButton:
            b = name_widget(QPushButton(text), name, accessible)
            if tip:
                b.setToolTip(as_plain(tip))
            return b

        self.add_button = button("Add goal…", "addGoal", "Add goal")
        self.edit_button = button("Edit…", "editGoal", "Edit goal")
        self.delete_button = button("Delete", "deleteGoal", "Delete goal")
        self.up_button = button("Move up", "moveGoalUp", "Move goal up")
        self.down_button = button("Move down", "moveGoalDown", "Move goal down")
        self.objectives_button = button(
            "Goals from the agreed objectives", "goalsFromObjectives",
            "Goals from the agreed objectives",
            "One goal per line of the engagement's agreed objectives; lines that already "
            "have a goal are skipped.")
        self.rate_button = button("Rate progress…", "rateGoal", "Rate progress",
                                  "Record where the selected goal stands today, from -2 to +2.")
        self.rate_button.setStyleSheet("font-weight: 600;")
        buttons = QHBoxLayout()
        for b in (self.rate_button, self.add_button, self.edit_button, self.delete_button,
                  self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.objectives_button)

        # What to do next (empty states), and what just happened (after an action).
        self.hint = name_widget(QLabel(), "goalsHint", "What to do next")
        self.notice = name_widget(QLabel(), "goalsNotice", "Goals notice")
        for label in (self.hint, self.notice):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.hide()

        # -- charts -----------------------------------------------------------------------
        self.levels_chart = name_widget(LineChart(), "goalLevelsChart", "Goal levels over time")
        self.levels_chart.setMinimumSize(360, 200)
        self.t_chart = name_widget(LineChart(), "gasTScoreChart", "GAS T-score over time")
        self.t_chart.setMinimumSize(260, 200)
        levels_box = self._titled("Each goal's level since its baseline", self.levels_chart)
        t_box = self._titled("GAS T-score over time", self.t_chart)
        self.charts = QWidget()
        charts_row = QHBoxLayout(self.charts)
        charts_row.setContentsMargins(0, 0, 0, 0)
        charts_row.addWidget(levels_box, 3)
        charts_row.addWidget(t_box, 2)

        goals_part = QWidget()
        goals_layout = QVBoxLayout(goals_part)
        goals_layout.setContentsMargins(0, 0, 0, 0)
        goals_layout.addWidget(self.table, 1)
        goals_layout.addLayout(buttons)
        goals_layout.addWidget(self.notice)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(goals_part)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        # Shown instead of everything else when there is no engagement.
        self.no_engagement = name_widget(QLabel(), "goalsNoEngagement", "No engagement")
        self.no_engagement.setTextFormat(Qt.TextFormat.PlainText)
        self.no_engagement.setWordWrap(True)
        self.no_engagement.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_engagement.setText(
            "No engagement yet. Goals belong to an engagement: add one on the "
            "“Profile & sessions” tab with its agreed objectives, then come back here to turn "
            "the objectives into goals.")

        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.score_box)
        layout.addWidget(self.hint)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.no_engagement, 1)

        # -- wiring -------------------------------------------------------------------------
        self.engagement_combo.currentIndexChanged.connect(self._on_engagement_chosen)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.edit_goal)
        row_action(self.table, "Edit goal…", ["Return", "Enter"], self.edit_goal, "editGoalKey")
        self.add_button.clicked.connect(self.add_goal)
        self.edit_button.clicked.connect(self.edit_goal)
        self.delete_button.clicked.connect(self.delete_goal)
        self.up_button.clicked.connect(lambda: self.move_goal(-1))
        self.down_button.clicked.connect(lambda: self.move_goal(1))
        self.objectives_button.clicked.connect(self.goals_from_objectives)
        self.rate_button.clicked.connect(self.rate_goal)
        self.help_button.clicked.connect(self._show_formula)
        ctx.data_changed.connect(self._on_data_changed)
        self._show_state(has_engagement=False)

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = QLabel(title)
        label.setStyleSheet("font-weight: 600;")
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    # -- the tab protocol -------------------------------------------------------------
    def show_client(self, client) -> None:
        self.client = client
        self.engagement_id = None
        self.load_engagements()

    def leave(self) -> None:
        pass  # every change is saved when its dialog closes

    # -- loading --------------------------------------------------------------------------
    def load_engagements(self) -> None:
        """Fill the chooser, keeping the engagement on screen if it is still there."""
        if self.client is None:
            return
        _rows, self.engagement_id = fill_engagement_chooser(
            self.ctx, self.engagement_combo, self.client.id, self.engagement_id)
        self.reload()

    def _on_engagement_chosen(self, index: int) -> None:
        self.engagement_id = self.engagement_combo.itemData(index)
        self._say_in_notice(None)
        self.reload()

    def selected_goal_id(self) -> int | None:
        row = self.model.goal(self.table.currentIndex().row())
        return row.goal_id if row else None

    def reload(self, select_goal: int | None = None) -> None:
        """Goals, T-score and charts of the engagement chosen, from the engine."""
        if select_goal is None:
            select_goal = self.selected_goal_id()
        if self.engagement_id is None:
            self.model.set_rows([])
            self._show_state(has_engagement=False)
            return
        try:
            rows = goals.progress(self.ctx.db, self.engagement_id)
            series = charts.goal_attainment_series(self.ctx.db, self.engagement_id)
        except CoachDeskError as exc:  # e.g. removed meanwhile
            self.ctx.say(str(exc))
            self.engagement_id = None
            self.model.set_rows([])
            self._show_state(has_engagement=False)
            return
        self.model.set_rows(rows)
        row = self.model.row_of(select_goal)
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._show_state(has_engagement=True)
        self._show_score(series, rows)
        self._draw_charts(series)
        self._update_buttons()

    def _show_state(self, has_engagement: bool) -> None:
        self.no_engagement.setVisible(not has_engagement)
        self.splitter.setVisible(has_engagement)
        self.score_box.setVisible(has_engagement)
        self.chooser.setVisible(has_engagement)
        if not has_engagement:
            self.t_score_label.clear()
            self._hint(None)
        self._update_buttons()

    def _show_score(self, series, rows) -> None:
        t = series.current_t_score
        if t is None:  # no goals yet
            self.score_box.hide()
            self.charts.hide()
            self._hint(
                "No goals yet for this engagement. Choose “Goals from the agreed objectives” "
                "to make one goal per objective, or “Add goal…” to write one; then describe "
                "its five levels, from -2 (much less than expected) to +2 (much more).", strong=True)
            return
        self.score_box.show()
        self.charts.show()
        self.t_score_label.setText(t_score_text(t, series.baseline_t_score))
        change = t - (series.baseline_t_score or t)
        colour = "green" if change >= 0.5 else "red" if change <= -0.5 else None
        self.t_score_label.setStyleSheet(
            "font-size: 24px; font-weight: 600;" + (f" color: {css(colour)};" if colour else ""))
        moved = (f" Since the baseline: {'up' if change > 0 else 'down'} {abs(change):.0f} "
                 f"point{'s' if round(abs(change)) != 1 else ''}." if round(abs(change)) else "")
        self.meaning_label.setText(MEANING + moved)
        if not any(r.ratings for r in rows):
            self._hint(
                "No progress ratings yet: every goal counts at its baseline. Select a goal and "
                "choose “Rate progress…” to record where it stands, e.g. after a session.")
        else:
            self._hint(None)

    def _hint(self, text: str | None, strong: bool = False) -> None:
        """What to do next; ``strong`` when nothing else is on screen to read."""
        self.hint.setStyleSheet("font-size: 14px; padding: 4px 0;" if strong
                                else f"color: {css('grey')};")
        self.hint.setText(text or "")
        self.hint.setVisible(bool(text))

    def _say_in_notice(self, text: str | None) -> None:
        self.notice.setText(text or "")
        self.notice.setVisible(bool(text))

    def _draw_charts(self, series) -> None:
        if not series.goals:
            self.levels_chart.set_data([], -2.2, 2.2)
            self.t_chart.set_data([], 20, 80)
            return
        start = series.t_scores[0].day
        n = len(series.goals)
        lines = []
        for i, g in enumerate(series.goals):
            # Lines at the same level would hide each other: a small, even offset.
            nudge = (i - (n - 1) / 2) * min(0.06, 0.3 / max(n, 1))
            # The whole title: the chart's legend shortens it to its width only when it must
            # (and then gives it in full in the entry's tooltip).
            title = " ".join(g.title.split())[:200]
            points = [ChartPoint(start, g.baseline_level + nudge, 1,
                                 f"{g.title[:200]}\nBaseline: {short_level(g.baseline_level)}")]
            for p in g.points:
                points.append(ChartPoint(p.day, p.level + nudge, 0,
                                         f"{g.title[:200]}\n{dates.short(p.day)}: "
                                         f"{goals.level_label(p.level)}"))
            lines.append(ChartSeries(title, points))
        ticks = [(level, short_level(level)) for level in goals.LEVELS]
        self.levels_chart.set_data(lines, -2.2, 2.2, ticks, ["Rating", "Baseline"])

        t_points = [ChartPoint(p.day, p.t_score, 1 if p.is_baseline else 0,
                               f"{dates.short(p.day)}: T-score {p.t_score:.1f}"
                               + (" (baseline)" if p.is_baseline else ""))
                    for p in series.t_scores]
        first, last = t_points[0].day, t_points[-1].day
        expected = ChartSeries("50 = as expected",
                               [ChartPoint(first, 50, 2, "50: goals met as expected"),
                                ChartPoint(last, 50, 2, "50: goals met as expected")],
                               dashed=True)
        t_ticks = [(20, "20"), (30, "30"), (40, "40"), (50, "50 expected"), (60, "60"),
                   (70, "70"), (80, "80")]
        self.t_chart.set_data([ChartSeries("GAS T-score", t_points), expected], 20, 80,
                              t_ticks, ["Rating day", "Baseline"])

    def _update_buttons(self, *_):
        has_engagement = self.engagement_id is not None
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1
        selected = has_engagement and self.model.goal(row) is not None
        for b in (self.edit_button, self.delete_button, self.rate_button):
            b.setEnabled(selected)
        self.up_button.setEnabled(selected and row > 0)
        self.down_button.setEnabled(selected and row < self.model.rowCount() - 1)
        self.add_button.setEnabled(has_engagement)
        self.objectives_button.setEnabled(has_engagement)

    def _on_data_changed(self, what: str) -> None:
        if self.client is None:
            return
        if what == "engagement":
            self.load_engagements()
        elif what == "goal":
            self.reload()

    # -- actions ---------------------------------------------------------------------------
    def _selected_goal(self):
        goal_id = self.selected_goal_id()
        if goal_id is None:
            return None
        try:
            return goals.get(self.ctx.db, goal_id)
        except CoachDeskError as exc:
            self.ctx.say(str(exc))
            self.reload()
            return None

    def add_goal(self) -> None:
        self._say_in_notice(None)
        if self.engagement_id is None:
            return
        dialog = GoalDialog(self.ctx, self.engagement_id, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select_goal=dialog.result_object.id)
            self.ctx.say("Goal added.")

    def edit_goal(self, *_):
        self._say_in_notice(None)
        goal = self._selected_goal()
        if goal is None:
            return
        dialog = GoalDialog(self.ctx, goal.engagement_id, goal=goal, parent=self)
        if dialog.exec():
            self.reload(select_goal=goal.id)

    def delete_goal(self) -> None:
        self._say_in_notice(None)
        goal = self._selected_goal()
        if goal is None:
            return
        count = len(goals.ratings(self.ctx.db, goal.id))
        title = goal.title if len(goal.title) <= 80 else goal.title[:80] + "…"
        ratings = (f" and its {count} progress rating{'s' if count != 1 else ''}" if count
                   else "")
        answer = QMessageBox.question(
            self, "Delete goal",
            as_plain(f"Delete the goal “{title}”{ratings}?\n\nThe T-score will be computed "
                     "without it. This cannot be undone."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            goals.delete(self.ctx.db, goal.id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Delete goal", as_plain(str(exc)))
            return
        self.ctx.notify("goal")
        self.ctx.say("Goal deleted.")

    def move_goal(self, steps: int) -> None:
        self._say_in_notice(None)
        goal_id = self.selected_goal_id()
        if goal_id is None:
            return
        try:
            goals.move(self.ctx.db, goal_id, steps)
        except CoachDeskError as exc:
            self.ctx.say(str(exc))
            return
        self.reload(select_goal=goal_id)
        self.ctx.notify("goal")

    def goals_from_objectives(self) -> None:
        if self.engagement_id is None:
            return
        try:
            made = goals.create_from_objectives(self.ctx.db, self.engagement_id)
        except ValidationError as exc:
            if exc.field == "objectives":
                self._say_in_notice(
                    "This engagement has no agreed objectives yet. Write them in the engagement "
                    "(“Profile & sessions” tab → Engagements → Edit…), one per line, then try "
                    "again; or add goals one by one with “Add goal…”.")
            else:
                self._say_in_notice(str(exc))
            return
        except CoachDeskError as exc:
            self._say_in_notice(str(exc))
            return
        if not made:
            self._say_in_notice("Every agreed objective already has a goal: nothing was added.")
            return
        lines = len(goals.parse_objectives(engagements.get(self.ctx.db, self.engagement_id)
                                           .objectives))
        skipped = lines - len(made)
        self.reload(select_goal=made[0].id)
        self._say_in_notice(
            f"{len(made)} goal{'s' if len(made) != 1 else ''} made from the agreed objectives"
            + (f" ({skipped} already had one)" if skipped > 0 else "")
            + ". Describe each one's five levels (Edit…) so that ratings mean something.")
        self.ctx.notify("goal")

    def rate_goal(self, *_):
        self._say_in_notice(None)
        goal = self._selected_goal()
        if goal is None:
            return
        dialog = RatingDialog(self.ctx, goal, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select_goal=goal.id)
            self.ctx.say(f"Rated {goals.level_label(dialog.result_object.level)}.")

    def _show_formula(self) -> None:
        QMessageBox.information(self, "GAS T-score", FORMULA_HELP)
