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
# Dates read "29 Nov 2026", in English, whatever the machine's locale: the CLI a test runs
# as a child process takes its date style from the environment (coachdesk/dates.py).
os.environ["LC_TIME"] = "C"
# A laptop's screen (1366×768), as coaches have, instead of the offscreen platform's
# square 800×800: windows and dialogs size themselves to the screen they open on.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _screen = ROOT / "tests" / "data" / "screen_1366x768.json"
    if not str(_screen).isascii() or any(c in str(_screen) for c in ":,"):
        # Qt reads the option's path as Latin-1 and splits it at ':' and ',': a checkout
        # under "Coach Desk é" or "C:" left the tests without their screen. A copy in a
        # plain temporary folder is read the same everywhere.
        import shutil
        import tempfile

        _plain = Path(tempfile.mkdtemp(prefix="coachdesk-screen-")) / _screen.name
        shutil.copyfile(_screen, _plain)
        if str(_plain).isascii() and not any(c in str(_plain) for c in ":,"):
            _screen = _plain
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"


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


@pytest.fixture(scope="session")
def practice_templates(tmp_path_factory):
    """Two practice files built once per test process and copied for each test: a new
    (migrated, empty) practice and the demo practice (12 clients, seed 7). Building them
    runs every migration and the demo's thousands of inserts; a copy takes a millisecond.

    Built with the coach's data folder pointed at a folder of the session's own, so
    nothing of the machine's is touched. The demo's dates follow the day the session
    starts, as a freshly populated practice's would.
    """
    from coachdesk import demo, storage

    folder = tmp_path_factory.mktemp("practice-templates")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACHDESK_HOME", str(folder / "home"))
        mp.delenv("COACHDESK_DB", raising=False)
        built = {}
        for name, fill in (("new", None), ("demo", lambda d: demo.populate(d, clients=12, seed=7))):
            path = folder / name / "coachdesk.db"
            database = storage.open_database(path)
            try:
                if fill is not None:
                    fill(database)
            finally:
                database.close()
            for extra in ("-wal", "-shm"):  # the last close checkpoints: one file holds all
                leftover = Path(f"{path}{extra}")
                assert not leftover.exists() or leftover.stat().st_size == 0, leftover
            built[name] = path
    return built


def copy_practice(template: Path, to: Path) -> Path:
    """Put a copy of a template practice at ``to``, private as the app makes its files."""
    import shutil

    to.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(template, to)
    to.chmod(0o600)
    return to


@pytest.fixture
def db(request, db_path, practice_templates):
    """A new, empty practice at ``db_path`` (a copy of the session's template); in a test
    that also uses ``demo_db`` (often through a window fixture), that same demo practice."""
    from coachdesk import storage

    if "demo_db" in request.fixturenames:
        yield request.getfixturevalue("demo_db")
        return
    database = storage.open_database(copy_practice(practice_templates["new"], db_path))
    yield database
    database.close()


@pytest.fixture
def demo_db(db_path, practice_templates):
    """The demo practice (12 clients, seed 7) at ``db_path``, a copy of the template."""
    from coachdesk import storage

    database = storage.open_database(copy_practice(practice_templates["demo"], db_path))
    yield database
    database.close()


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread():
    """As in the app (ui.gc_thread): once a QApplication exists, Python's collector runs on
    the GUI thread only, from the timer and at the end of each test. Collections started
    by a PDF worker's allocations destroyed widgets off the GUI thread, and a test process
    crashed now and then (SIGSEGV in QTimerInfoList::activateTimers or a database read)."""
    from PySide6.QtWidgets import QApplication

    yield
    app = QApplication.instance()
    if app is not None:
        from ui import gc_thread

        gc_thread.collect_on_gui_thread(app).collect_now()


@pytest.fixture(autouse=True)
def standard_dates(monkeypatch):
    """Dates in the standard form (29 Nov 2026, English) unless a test chooses another; no
    test leaves its choice to the next (coachdesk.dates keeps the style process-wide)."""
    from coachdesk import dates

    monkeypatch.setattr(dates, "_system_locale_name", lambda: "C")
    dates.use(None)
    yield
    dates.use(None)


@pytest.fixture(autouse=True)
def no_closing_backup(request, monkeypatch):
    """A window closing makes a verified backup of its practice (copy, fsync, quick_check):
    hundreds of tests close a window, and those backups were a tenth of the suite's time.
    Tests about that backup say so with ``@pytest.mark.closing_backup`` and get the real one;
    the others close without it."""
    if request.node.get_closest_marker("closing_backup"):
        return
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_backup_on_close", lambda self: None)


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
        _delete_closed_widgets()
        return
    ask, unsaved = leaving.ask_to_stay, leaving.ask_unsaved
    leaving.ask_to_stay = lambda *_args, **_kw: False
    leaving.ask_unsaved = lambda *_args, **_kw: "discard"
    try:
        yield
    finally:
        leaving.ask_to_stay, leaving.ask_unsaved = ask, unsaved
    _delete_closed_widgets()


def _delete_closed_widgets() -> None:
    """pytest-qt closes a test's widgets and asks Qt to delete them later; outside a
    running event loop "later" never came, so every window of every test stayed alive
    (46,000 widgets after 80 layout tests), and each palette change, style change and
    ``allWidgets()`` walked them all. Deliver those deletions now."""
    from PySide6.QtCore import QCoreApplication, QEvent

    helpers = sys.modules.get("ui_helpers")
    if helpers is not None:  # the ended test's dialog watchers stop (ui_helpers.later)
        helpers.TEST_GENERATION[0] += 1
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


#: The desktop UI fonts the window-fit tests run under (tests/test_ui_fit_*.py and the
#: page and dialog checks of tests/test_ui_layout.py): DejaVu Sans (Debian, older
#: Ubuntu; shipped in resources/fonts/) and Noto Sans (Fedora, KDE, fonts-noto-core),
#: wider letters and taller lines. A layout that holds under both holds on most desktops.
UI_FONTS = ("DejaVu Sans", "Noto Sans")


@pytest.fixture(params=UI_FONTS, ids=lambda family: family.replace(" ", ""))
def ui_font(request, qapp):
    """The application's font is ``request.param`` (same point size as the platform's)
    for one test, whatever fontconfig maps "Sans Serif" to; the font before comes back
    afterwards. A family not installed is skipped with the reason (DejaVu Sans is loaded
    from resources/fonts/ when the system lacks it)."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

    family = request.param
    if family == "DejaVu Sans" and family not in QFontDatabase.families():
        for path in sorted((ROOT / "resources" / "fonts").glob("DejaVuSans*.ttf")):
            QFontDatabase.addApplicationFont(str(path))
    font = QFont(qapp.font())
    font.setFamilies([family])
    if family not in QFontDatabase.families() or QFontInfo(font).family() != family:
        pytest.skip(f"the UI font {family} is not installed on this machine")
    before = QFont(qapp.font())
    qapp.setFont(font)
    try:
        yield family
    finally:
        qapp.setFont(before)


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


def pytest_sessionfinish(session, exitstatus):
    """Before the interpreter shuts down: let background jobs (a dashboard reload a test's
    last write started) finish, and delete what is left of the tests' widgets, while Qt and
    Python are still whole. A job still running, or a widget collected during Python's
    finalization, crashed a test process after its last test now and then."""
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    _delete_closed_widgets()
    import gc

    gc.collect()


# -- the system keyring, in memory or absent (tests/keyring_helpers.py) --------------------

@pytest.fixture
def memory_keyring():
    import keyring

    previous = keyring.get_keyring()
    from keyring_helpers import MemoryKeyring

    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
