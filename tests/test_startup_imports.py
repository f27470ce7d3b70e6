"""The window shows first and the rest follows (issue 13): what the first frame must not
load, a current practice opened without Alembic, and the client list's loading state.

No timing here (that is ``make bench``'s ``startup_*``): these tests prove the structure
that makes start-up fast, so it cannot quietly come back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coachdesk import demo, migrations, storage

ROOT = Path(__file__).resolve().parent.parent

# Loaded when first used, never for the window's first frame.
NOT_AT_FIRST_FRAME = [
    "alembic",  # migrations: only for an older file
    "sqlalchemy", "sqlmodel", "pydantic", "coachdesk.models",  # the list follows the frame
    "reportlab", "coachdesk.reports",  # PDFs
    "coachdesk.mail", "smtplib", "ssl", "keyring",  # mail and the outbox
    "coachdesk.services.export", "coachdesk.services.client_import",  # export/import
    "ui.dialogs.practice_data", "ui.dialogs.import_clients",
    "ui.dialogs.print_preview", "PySide6.QtPdf", "PySide6.QtPdfWidgets",  # printing
    "PySide6.QtPrintSupport",
    "ui.pages.dashboard", "ui.pages.client_detail", "ui.pages.session",  # other pages
    "ui.pages.overview", "ui.pages.people",
    "coachdesk.backups",  # backups are made later (daily, on closing)
]


def _env(home: Path, **extra) -> dict:
    env = dict(os.environ)
    env.pop("COACHDESK_DB", None)
    env.update(QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(home), COACHDESK_NO_DIALOGS="1",
               PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def _demo_practice(path: Path, clients: int = 12) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = storage.open_database(path)
    try:
        demo.populate(db, clients=clients, seed=7)
    finally:
        db.close()
    return path


def _loaded(module_names: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in module_names)


def test_the_first_frame_loads_none_of_what_follows(isolated_home, tmp_path):
    practice = _demo_practice(tmp_path / "practice" / "coachdesk.db")
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(practice)],
                         cwd=ROOT, env=_env(isolated_home, COACHDESK_STARTUP_PROBE="modules"),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("WINDOW_SHOWN"), run.stdout[:500]
    assert lines[1].startswith("STARTUP_MODULES ")
    modules = json.loads(lines[1].split(" ", 1)[1])
    assert "ui.main_window" in modules and "ui.pages.clients" in modules  # the probe is real
    early = [name for name in NOT_AT_FIRST_FRAME if _loaded(modules, name)]
    assert early == [], f"loaded before the first frame: {early}"
    # …and the rest did follow: the list was loaded before the probe let the app go.
    assert lines[2].startswith("FIRST_PAGE_READY"), run.stdout[-500:]
    assert lines[3].startswith("START_COMPLETE"), run.stdout[-500:]  # every page built
    assert "Traceback" not in run.stderr


_OPEN_AND_REPORT = """
import json, sys
from coachdesk import storage
db = storage.open_database(sys.argv[1])
before = {m: m in sys.modules for m in ("alembic", "sqlalchemy")}
revision = db.revision()
db.close()
print(json.dumps({"before_first_use": before, "revision": revision}))
"""


def _open_in_child(path: Path, home: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", _OPEN_AND_REPORT, str(path)], cwd=ROOT,
                         env=_env(home), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.splitlines()[-1])


def test_a_practice_at_head_opens_without_alembic(isolated_home, tmp_path):
    practice = _demo_practice(tmp_path / "current.db", clients=2)
    assert storage.inspect_file(practice).revision == migrations.HEAD
    opened = _open_in_child(practice, isolated_home)
    assert opened["before_first_use"] == {"alembic": False, "sqlalchemy": False}
    assert opened["revision"] == migrations.HEAD
    assert storage.list_backups(practice) == []  # nothing to upgrade, nothing backed up


def test_an_older_practice_is_still_upgraded(isolated_home, tmp_path):
    from test_upgrades import CLIENT_NAMES, make_file_at

    older = make_file_at(tmp_path / "older.db", "0001_foundation")
    opened = _open_in_child(older, isolated_home)
    assert opened["before_first_use"]["alembic"] is True  # the migration machinery ran
    assert opened["revision"] == migrations.HEAD
    assert storage.inspect_file(older).revision == migrations.HEAD
    backups = storage.list_backups(older)
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    db = storage.open_database(older)
    try:
        from coachdesk.services import clients

        assert clients.count(db) == len(CLIENT_NAMES)
    finally:
        db.close()


def test_a_current_practice_gets_its_engine_on_first_use(tmp_path):
    practice = _demo_practice(tmp_path / "p.db", clients=2)
    db = storage.open_database(practice)
    try:
        assert db._engine is None  # checked with sqlite3 alone
        from coachdesk.services import clients

        assert clients.count(db) > 0
        assert db._engine is not None
    finally:
        db.close()


def test_threads_asking_for_the_engine_first_share_one(tmp_path, monkeypatch):
    import threading
    import time

    practice = _demo_practice(tmp_path / "p.db", clients=2)
    db = storage.open_database(practice)
    real, made = storage.make_engine, []

    def slow_make_engine(path):
        time.sleep(0.05)  # both threads are inside before either has finished
        made.append(real(path))
        return made[-1]

    monkeypatch.setattr(storage, "make_engine", slow_make_engine)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(db.engine)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(made) == 1 and seen[0] is seen[1] is made[0]
    finally:
        db.close()


# -- the window: loading first, then the list --------------------------------------------------


@pytest.fixture
def deferred_window(qtbot, demo_db):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext(demo_db), deferred=True)
    qtbot.addWidget(window)
    return window


def test_the_first_frame_says_loading_never_no_clients(qtbot, deferred_window):
    page = deferred_window.clients_page
    deferred_window.show()
    assert deferred_window.stack.currentWidget() is page
    assert page.empty_label.isVisible() and not page.table.isVisible()
    assert "Opening your practice" in page.empty_label.text()
    assert page.count_label.text() == "Loading…"
    assert "No clients" not in page.empty_label.text()
    assert not deferred_window.nav.isEnabled()  # nothing to go to yet

    deferred_window.finish_start()
    assert page.table.isVisible() and not page.empty_label.isVisible()
    assert page.model.rowCount() == 12
    assert page.count_label.text().endswith("12 clients")  # current ones "of" all
    assert deferred_window.nav.isEnabled()
    assert not deferred_window._late_built  # the other pages: right after the list
    qtbot.waitUntil(lambda: deferred_window._late_built, timeout=5000)
    assert deferred_window.stack.currentWidget() is page  # building them changed nothing
    assert page.model.rowCount() == 12


def test_a_new_practice_goes_from_loading_to_welcome(qtbot, db):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext(db), deferred=True)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.clients_page
    assert "No clients" not in window.clients_page.empty_label.text()
    window.finish_start()
    assert window.stack.currentWidget() is window.welcome_page


def test_the_rest_follows_the_first_paint_once(qtbot, deferred_window):
    from ui import first_frame

    ran = []
    run_now = first_frame.after_first_paint(deferred_window, lambda: ran.append(1))
    assert ran == []  # not before the window is painted
    deferred_window.show()
    qtbot.waitUntil(lambda: ran == [1], timeout=5000)
    run_now()  # the probe's "now": it already ran, so not again
    qtbot.wait(first_frame.FALLBACK_MS + 100)  # nor when the fallback timer would have fired
    assert ran == [1]


def test_pages_asked_for_early_are_built_in_their_usual_place(qtbot, deferred_window):
    window = deferred_window
    assert "session_page" not in window.__dict__  # not built for the first frame
    page = window.session_page  # e.g. a shortcut pressed before the list came
    assert page is window.__dict__["session_page"]
    order = [window.stack.widget(i) for i in range(window.stack.count())]
    assert order == [window.welcome_page, window.clients_page, window.client_page,
                     window.session_page, window.sessions_page, window.actions_page,
                     window.people_page, window.invoices_page]
    assert window.undo_delete is not None  # Edit → Undo delete came with them
    window.finish_start()  # builds nothing twice
    assert window.stack.count() == len(order)
    with pytest.raises(AttributeError):
        _ = window.no_such_page


# -- the client list's folded search text (the costly part of loading 5,000 rows) ----------


def _slow_fold(text: str) -> str:
    import unicodedata

    from coachdesk.services.validation import _FOLD_EXTRA

    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_EXTRA)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_folding_takes_shorter_ways_to_the_same_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from coachdesk.services.validation import fold

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.characters(max_codepoint=127)))
    def same_ascii(text):  # the shortcut for plain ASCII
        assert fold(text) == _slow_fold(text)

    @settings(max_examples=300, deadline=None)
    @given(st.text())
    def same_any(text):  # accents dropped through the cached table
        assert fold(text) == _slow_fold(text)

    same_ascii()
    same_any()
    for text in ("Łukasz Żółć", "José Álvarez", "ǅemal", "ﬁnance", "ẞtraße", "Chen Jing (陈静)"):
        assert fold(text) == _slow_fold(text)


def test_a_practice_busy_at_start_says_so_and_is_tried_again(qtbot, deferred_window,
                                                            monkeypatch):
    from coachdesk.errors import PracticeBusyError
    from coachdesk.services import clients
    from ui import first_frame

    real_count, calls = clients.count, []

    def busy_once(db):
        calls.append(1)
        if len(calls) == 1:
            raise PracticeBusyError("Another program is using the practice file, so it "
                                    "cannot be read just now.")
        return real_count(db)

    monkeypatch.setattr(clients, "count", busy_once)
    monkeypatch.setattr(first_frame, "RETRY_MS", 50)
    page = deferred_window.clients_page
    deferred_window.show()
    assert first_frame.finish_or_retry(deferred_window) is False
    assert "Another program is using the practice file" in page.empty_label.text()
    assert "tries again" in page.empty_label.text() and "No clients" not in page.empty_label.text()
    assert page.count_label.text() == "Loading…"
    qtbot.waitUntil(lambda: page.model.rowCount() == 12, timeout=5000)  # the retry loaded it
    assert page.table.isVisible() and not page.empty_label.isVisible()


def test_pages_built_after_the_first_frame_get_their_saved_splitters_back(qtbot, demo_db):
    """As for a window built whole (tests/test_ui_window_state.py): the client's tabs'
    splitters come back, also when the client page was made after the first frame."""
    from PySide6.QtWidgets import QSplitter

    from ui import window_state
    from ui.context import AppContext
    from ui.main_window import MainWindow

    first = MainWindow(AppContext(demo_db))
    qtbot.addWidget(first)
    first.show()
    first.resize(1300, 760)
    first.open_client(first.clients_page.model.rows()[0].id)
    tabs, changed = first.client_page.tabs, {}
    for index in range(1, tabs.count()):
        tabs.setCurrentIndex(index)
        for key, splitter in window_state.keyed(first, QSplitter).items():
            sizes = splitter.sizes()
            if tabs.widget(index).isAncestorOf(splitter) and len(sizes) == 2 \
                    and sum(sizes) > 200:
                splitter.setSizes([sum(sizes) // 3, sum(sizes) - sum(sizes) // 3])
                changed[(index, key)] = splitter.sizes()
    assert changed, "no two-pane splitter on the client's tabs to try"
    first.close()

    again = MainWindow(AppContext(demo_db), deferred=True)
    qtbot.addWidget(again)
    again.show()
    again.finish_start()
    qtbot.waitUntil(lambda: again._late_built, timeout=5000)
    again.resize(1300, 760)
    again.open_client(again.clients_page.model.rows()[0].id)
    for (index, path), sizes in changed.items():
        again.client_page.tabs.setCurrentIndex(index)
        assert window_state.keyed(again, QSplitter)[path].sizes() == sizes, path


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_read_only_practice_opened_after_a_deferred_start_locks_every_page(
        qtbot, deferred_window, tmp_path, monkeypatch):
    """Pages built after the first frame are locked like the others when the coach then
    opens a practice that cannot be written (File → Open, "Open read-only")."""
    from PySide6.QtGui import QAction

    from ui import practice_file, read_only
    from ui.dialogs import db_problem

    locked = _demo_practice(tmp_path / "cd-copy" / "coachdesk.db", clients=2)
    locked.chmod(0o444)
    window = deferred_window
    read_only.follow(window)
    window.show()
    qtbot.waitExposed(window)
    window.finish_start()
    qtbot.waitUntil(lambda: window._late_built, timeout=5000)
    window.open_client(window.clients_page.model.rows()[0].id)
    assert not window.client_page.name.isReadOnly()
    monkeypatch.setattr(db_problem, "ask_what_to_do",
                        lambda message, backup, parent=None, **options: db_problem.READ_ONLY)
    try:
        assert practice_file.switch_practice(window, locked)
        assert window.ctx.db.read_only and "(read-only)" in window.windowTitle()
        window.open_client(window.clients_page.model.rows()[0].id)
        assert window.client_page.name.isReadOnly()
        assert not window.findChild(QAction, "actionNewClient").isEnabled()
    finally:
        locked.chmod(0o600)
