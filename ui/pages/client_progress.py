"""The client's Indicators tab: where each talent-retention indicator stands now, how it
moved over time (one chart, every indicator as a share of its own scale, up = better),
and every reading, with the coach's private comment marked as private.

The numbers come from the engine (``coachdesk.services.charts.indicator_series`` for the
chart, the same series the PDF reports draw); this tab only lays them out.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.models import ReadingSource
from coachdesk.services import engagements
from coachdesk.services import indicators as indicator_service
from coachdesk.services.charts import IndicatorSeries, indicator_series
from coachdesk.services.indicators import SOURCE_LABELS

from ..context import AppContext
from ..models.readings_table import (
    ID_ROLE,
    SHORT_SOURCES,
    LatestValuesModel,
    ReadingsFilter,
    ReadingsTableModel,
    day_label,
    latest_from_readings,
    value_on_scale,
)
from ..plain import as_plain
from ..theme import css
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from ..widgets.line_chart import ChartPoint, ChartSeries, LineChart
from ..widgets.row_actions import row_action

log = logging.getLogger(__name__)

SOURCES = list(ReadingSource)  # marker kind = position here
#: what a name in the "Where things stand" table shares its cell with: check box and colour
LEGEND_ROOM = 44
Y_TICKS = [(0.0, "low"), (25.0, ""), (50.0, "50%"), (75.0, ""), (100.0, "high")]


def _source_phrase(source: ReadingSource) -> str:
    label = SOURCE_LABELS[source]
    return label if label[:3].isdigit() else label[0].lower() + label[1:]


def chart_series(data: list[IndicatorSeries]) -> list[ChartSeries]:
    """Each indicator as a line of percentages of its scale (up = better)."""
    out = []
    for s in data:
        direction = "" if s.higher_is_better else " (lower is better)"
        points = [ChartPoint(p.day, s.fraction(p.value) * 100, SOURCES.index(p.source),
                             f"{s.name}: {value_on_scale(p.value, s.scale_min, s.scale_max)}"
                             f"{direction} on {day_label(p.day)} — {_source_phrase(p.source)}")
                  for p in s.points]
        name = f"{s.name} (retired)" if s.retired else s.name
        out.append(ChartSeries(name, points, dashed=s.retired))
    return out


class ProgressTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        self._dirty = False
        self._names: dict[int, str] = {}  # indicator id -> series name on the chart
        self.setObjectName("indicatorsTab")

        # -- toolbar ---------------------------------------------------------------
        self.engagement = name_widget(QComboBox(), "indicatorEngagementFilter",
                                      "Show readings of engagement")
        self.engagement.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # A push button with a menu: Qt draws the menu's arrow beside the text and counts it
        # in the button's width (a tool button drew its arrow over the text's end, and a "▾"
        # typed into the text showed under it).
        self.chooser = name_widget(QPushButton("Indicators shown"), "indicatorChooser",
                                   "Indicators to show")
        self.chooser_menu = QMenu(self.chooser)
        self.chooser.setMenu(self.chooser_menu)
        self.rate_button = name_widget(QPushButton("Rate indicators…"), "tabRateIndicators",
                                       "Rate indicators")
        self.rate_button.setToolTip("Rate several indicators at once for this client")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Engagement:"))
        bar.addWidget(self.engagement)
        bar.addSpacing(12)
        bar.addWidget(self.chooser)
        bar.addStretch(1)
        bar.addWidget(self.rate_button)

        # -- latest values ------------------------------------------------------------
        self.latest_model = LatestValuesModel(self)
        self.latest_table = self._table(self.latest_model, "latestValues", "Latest values")
        self.latest_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # The indicator's name comes first: when the table is narrow, the source and then
        # the date give way (each row's tooltip says both), and a long name wraps onto a
        # second line rather than be cut to "Engage…". One row per indicator rated: few
        # enough to size each row to its text.
        self.latest_table.setWordWrap(True)
        self.latest_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.latest_fit = fit_columns(self.latest_table, 0, give_way=(4, 3), minimum={
            0: text_width(self.latest_table, "Commitment", extra=LEGEND_ROOM)})
        self.latest_fit.set_widths({
            1: text_width(self.latest_table, "10 / 10", "Latest"),
            2: text_width(self.latest_table, "= unchanged", "▲ 10 → 10", "first reading"),
            3: text_width(self.latest_table, "30 Sep 2026"),
            4: text_width(self.latest_table, *SHORT_SOURCES.values())})
        self.latest_empty = QLabel()
        self.latest_empty.setObjectName("latestEmpty")
        self.latest_empty.setWordWrap(True)
        self.latest_empty.setStyleSheet(f"color: {css('grey')};")
        latest_box = QGroupBox("Where things stand")
        lb = QVBoxLayout(latest_box)
        lb.addWidget(self.latest_table)
        lb.addWidget(self.latest_empty)

        # -- chart ----------------------------------------------------------------------
        # The table beside is the chart's legend (each name with its line's colour and a
        # check box): the chart's own legend names the marker kinds only, so the plot keeps
        # its height on a laptop, where nine names took five rows of it.
        self.chart = name_widget(LineChart(), "indicatorChart", "Indicator trends")
        self.chart.empty_text = "No readings yet: rate indicators after a session to see trends."
        self.chart.series_legend = False
        self.chart.setMinimumSize(340, 200)
        self.chart.series_toggled.connect(self._series_toggled)
        self.latest_model.legend = self._legend_of
        self.latest_model.toggled.connect(
            lambda iid, on: self.chart.set_series_visible(self._names.get(iid, ""), on))
        chart_box = QGroupBox("Trends (as a share of each scale; up = better)")
        chart_box.setToolTip("Each indicator as a share of its own scale, so that all of them "
                             "fit one chart; up is always better. Tick or untick an indicator "
                             "on the left to show or hide its line.")
        cb = QVBoxLayout(chart_box)
        cb.addWidget(self.chart)

        # -- readings table ----------------------------------------------------------------
        self.readings_model = ReadingsTableModel(self)
        self.readings_proxy = ReadingsFilter(self)
        self.readings_proxy.setSourceModel(self.readings_model)
        self.readings_table = self._table(self.readings_proxy, "readingsTable", "Readings")
        self.readings_table.setSortingEnabled(True)
        self.readings_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        # Widths from the font and the few names (indicators, engagements), never from the
        # readings, which may be hundreds. Narrow, the long texts shorten (tooltips).
        self.readings_fit = fit_columns(
            self.readings_table, ReadingsTableModel.COMMENT, shrink=(1, 3, 4),
            minimum={1: text_width(self.readings_table, "Commitment"),
                     3: text_width(self.readings_table, "Coach's"),
                     4: text_width(self.readings_table, "Coaching ·")})
        self.readings_table.doubleClicked.connect(self._edit_reading)
        row_action(self.readings_table, "Edit reading…", ["Return", "Enter"], self._edit_reading,
                   "editReadingKey")
        self.edit_button = name_widget(QPushButton("Edit…"), "editReading", "Edit reading")
        self.delete_button = name_widget(QPushButton("Delete…"), "deleteReading", "Delete reading")
        self.readings_note = QLabel()
        self.readings_note.setObjectName("readingsNote")
        self.readings_note.setStyleSheet(f"color: {css('grey')};")
        private = QLabel("🔒 Private comments are yours alone: they never appear in a report.")
        private.setStyleSheet(f"color: {css('amber')};")
        rbuttons = QHBoxLayout()
        rbuttons.addWidget(self.edit_button)
        rbuttons.addWidget(self.delete_button)
        rbuttons.addSpacing(12)
        rbuttons.addWidget(self.readings_note)
        rbuttons.addStretch(1)
        rbuttons.addWidget(private)
        readings_box = QGroupBox("Readings")
        rb = QVBoxLayout(readings_box)
        rb.addWidget(self.readings_table)
        rb.addLayout(rbuttons)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(latest_box)
        top.addWidget(chart_box)
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([540, 660])
        top.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(readings_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 330])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self.engagement.currentIndexChanged.connect(self._engagement_changed)
        self.rate_button.clicked.connect(self.rate)
        self.edit_button.clicked.connect(self._edit_reading)
        self.delete_button.clicked.connect(self._delete_reading)
        self.readings_table.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.data_changed.connect(self._on_data_changed)
        self._update_buttons()

    def _table(self, model, name: str, label: str) -> QTableView:
        table = name_widget(QTableView(), name, label)
        table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        return table

    # -- protocol with the client page --------------------------------------------------

    def show_client(self, client) -> None:
        self.client = client
        self._load_engagements()
        self.reload()

    def leave(self) -> None:
        pass  # nothing typed here is pending: dialogs save when they close

    # -- loading ------------------------------------------------------------------------

    def _load_engagements(self) -> None:
        rows = engagements.list_all(self.ctx.db, client_id=self.client.id)
        keep = self.engagement.currentData()
        self.engagement.blockSignals(True)
        self.engagement.clear()
        self.engagement.addItem("All engagements", None)
        for e in rows:
            self.engagement.addItem(
                f"{engagements.describe(e)} (from {dates.month_year(e.start_date)})", e.id)
        at = self.engagement.findData(keep) if keep is not None else 0
        self.engagement.setCurrentIndex(max(at, 0))
        self.engagement.blockSignals(False)
        self._engagement_labels = {e.id: engagements.describe(e) for e in rows}

    def selected_engagement(self) -> int | None:
        return self.engagement.currentData()

    def reload(self) -> None:
        if self.client is None:
            return
        self._dirty = False
        db, cid, eid = self.ctx.db, self.client.id, self.selected_engagement()
        library = indicator_service.list_all(db, include_retired=True)
        by_id = {i.id: i for i in library}
        readings = indicator_service.readings_for_client(db, cid, engagement_id=eid)

        # Where things stand: the same filter as everything else on the tab.
        latest = latest_from_readings(readings, library)
        self.latest_model.set_rows(latest, {i.id: i.description for i in library})
        # The name in full on one line when there is room (the date and source give way).
        self.latest_fit.flex_wants = text_width(self.latest_table, *(lv.name for lv in latest),
                                                extra=LEGEND_ROOM)
        self.latest_fit.refit()
        self.latest_table.setVisible(bool(latest))
        self.latest_empty.setVisible(not latest)
        self.latest_empty.setText(
            "No readings yet. Use “Rate indicators…” after a session to record where the "
            "client stands." if eid is None else "No readings in this engagement yet.")

        # The chart.
        data = indicator_series(db, cid, engagement_id=eid)
        self._names = {s.indicator_id: (f"{s.name} (retired)" if s.retired else s.name) for s in data}
        self.chart.set_data(chart_series(data), 0, 100, Y_TICKS,
                            [SOURCE_LABELS[s] for s in SOURCES], y_title="share of scale")
        self._rebuild_chooser()
        self.latest_model.refresh_legend()  # the names' colours and check boxes

        # The table.
        labels = getattr(self, "_engagement_labels", {})
        self.readings_model.set_rows(readings, by_id, labels)
        self._fit_readings(library, labels)
        self._apply_hidden()
        self._update_buttons()

    def _fit_readings(self, library, labels: dict[int, str]) -> None:
        """Column widths that show the longest indicator, value and engagement in full."""
        view = self.readings_table
        values = [value_on_scale(i.scale_max, i.scale_min, i.scale_max) for i in library]
        self.readings_fit.set_widths({
            0: text_width(view, "30 Sep 2026", extra=14),  # and the sort mark
            1: text_width(view, *(i.name for i in library)),
            2: text_width(view, "Value", *values),
            3: text_width(view, *SOURCE_LABELS.values()),
            4: text_width(view, "—", *labels.values())})

    def _rebuild_chooser(self) -> None:
        self.chooser_menu.clear()
        visible = set(self.chart.visible_names())
        show_all = self.chooser_menu.addAction("Show all")
        show_all.triggered.connect(lambda: self._show_all(True))
        hide_all = self.chooser_menu.addAction("Hide all")
        hide_all.triggered.connect(lambda: self._show_all(False))
        self.chooser_menu.addSeparator()
        self.chooser_actions = {}
        for iid, name in self._names.items():
            action = self.chooser_menu.addAction(name.replace("&", "&&"))
            action.setToolTip(as_plain(name))  # its own tip is its text: a name, never markup
            action.setCheckable(True)
            action.setChecked(name in visible)
            action.toggled.connect(lambda on, n=name: self.chart.set_series_visible(n, on))
            self.chooser_actions[iid] = action
        self.chooser.setEnabled(bool(self._names))
        self._update_chooser_text()

    def _show_all(self, on: bool) -> None:
        for name in self._names.values():
            self.chart.set_series_visible(name, on)

    def _series_toggled(self, name: str, visible: bool) -> None:
        """Legend click or chooser: keep the chooser, the table and the chart in step."""
        for iid, n in self._names.items():
            action = self.chooser_actions.get(iid)
            if n == name and action is not None and action.isChecked() != visible:
                action.blockSignals(True)
                action.setChecked(visible)
                action.blockSignals(False)
        self._apply_hidden()
        self._update_chooser_text()
        self.latest_model.refresh_legend()

    def _legend_of(self, indicator_id: int):
        """(colour, shown, dashed) of the indicator's line on the chart, for the table."""
        name = self._names.get(indicator_id)
        colour = self.chart.colour_of(name) if name is not None else None
        if colour is None:
            return None
        series = next(s for s in self.chart.series if s.name == name)
        return colour, series.visible, series.dashed

    def hidden_indicators(self) -> set[int]:
        visible = set(self.chart.visible_names())
        return {iid for iid, name in self._names.items() if name not in visible}

    def _apply_hidden(self) -> None:
        hidden = self.hidden_indicators()
        self.readings_proxy.set_hidden(hidden)
        total = self.readings_model.rowCount()
        shown = self.readings_proxy.rowCount()
        if hidden and total:
            self.readings_note.setText(f"Showing {shown} of {total} readings "
                                       "(some indicators are hidden).")
        else:
            n = total
            self.readings_note.setText(f"{n} reading{'s' if n != 1 else ''}" if n else "")
        self._update_buttons()

    def _update_chooser_text(self) -> None:
        total = len(self._names)
        shown = total - len(self.hidden_indicators())
        self.chooser.setText(f"Indicators shown: {shown} of {total}" if total else
                             "Indicators shown")

    def _engagement_changed(self, *_):
        self.reload()

    def _on_data_changed(self, what: str) -> None:
        if self.client is None or what not in ("reading", "indicator", "engagement"):
            return
        if what == "engagement":
            self._load_engagements()
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.reload()

    # -- actions ----------------------------------------------------------------------------

    def rate(self) -> bool:
        from ..dialogs.readings_dialog import rate_indicators

        if self.client is None:
            return False
        # The dialog notifies "reading" when it saves: that reloads this tab.
        return rate_indicators(self.ctx, self, self.client.id, self.selected_engagement())

    def selected_reading_id(self) -> int | None:
        rows = self.readings_table.selectionModel().selectedRows() if self.readings_table.selectionModel() else []
        return rows[0].data(ID_ROLE) if rows else None

    def _update_buttons(self, *_):
        has = self.selected_reading_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _edit_reading(self, *_):
        from ..dialogs.readings_dialog import ReadingDialog

        reading_id = self.selected_reading_id()
        if reading_id is None:
            return
        try:
            reading = indicator_service.get_reading(self.ctx.db, reading_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Edit reading", as_plain(str(exc)))
            self.reload()
            return
        ReadingDialog(self.ctx, reading, self).exec()  # notifies "reading" when saved

    def _delete_reading(self) -> None:
        reading_id = self.selected_reading_id()
        if reading_id is None:
            return
        try:
            reading = indicator_service.get_reading(self.ctx.db, reading_id)
            indicator = indicator_service.get(self.ctx.db, reading.indicator_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Delete reading", as_plain(str(exc)))
            self.reload()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete reading",
                          f"Delete the reading of {indicator.name}: "
                          f"{value_on_scale(reading.value, indicator.scale_min, indicator.scale_max)} "
                          f"on {day_label(reading.reading_date)}?", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("It disappears from the chart and the reports. This cannot be undone.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("confirmDeleteReading")
        box.exec()
        if box.clickedButton() is not delete:
            return
        try:
            indicator_service.delete_reading(self.ctx.db, reading_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Delete reading", as_plain(str(exc)))
            self.reload()
            return
        self.ctx.notify("reading")
        self.ctx.say("Reading deleted.")
