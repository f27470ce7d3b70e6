"""People: the sponsors and organizations a practice works with, listed, edited and merged.

Two tabs, one list each: a filter box (accents and case ignored), sortable columns,
New…, Edit… (double-click or Enter), Archive/Unarchive (archived ones hidden unless
"Show archived") and Merge… for records typed twice, which the "Duplicate?" column
points out. Everything is done through ``services.sponsors`` and
``services.organizations``; any change made elsewhere refreshes the lists.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError
from coachdesk.services import organizations, sponsors

from ..context import AppContext
from ..models.people_table import (
    OrganizationTableModel,
    PeopleFilterProxy,
    SponsorTableModel,
)
from ..plain import as_plain
from ..widgets.fields import name_widget
from ..widgets.text import ListSearchEdit

log = logging.getLogger(__name__)

#: what changes elsewhere can alter these lists (names, counts, organizations)
RELOAD_ON = {"sponsor", "organization", "client", "engagement", "all"}



class PeopleTableView(QTableView):
    """Enter edits the current row, like a double-click."""

    enter_pressed = Signal()

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class PeopleList(QWidget):
    """One tab of the People page: the sponsors, or the organizations."""

    def __init__(self, ctx: AppContext, kind: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        sponsors_tab = kind == "sponsor"
        self.service = sponsors if sponsors_tab else organizations
        self.noun = "sponsor" if sponsors_tab else "organization"
        prefix = "sponsors" if sponsors_tab else "organizations"
        self.setObjectName(f"{prefix}List")

        self.filter = name_widget(ListSearchEdit(), f"{prefix}Filter", f"Filter {prefix}")
        self.filter.setPlaceholderText(
            "Filter by name, role, organization, e-mail…  (Ctrl+F)" if sponsors_tab
            else "Filter by name or notes…  (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.show_archived = name_widget(QCheckBox("&Show archived"), f"{prefix}ShowArchived",
                                         "Show archived")
        self.duplicates_only = name_widget(QCheckBox("Likely d&uplicates only"),
                                           f"{prefix}DuplicatesOnly", "Likely duplicates only")
        self.duplicates_only.setToolTip(
            "The same name (ignoring case, accents and spacing)"
            + (" or the same e-mail" if sponsors_tab else ""))
        self.count_label = QLabel()
        self.count_label.setObjectName(f"{prefix}Count")
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.show_archived)
        filters.addWidget(self.duplicates_only)

        self.model = SponsorTableModel(self) if sponsors_tab else OrganizationTableModel(self)
        self.proxy = PeopleFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = name_widget(PeopleTableView(), f"{prefix}Table",
                                 "Sponsors" if sponsors_tab else "Organizations")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        # Every column in sight from 1024 px up: the text columns share the width (a cut
        # cell shows its whole text as a tooltip), the short ones fit their contents.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        header.setStretchLastSection(False)
        text_columns = 4 if sponsors_tab else 1
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch
                                        if column < text_columns
                                        else QHeaderView.ResizeMode.ResizeToContents)

        self.empty_label = QLabel()
        self.empty_label.setObjectName(f"{prefix}Empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-size: 15px; padding: 30px;")
        self.empty_label.hide()

        title = "sponsor" if sponsors_tab else "organization"
        self.new_button = name_widget(QPushButton(f"&New {title}…"), f"{prefix}New",
                                      f"New {title}")
        self.edit_button = name_widget(QPushButton("E&dit…"), f"{prefix}Edit", f"Edit {title}")
        self.edit_button.setToolTip("Edit the selected one (Enter or double-click)")
        self.archive_button = name_widget(QPushButton("&Archive"), f"{prefix}Archive",
                                          "Archive or unarchive")
        self.merge_button = name_widget(QPushButton("&Merge…"), f"{prefix}Merge",
                                        f"Merge {title}s")
        self.merge_button.setToolTip(f"Select two or more {title}s that are the same, "
                                     "then merge them into one")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.archive_button, self.merge_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)

        self.filter.textChanged.connect(self._on_filter)
        self.filter.move_down.connect(self.focus_table)
        self.filter.returnPressed.connect(self._edit_match)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter)
        esc.setContext(Qt.ShortcutContext.WidgetShortcut)
        esc.activated.connect(self.filter.clear)
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.duplicates_only.toggled.connect(self._on_duplicates_only)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.enter_pressed.connect(self.edit_current)
        self._remembered: list[int] = []  # the last selection, brought back when a filter
        self.table.selectionModel().selectionChanged.connect(self._on_selection)  # shows it
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.archive_button.clicked.connect(self.toggle_archive)
        self.merge_button.clicked.connect(self.merge_selected)
        self._update_buttons()

    # -- loading ----------------------------------------------------------------
    def reload(self, select: list[int] | None = None) -> None:
        """Read the list again, keeping the selection (or selecting ``select``)."""
        keep = select if select is not None else [r.id for r in self.selected_rows()]
        self._remembered = list(keep) or self._remembered
        current = self.current_row()
        try:
            rows = self.service.list_rows(self.ctx.db, include_archived=self.show_archived
                                          .isChecked())
        except CoachDeskError as exc:
            self.ctx.say(str(exc))
            return
        self.model.set_rows(rows)
        self._select_ids(keep, current.id if current and select is None else None)
        self._update_count()

    def _select_ids(self, ids: list[int], current_id: int | None = None) -> None:
        selection = QItemSelection()
        first = None
        for record_id in ids:
            row = self.model.row_of(record_id)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index)
                if first is None or record_id == current_id:
                    first = index
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().select(selection, flags)
        if first is not None:
            self.table.selectionModel().setCurrentIndex(first,
                                                        QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(first)
        self._update_buttons()

    def _on_selection(self, *_args) -> None:
        selected = [r.id for r in self.selected_rows()]
        if selected:
            self._remembered = selected
        self._update_buttons()

    def _after_filter(self) -> None:
        """The rows the coach had selected come back into the selection when shown again."""
        if not self.selected_rows() and self._remembered:
            self._select_ids(self._remembered)
        self._update_count()

    def select(self, record_id: int) -> bool:
        """Show and select one record (ticking "Show archived" or clearing the filter if
        that is what hides it); False when it no longer exists."""
        if self.model.row_of(record_id) < 0 and not self.show_archived.isChecked():
            self.show_archived.setChecked(True)  # reloads
        if self.model.row_of(record_id) < 0:
            self.reload()
        if self.model.row_of(record_id) < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(self.model.row_of(record_id), 0))
        if not index.isValid():
            self.filter.clear()
            self.duplicates_only.setChecked(False)
        self._select_ids([record_id])
        return True

    # -- what the coach sees and has chosen -------------------------------------
    def selected_rows(self) -> list:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.row_at(self.proxy.mapToSource(i).row()) for i in rows]

    def current_row(self):
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def focus_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() or not self.selected_rows():
            self._select_ids([self.proxy.record_id(self.proxy.index(0, 0))])

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._after_filter()

    def _on_duplicates_only(self, on: bool) -> None:
        self.proxy.set_duplicates_only(on)
        self._after_filter()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = self.noun + ("s" if total != 1 else "")
        self.count_label.setText(f"{shown} of {total} {noun}" if shown != total
                                 else f"{total} {noun}")
        twins = sum(1 for r in self.model.rows if r.duplicates)
        self.duplicates_only.setText(f"Likely d&uplicates only ({twins})" if twins
                                     else "Likely d&uplicates only")
        if total == 0:
            self.empty_label.setText(f"No {self.noun}s yet.\n"
                                     f"Click “New {self.noun}…” to add the first.")
        elif shown == 0:
            self.empty_label.setText(f"No {self.noun} matches.\nPress Esc in the filter to "
                                     "clear it, or untick “Likely duplicates only”.")
        self.empty_label.setVisible(shown == 0)
        self.table.setVisible(shown > 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_rows()
        self.edit_button.setEnabled(len(selected) == 1 or (not selected and bool(
            self.current_row())))
        self.archive_button.setEnabled(bool(selected))
        unarchive = bool(selected) and all(r.archived for r in selected)
        self.archive_button.setText("Un&archive" if unarchive else "&Archive")
        self.merge_button.setEnabled(len(selected) >= 2)

    # -- actions ----------------------------------------------------------------
    def _dialog(self, record_id: int | None):
        from ..dialogs.people import OrganizationDialog, SponsorDialog

        if self.kind == "sponsor":
            return SponsorDialog(self.ctx, self, sponsor_id=record_id)
        return OrganizationDialog(self.ctx, self, organization_id=record_id)

    def new_record(self) -> None:
        dialog = self._dialog(None)
        if dialog.exec() and dialog.result_object is not None:
            self.filter.clear()  # the new one must be in sight
            self.reload(select=[dialog.result_object.id])
            self.table.setFocus()

    def _edit_match(self) -> None:
        """Enter in the filter: edit the selected match, else the first one."""
        if self.proxy.rowCount() == 0:
            return
        if not self.selected_rows():
            self._select_ids([self.proxy.record_id(self.proxy.index(0, 0))])
        self.edit_current()

    def edit_current(self) -> None:
        row = self.current_row()
        selected = self.selected_rows()
        if len(selected) == 1:
            row = selected[0]
        if row is None:
            return
        try:
            dialog = self._dialog(row.id)
        except CoachDeskError as exc:  # removed meanwhile
            QMessageBox.information(self, f"Edit {self.noun}", as_plain(str(exc)))
            self.reload()
            return
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select=[row.id])
            self.table.setFocus()

    def toggle_archive(self) -> None:
        selected = self.selected_rows()
        if not selected:
            return
        archive = not all(r.archived for r in selected)
        try:
            for r in selected:
                if r.archived != archive:
                    (self.service.archive if archive else self.service.unarchive)(self.ctx.db,
                                                                                   r.id)
        except CoachDeskError as exc:
            QMessageBox.information(self, f"Archive {self.noun}", as_plain(str(exc)))
        n = len(selected)
        what = f"{n} {self.noun}{'s' if n != 1 else ''}"
        self.ctx.say(f"{what} archived: hidden from lists and pickers unless “Show archived” "
                     "is ticked." if archive else f"{what} in use again.")
        self.ctx.notify(self.kind)

    def merge_selected(self) -> None:
        from ..dialogs.people_merge import MergeDialog

        selected = self.selected_rows()
        if len(selected) < 2:
            self.ctx.say(f"Select two or more {self.noun}s to merge (Ctrl+click or Shift+click).")
            return
        dialog = MergeDialog(self.ctx, self.kind, selected, self)
        if dialog.exec() and dialog.result_object is not None:
            kept = dialog.result_object.id
            self.reload(select=[kept])
            self.ctx.say(f"Merged: one {self.noun} kept, {len(selected) - 1} removed.")
            self.table.setFocus()


class PeoplePage(QWidget):
    """Sponsors and organizations, one tab each."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("peoplePage")
        title = QLabel("People")
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        subtitle = QLabel("The sponsors who commission your coaching, and the organizations "
                          "your clients and sponsors work for.")
        subtitle.setObjectName("peopleSubtitle")
        subtitle.setWordWrap(True)
        subtitle.setStyleSheet("color: palette(placeholder-text);")
        self.sponsors = PeopleList(ctx, "sponsor")
        self.organizations = PeopleList(ctx, "organization")
        self.tabs = name_widget(QTabWidget(), "peopleTabs", "People")
        self.tabs.addTab(self.sponsors, "Sponsors")
        self.tabs.addTab(self.organizations, "Organizations")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.tabs, 1)
        self._stale = True
        ctx.data_changed.connect(self._on_data_changed)
        ctx.database_replaced.connect(self._on_database_replaced)

    def list_of(self, kind: str) -> PeopleList:
        return self.sponsors if kind == "sponsor" else self.organizations

    def current_list(self) -> PeopleList:
        return self.tabs.currentWidget()

    def reload(self) -> None:
        self._stale = False
        self.sponsors.reload()
        self.organizations.reload()

    def show_record(self, kind: str, record_id: int) -> bool:
        """Bring one sponsor or organization into view, selected, focus in its list."""
        if self._stale:
            self.reload()
        people = self.list_of(kind)
        self.tabs.setCurrentWidget(people)
        found = people.select(record_id)
        if found:
            people.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.ctx.say(f"That {people.noun} no longer exists (it may have been merged).")
        return found

    def focus_filter(self) -> None:
        self.current_list().focus_filter()

    def _on_data_changed(self, what: str) -> None:
        if what in RELOAD_ON:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_database_replaced(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event):  # noqa: N802
        if self._stale:
            self.reload()
        super().showEvent(event)
