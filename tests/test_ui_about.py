"""Help → About CoachDesk and Help → About Qt (issue 15), through the menu as a coach opens them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QTextBrowser

from coachdesk import __version__, identity
from ui.dialogs import about


def _open_about(win, monkeypatch, qtbot):
    shown = []

    def exec_(dialog):  # instead of a modal loop: show it and let the test look
        shown.append(dialog)
        qtbot.addWidget(dialog)
        dialog.show()
        return 0

    monkeypatch.setattr(about.AboutDialog, "exec", exec_)
    win.findChild(QAction, "actionAbout").trigger()
    assert len(shown) == 1, "Help → About CoachDesk opened no dialog"
    return shown[0]


def test_about_shows_version_licences_and_notices(win, monkeypatch, qtbot):
    dialog = _open_about(win, monkeypatch, qtbot)
    text = dialog.findChild(QTextBrowser, "aboutText").toPlainText()
    assert f"CoachDesk {__version__}" in text
    assert identity.SUMMARY in text
    assert "MIT licence" in text and "LGPL-3.0" in text
    assert "SQLAlchemy" in text and "reportlab" in text  # the bundled packages' table
    assert str(win.ctx.db.path) in text
    notices = dialog.findChild(QPlainTextEdit, "noticesText")
    assert notices.toPlainText() == "", "300 KB loaded before anyone asked for them"
    qtbot.mouseClick(dialog.show_notices, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentWidget() is notices
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices.toPlainText()
    assert notices.isReadOnly()


def test_about_says_when_the_notices_are_missing(win, monkeypatch, qtbot):
    monkeypatch.setattr(identity, "notices_file", lambda: None)
    dialog = _open_about(win, monkeypatch, qtbot)
    assert about.NOTICES_MISSING in dialog.text.toPlainText()
    dialog.tabs.setCurrentWidget(dialog.notices)
    assert dialog.notices.toPlainText() == about.NOTICES_MISSING


def test_about_qt_is_in_the_help_menu(win, monkeypatch):
    calls = []
    monkeypatch.setattr(QApplication, "aboutQt", lambda *a: calls.append("menu"))
    help_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Help")
    action = win.findChild(QAction, "actionAboutQt")
    assert action in help_menu.actions()
    action.trigger()
    assert calls == ["menu"]


def test_about_qt_button_opens_qts_box(win, monkeypatch, qtbot):
    calls = []
    monkeypatch.setattr(QMessageBox, "aboutQt", lambda *a: calls.append(a[1:]))
    dialog = _open_about(win, monkeypatch, qtbot)
    dialog.about_qt.click()
    assert calls == [("About Qt",)]


def test_about_names_every_font_the_reports_ship_with():
    from coachdesk.bundled import resource

    text = about.about_html()
    shipped = sorted(resource("fonts").glob("LICENSE-*.txt"))
    assert len(shipped) >= 4  # DejaVu, Noto, Nanum, Droid
    for licence in shipped:
        family = licence.stem.removeprefix("LICENSE-")  # "NanumGothic" for "Nanum Gothic"
        assert family in text.replace(" ", ""), f"{family} is shipped but About does not name it"
