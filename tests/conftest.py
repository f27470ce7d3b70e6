"""Shield every test from the machine: its own data folder, offscreen Qt, no dialogs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PySide6 6.12.0 on Python 3.11 drops a reference to None with every Qt call that returns
# nothing; a long test session would abort (see ui/qt_workarounds.py).
from ui.qt_workarounds import keep_none_alive  # noqa: E402

keep_none_alive()
os.environ.setdefault("LANG", "en_GB.UTF-8")
# A laptop's screen (1366×768), as coaches have, instead of the offscreen platform's
# square 800×800: windows and dialogs size themselves to the screen they open on.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'tests' / 'data' / 'screen_1366x768.json'}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own data folder; nothing touches the coach's real one."""
    home = tmp_path / "coachdesk-home"
    monkeypatch.setenv("COACHDESK_HOME", str(home))
    monkeypatch.delenv("COACHDESK_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "practice" / "coachdesk.db"


@pytest.fixture
def db(db_path):
    from coachdesk import storage

    database = storage.open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    from coachdesk import demo

    demo.populate(db, clients=12, seed=7)
    return db


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path):
    """Per-machine state (window geometry, last folders) goes to QSettings: each test gets
    its own, in INI files under its temporary folder, never the coach's real settings."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    return folder


@pytest.fixture
def app_theme(qapp):
    """Give one test CoachDesk's look, light or dark: ``app_theme(dark=True)``. The style
    and palette the other tests run with come back afterwards."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleFactory

    from ui import theme

    style_name, palette = qapp.style().name(), QPalette(qapp.palette())
    yield lambda dark: theme.apply(qapp, dark)
    qapp.setStyle(QStyleFactory.create(style_name))
    qapp.setPalette(palette)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """When a test ends, its windows close without asking about a refused value left on a
    page (ui/leaving.py): the question would wait for an answer nobody gives."""
    leaving = sys.modules.get("ui.leaving")
    if leaving is None:
        yield
        return
    ask, unsaved = leaving.ask_to_stay, leaving.ask_unsaved
    leaving.ask_to_stay = lambda *_args, **_kw: False
    leaving.ask_unsaved = lambda *_args, **_kw: "discard"
    try:
        yield
    finally:
        leaving.ask_to_stay, leaving.ask_unsaved = ask, unsaved


@pytest.fixture
def win(qtbot, demo_db):
    """The main window on the demo practice, at a laptop's 1366×768 (a test file that
    needs another size or state defines its own ``win``)."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window
