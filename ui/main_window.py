"""The main window: sidebar navigation, pages, menus and status bar."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from coachdesk import APP_NAME, storage
from coachdesk.errors import CoachDeskError

from . import window_state
from .context import AppContext
from .first_frame import LATE_PAGES, build_late_pages, finish_start
from .navigation import BACK_KEYS, focus_list, open_hit
from .outbox_menu import OutboxMenu
from .pages.clients import ClientsPage
from .pages.welcome import WelcomePage
from .plain import as_plain

log = logging.getLogger(__name__)

# The sidebar, the View menu and Ctrl+1…6 in one order (the README lists it too).
NAV_ITEMS = [("clients", "Clients"), ("sessions", "Sessions"), ("actions", "Actions"),
             ("dashboard", "Dashboard"), ("people", "People"), ("invoices", "Invoices")]
BACKUP_CHECK_MS = 30 * 60 * 1000  # is a daily backup due? asked every half hour
FIRST_BACKUP_CHECK_MS = 2 * 60 * 1000


class MainWindow(QMainWindow):
    """``deferred``: the first frame shows the clients page loading, and the caller calls
    ``finish_start()`` once it is on screen (``ui.first_frame``); otherwise (tests, a
    second window) the window is complete when made."""

    def __init__(self, ctx: AppContext, parent=None, *, deferred: bool = False):
        super().__init__(parent)
        self._late_built = False
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.show_practice_in_title()
        ctx.database_replaced.connect(self.show_practice_in_title)  # another practice file
        self.resize(1280, 800)
        self.setMinimumSize(QSize(1024, 640))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(170)
        self.nav.setStyleSheet("QListWidget { font-size: 14px; } QListWidget::item { padding: 8px; }")
        for number, (key, label) in enumerate(NAV_ITEMS, 1):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{label} (Ctrl+{number})")
            self.nav.addItem(item)

        self.stack = QStackedWidget()
        self.welcome_page = WelcomePage(str(ctx.db.path))
        self.clients_page = ClientsPage(ctx)
        self._dashboard_page = None  # built when first shown
        for page in (self.welcome_page, self.clients_page):  # the others: build_late_pages
            self.stack.addWidget(page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.statusBar().setObjectName("statusBar")
        self.statusBar().showMessage(f"Practice file: {ctx.db.path}", 8000)

        self.nav.currentRowChanged.connect(self._on_nav)
        self.nav.itemClicked.connect(self._on_nav_click)
        self.clients_page.open_client.connect(self.open_client)
        self.clients_page.new_client_requested.connect(self.new_client)
        self.welcome_page.demo_requested.connect(self.load_demo)
        self.welcome_page.start_requested.connect(self.start_practice)
        ctx.status_message.connect(lambda m: self.statusBar().showMessage(m, 10000))

        if deferred:
            self.nav.setEnabled(False)
            self.clients_page.show_loading()
            self.stack.setCurrentWidget(self.clients_page)
        else:  # complete when made: every page first, as before
            build_late_pages(self)
            self.finish_start()
        # Mail left in the outbox (offline last time): try once, in the background.
        QTimer.singleShot(1500, self.outbox.send_on_start)
        # Daily backups while CoachDesk runs: checked every half hour (and soon after start).
        self.backup_timer = QTimer(self)
        self.backup_timer.setObjectName("dailyBackupTimer")
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self._daily_backup_check)
        self.backup_timer.start()
        self.first_backup_check = QTimer(self)
        self.first_backup_check.setSingleShot(True)
        self.first_backup_check.timeout.connect(self._daily_backup_check)
        self.first_backup_check.start(FIRST_BACKUP_CHECK_MS)
        window_state.restore(self)  # size, splitters, columns: per machine (QSettings)

    def __getattr__(self, name: str):
        """A page of ``LATE_PAGES`` asked for before the start finished: built now."""
        if name in LATE_PAGES and self.__dict__.get("_late_built") is False:
            build_late_pages(self)
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def finish_start(self) -> None:
        """The rest of the window: the other pages, the outbox, the first page's data."""
        finish_start(self)

    def show_practice_in_title(self) -> None:
        """"coachdesk.db — CoachDesk": Qt adds the display name only if the title lacks it."""
        self.setWindowFilePath(str(self.ctx.db.path))
        self.setWindowTitle(f"{Path(self.ctx.db.path).name} — {APP_NAME}")

    @property
    def dashboard_page(self):
        """The dashboard, imported and built on first use (start-up stays fast)."""
        if self._dashboard_page is None:
            from .pages.dashboard import DashboardPage

            self._dashboard_page = DashboardPage(self.ctx)
            self._dashboard_page.open_client.connect(self.open_client)
            self._dashboard_page.open_client_tab.connect(self.open_client_on_tab)
            self._dashboard_page.open_session.connect(self.open_session)
            self._dashboard_page.open_invoices.connect(lambda k: (self.go_to("invoices"), self.invoices_page.show_filter(k)))
            self.stack.addWidget(self._dashboard_page)
        return self._dashboard_page

    # -- menus --------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_client_action = self._action(file_menu, "&New client…", self.new_client,
                                              QKeySequence.StandardKey.New, "actionNewClient")
        file_menu.addSeparator()
        self._action(file_menu, "&Export planned sessions to calendar…",
                     self.export_planned_sessions, None, "actionExportIcs")
        self._action(file_menu, "&ICF coaching log…", self.icf_log, None, "actionIcfLog")
        file_menu.addSeparator()
        self._action(file_menu, "Import &clients from a spreadsheet or vCard…", self.import_clients,
                     None, "actionImportClients")
        self._action(file_menu, "E&xport the whole practice…", self.export_practice, None,
                     "actionExportPractice")
        self._action(file_menu, "Import a &practice export…", self.import_practice, None,
                     "actionImportPractice")
        self._action(file_menu, "&Open or create a practice file…", self.open_practice_file,
                     None, "actionOpenPracticeFile")
        file_menu.addSeparator()
        self._action(file_menu, "&Back up now", self.backup_now, None, "actionBackup")
        self._action(file_menu, "Bac&kups…", self.open_backups, None, "actionBackups")
        self._action(file_menu, "&Restore from a backup…", self.restore_backup, None,
                     "actionRestore")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "actionQuit")

        edit_menu = self.edit_menu = bar.addMenu("&Edit")
        self.find_action = self._action(edit_menu, "&Find client", self.focus_search,
                                        QKeySequence.StandardKey.Find, "actionFind")
        self.search_action = self._action(edit_menu, "&Search everything…", self.search_everything,
                                          "Ctrl+K", "actionSearchEverything")
        edit_menu.addSeparator()
        self._action(edit_menu, "Se&ttings…", self.open_settings, QKeySequence.StandardKey.Preferences,
                     "actionSettings")
        self._action(edit_menu, "&Indicators…", self.open_indicator_library, None,
                     "actionIndicatorLibrary")
        self._action(edit_menu, "&Retention review…", self.retention_review, None,
                     "actionRetentionReview")
        # Undo delete (Ctrl+Z) and Deleted sessions… come with the late pages.

        self.new_session_action = self._action(file_menu, "New &session…", self.new_session,
                                               "Ctrl+Shift+N", "actionNewSession")
        file_menu.insertAction(file_menu.actions()[1], self.new_session_action)
        self.print_action = self._action(file_menu, "Print &worksheet…", self.print_worksheet,
                                         QKeySequence.StandardKey.Print, "actionPrint")
        file_menu.insertAction(file_menu.actions()[2], self.print_action)
        # Sponsor progress reports (issue 6).
        self.report_action = self._action(file_menu, "Pro&gress report…", self.progress_report,
                                          "Ctrl+Shift+R", "actionProgressReport")
        file_menu.insertAction(file_menu.actions()[3], self.report_action)
        self.send_outbox_action = QAction("Send outbox", self)
        self.send_outbox_action.setObjectName("actionSendOutbox")
        file_menu.insertAction(file_menu.actions()[4], self.send_outbox_action)
        self.outbox = OutboxMenu(self, self.send_outbox_action)
        self.update_outbox_action = self.outbox.update
        file_menu.aboutToShow.connect(self.update_outbox_action)  # also in finish_start

        view_menu = bar.addMenu("&View")
        for number, (key, label) in enumerate(NAV_ITEMS, 1):
            self._action(view_menu, f"&{label}", lambda _c=False, k=key: self.go_to(k),
                         f"Ctrl+{number}", f"actionShow{label}")

        from . import help_menu  # the shortcuts (F1), the signal explained, About

        help_menu.install(self, bar.addMenu("&Help"), self.ctx)

    # -- navigation ---------------------------------------------------------------
    def _on_nav(self, row: int) -> None:
        if row >= 0:
            self.show_nav(NAV_ITEMS[row][0])

    def _on_nav_click(self, item) -> None:
        """A client's or session's page is under Clients: a click on Clients goes to the list."""
        on_a_client = self.stack.currentWidget() in (self.client_page, self.session_page)
        if NAV_ITEMS[self.nav.row(item)][0] == "clients" and on_a_client:
            self.show_nav("clients")

    def may_leave(self) -> bool:
        """Before the page on screen is left: what was typed is saved, and a value the page
        refused (a mistyped e-mail) is not thrown away unseen; the coach chooses to stay and
        correct it (False) or to leave without it (True). See ui/leaving.py."""
        from .leaving import may_leave

        def stay():  # a client's or session's page is under Clients, also once the click on
            self._select_nav("clients")  # another sidebar entry is over (the list sets its
            QTimer.singleShot(0, lambda: self._select_nav("clients"))  # own row then)

        page = self.stack.currentWidget()
        return page not in (self.client_page, self.session_page) or may_leave(self, page, stay)

    def _select_nav(self, key: str) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow([k for k, _ in NAV_ITEMS].index(key))
        self.nav.blockSignals(False)

    def go_to(self, key: str) -> None:
        """Ctrl+1…6 and the View menu: the page, with the cursor in its list (its first row
        current), so arrows and Enter work at once. The sidebar's own arrows keep the focus
        in the sidebar (show_nav)."""
        self.show_nav(key)
        page = self.stack.currentWidget()
        if page is self.clients_page:
            self.clients_page.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        focus_list({self.sessions_page: lambda: self.sessions_page.tabs.currentWidget(),
                    self.actions_page: lambda: self.actions_page.view,
                    self.people_page: lambda: self.people_page.current_list().table,
                    self.invoices_page: lambda: self.invoices_page.table,
                    }.get(page, lambda: None)())

    def show_nav(self, key: str) -> None:
        if not self.may_leave():
            return
        if key == "clients":
            if self.stack.currentWidget() is not self.clients_page:
                self.show_clients()
            return
        self.client_page.leave()
        self.session_page.leave()
        self.nav.setEnabled(True)
        self._select_nav(key)
        page = {"sessions": self.sessions_page, "actions": self.actions_page, "people":
                self.people_page, "dashboard": self.dashboard_page, "invoices": self.invoices_page}[key]
        if key == "dashboard":
            page.reload_in_background()  # the practice-wide signal can take a moment
        elif key != "people":  # People reloads itself when its data change
            page.reload()
        self.stack.setCurrentWidget(page)

    def open_session(self, session_id: int) -> None:
        if not self.may_leave():
            return
        self.client_page.leave()
        # Back returns to the list the session was opened from (else to the client's page);
        # from one session to another, the same way as before.
        origin = self.stack.currentWidget()
        if origin is not self.session_page:
            came_from = {self.sessions_page: "Sessions", self.actions_page: "Actions"}
            if self._dashboard_page is not None:
                came_from[self._dashboard_page] = "Dashboard"
            self.session_page.back_to = came_from.get(origin)
        try:
            self.session_page.show_session(session_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Open session", as_plain(str(exc)))
            return
        self.nav.setEnabled(True)
        self._select_nav("clients")  # a session is a client's: Sessions/Actions click back
        self.stack.setCurrentWidget(self.session_page)
        # The coach opened a session to write in it: the cursor waits at the end of the notes.
        self.session_page.tabs.setCurrentIndex(0)
        self.session_page.private_notes.setFocus(Qt.FocusReason.OtherFocusReason)
        self.session_page.private_notes.moveCursor(QTextCursor.MoveOperation.End)

    def _back_from_session(self, client_id: int) -> None:
        """The session page's back button: the list it was opened from, else the client."""
        if self.session_page.back_to in BACK_KEYS:
            self.go_to(BACK_KEYS[self.session_page.back_to])
        else:
            self.open_client(client_id)

    def open_action(self, session_id: int, action_id: int) -> None:
        """An action item from the Actions page: its session, on the Actions tab, with the
        action selected (where Enter edits it and Space marks it done)."""
        self.open_session(session_id)
        page = self.session_page
        if self.stack.currentWidget() is not page or page.session is None \
                or page.session.id != session_id:
            return
        page.tabs.setCurrentWidget(page.actions)
        focus_list(page.actions.view, page.actions.model.row_of(action_id))

    def new_session(self) -> None:
        if self.stack.currentWidget() is self.session_page and self.session_page.session:
            self.open_client(self.session_page.session.client_id)
            if self.stack.currentWidget() is self.session_page:  # stayed to correct a value
                return
        if self.stack.currentWidget() is not self.client_page or self.client_page.client is None:
            self.ctx.say("Open a client first, then add a session for them (Ctrl+Shift+N).")
            return
        self.client_page.new_session()

    def print_worksheet(self) -> None:
        """Ctrl+P: the worksheet of the session on screen (the session page's, or the one
        selected in the client page's list), else a blank one."""
        from .dialogs.print_preview import print_worksheet, session_on_screen

        if self.stack.currentWidget() is self.session_page:
            self.session_page.leave()  # what was just typed goes on the worksheet
        print_worksheet(self.ctx, self, session_on_screen(self))

    # -- progress reports and the outbox ---------------------------------------------------
    def progress_report(self) -> None:
        """The report dialog for the client on screen (their selected or current engagement),
        or for the client selected in the clients list."""
        if self.stack.currentWidget() is self.session_page and self.session_page.session:
            self.open_client(self.session_page.session.client_id)
            if self.stack.currentWidget() is self.session_page:  # stayed to correct a value
                return
        elif self.stack.currentWidget() is self.clients_page:
            chosen = self.clients_page.selected_client_id()
            if chosen is not None:
                self.open_client(chosen)
        if self.stack.currentWidget() is not self.client_page or self.client_page.client is None:
            self.ctx.say("Choose a client first, then make their progress report (Ctrl+Shift+R).")
            return
        self.client_page.open_progress_report()
        self.update_outbox_action()

    def show_welcome(self) -> None:
        self.nav.setEnabled(False)
        self.stack.setCurrentWidget(self.welcome_page)

    def show_clients(self) -> None:
        if not self.may_leave():
            return
        self.client_page.leave()
        self.session_page.leave()
        self.nav.setEnabled(True)
        self._select_nav("clients")
        if getattr(self.clients_page, "_loaded", False) is False:
            self.clients_page.reload()
            self.clients_page._loaded = True
        self.stack.setCurrentWidget(self.clients_page)
        if self.client_page.client is not None:
            self.clients_page.select_client(self.client_page.client.id)

    def open_client(self, client_id: int) -> None:
        if not self.may_leave():
            return
        self.session_page.leave()
        try:
            self.client_page.show_client(client_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Open client", as_plain(str(exc)))
            self.clients_page.reload()
            return
        self.nav.setEnabled(True)
        self._select_nav("clients")
        self.stack.setCurrentWidget(self.client_page)
        # Somewhere typing changes nothing (the Name field would rename the client, autosaved).
        self.client_page.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_client_on_tab(self, client_id: int, tab: int) -> None:
        """A client from the dashboard's attention list, on the tab that shows why."""
        self.open_client(client_id)
        if self.stack.currentWidget() is self.client_page and 0 <= tab < \
                self.client_page.tabs.count():
            self.client_page.tabs.setCurrentIndex(tab)

    def search_everything(self) -> None:
        from .dialogs.search_dialog import SearchDialog

        self.client_page.leave()
        self.session_page.leave()
        dialog = SearchDialog(self.ctx, self)
        if dialog.exec() and dialog.chosen is not None:
            self.open_hit(dialog.chosen)

    def open_hit(self, hit) -> None:
        open_hit(self, hit)

    def open_indicator_library(self) -> None:
        from .dialogs.indicator_library import IndicatorLibraryDialog

        IndicatorLibraryDialog(self.ctx, self).exec()
        self.ctx.notify("indicator")

    def open_settings(self) -> None:
        from .dialogs.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def export_planned_sessions(self, _checked=False, target: str | None = None) -> str | None:
        from .files import export_planned_sessions

        return export_planned_sessions(self, self.ctx, target)

    def focus_search(self) -> None:
        if self.stack.currentWidget() is self.people_page:
            return self.people_page.focus_filter()  # Ctrl+F filters the list on screen
        if self.stack.currentWidget() is not self.clients_page:
            self.show_clients()
        self.clients_page.focus_search()

    # -- actions ------------------------------------------------------------------
    def new_client(self) -> None:
        from .dialogs.people import NewClientDialog

        if self.stack.currentWidget() is self.welcome_page:
            self.show_clients()
        dialog = NewClientDialog(self.ctx, self)
        if dialog.exec() and dialog.result_object is not None:
            self.clients_page.reload()
            self.open_client(dialog.result_object.id)

    def load_demo(self) -> None:
        try:
            from coachdesk import demo

            counts = demo.populate(self.ctx.db)
        except CoachDeskError as exc:
            QMessageBox.information(self, "Demo data", as_plain(str(exc)))
        else:
            self.ctx.say(f"Demo practice loaded: {counts['clients']} fictional clients.")
        self.ctx.notify("all")
        self.clients_page.reload()
        self.show_clients()

    def start_practice(self) -> None:
        self.show_clients()
        self.new_client()

    def backup_now(self, _checked=False):
        """File → Back up now: in the background; the status bar says when it is done."""
        from .dialogs.backups_dialog import backup_job, describe_done

        self.ctx.say("Making a backup…")
        job = backup_job(self.ctx)

        def done(info) -> None:
            self.ctx.say(describe_done(info).replace("\n", " "))
            if info.warnings:
                QMessageBox.warning(self, "Back up", as_plain(describe_done(info)))

        job.signals.done.connect(done)
        job.signals.failed.connect(lambda _message: self.ctx.say("The backup was not made."))
        job.signals.failed.connect(
            lambda message: QMessageBox.warning(self, "Back up", as_plain(message)))
        return job.start()  # connected first: a backup failing at once is still heard

    def restore_backup(self) -> None:
        from .dialogs.backups_dialog import restore_into_app

        folder = str(storage.paths.backup_dir(self.ctx.db.path))
        path, _ = QFileDialog.getOpenFileName(self, "Restore from a backup", folder,
                                              "CoachDesk files (*.db);;All files (*)")
        if not path:
            return
        answer = QMessageBox.question(
            self, "Restore from a backup",
            as_plain(f"Replace your current practice with the backup “{Path(path).name}”?\n\n"
                     "Your current practice is kept as a backup first, so this can be undone."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        restore_into_app(self.ctx, Path(path), self)

    def _daily_backup_check(self):
        """Every half hour: a backup if the last one is a day old (and the coach wants them)."""
        from coachdesk import backups

        from .dialogs.backups_dialog import backup_job, backup_running

        try:
            if self.ctx.read_only or backup_running() or not backups.backup_due(self.ctx.db):
                return None
        except Exception:  # never disturb the coach over a check
            log.exception("daily backup check failed")
            return None
        job = backup_job(self.ctx, backups.DAILY)
        job.signals.done.connect(lambda info: log.info("daily backup %s", info.path))
        job.signals.done.connect(lambda info: self.ctx.say(
            "A daily backup was made." + (" " + " ".join(info.warnings) if info.warnings else "")))
        job.signals.failed.connect(lambda message: self.ctx.say(f"Daily backup: {message}"))
        return job.start()

    def _backup_on_close(self) -> None:
        """A quick backup as CoachDesk closes; a failure is logged, never blocks closing."""
        if self.ctx.lock is not None:  # one started now waits for this one to let go
            self.ctx.lock.closing()
        try:
            from coachdesk import backups

            from .dialogs import backups_dialog
            backups_dialog.wait_for_backups()
            db = self.ctx.db
            if not backups.closing_backup_wanted(db):
                return
            made = backups.backup_now(db.path, kind=backups.CLOSING,
                                      second_folder=backups.get_second_folder(db))
            log.info("backup on closing: %s %s", made.path, " ".join(made.warnings))
        except Exception:
            log.exception("backup on closing failed")

    # -- the coach's data (issue 7); each dialog lives in its own module --------------
    def open_backups(self) -> None:
        from .dialogs.backups_dialog import BackupsDialog

        BackupsDialog(self.ctx, self).exec()

    def import_clients(self) -> None:
        from .dialogs.import_clients import ImportClientsDialog

        ImportClientsDialog(self.ctx, self).exec()

    def export_practice(self) -> None:
        from .dialogs.practice_data import export_practice

        export_practice(self.ctx, self)

    def import_practice(self) -> None:
        from .dialogs.practice_data import import_practice

        import_practice(self.ctx, self)

    def open_practice_file(self) -> None:
        from .practice_file import open_practice_file

        open_practice_file(self)

    def switch_practice(self, path: Path) -> bool:
        from .practice_file import switch_practice

        return switch_practice(self, path)

    def icf_log(self) -> None:
        from .dialogs.icf_dialog import IcfLogDialog

        IcfLogDialog(self.ctx, self).exec()

    def retention_review(self) -> None:
        from .dialogs.retention_review import RetentionReviewDialog

        RetentionReviewDialog(self.ctx, self).exec()

    def closeEvent(self, event):
        try:
            if not self.may_leave():  # a refused value on screen: the coach chose to stay
                event.ignore()
                return
        except Exception:  # pragma: no cover - closing must never be blocked by a fault
            log.exception("checking for refused values on close failed")
        try:
            self.client_page.leave()
            self.session_page.leave()
        except Exception:  # pragma: no cover - closing must never be blocked by a save
            log.exception("final save on close failed")
        self.backup_timer.stop()
        self.first_backup_check.stop()
        if not getattr(self, "_closed_backup_done", False) and not self.ctx.read_only:
            self._closed_backup_done = True  # once, even if close is called again
            self._backup_on_close()
        window_state.save(self)
        super().closeEvent(event)
