"""Dashboard: who needs attention and why, this month's figures, engagements to look at,
overdue actions, and the practice's indicator averages over the last twelve months.

Every number comes from the engine (``services.practice.load_dashboard``): the
retention signal and its reasons from ``services.risk`` (the rules are explained in
resources/docs/retention-signal.md, shown in the app), the practice's figures, and the
averages from ``services.charts``. The page only shows them.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.hours import hours_short, hours_text
from coachdesk.services import indicators, risk
from coachdesk.services.practice import (
    ENDING_WITHIN_DAYS,
    PLANNED_WITHIN_DAYS,
    TOP_ACTIONS,
    DashboardData,
    day_text,
    load_dashboard,
)

from ..context import AppContext
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from ..widgets.line_chart import ChartPoint, ChartSeries, LineChart
from ..widgets.wrap_label import WrapLabel
from .dashboard_agenda import AgendaPanel
from .dashboard_money import MoneyStrip
from .dashboard_tables import SIGNAL_COLOURS, SIGNAL_WORDS, AttentionModel, RowsModel  # noqa: F401

#: shown at first in the averages chart; the others are one click away in its legend
CHART_SHOWN = ("intent_to_stay", "commitment", "engagement", "wellbeing")
#: below this page width (pixels) the side column goes under the attention table
NARROW_PAGE = 1000
#: the page's least height with the side column beside the attention table (it scrolls below)
WIDE_HEIGHT = 620


# -- the data (from the engine) ---------------------------------------------------------

log = logging.getLogger(__name__)
# The whole load runs here when the page is opened, so the window never waits on it.
_LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-load")


def rules_summary(rules: risk.Rules = risk.RULES) -> str:
    """The rules in a few plain lines, from the thresholds in force."""
    return (
        "The signal is worked out from what you recorded, by a handful of plain rules; "
        "every flag lists its reasons.\n\n"
        f"• Low latest intent to stay, commitment or engagement (on 1-10: "
        f"{1 + 9 * rules.low_amber:.0f} or below is amber, {1 + 9 * rules.low_red:.0f} or below red).\n"
        f"• A falling trend over an indicator's last {rules.trend_readings} readings "
        f"(on 1-10: a drop of 2 is amber, 4 red).\n"
        f"• No session held for {rules.gap_amber:g}× the engagement's rhythm (amber) or "
        f"{rules.gap_red:g}× (red).\n"
        f"• Overdue action items ({rules.overdue_amber} amber, {rules.overdue_red} or more red).\n"
        f"• A goal still at its baseline (amber) or below it (red) after "
        f"{rules.stuck_min_ratings} ratings over {rules.stuck_min_days // 7} weeks.\n"
        f"• {rules.ambers_make_red} warning signs at once make the signal red.\n\n"
        "Readings older than 6 months are not news any more. No weights, no hidden model.")


def _table(name: str, accessible: str) -> QTableView:
    view = name_widget(QTableView(), name, accessible)
    view.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    return view


def _heading(label: str) -> QLabel:
    out = WrapLabel(label)  # "Engagements · 0 ending within 30 days, 1 used up" on a laptop
    out.setTextFormat(Qt.TextFormat.PlainText)
    out.setStyleSheet("font-size: 15px; font-weight: 600;")
    return out


def _rows_height(view: QTableView, rows: int) -> int:
    """The height that shows the heading and ``rows`` rows of ``view``."""
    heading = view.horizontalHeader().sizeHint().height()
    return heading + rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth()


def _panel(*widgets: QWidget) -> QWidget:
    """A heading and its table, kept together when the page rearranges them."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for w in widgets:
        layout.addWidget(w, 1 if isinstance(w, QTableView) else 0)
    layout.addStretch(0)  # below a table at its most rows, not between heading and table
    return box


