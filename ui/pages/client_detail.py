"""One client: details saved as the coach types, and their engagements."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, NotFoundError, StorageError, ValidationError
from coachdesk.models import Client, ClientStatus
from coachdesk.services import clients, engagements, sessions, sponsors

from ..context import AppContext
from ..dialogs.deleted_sessions import SessionListTrash
from ..dialogs.engagement import EngagementDialog
from ..dialogs.people import OrganizationPicker
from ..dialogs.session_dialog import NewSessionDialog
from ..models.engagement_table import USED_COL, EngagementTableModel
from ..models.session_table import SessionTableModel
from ..plain import as_plain
from ..theme import css
from ..widgets.autosave import AutoSaver
from ..widgets.elided import elide
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget
from ..widgets.form_grid import FormGrid
from ..widgets.row_actions import current_row, row_action
from ..widgets.saved_state import NEEDS_FIXING, SAVED, SavedStateLabel
from ..widgets.table_fit import FillingTableView, fit_height_to_rows, height_for_rows, share_columns
from ..widgets.text import FocusOutPlainTextEdit

log = logging.getLogger(__name__)


# The tabs after the profile: (module, class, title). Each widget has
# ``show_client(client)`` and may have ``leave()``. They are imported and built
# when first shown, which keeps start-up and opening a client fast.
SECTION_TABS = [("client_progress", "ProgressTab", "Indicators"),
                ("client_goals", "GoalsTab", "Goals"),
                ("client_relationships", "RelationshipsTab", "Relationships"),
                ("client_business", "BusinessTab", "Agreement && invoices")]


class ClientPage(QWidget):
    back_requested = Signal()
    open_session = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client: Client | None = None
        self.setObjectName("clientPage")
        self.saver = AutoSaver(self._save, self)
        self.saver.saved.connect(self._show_saved)
        self._fields: dict[str, QWidget] = {}

        # -- header -----------------------------------------------------------
        self.back_button = name_widget(QPushButton("← Clients"), "backToClients", "Back to clients")
        self.title = QLabel()
        self.title.setObjectName("clientTitle")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.title_text = elide(self.title)  # a long name: shortened, whole in the tooltip
        self.status_chip = QLabel()
        self.status_chip.setObjectName("clientStatusChip")
        # Retention signal (issue 5): green/amber/red with its reasons in words.
        self.risk_chip = name_widget(QLabel(), "clientRiskChip", "Retention signal")
        self.risk_chip.setTextFormat(Qt.TextFormat.PlainText)
        self.risk_chip.hide()
        # At the right of the tab bar (set below), not in the header: it must not take the
        # name's room, and it sits just above the fields being typed in.
        self.saved_label = SavedStateLabel("savedIndicator")
        self.saved_label.watch(self.saver)  # "Saving…", "Not saved yet — retrying"
        self.archive_button = name_widget(QPushButton("Archive client…"), "archiveClient",
                                          "Archive client")
        # The client's own data (issue 7): subject access export and complete erasure.
        self.data_button = name_widget(QPushButton("Client's data"), "clientDataButton",
                                       "Client's data")
        self.data_button.setToolTip("Export everything held about this client, or erase them")
        data_menu = QMenu(self.data_button)
        data_menu.setObjectName("clientDataMenu")
        self.export_data_action = data_menu.addAction("Export everything held about this client…")
        self.export_data_action.setObjectName("exportClientData")
        self.erase_action = data_menu.addAction("Erase this client completely…")
        self.erase_action.setObjectName("eraseClient")
        self.data_button.setMenu(data_menu)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(8)
        header.addWidget(self.title, 1)
        for widget in (self.risk_chip, self.status_chip, self.archive_button, self.data_button):
            header.addWidget(widget)

        # -- details: short fields two to a row, so the sessions below stay in sight ----------
        self.errors: dict[str, ErrorLabel] = {}
        # Built in the order they read (and Tab walks): name and e-mail across the whole width
        # (long ones are common), then two to a row.
        self.name = self._field("Name", "name", QLineEdit(), "clientName")
        self.email = self._field("E-mail", "email", QLineEdit(), "clientEmail")
        self.job_title = self._field("Job title", "job_title", QLineEdit(), "clientJobTitle")
        self.organization = self._field("Organization", "organization_id",
                                        OrganizationPicker(ctx, "clientOrg"), "clientOrganization")
        self.phone = self._field("Phone", "phone", QLineEdit(), "clientPhone")
        self.status = QComboBox()
        self.status.addItem("Active", "active")
        self.status.addItem("Paused", "paused")
        self.status.addItem("Archived", "archived")
        self._field("Status", "status", self.status, "clientStatus")
        self.start_date = self._field("Client since", "start_date", OptionalDateEdit(),
                                      "clientStartDate")
        self.background = FocusOutPlainTextEdit()
        self.background.setPlaceholderText("Background: role, context, what the sponsor hopes for…")
        # Two lines of the UI font, whichever it is: it scrolls, the page need not.
        self.background.setFixedHeight(2 * self.background.fontMetrics().lineSpacing() + 12)
        self._field("Background", "background", self.background, "clientBackground")
        form = FormGrid()
        for row in ((("Name", "name"),), (("E-mail", "email"),),
                    (("Job title", "job_title"), ("Organization", "organization_id")),
                    (("Phone", "phone"), ("Status", "status"))):
            form.add_row(*((label, self._fields[f], self.errors[f]) for label, f in row))
        form.add_row(("Client since", self.start_date, self.errors["start_date"]), half=True)
        form.add_row(("Background", self.background, self.errors["background"]), top=True)
        details = QGroupBox("Details")
        details.setLayout(form)

        # -- engagements --------------------------------------------------------
        self.engagement_model = EngagementTableModel(self)
        self.engagement_table = name_widget(QTableView(), "engagementTable", "Engagements")
        self.engagement_table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.engagement_table.setModel(self.engagement_model)
        self.engagement_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.engagement_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.engagement_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.engagement_table.verticalHeader().hide()
        # Short columns as wide as their contents, "Used" takes the rest: no sideways scrolling.
        share_columns(self.engagement_table, stretch=(USED_COL,))
        self.add_engagement_button = name_widget(QPushButton("Add engagement…"), "addEngagement",
                                                 "Add engagement")
        self.edit_engagement_button = name_widget(QPushButton("Edit…"), "editEngagement",
                                                  "Edit engagement")
        self.end_engagement_button = name_widget(QPushButton("End engagement"), "endEngagement",
                                                 "End engagement")
        end_menu = QMenu(self.end_engagement_button)
        self.end_completed_action = end_menu.addAction("Completed (as agreed)")
        self.end_cancelled_action = end_menu.addAction("Cancelled")
        self.end_engagement_button.setMenu(end_menu)
        # The sponsor progress report (issue 6) of the selected engagement, else the current one.
        self.report_button = name_widget(QPushButton("Progress report…"), "progressReport",
                                         "Progress report")
        buttons = QHBoxLayout()
        for button in (self.add_engagement_button, self.edit_engagement_button,
                       self.end_engagement_button, self.report_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        eng_box = QGroupBox("Engagements")
        eng_layout = QVBoxLayout(eng_box)
        self.engagement_summary = QLabel()
        self.engagement_summary.setObjectName("engagementSummary")
        self.engagement_summary.setWordWrap(True)
        eng_layout.addWidget(self.engagement_summary)
        eng_layout.addWidget(self.engagement_table)
        eng_layout.addLayout(buttons)

        # -- sessions -------------------------------------------------------------
        self.session_model = SessionTableModel(parent=self)
        self.session_table = name_widget(FillingTableView(), "clientSessions", "Sessions")
        self.session_table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.session_table.setModel(self.session_model)
        self.session_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.session_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.session_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.session_table.verticalHeader().hide()
        share_columns(self.session_table, stretch=(self.session_model.columnCount() - 1,))
        # At least two rows; it takes whatever height is left (FillingTableView), so on a
        # 1024×640 laptop the list and its buttons are in sight without scrolling the page.
        self.session_table.setMinimumHeight(height_for_rows(self.session_table, 2))
        self.new_session_button = name_widget(QPushButton("New session…"), "newSession",
                                              "New session")
        self.new_session_button.setToolTip("Plan or log a session (Ctrl+Shift+N)")
        self.open_session_button = name_widget(QPushButton("Open"), "openSession", "Open session")
        sess_box = QGroupBox("Sessions (newest first)")
        sess_layout = QVBoxLayout(sess_box)
        sess_layout.addWidget(self.session_table)
        sess_buttons = QHBoxLayout()
        self.trash = SessionListTrash(self)  # delete (button, Delete key), the deleted ones
        for button in (self.new_session_button, self.open_session_button, self.trash.delete_button):
            sess_buttons.addWidget(button)
        sess_buttons.addStretch(1)
        sess_buttons.addWidget(self.trash.deleted_button)
        sess_layout.addLayout(sess_buttons)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        # Compact: the sessions stay in sight at 640 px, with a tall UI font (Noto Sans) too.
        for box in (details, eng_box, sess_box):
            box.layout().setContentsMargins(9, 3, 9, 4)
        for spaced in (body_layout, eng_layout, sess_layout):
            spaced.setSpacing(4)
        form.setVerticalSpacing(4)
        body_layout.addWidget(details)
        body_layout.addWidget(eng_box)
        body_layout.addWidget(sess_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        # Tabs: the profile (details, engagements, sessions), then the coach's
        # measures. A tab loads its client when it is first shown, so opening a
        # client stays fast however much history they have.
        self.tabs = name_widget(QTabWidget(), "clientTabs", "Client sections")
        self.tabs.addTab(scroll, "Profile && sessions")
        self.tabs.setCornerWidget(self.saved_label, Qt.Corner.TopRightCorner)
        self._built: dict[int, QWidget] = {}  # tab index -> the real tab widget
        for _module, _cls, title in SECTION_TABS:
            self.tabs.addTab(QWidget(), title)  # a placeholder until first shown
        self._loaded_tabs: set[int] = set()
        self.tabs.currentChanged.connect(self._load_current_tab)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 6)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

        # -- wiring ---------------------------------------------------------------
        for field in ("name", "job_title", "email", "phone"):
            self._fields[field].textEdited.connect(lambda _text, f=field: self._edited(f))
            self._fields[field].editingFinished.connect(self.saver.flush)
        self.background.textChanged.connect(self.saver.changed)
        self.background.focus_lost.connect(self.saver.flush)
        self.organization.currentIndexChanged.connect(self._changed_now)
        self.status.currentIndexChanged.connect(self._changed_now)
        self.start_date.dateChanged.connect(self._changed_now)
        self.back_button.clicked.connect(self.back_requested)
        self.archive_button.clicked.connect(self._toggle_archive)
        self.export_data_action.triggered.connect(self.export_client_data)
        self.erase_action.triggered.connect(self.erase_client)
        self.add_engagement_button.clicked.connect(self._add_engagement)
        self.report_button.clicked.connect(lambda: self.open_progress_report())
        self.edit_engagement_button.clicked.connect(self._edit_engagement)
        self.engagement_table.doubleClicked.connect(self._edit_engagement)
        row_action(self.engagement_table, "Edit engagement…", ["Return", "Enter"],
                   self._edit_engagement, "editEngagementKey")
        self.end_completed_action.triggered.connect(lambda: self._end_engagement("completed"))
        self.end_cancelled_action.triggered.connect(lambda: self._end_engagement("cancelled"))
        self.engagement_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.new_session_button.clicked.connect(self.new_session)
        self.open_session_button.clicked.connect(self._open_selected_session)
        self.open_session_button.setEnabled(False)  # nothing chosen in the list yet
        self.session_table.selectionModel().selectionChanged.connect(self._update_open_session)
        self.session_model.modelReset.connect(self._update_open_session)
        self.session_table.doubleClicked.connect(self._open_selected_session)
        row_action(self.session_table, "Open session", ["Return", "Enter"],
                   self._open_selected_session, "openSessionKey")
        ctx.data_changed.connect(self._on_data_changed)

    def _field(self, label: str, field: str, widget: QWidget, name: str):
        """Name a detail field and give it its error label (placed by the FormGrid)."""
        name_widget(widget, name, label)
        self.errors[field] = ErrorLabel(name)
        self._fields[field] = widget
        return widget

    # -- loading ----------------------------------------------------------------
    def show_client(self, client_id: int) -> None:
        self.saver.flush()
        self.client = clients.get(self.ctx.db, client_id)
        with self.saver.suspend():
            c = self.client
            self.organization.reload(select=c.organization_id)
            self.name.setText(c.name)
            self.job_title.setText(c.job_title)
            self.email.setText(c.email)
            self.phone.setText(c.phone)
            self.status.setCurrentIndex(max(self.status.findData(c.status.value), 0))
            self.start_date.set_value(c.start_date)
            self.background.setPlainText(c.background)
            for label in self.errors.values():
                label.show_error(None)
        self.saved_label.clear()
        self._refresh_header()
        self.load_engagements()
        self._loaded_tabs.clear()
        self._load_current_tab()
        self.refresh_risk()

    def _build_tab(self, index: int) -> QWidget:
        """The real widget of section tab ``index`` (1-based, after the profile)."""
        if index not in self._built:
            import importlib

            module, cls, title = SECTION_TABS[index - 1]
            make = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
            widget = make(self.ctx, self)
            self._built[index] = widget
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            placeholder = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, title)
            placeholder.deleteLater()
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
        return self._built[index]

    @property
    def section_tabs(self) -> list[QWidget]:
        """Every section tab, built if need be (tests and tools reach them here)."""
        return [self._build_tab(i) for i in range(1, len(SECTION_TABS) + 1)]

    def _load_current_tab(self, *_):
        """Load the client into the section tab on screen (once per client)."""
        index = self.tabs.currentIndex()
        if self.client is None or index < 1:
            return
        widget = self._build_tab(index)
        if id(widget) not in self._loaded_tabs:
            self._loaded_tabs.add(id(widget))
            widget.show_client(self.client)

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def refresh_risk(self) -> None:
        """The retention signal and its reasons, from the engine's rules."""
        if self.client is None:
            return
        try:
            from coachdesk.services import risk
        except ImportError:  # engine without the indicators yet
            return
        assessment = risk.assess(self.ctx.db, self.client.id)
        level = assessment.signal  # "No data yet" for a client with nothing to judge by
        words = {"green": "On track", "amber": "Watch", "red": "Needs attention",
                 risk.NO_DATA: "No data yet"}.get(level, level)
        colour = {"green": "green", "amber": "orange", "red": "red"}.get(level, "grey")
        self.risk_chip.setText(f"● {words}")
        self.risk_chip.setStyleSheet(f"color: {css(colour)}; font-weight: 600; padding: 0 8px;")
        reasons = assessment.explanation
        self.risk_chip.setToolTip(as_plain("\n".join(reasons)) if reasons
                                  else "No warning signs in the records.")
        self.risk_chip.setAccessibleDescription("; ".join(reasons))
        self.risk_chip.show()

    def load_engagements(self) -> None:
        if self.client is None:
            return
        rows = engagements.list_all(self.ctx.db, client_id=self.client.id)
        names = {s.id: s.name for s in sponsors.list_all(self.ctx.db, include_archived=True)}
        usage = {e.id: sessions.usage(self.ctx.db, e.id) for e in rows}
        self.engagement_model.set_rows(rows, names, usage)
        current = engagements.pick_current(rows)
        if current is None:
            self.engagement_summary.setText("No engagement yet: add one to record what was agreed.")
            self.engagement_summary.setStyleSheet("")
        else:
            text = f"Current: {engagements.describe(current)} — {usage[current.id].label}"
            warning = usage[current.id].warning
            self.engagement_summary.setText(text + (f"\n⚠ {warning}" if warning else ""))
            self.engagement_summary.setStyleSheet(f"color: {css('red')};" if warning else "")
        fit_height_to_rows(self.engagement_table, min_rows=1, max_rows=4)
        self.session_model.set_rows(sessions.list_for_client(self.ctx.db, self.client.id))
        self.new_session_button.setEnabled(bool(rows))
        self.new_session_button.setToolTip(
            "Plan or log a session (Ctrl+Shift+N)" if rows else "Add an engagement first")
        self._update_buttons()

    def _refresh_header(self) -> None:
        c = self.client
        if c is None:
            return
        name = c.name if len(c.name) <= 120 else c.name[:120] + "…"
        self.title_text.set_text(name)
        self.status_chip.setText(c.status.value.capitalize())
        chip = {"active": "#2e7d32", "paused": "#e65100"}.get(c.status.value, "#616161")
        self.status_chip.setStyleSheet(
            f"color: white; background: {chip}; border-radius: 9px; padding: 2px 10px;")
        archived = c.status == ClientStatus.archived
        self.archive_button.setText("Unarchive client" if archived else "Archive client…")
        self.archive_button.setAccessibleName(self.archive_button.text().rstrip("…"))

    def _on_data_changed(self, what: str) -> None:
        if what == "client" and self.client is not None:
            try:
                clients.get(self.ctx.db, self.client.id)
            except NotFoundError:  # erased elsewhere (the retention review)
                self.client = None
                self.back_requested.emit()
                return
        if what in ("sponsor", "session", "action") and self.client is not None:
            self.load_engagements()
        if what in ("session", "action", "reading", "goal", "indicator") and self.client is not None:
            self.refresh_risk()

    def new_session(self) -> None:
        if self.client is None:
            return
        self.saver.flush()
        dialog = NewSessionDialog(self.ctx, self.client.id, self)
        if dialog.exec() and dialog.result_object is not None:
            self.load_engagements()
            self.open_session.emit(dialog.result_object.id)

    def _update_open_session(self, *_):  # "Open" opens the session chosen in the list
        self.open_session_button.setEnabled(self.session_table.selectionModel().hasSelection())

    def _open_selected_session(self, *_):
        row = self.session_model.row_at(current_row(self.session_table))
        if row is not None:
            self.open_session.emit(row.id)

    # -- saving -------------------------------------------------------------------
    def _edited(self, field: str) -> None:
        """Typing is saved within half a second; in a field that shows an error it is checked
        (and saved) at each key, so the error goes as soon as the value is right."""
        self.saver.changed()
        if not self.errors[field].isHidden():
            self.saver.flush()

    def _changed_now(self, *_):
        self.saver.changed()
        self.saver.flush()

    def form_values(self) -> dict:
        return {
            "name": self.name.text(),
            "job_title": self.job_title.text(),
            "organization_id": self.organization.value(),
            "email": self.email.text(),
            "phone": self.phone.text(),
            "status": self.status.currentData(),
            "start_date": self.start_date.value(),
            "background": self.background.toPlainText(),
        }

    def _save(self) -> bool | None:
        """Save every valid field; a refused one keeps its text on screen with the reason.
        False when nothing could be written (the file busy, the disk full): the autosaver
        keeps the text unsaved and tries again."""
        if self.client is None:
            return None
        values = self.form_values()
        refused: dict[str, str] = {}
        while True:
            try:
                self.client = clients.update(self.ctx.db, self.client.id, **values)
                break
            except ValidationError as exc:
                if exc.field in values and exc.field not in refused:
                    refused[exc.field] = str(exc)
                    values.pop(exc.field)
                    continue
                self.ctx.say(str(exc))
                return None
            except NotFoundError as exc:
                self.ctx.say(str(exc))
                return None
            except StorageError as exc:  # the sentence is the engine's own, never the text
                self.ctx.say(f"{exc} CoachDesk keeps trying.")
                return False
            except CoachDeskError as exc:
                self.ctx.say(f"Not saved: {exc}")
                return None
        for field, label in self.errors.items():
            label.show_error(refused.get(field))
        self._refresh_header()
        self.ctx.notify("client")
        return True

    def _show_saved(self) -> None:
        broken = any(not e.isHidden() for e in self.errors.values())
        self.saved_label.setText(NEEDS_FIXING if broken else SAVED)

    def leave(self) -> None:
        """Called before the page is hidden or the window closes."""
        self.saver.flush()
        for widget in self._built.values():
            if hasattr(widget, "leave"):
                widget.leave()

    def hideEvent(self, event):
        self.saver.flush()
        super().hideEvent(event)

    # -- actions --------------------------------------------------------------------
    def _toggle_archive(self) -> None:
        if self.client is None:
            return
        self.saver.flush()
        if self.client.status == ClientStatus.archived:
            self.client = clients.unarchive(self.ctx.db, self.client.id)
            self.ctx.say(f"{self.client.name} is active again.")
        else:
            from ..dialogs.client_data import confirm_archive

            if not confirm_archive(self, self.client.name):
                return
            self.client = clients.archive(self.ctx.db, self.client.id)
            self.ctx.say(f"{self.client.name} archived. Unarchive from their page at any time.")
        with self.saver.suspend():
            self.status.setCurrentIndex(self.status.findData(self.client.status.value))
        self._refresh_header()
        self.ctx.notify("client")

    def export_client_data(self) -> None:
        """Subject access: everything held about the client, as JSON and a readable PDF."""
        if self.client is None:
            return
        self.saver.flush()
        from ..dialogs.client_data import export_client_data

        self._exporter = export_client_data(self.ctx, self.client.id, self.client.name, self)

    def erase_client(self) -> None:
        """Erase the client and everything about them, after the dialog's confirmation."""
        if self.client is None:
            return
        self.saver.flush()
        from ..dialogs.client_data import erase_client_dialog

        if erase_client_dialog(self.ctx, self.client.id, self):
            self.client = None
            self.back_requested.emit()

    def selected_engagement(self):
        index = self.engagement_table.currentIndex()
        return self.engagement_model.engagement(index.row()) if index.isValid() else None

    def _update_buttons(self, *_):
        e = self.selected_engagement()
        self.edit_engagement_button.setEnabled(e is not None)
        self.end_engagement_button.setEnabled(
            e is not None and e.status.value in ("planned", "active"))
        target = self.report_engagement()
        self.report_button.setEnabled(target is not None)
        self.report_button.setToolTip(
            "Add an engagement first" if target is None else
            f"The sponsor's progress report of {'the selected' if e else 'the current'} engagement")

    def report_engagement(self):
        """The engagement a progress report is for: the selected one, else the current one."""
        e = self.selected_engagement()
        if e is not None:
            return e
        model = self.engagement_model
        return engagements.pick_current([model.engagement(i) for i in range(model.rowCount())])

    def open_progress_report(self) -> None:
        e = self.report_engagement()
        if e is None or self.client is None:
            self.ctx.say("Add an engagement first: a progress report is about one engagement.")
            return
        self.saver.flush()
        from ..dialogs.report_dialog import open_report_dialog

        open_report_dialog(self.ctx, e.id, self)

    def _add_engagement(self) -> None:
        if self.client is None:
            return
        dialog = EngagementDialog(self.ctx, self.client.id, self.client.organization_id, parent=self)
        if dialog.exec():
            self.load_engagements()

    def _edit_engagement(self, *_):
        e = self.selected_engagement()
        if e is None or self.client is None:
            return
        dialog = EngagementDialog(self.ctx, self.client.id, self.client.organization_id,
                                  engagement=e, parent=self)
        if dialog.exec():
            self.load_engagements()

    def _end_engagement(self, status: str) -> None:
        e = self.selected_engagement()
        if e is None:
            return
        try:
            engagements.end(self.ctx.db, e.id, status=status)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "End engagement", as_plain(str(exc)))
            return
        self.ctx.notify("engagement")
        self.ctx.say(f"Engagement marked {status}.")
        self.load_engagements()
