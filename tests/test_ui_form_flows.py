"""Form flows a coach met, through the main window and the settings: each failed before
issue 11 (New client's name typed straight away went nowhere; Esc lost it without asking;
a refused setting still saved the GROW questions)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import answer_discard, keys

from ui.context import AppContext


def test_new_client_typed_straight_away_and_enter_saves_it(qtbot, demo_db):
    """File → New client, the name typed at once (no click), Enter: the client exists and
    the clients list shows it. Before, the cursor started on Save and the name went nowhere."""
    from ui_helpers import when_modal

    from coachdesk.services import clients
    from ui.main_window import MainWindow

    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_clients()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)  # the window system activates it by itself
        keys(qtbot, "Zoë Ångström-Okafor")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        if dialog.isVisible():  # not saved: close it, so the test fails instead of hanging
            dialog.reject()

    state = when_modal(fill)
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert any(r.name == "Zoë Ångström-Okafor" for r in clients.list_rows(demo_db))
    win.show_clients()
    page = win.clients_page
    shown = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert "Zoë Ångström-Okafor" in shown


def test_esc_in_a_new_client_with_a_name_typed_asks_first(qtbot, demo_db):
    from ui_helpers import when_modal

    from coachdesk.services import clients
    from ui.main_window import MainWindow

    before = clients.count(demo_db)
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_clients()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    asked: list[str] = []
    seen = {}

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        keys(qtbot, "Zoë")
        field = QApplication.focusWidget()
        answer_discard(qtbot, "keepEditingButton", asked)
        qtbot.keyClick(field, Qt.Key.Key_Escape)  # by mistake
        seen["kept"] = dialog.isVisible() and field.text() == "Zoë"
        answer_discard(qtbot, "discardButton", asked)
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        if dialog.isVisible():
            dialog.reject()

    state = when_modal(fill)
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert asked == ["Discard what you typed?"] * 2
    assert seen["kept"], "Keep editing lost the name"
    assert clients.count(demo_db) == before


def test_a_refused_setting_saves_nothing_and_shows_where(qtbot, demo_db):
    """Settings: a new GROW question, then a mail server name with spaces, Save. The dialog
    stays open on the e-mail tab with the cursor in the server field and the reason under
    it, and nothing was written (before, the questions were saved anyway)."""
    from coachdesk import mail
    from coachdesk.reports import worksheet
    from ui.dialogs.settings_dialog import SettingsDialog

    before = worksheet.get_prompts(demo_db)
    dialog = SettingsDialog(AppContext(demo_db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    goal = dialog.prompt_edits["goal"]
    qtbot.mouseClick(goal.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(goal, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(goal, Qt.Key.Key_Return)
    keys(qtbot, "Qué harías mañana?")
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.tabs.tabBar().tabRect(1).center())
    assert dialog.tabs.currentIndex() == 1
    qtbot.mouseClick(dialog.smtp_server, Qt.MouseButton.LeftButton)
    keys(qtbot, "smtp example org")
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.tabs.tabBar().tabRect(0).center())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 1
    assert dialog.errors["server"].isVisible() and dialog.smtp_server.hasFocus()
    assert worksheet.get_prompts(demo_db) == before, "the questions were saved anyway"
    assert not mail.get_smtp_settings(demo_db).configured
    # Corrected where the cursor is: everything is saved.
    qtbot.keyClick(dialog.smtp_server, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(qtbot, "smtp.example.org")
    qtbot.mouseClick(dialog.smtp_sender, Qt.MouseButton.LeftButton)
    keys(qtbot, "coach@example.org")
    qtbot.keyClick(dialog.smtp_sender, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert worksheet.get_prompts(demo_db)["goal"][-1] == "Qué harías mañana?"