class Figure(QFrame):
    """A big number with its caption."""

    def __init__(self, name: str, caption: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel("—")
        self.number.setObjectName(f"{name}Value")
        self.number.setTextFormat(Qt.TextFormat.PlainText)
        self.number.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.caption = WrapLabel(caption)  # two lines in a narrow box, never cut
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def set(self, value: str, accessible: str) -> None:
        self.number.setText(value)
        self.setAccessibleName(accessible)


# -- the page ------------------------------------------------------------------------------


#: the client page's tab that shows what a signal's reason is about (0: profile & sessions,
#: 1: indicators, 2: goals; see client_detail.SECTION_TABS)
REASON_TAB = {"low_value": 1, "falling_trend": 1, "stuck_goal": 2}


class DashboardPage(QWidget):
    open_client = Signal(int)
    open_client_tab = Signal(int, int)  # client id, the tab that shows why they need attention
    open_session = Signal(int)  # from the agenda
    loaded = Signal()  # the page shows fresh data
    _arrived = Signal(int, object)  # from the loading thread: (generation, data or error)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardPage")
        self.data: DashboardData | None = None
        self._generation = 0
        self._arrived.connect(self._on_arrived)

        title = QLabel("Dashboard")
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.date_label = QLabel()
        self.explain_link = name_widget(QLabel('<a href="#rules">How is this worked out?</a>'),
                                        "dashboardHowLink", "How is the signal worked out?")
        self.explain_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.explain_link.setToolTip(rules_summary())
        self.explain_link.linkActivated.connect(lambda _link: self.explain())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.explain_link)
        # What the practice is owed (invoices), per currency; a click opens the Invoices page
        self.money = MoneyStrip(ctx)
        self.open_invoices = self.money.open_invoices

        self.fig_held = Figure("figHeld", "sessions held this month")
        self.fig_hours = Figure("figHours", "hours delivered this month")
        self.fig_planned = Figure("figPlanned", f"sessions planned, next {PLANNED_WITHIN_DAYS} days")
        self.fig_attention = Figure("figAttention", "clients need attention")
        self.fig_overdue = Figure("figOverdue", "overdue actions")
        figures = QHBoxLayout()
        for f in (self.fig_held, self.fig_hours, self.fig_planned, self.fig_attention,
                  self.fig_overdue):
            figures.addWidget(f, 1)

        # Who needs attention, with the selected client's reasons in full below.
        self.attention_model = AttentionModel(self)
        self.attention = _table("attentionTable", "Who needs attention")
        self.attention.setModel(self.attention_model)
        # Widths from the font, not from the contents: measuring thousands of rows
        # would cost more than loading them. The reason takes what the others leave;
        # on a laptop the name gives way first (shortened, in full in its tooltip).
        view = self.attention
        self.attention_fit = fit_columns(view, 2, shrink=(0,), minimum={0: 90, 2: 150})
        self.attention_fit.set_widths({0: 170, 1: text_width(view, "● Needs attention"),
                                       3: text_width(view, "Last session", "none held yet")})
        # Two lines per row: the first reason mostly fits; all of them are below.
        self.attention.setWordWrap(True)
        self.attention.verticalHeader().setDefaultSectionSize(
            2 * self.attention.fontMetrics().lineSpacing() + 10)
        self.attention.activated.connect(self._open_attention)  # double-click and Enter
        self.attention.selectionModel().currentRowChanged.connect(self._show_reasons)
        self.attention_title = _heading("Who needs attention")
        # Plain text that wraps and scrolls on its own: a word-wrapped label would make
        # the page's height depend on its width and the whole page scroll.
        self.reasons = name_widget(QPlainTextEdit(), "attentionReasons",
                                   "Reasons for the selected client")
        self.reasons.setReadOnly(True)
        self.reasons.setFrameShape(QFrame.Shape.NoFrame)
        self.reasons.viewport().setAutoFillBackground(False)
        self.reasons.setFixedHeight(5 * self.reasons.fontMetrics().lineSpacing() + 8)
        left = QVBoxLayout()
        left.addWidget(self.attention_title)
        left.addWidget(self.attention, 1)
        left.addWidget(self.reasons)

        # Engagements to look at, overdue actions: each row opens its client. Each row's
        # tooltip is its text in full, so a shortened name or action can still be read.
        self.engagement_model = RowsModel(("Client", "Engagement"), self)
        self.engagements = self._side_table("engagementsTable", "Engagements to look at",
                                            self.engagement_model)
        fit_columns(self.engagements, 1, shrink=(0,), minimum={0: 80, 1: 120}).set_widths({0: 150})
        self.engagements_title = _heading("Engagements")
        self.overdue_model = RowsModel(("Client", "Action", "Due"), self)
        self.overdue = self._side_table("overdueTable", "Overdue actions", self.overdue_model)
        fit_columns(self.overdue, 1, shrink=(0,), minimum={0: 80, 1: 100}).set_widths(
            {0: 130, 2: text_width(self.overdue, "30 Sep 2026")})
        self.overdue_title = _heading("Overdue actions")
        self.agenda = AgendaPanel()
        self.agenda.open_session.connect(self.open_session)
        self.engagements_panel = _panel(self.engagements_title, self.engagements)
        self.overdue_panel = _panel(self.overdue_title, self.overdue)

        # Wide: the side column beside the attention table. Narrow (a laptop): below it,
        # the agenda and the engagements side by side, the overdue actions under them.
        self.side = QGridLayout()
        self.side.setSpacing(8)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.middle.setSpacing(12)
        self.middle.addLayout(left, 2)
        self.middle.addLayout(self.side, 1)
        self.narrow: bool | None = None

        self.chart = name_widget(LineChart(), "practiceAverages",
                                 "Practice-wide indicator averages, last 12 months")
        self.chart.setMinimumSize(360, 200)
        self.chart_title = _heading("Practice-wide indicator averages, last 12 months")
        self.chart_title.setToolTip(
            "Each client counts once a month (their readings that month are averaged first). "
            "Scales are shown on 1 to 10, best at the top; the tooltip gives the real values. "
            "Click a name in the legend to show or hide its line.")

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setVerticalSpacing(8)
        header = QVBoxLayout()
        header.addLayout(top)
        header.addWidget(self.money)
        grid.addLayout(header, 0, 0)
        grid.addLayout(figures, 1, 0)
        grid.addLayout(self.middle, 2, 0)
        grid.addWidget(self.chart_title, 3, 0)
        grid.addWidget(self.chart, 4, 0)
        grid.setRowStretch(2, 3)
        grid.setRowStretch(4, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.body = body
        self._arrange(narrow=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self._engagement_clients: list[int] = []
        self._overdue_clients: list[int] = []
        self._chart_filled = False
        # After a write the practice-wide figures are worked out afresh: off the GUI thread.
        again = lambda *_: self.reload_in_background() if self.isVisible() else None  # noqa: E731
        ctx.data_changed.connect(again)
        ctx.database_replaced.connect(again)

    def _side_table(self, name: str, accessible: str, model) -> QTableView:
        view = _table(name, accessible)
        view.setModel(model)
        view.activated.connect(lambda index, v=view: self._open_side(v, index))
        return view

    def _arrange(self, narrow: bool) -> None:
        """The side column beside the attention table (wide) or below it (narrow)."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        for panel in (self.agenda, self.engagements_panel, self.overdue_panel):
            self.side.removeWidget(panel)
        if narrow:
            self.side.addWidget(self.agenda, 0, 0)
            self.side.addWidget(self.engagements_panel, 0, 1)
            self.side.addWidget(self.overdue_panel, 1, 0, 1, 2)
        else:
            self.side.addWidget(self.agenda, 0, 0)
            self.side.addWidget(self.engagements_panel, 1, 0)
            self.side.addWidget(self.overdue_panel, 2, 0)
        self.side.setColumnStretch(0, 1)
        self.side.setColumnStretch(1, 1 if narrow else 0)
        for row in range(3):
            self.side.setRowStretch(row, (2, 3, 0)[row] if narrow else 1)
        self.middle.setDirection(QBoxLayout.Direction.TopToBottom if narrow
                                 else QBoxLayout.Direction.LeftToRight)
        self.middle.setStretch(0, 1 if narrow else 2)
        self.middle.setStretch(1, 1)
        # Narrow, the page scrolls down: each part has the rows it needs to be read (the
        # attention list 6, the agenda and engagements 3, every overdue action).
        for view, rows in ((self.attention, 6), (self.agenda.view, 3), (self.engagements, 3),
                           (self.overdue, TOP_ACTIONS)):
            view.setMinimumHeight(_rows_height(view, rows) if narrow else 0)
        self.overdue.setMaximumHeight(_rows_height(self.overdue, TOP_ACTIONS) if narrow
                                      else 16777215)
        self.chart.setMinimumHeight(300 if narrow else 200)
        self.body.setMinimumHeight(0 if narrow else WIDE_HEIGHT)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # The page's own width (not its scroll area's, which changes with the scroll
        # bar this very switch may bring): no back and forth at the threshold.
        self._arrange(event.size().width() < NARROW_PAGE)
        super().resizeEvent(event)

    # -- loading -----------------------------------------------------------------------

    def reload_in_background(self, today: date | None = None) -> None:
        """Load off the GUI thread (the window stays responsive) and fill the page when
        the data arrives; what is on screen meanwhile says it is being worked out."""
        self._generation += 1
        generation = self._generation
        self.date_label.setText("Working out who needs attention…")

        def work():
            if generation != self._generation:
                return  # a newer load was asked for while this one waited: skip the work
            try:
                result = load_dashboard(self.ctx.db, today)
            except Exception as exc:  # shown as a sentence, logged with its traceback
                log.exception("loading the dashboard failed")
                result = exc
            try:
                self._arrived.emit(generation, result)
            except RuntimeError:  # the page was closed meanwhile
                pass

        _LOADER.submit(work)

    def _on_arrived(self, generation: int, result) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        if isinstance(result, Exception):  # a plain sentence; the detail is in the log
            self.date_label.setText(str(result) if isinstance(result, CoachDeskError) else
                                    "The dashboard could not be loaded just now; try again.")
            return
        self._show(result)

    def reload(self, today: date | None = None) -> None:
        """Load and show now (tests, and a refresh the coach asks for)."""
        self._generation += 1
        self._show(load_dashboard(self.ctx.db, today))

    def _show(self, data: DashboardData) -> None:
        self.data = data
        self.date_label.setText(day_text(data.today))
        self._fill_figures(data)
        self.money.refresh(data.today)
        self._fill_attention(data)
        self._fill_engagements(data)
        self._fill_overdue(data)
        self.agenda.show_items(data.agenda, data.today)
        self._fill_chart(data)
        self.loaded.emit()

    def _fill_figures(self, data: DashboardData) -> None:
        reds = sum(1 for a in data.attention if a.level == risk.Level.red)
        ambers = len(data.attention) - reds
        self.fig_held.set(str(data.held_this_month),
                          f"{data.held_this_month} sessions held this month")
        self.fig_hours.set(hours_short(data.hours_this_month),
                           f"{hours_text(data.hours_this_month)} hours delivered this month")
        self.fig_planned.set(str(data.planned_soon),
                             f"{data.planned_soon} sessions planned in the next "
                             f"{PLANNED_WITHIN_DAYS} days")
        self.fig_attention.set(f"{len(data.attention)} of {data.assessed}",
                               f"{reds} red and {ambers} amber of {data.assessed} clients")
        self.fig_attention.number.setToolTip(f"{reds} red (needs attention), {ambers} amber "
                                             "(watch)")
        self.fig_overdue.set(str(data.overdue_count), f"{data.overdue_count} overdue actions")

    def _fill_attention(self, data: DashboardData) -> None:
        # Red and amber first; then, in grey, the clients with no data yet to judge by.
        self.attention_model.set_rows(data.attention + data.no_data, data.last_held, data.today)
        count, bare = len(data.attention), len(data.no_data)
        title = f"Who needs attention · {count}" if count else "Who needs attention"
        self.attention_title.setText(title + (f" (and {bare} with no data yet)" if bare else ""))
        if count or bare:
            self.attention.selectRow(0)
            self._show_reasons(self.attention_model.index(0, 0))
        else:
            self.reasons.setPlainText("No one needs attention right now: every client's signal is "
                                 "green. (Only what you recorded counts: rate indicators after "
                                 "sessions to keep the signal honest.)")

    def _show_reasons(self, current, _previous=None) -> None:
        a = self.attention_model.assessment(current.row()) if current.isValid() else None
        if a is None:
            return
        lines = "\n".join(f"• {t}" for t in a.explanation)
        self.reasons.setPlainText(f"Why {a.client_name}: {SIGNAL_WORDS[a.signal].lower()}\n"
                             f"{lines}")

    def _fill_engagements(self, data: DashboardData) -> None:
        self.engagement_model.set_rows(
            [(f.client_name, f.what) for f in data.engagements],
            {(i, 1): "orange" for i, f in enumerate(data.engagements)
             if f.kind in ("used_up", "ended")})
        self._engagement_clients = [f.client_id for f in data.engagements]
        ended = sum(1 for f in data.engagements if f.kind == "ended")
        ending = sum(1 for f in data.engagements if f.kind == "ending")
        used = len(data.engagements) - ending - ended
        self.engagements_title.setText(
            "Engagements · " + (f"{ended} past their end date, " if ended else "")
            + f"{ending} ending within {ENDING_WITHIN_DAYS} days, {used} used up")

    def _fill_overdue(self, data: DashboardData) -> None:
        top = data.overdue[:TOP_ACTIONS]
        self.overdue_model.set_rows([(a.client_name, a.text, day_text(a.due_date)) for a in top],
                                    {(i, 2): "red" for i in range(len(top))})
        self._overdue_clients = [a.client_id for a in top]
        total = data.overdue_count
        shown = min(total, TOP_ACTIONS)
        suffix = f" (the oldest {shown}; all on the Actions page)" if total > shown else ""
        self.overdue_title.setText(f"Overdue actions · {total}{suffix}")

    def _fill_chart(self, data: DashboardData) -> None:
        keys = {i.id: i.key for i in indicators.list_all(self.ctx.db, include_retired=True)}
        series = []
        for ind in data.averages:
            span = (ind.scale_max - ind.scale_min) or 1
            points = []
            for p in ind.points:
                frac = (p.average - ind.scale_min) / span
                if not ind.higher_is_better:
                    frac = 1 - frac
                clients = f"{p.clients} client{'s' if p.clients != 1 else ''}"
                points.append(ChartPoint(
                    p.month, 1 + 9 * frac, 0,
                    f"{ind.name}, {dates.month_year(p.month)}: {p.average:.1f} on {ind.scale_min} to "
                    f"{ind.scale_max} ({clients}, {p.readings} readings)"))
            # The first time, the key indicators only; later the coach's own choice
            # (the chart remembers which lines were hidden).
            shown = self._chart_filled or keys.get(ind.indicator_id) in CHART_SHOWN
            series.append(ChartSeries(ind.name, points, visible=shown))
        self._chart_filled = self._chart_filled or bool(series)
        self.chart.set_data(
            series, 1, 10, [(1, "1"), (3.25, ""), (5.5, "5.5"), (7.75, ""), (10, "10")],
            y_title="average", empty_text="No indicator readings in the last 12 months yet. "
            "Rate indicators after a session to see the practice's trends here.")

    # -- going places --------------------------------------------------------------------

    def _open_attention(self, index) -> None:
        a = self.attention_model.assessment(index.row())
        if a is not None:
            # The tab of the strongest reason: a falling indicator opens on the indicators.
            worst = max(a.reasons, key=lambda r: r.level == a.level, default=None)
            self.open_client_tab.emit(a.client_id, REASON_TAB.get(worst.rule, 0) if worst else 0)

    def _open_side(self, view: QTableView, index) -> None:
        ids = self._engagement_clients if view is self.engagements else self._overdue_clients
        if 0 <= index.row() < len(ids):
            self.open_client.emit(ids[index.row()])

    def explain(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("signalSummary")
        box.setWindowTitle("How the retention signal is worked out")
        box.setText(rules_summary())
        box.setTextFormat(Qt.TextFormat.PlainText)
        more = box.addButton("Read the full explanation", QMessageBox.ButtonRole.HelpRole)
        more.setObjectName("readFullExplanation")
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is more:
            self.show_explanation()

    def show_explanation(self) -> None:
        """The whole explanation, shipped with the app, in a window of its own."""
        from ..dialogs.explanation import ExplanationDialog

        ExplanationDialog(self, rules_summary()).exec()

