"""The client's Relationships tab: stakeholder map, motivational value systems
(Relationship Awareness) as a triangle, and the client's blocking patterns.

All of it is the coach's private working material, kept on this computer.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import relationships
from coachdesk.services.relationships import (
    REGION_DESCRIPTIONS,
    RELATION_LABELS,
    check_mvs,
    mvs_region,
    stakeholder_mvs,
)

from ..context import AppContext
from ..dialogs.stakeholder_dialog import PatternDialog, StakeholderDialog
from ..models.stakeholder_table import (
    INFLUENCE,
    NAME,
    NOTES,
    QUALITY,
    QUALITY_WORDS,
    RELATION,
    ROLE,
    PatternTableModel,
    StakeholderSortModel,
    StakeholderTableModel,
)
from ..plain import as_plain
from ..theme import css
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import ErrorLabel, name_widget
from ..widgets.mvs_triangle import MvsTriangle, PlacedPerson
from ..widgets.row_actions import row_action

log = logging.getLogger(__name__)

PRIVATE_NOTE = ("🔒 Private: kept on this computer; not in sponsor reports unless you choose "
                "to include the map")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _table(name: str, accessible: str) -> QTableView:
    view = name_widget(QTableView(), name, accessible)
    view.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    return view


class RelationshipsTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        self.setObjectName("relationshipsTab")
        self._saved_mvs: tuple[int, int, int] | None = None

        self.private_note = name_widget(QLabel(PRIVATE_NOTE), "relationshipsPrivateNote",
                                        "Private working material")
        self.private_note.setTextFormat(Qt.TextFormat.PlainText)
        self.private_note.setWordWrap(True)
        self.private_note.setStyleSheet(f"color: {css('amber')};")

        # -- stakeholder map -------------------------------------------------------------
        self.stakeholder_model = StakeholderTableModel(self)
        self.stakeholder_proxy = StakeholderSortModel(self)
        self.stakeholder_proxy.setSourceModel(self.stakeholder_model)
        self.stakeholder_table = _table("stakeholderTable", "Stakeholder map")
        self.stakeholder_table.setModel(self.stakeholder_proxy)
        self.stakeholder_table.setSortingEnabled(True)
        self.stakeholder_table.sortByColumn(INFLUENCE, Qt.SortOrder.DescendingOrder)
        self.stakeholder_table.verticalHeader().hide()
        # The notes take what the other columns leave. In a narrow window the notes, then
        # the relation give way (the name's tooltip says both), then the name and role
        # shorten ("…", in full in their tooltips) rather than scroll out of sight.
        self.stakeholder_fit = fit_columns(
            self.stakeholder_table, NOTES, shrink=(NAME, ROLE, RELATION), give_way=(NOTES, RELATION),
            flex_wants=text_width(self.stakeholder_table, "Used to calling…"),
            minimum={NAME: text_width(self.stakeholder_table, "Jürgen"),
                     ROLE: text_width(self.stakeholder_table, "Head of"),
                     RELATION: text_width(self.stakeholder_table, "Manager"),
                     NOTES: text_width(self.stakeholder_table, "Notes")})
        self.stakeholder_table.setMinimumHeight(150)
        self.add_stakeholder_button = name_widget(QPushButton("Add…"), "addStakeholder",
                                                  "Add stakeholder")
        self.edit_stakeholder_button = name_widget(QPushButton("Edit…"), "editStakeholder",
                                                   "Edit stakeholder")
        self.remove_stakeholder_button = name_widget(QPushButton("Remove…"), "removeStakeholder",
                                                     "Remove stakeholder")
        self.stakeholder_empty = name_widget(QLabel(), "stakeholderEmpty", "No stakeholders")
        self.stakeholder_empty.setStyleSheet(f"color: {css('grey')};")
        self.stakeholder_empty.setText("No one mapped yet: add the people whose support the "
                                       "client's goals depend on.")
        self.stakeholder_empty.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.add_stakeholder_button, self.edit_stakeholder_button,
                  self.remove_stakeholder_button):
            row.addWidget(b)
        row.addStretch(1)
        map_box = QGroupBox("Stakeholder map")
        map_layout = QVBoxLayout(map_box)
        map_layout.addWidget(self.stakeholder_table, 1)
        map_layout.addWidget(self.stakeholder_empty)
        map_layout.addLayout(row)

        # -- blocking patterns -----------------------------------------------------------
        self.pattern_model = PatternTableModel(self)
        self.pattern_table = _table("patternTable", "Blocking behavioural patterns")
        self.pattern_table.setModel(self.pattern_model)
        pheader = self.pattern_table.horizontalHeader()
        pheader.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.pattern_table.setWordWrap(True)
        self.pattern_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.pattern_table.setMinimumHeight(110)
        self.add_pattern_button = name_widget(QPushButton("Add…"), "addPattern", "Add pattern")
        self.edit_pattern_button = name_widget(QPushButton("Edit…"), "editPattern",
                                               "Edit pattern")
        self.remove_pattern_button = name_widget(QPushButton("Remove…"), "removePattern",
                                                 "Remove pattern")
        self.pattern_up_button = name_widget(QPushButton("Move up"), "movePatternUp",
                                             "Move pattern up")
        self.pattern_down_button = name_widget(QPushButton("Move down"), "movePatternDown",
                                               "Move pattern down")
        prow = QHBoxLayout()
        for b in (self.add_pattern_button, self.edit_pattern_button, self.remove_pattern_button):
            prow.addWidget(b)
        prow.addStretch(1)
        prow.addWidget(self.pattern_up_button)
        prow.addWidget(self.pattern_down_button)
        pattern_box = QGroupBox("Blocking behavioural patterns")
        pattern_layout = QVBoxLayout(pattern_box)
        pattern_layout.addWidget(self.pattern_table, 1)
        self.pattern_empty = name_widget(QLabel(), "patternEmpty", "No patterns")
        self.pattern_empty.setText("None noted yet: behaviours of the client that get in the "
                                   "way of success, when they show and what they cost.")
        self.pattern_empty.setWordWrap(True)
        self.pattern_empty.setStyleSheet(f"color: {css('grey')};")
        pattern_layout.addWidget(self.pattern_empty)
        pattern_layout.addLayout(prow)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(map_box, 3)
        left_layout.addWidget(pattern_box, 2)

        # -- motivational value systems -------------------------------------------------
        self.triangle = name_widget(MvsTriangle(), "mvsTriangle", "Motivational value systems")
        self.region_caption = name_widget(QLabel(), "mvsRegionCaption", "Client's region caption")
        self.region_caption.setTextFormat(Qt.TextFormat.PlainText)
        self.region_caption.setStyleSheet("font-weight: 600;")
        self.region_caption.setWordWrap(True)
        self.region_label = name_widget(QLabel(), "mvsRegion", "Client's motivational region")
        self.region_label.setTextFormat(Qt.TextFormat.PlainText)
        self.region_label.setWordWrap(True)
        self.region_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        legend = QLabel("■ client   ● stakeholder   (hover one for details)")
        legend.setObjectName("mvsLegend")
        legend.setWordWrap(True)
        legend.setStyleSheet(f"color: {css('grey')};")
        self.spins: dict[str, QSpinBox] = {}
        spin_row = QHBoxLayout()
        for key, label in (("blue", "Blue"), ("red", "Red"), ("green", "Green")):
            caption = QLabel(label)
            caption.setStyleSheet(f"color: {css(key)}; font-weight: 600;")
            spin = name_widget(QSpinBox(), f"clientMvs{label}", f"Client's {label} motivation")
            spin.setRange(0, 100)
            spin.setSingleStep(5)
            spin.setKeyboardTracking(True)
            spin.valueChanged.connect(self._update_sum_hint)
            caption.setBuddy(spin)
            self.spins[key] = spin
            spin_row.addWidget(caption)
            spin_row.addWidget(spin)
            spin_row.addSpacing(4)
        spin_row.addStretch(1)
        self.sum_hint = name_widget(QLabel(), "clientMvsSum", "Motivation total")
        self.sum_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.mvs_error = ErrorLabel("clientMvs")
        self.save_mvs_button = name_widget(QPushButton("Save"), "saveClientMvs",
                                           "Save the client's motivation")
        self.clear_mvs_button = name_widget(QPushButton("Clear…"), "clearClientMvs",
                                            "Clear the client's motivation")
        self.sum_hint.setWordWrap(True)
        mvs_buttons = QHBoxLayout()
        mvs_buttons.addStretch(1)
        mvs_buttons.addWidget(self.save_mvs_button)
        mvs_buttons.addWidget(self.clear_mvs_button)
        self.mvs_heading = QLabel()
        self.mvs_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.mvs_heading.setObjectName("clientMvsHeading")
        self.mvs_heading.setWordWrap(True)  # a long name: two lines, never cut

        mvs_box = QGroupBox("Motivational value systems")
        mvs_layout = QVBoxLayout(mvs_box)
        mvs_layout.addWidget(self.triangle, 1)
        mvs_layout.addWidget(legend)
        mvs_layout.addSpacing(4)
        mvs_layout.addWidget(self.region_caption)
        mvs_layout.addWidget(self.region_label)
        mvs_layout.addSpacing(6)
        mvs_layout.addWidget(self.mvs_heading)
        mvs_layout.addLayout(spin_row)
        mvs_layout.addWidget(self.sum_hint)
        mvs_layout.addLayout(mvs_buttons)
        mvs_layout.addWidget(self.mvs_error)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("relationshipsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(mvs_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([720, 340])

        layout = QVBoxLayout(self)
        layout.addWidget(self.private_note)
        layout.addWidget(self.splitter, 1)

        # -- wiring ---------------------------------------------------------------------
        self.add_stakeholder_button.clicked.connect(self.add_stakeholder)
        self.edit_stakeholder_button.clicked.connect(self.edit_stakeholder)
        self.remove_stakeholder_button.clicked.connect(self.remove_stakeholder)
        self.stakeholder_table.doubleClicked.connect(self.edit_stakeholder)
        row_action(self.stakeholder_table, "Edit stakeholder…", ["Return", "Enter"],
                   self.edit_stakeholder, "editStakeholderKey")
        self.stakeholder_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_pattern_button.clicked.connect(self.add_pattern)
        self.edit_pattern_button.clicked.connect(self.edit_pattern)
        self.remove_pattern_button.clicked.connect(self.remove_pattern)
        self.pattern_up_button.clicked.connect(lambda: self.move_pattern(-1))
        self.pattern_down_button.clicked.connect(lambda: self.move_pattern(1))
        self.pattern_table.doubleClicked.connect(self.edit_pattern)
        row_action(self.pattern_table, "Edit pattern…", ["Return", "Enter"], self.edit_pattern,
                   "editPatternKey")
        self.pattern_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.save_mvs_button.clicked.connect(self.save_client_mvs)
        self.clear_mvs_button.clicked.connect(self.clear_client_mvs)
        for view, slot in ((self.stakeholder_table, self.remove_stakeholder),
                           (self.pattern_table, self.remove_pattern)):
            action = QAction("Remove", view)
            action.setShortcut(QKeySequence.StandardKey.Delete)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            view.addAction(action)
        self._update_buttons()
        self._update_sum_hint()

    # -- loading -------------------------------------------------------------------------

    def show_client(self, client) -> None:
        if self.client is not None and self.client.id != client.id:
            self.leave()  # a blend typed for the previous client is not lost
        self.client = client
        self.mvs_error.show_error(None)
        self.reload()

    def leave(self) -> None:
        """Leaving the page keeps a changed blend that adds up (nothing is lost by a
        forgotten Save); one that does not add up stays on screen, unsaved, with its hint."""
        if self.client is None or self._spin_values() == self._saved_mvs:
            return
        if self._saved_mvs is None and self._spin_values() == (0, 0, 0):
            return
        try:
            check_mvs(*self._spin_values())
        except ValidationError:
            return
        self.save_client_mvs()

    def reload(self) -> None:
        if self.client is None:
            return
        self._load_stakeholders()
        self._load_patterns()
        self._load_client_mvs()

    def _load_stakeholders(self, select_id: int | None = None) -> None:
        rows = relationships.stakeholders(self.ctx.db, self.client.id)
        self.stakeholder_model.set_rows(rows)
        self.stakeholder_empty.setVisible(not rows)
        self._fit_columns()
        if select_id is not None:
            self._select_stakeholder(select_id)
        self._update_triangle()
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Each column as wide as its texts (a map has a few people: measured from the font),
        within limits; the notes take what is left."""
        view, rows = self.stakeholder_table, self.stakeholder_model.rows()
        cap = {NAME: 170, ROLE: 130, RELATION: 130}
        # (A heading is never narrower than its text and sort mark: ColumnFit sees to that.)
        widths = {INFLUENCE: text_width(view, "●●●●●"),
                  QUALITY: text_width(view, *(f"5 ↑ {w}" for w in QUALITY_WORDS.values()))}
        for col, texts in ((NAME, [s.name for s in rows]), (ROLE, [s.role for s in rows]),
                           (RELATION, [RELATION_LABELS.get(s.relation, "") for s in rows])):
            widths[col] = min(text_width(view, *texts), cap[col])
        self.stakeholder_fit.set_widths(widths)

    def _load_patterns(self, select_id: int | None = None) -> None:
        self.pattern_model.set_rows(relationships.patterns(self.ctx.db, self.client.id))
        self.pattern_empty.setVisible(self.pattern_model.rowCount() == 0)
        if select_id is not None:
            row = self.pattern_model.row_of(select_id)
            if row >= 0:
                self.pattern_table.selectionModel().setCurrentIndex(
                    self.pattern_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()

    def _load_client_mvs(self) -> None:
        row = relationships.client_mvs(self.ctx.db, self.client.id)
        self._saved_mvs = None if row is None else (round(row.blue), round(row.red),
                                                    round(row.green))
        for key, value in zip(("blue", "red", "green"), self._saved_mvs or (0, 0, 0), strict=True):
            self.spins[key].blockSignals(True)
            self.spins[key].setValue(value)
            self.spins[key].blockSignals(False)
        self.clear_mvs_button.setEnabled(row is not None)
        self.mvs_heading.setText(f"{_short(self.client.name, 40)}'s own motivation "
                                 "(Blue + Red + Green = 100)")
        self._update_sum_hint()
        self._update_triangle(row)

    def _update_triangle(self, client_row=...) -> None:
        if self.client is None:
            return
        if client_row is ...:
            client_row = relationships.client_mvs(self.ctx.db, self.client.id)
        people = []
        if client_row is not None:
            region = mvs_region(client_row.blue, client_row.red, client_row.green)
            people.append(PlacedPerson(
                self.client.name, client_row.blue, client_row.red, client_row.green, True,
                f"{self.client.name} (client)\nBlue {client_row.blue:g} · Red {client_row.red:g}"
                f" · Green {client_row.green:g}\n{region.value}"))
            self.region_caption.setText(f"Where {_short(self.client.name, 40)} sits")
            self.region_label.setText(f"{region.value} — {REGION_DESCRIPTIONS[region]}")
        else:
            self.region_caption.setText("")
            self.region_label.setText(
                f"No motivational value system recorded for {_short(self.client.name, 40)} "
                "yet. Enter Blue, Red and Green below (they add up to 100) and Save.")
        for s in self.stakeholder_model.rows():
            mvs = stakeholder_mvs(s)
            if mvs is None:
                continue
            relation = RELATION_LABELS.get(s.relation, "")
            people.append(PlacedPerson(
                s.name, mvs.blue, mvs.red, mvs.green, False,
                f"{s.name} ({relation})\nBlue {mvs.blue:g} · Red {mvs.red:g} · "
                f"Green {mvs.green:g}\n{mvs.region.value}"))
        self.region_caption.setVisible(bool(self.region_caption.text()))
        self.triangle.set_people(people)

    # -- selection helpers ------------------------------------------------------------------

    def selected_stakeholder(self):
        index = self.stakeholder_table.currentIndex()
        if not index.isValid() or not self.stakeholder_table.selectionModel().hasSelection():
            return None
        return self.stakeholder_model.stakeholder(self.stakeholder_proxy.mapToSource(index).row())

    def _select_stakeholder(self, stakeholder_id: int) -> None:
        for row, s in enumerate(self.stakeholder_model.rows()):
            if s.id == stakeholder_id:
                index = self.stakeholder_proxy.mapFromSource(self.stakeholder_model.index(row, 0))
                self.stakeholder_table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.stakeholder_table.scrollTo(index)
                return

    def selected_pattern(self):
        index = self.pattern_table.currentIndex()
        if not index.isValid() or not self.pattern_table.selectionModel().hasSelection():
            return None
        return self.pattern_model.pattern(index.row())

    def _update_buttons(self, *_):
        has_client = self.client is not None
        s = self.selected_stakeholder() if has_client else None
        p = self.selected_pattern() if has_client else None
        self.add_stakeholder_button.setEnabled(has_client)
        self.edit_stakeholder_button.setEnabled(s is not None)
        self.remove_stakeholder_button.setEnabled(s is not None)
        self.add_pattern_button.setEnabled(has_client)
        self.edit_pattern_button.setEnabled(p is not None)
        self.remove_pattern_button.setEnabled(p is not None)
        row = self.pattern_table.currentIndex().row() if p is not None else -1
        self.pattern_up_button.setEnabled(p is not None and row > 0)
        self.pattern_down_button.setEnabled(p is not None
                                            and row < self.pattern_model.rowCount() - 1)
        self.save_mvs_button.setEnabled(has_client)

    # -- stakeholders ------------------------------------------------------------------------

    def add_stakeholder(self) -> None:
        if self.client is None:
            return
        dialog = StakeholderDialog(self.ctx, self.client.id, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self._load_stakeholders(select_id=dialog.result_object.id)
            self.ctx.say(f"{_short(dialog.result_object.name)} added to the stakeholder map.")

    def edit_stakeholder(self, *_):
        s = self.selected_stakeholder()
        if s is None:
            return
        dialog = StakeholderDialog(self.ctx, self.client.id, stakeholder=s, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self._load_stakeholders(select_id=s.id)

    def remove_stakeholder(self) -> None:
        s = self.selected_stakeholder()
        if s is None:
            return
        answer = QMessageBox.question(
            self, "Remove stakeholder",
            as_plain(f"Remove {_short(s.name, 80)} from the stakeholder map?\n\nTheir notes and "
                     "motivation are deleted with them."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._run(relationships.delete_stakeholder, self.ctx.db, s.id) is not False:
            self.ctx.notify("stakeholder")
            self.ctx.say(f"{_short(s.name)} removed from the stakeholder map.")
        self._load_stakeholders()

    # -- the client's motivational value system ------------------------------------------------

    def _spin_values(self) -> tuple[int, int, int]:
        return tuple(self.spins[k].value() for k in ("blue", "red", "green"))

    def _update_sum_hint(self, *_):
        total = sum(self._spin_values())
        if self.client is not None and self._saved_mvs is None and total == 0:
            text, tone = "Not recorded yet.", "grey"
        elif total == 100:
            text, tone = "Adds up to 100 ✓", "green"
        else:
            text, tone = f"Adds up to {total}; needs 100.", "amber"
        if self.client is not None and total and self._spin_values() != self._saved_mvs:
            text += " (not saved yet)"
        self.sum_hint.setText(text)
        self.sum_hint.setStyleSheet(f"color: {css(tone)};")

    def save_client_mvs(self) -> None:
        if self.client is None:
            return
        self.mvs_error.show_error(None)
        for spin in self.spins.values():
            spin.interpretText()
        ok = self._run(relationships.set_client_mvs, self.ctx.db, self.client.id,
                       *self._spin_values(), error_label=self.mvs_error)
        if ok is False:
            return
        self._load_client_mvs()
        self.ctx.notify("stakeholder")
        self.ctx.say(f"Motivation of {_short(self.client.name)} saved.")

    def clear_client_mvs(self) -> None:
        if self.client is None or self._saved_mvs is None:
            return
        answer = QMessageBox.question(
            self, "Clear motivation",
            as_plain("Clear the motivational value system recorded for "
                     f"{_short(self.client.name, 80)}?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.mvs_error.show_error(None)
        if self._run(relationships.clear_client_mvs, self.ctx.db, self.client.id) is False:
            return
        self._load_client_mvs()
        self.ctx.notify("stakeholder")

    # -- blocking patterns ---------------------------------------------------------------------

    def add_pattern(self) -> None:
        if self.client is None:
            return
        dialog = PatternDialog(self.ctx, self.client.id, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self._load_patterns(select_id=dialog.result_object.id)

    def edit_pattern(self, *_):
        p = self.selected_pattern()
        if p is None:
            return
        dialog = PatternDialog(self.ctx, self.client.id, pattern=p, parent=self)
        if dialog.exec() and dialog.result_object is not None:
            self._load_patterns(select_id=p.id)

    def remove_pattern(self) -> None:
        p = self.selected_pattern()
        if p is None:
            return
        answer = QMessageBox.question(
            self, "Remove pattern", as_plain(f"Remove the pattern “{_short(p.pattern, 80)}”?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._run(relationships.delete_pattern, self.ctx.db, p.id) is not False:
            self.ctx.notify("stakeholder")
        self._load_patterns()

    def move_pattern(self, steps: int) -> None:
        p = self.selected_pattern()
        if p is None:
            return
        if self._run(relationships.move_pattern, self.ctx.db, p.id, steps) is not False:
            self.ctx.notify("stakeholder")
        self._load_patterns(select_id=p.id)

    # -- errors ----------------------------------------------------------------------------------

    def _run(self, call, *args, error_label: ErrorLabel | None = None):
        """Call a service; a refusal is shown as a sentence (beside the field when given)."""
        try:
            return call(*args)
        except CoachDeskError as exc:
            message = str(exc)
        except Exception as exc:  # never a traceback in the coach's face
            log.exception("relationships: %s failed", getattr(call, "__name__", call))
            message = f"That could not be saved: {exc}"
        if error_label is not None:
            error_label.show_error(message)
        else:
            QMessageBox.warning(self, "Relationships", as_plain(message))
        return False
