"""The coach's words reach no log, no temporary file and no message (issue 12, item 11).

A canary — unique text — is planted in every private or personal text field of a practice
(names, notes, summaries, GROW fields, options, actions, goals, ratings, indicator notes,
stakeholders, patterns, the report draft). Then the failing paths run: saves while a second
connection holds the write lock, saves on a full disk (SQLite's SQLITE_FULL injected), CLI
commands against a held file, imports of broken files, reports that cannot be written. The
log folder (with the app's own log file, at DEBUG), the temporary folder, the CLI's output
and every message the coach is shown are then searched for the canary.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import cli_child
import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from sqlalchemy import event, text

from coachdesk import paths, storage
from coachdesk.errors import CoachDeskError
from coachdesk.services import clients, export, sessions

CANARY = "cnry7Q"  # every planted text holds it: the search needs only this
ROOT = Path(__file__).resolve().parent.parent

# Every text column a coach fills in that is private or personal (emails and phones keep
# valid shapes, so that the app reads them as it would a real practice).
PRIVATE = {
    "organization": ["name", "notes"],
    "sponsor": ["name", "role"],
    "client": ["name", "job_title", "background"],
    "engagement": ["objectives"],
    "coaching_session": ["private_notes", "shared_summary"],
    "grow_worksheet": ["goal_session", "goal_long_term", "reality_facts", "reality_tried",
                       "reality_obstacles", "will_what", "will_when"],
    "grow_option": ["text", "notes"],
    "action_item": ["text"],
    "indicator_reading": ["private_comment"],
    "goal": ["title", "description", "level_m2", "level_m1", "level_0", "level_p1", "level_p2"],
    "goal_rating": ["comment"],
    "stakeholder": ["name", "role", "notes"],
    "client_motivation": ["notes"],
    "blocking_pattern": ["pattern", "when_it_shows", "what_it_costs"],
    "report_draft": ["coach_summary", "next_steps"],
}


def plant(db) -> None:
    with db.session() as s:
        con = s.connection()
        for table, columns in PRIVATE.items():
            sets = ", ".join(f"{c} = '{c} {CANARY}-{table}-' || id" for c in columns)
            con.execute(text(f"UPDATE {table} SET {sets}"))
    with db.session() as s:  # proof the planting reached every table that has rows
        con = s.connection()
        for table, columns in PRIVATE.items():
            if con.execute(text(f"SELECT count(*) FROM {table}")).scalar():
                found = con.execute(text(f"SELECT count(*) FROM {table} WHERE "
                                         f"{columns[0]} LIKE '%{CANARY}%'")).scalar()
                assert found, table


def hold_the_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a second program holds the write lock
    return other


def disk_full(db):
    """From now on every write on ``db`` fails as SQLite fails on a full disk."""
    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
    event.listen(db.engine, "before_cursor_execute", refuse)
    return lambda: event.remove(db.engine, "before_cursor_execute", refuse)


class Watch:
    """Everything the coach or a reader of the log could see: found canaries are leaks."""

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = tmp_dir
        self.said: list[tuple[str, str]] = []  # (where, text)

    def say(self, where: str, value) -> None:
        self.said.append((where, str(value)))

    def leaks(self) -> list[str]:
        found = [f"{where}: …{t[max(0, t.find(CANARY) - 60):t.find(CANARY) + 30]!r}…"
                 for where, t in self.said if CANARY in t]
        for folder, what in ((paths.log_dir(), "log"), (self.tmp_dir, "temp")):
            for f in sorted(folder.rglob("*")) if folder.exists() else []:
                if f.is_file() and CANARY.encode() in f.read_bytes():
                    found.append(f"{what} file {f.relative_to(folder)}")
        return found


@pytest.fixture
def watch(tmp_path, monkeypatch):
    """The app's own log file in the log folder at DEBUG, a private temporary folder."""
    from ui.app import setup_logging

    tmp_dir = tmp_path / "tmp"
    tmp_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_dir))
    monkeypatch.setenv("TMPDIR", str(tmp_dir))
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    log_file = setup_logging()
    assert log_file is not None and log_file.parent == paths.log_dir()
    root.setLevel(logging.DEBUG)
    w = Watch(tmp_dir)
    yield w
    for handler in root.handlers[:]:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def canary_db(db_path, monkeypatch):
    from coachdesk import demo

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 200)  # a lock "held for long" = 0.2 s
    db = storage.open_database(db_path)
    demo.populate(db, clients=6, seed=11)
    plant(db)
    yield db
    db.close()


def flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def cli(*args: str, tmp_dir: Path) -> subprocess.CompletedProcess:
    """``python -m coachdesk ARGS`` in a child that, like canary_db, gives up on a held lock
    after 0.2 s (tests/cli_child.py)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_dir))
    return subprocess.run(cli_child.argv(*args, busy_ms=200), env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


# -- the engine and the command line -----------------------------------------------------------

def test_failing_saves_imports_reports_and_commands_leak_no_canary(canary_db, watch, tmp_path,
                                                                   caplog):
    caplog.set_level(logging.DEBUG)
    db = canary_db
    client = clients.list_rows(db)[0]
    session = next(s for s in sessions.list_for_client(db, client.id) if s.private_notes)
    words = f"typed {CANARY}-typed <b>&</b> 保密"

    # saves while another program holds the file, then on a full disk
    other = hold_the_lock(db.path)
    for call in (lambda: clients.update(db, client.id, background=words),
                 lambda: sessions.update(db, session.id, private_notes=words),
                 lambda: clients.create(db, words)):
        with pytest.raises(CoachDeskError) as refused:
            call()
        watch.say("busy save", refused.value)
        watch.say("busy save, cause", repr(refused.value.__cause__))
    other.rollback()
    other.close()
    undo = disk_full(db)
    for call in (lambda: clients.update(db, client.id, background=words),
                 lambda: sessions.update(db, session.id, shared_summary=words)):
        with pytest.raises(CoachDeskError) as refused:
            call()
        watch.say("full-disk save", refused.value)
        assert "disk is full" in str(refused.value)
    undo()

    # imports of broken files: a NUL in a private note, a note where a number goes, cut short
    exported = tmp_path / "practice.json"
    export.export_practice(db, exported)
    doc = json.loads(exported.read_text(encoding="utf-8"))
    sessions_rows = doc["tables"]["coaching_session"] if "tables" in doc else None
    broken = []
    if sessions_rows:
        row = next(r for r in sessions_rows if CANARY in (r.get("private_notes") or ""))
        with_nul = json.loads(json.dumps(doc))
        next(r for r in with_nul["tables"]["coaching_session"] if r["id"] == row["id"])[
            "private_notes"] = f"{CANARY} before\x00after"
        shifted = json.loads(json.dumps(doc))
        shifted_row = next(r for r in shifted["tables"]["coaching_session"]
                           if r["id"] == row["id"])
        shifted_row["duration_minutes"] = shifted_row["private_notes"]
        broken = [("nul", with_nul), ("shifted", shifted)]
    for name, content in broken:
        (tmp_path / f"{name}.json").write_text(json.dumps(content), encoding="utf-8")
    (tmp_path / "cut.json").write_text(exported.read_text(encoding="utf-8")[:5000],
                                       encoding="utf-8")
    assert broken, "the export's shape changed: update the broken files"
    for name in [n for n, _ in broken] + ["cut"]:
        fresh = storage.open_database(tmp_path / f"new-{name}.db")
        with pytest.raises(CoachDeskError) as refused:
            export.import_practice(fresh, tmp_path / f"{name}.json")
        fresh.close()
        watch.say(f"import {name}", refused.value)
    vcard = tmp_path / "broken.vcf"
    vcard.write_bytes(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{CANARY} Vcard\r\nN:{CANARY};X\r\n"
                      f"NOTE;ENCODING=QUOTED-PRINTABLE:{CANARY}=ZZ=\r\n".encode()
                      + b"\xff\xfe broken\r\n")
    from coachdesk.services import client_import

    try:
        source = client_import.read_source(vcard)
        watch.say("vcard problems", [getattr(r, "problem_text", "") for r in
                                     getattr(source, "rows", [])])
    except CoachDeskError as exc:
        watch.say("vcard import", exc)

    # the command line: a held file, a broken import, a report that cannot be written
    target = tmp_path / "held.db"
    storage.open_database(target).close()
    other = hold_the_lock(target)
    done = cli("--db", str(target), "import", str(exported), tmp_dir=watch.tmp_dir)
    other.rollback()
    other.close()
    watch.say("cli import on a held file", done.stdout + done.stderr)
    assert done.returncode != 0
    for name in [n for n, _ in broken] + ["cut"]:
        done = cli("--db", str(tmp_path / f"cli-{name}.db"), "import",
                   str(tmp_path / f"{name}.json"), tmp_dir=watch.tmp_dir)
        watch.say(f"cli import {name}", done.stdout + done.stderr)
        assert done.returncode != 0
    engagement = next(iter(doc["tables"]["engagement"]))["id"]
    db.close()
    other = hold_the_lock(db.path)
    done = cli("--db", str(db.path), "report", "--engagement", str(engagement), "--out",
               str(tmp_path / "report.pdf"), tmp_dir=watch.tmp_dir)
    other.rollback()
    other.close()
    watch.say("cli report on a held file", done.stdout + done.stderr)
    (tmp_path / "a-file").write_text("not a folder")
    done = cli("--db", str(db.path), "report", "--engagement", str(engagement), "--out",
               str(tmp_path / "a-file" / "report.pdf"), tmp_dir=watch.tmp_dir)
    watch.say("cli report nowhere to write", done.stdout + done.stderr)
    assert done.returncode != 0
    done = cli("--db", str(db.path), "clients", tmp_dir=watch.tmp_dir)
    assert CANARY in done.stdout, "the scan does see the planted names where they belong"

    flush_logs()
    watch.say("captured log", caplog.text)
    assert not watch.leaks(), "\n".join(watch.leaks())


# -- the app --------------------------------------------------------------------------------------

@pytest.fixture
def canary_win(qtbot, canary_db, watch, monkeypatch):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    shown = []

    def static(kind):
        def answer(parent, title, message, *args, **kwargs):
            watch.say(f"message box {title}", message)
            return QMessageBox.StandardButton.No if kind == "question" else \
                QMessageBox.StandardButton.Ok
        return staticmethod(answer)

    for kind in ("warning", "information", "question", "critical"):
        monkeypatch.setattr(QMessageBox, kind, static(kind))

    def exec_(box):
        watch.say(f"message box {box.windowTitle()}",
                  box.text() + "\n" + box.informativeText() + "\n" + box.detailedText())
        shown.append(box)
        return int(QMessageBox.StandardButton.Cancel)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    window = MainWindow(AppContext(canary_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.ctx.status_message.connect(lambda m: watch.say("status bar", m))
    yield window


def _said(win) -> list[str]:
    """What the window says about the fault: its state labels and error lines (the page's
    title rightly shows the client's name, so titles are not searched)."""
    return [w.text() for w in win.findChildren(QLabel) if w.isVisible()
            and (w.objectName().endswith(("Error", "saved", "Saved", "State", "state"))
                 or "saved" in w.text().lower())]


def test_failing_autosaves_in_the_app_leak_no_canary(qtbot, canary_win, watch, caplog):
    caplog.set_level(logging.DEBUG)
    win = canary_win
    db = win.ctx.db
    client = clients.list_rows(db)[0]
    session = next(s for s in sessions.list_for_client(db, client.id) if s.private_notes)
    typed = f" {CANARY}-typed <b>&</b> 保密"

    win.open_session(session.id)
    page = win.session_page
    fields = [page.private_notes, page.shared_summary, *page.grow.edits.values()]
    for fault in ("busy", "full"):
        if fault == "busy":
            other = hold_the_lock(db.path)
        else:
            undo = disk_full(db)
        for field in fields:
            field.moveCursor(field.textCursor().MoveOperation.End)
            field.insertPlainText(typed)
        page.saver.flush()
        assert page.saver.dirty, "nothing claims saved"
        assert any("Not saved yet" in t for t in _said(win)), "the state line was searched"
        watch.say(f"{fault}: labels", "\n".join(_said(win)))
        watch.say(f"{fault}: status", win.statusBar().currentMessage())
        if fault == "busy":
            other.rollback()
            other.close()
        else:
            undo()
        page.saver.flush()  # as the retry does, a little later
        assert not page.saver.dirty
    assert CANARY + "-typed" in sessions.get(db, session.id).private_notes

    win.open_client(client.id)
    cpage = win.client_page
    undo = disk_full(db)
    cpage.background.moveCursor(cpage.background.textCursor().MoveOperation.End)
    cpage.background.insertPlainText(typed)
    cpage.saver.flush()
    watch.say("client page: labels", "\n".join(_said(win)))
    watch.say("client page: status", win.statusBar().currentMessage())
    undo()
    cpage.saver.flush()
    assert not cpage.saver.dirty
    for _ in range(3):
        QApplication.processEvents()

    flush_logs()
    watch.say("captured log", caplog.text)
    assert not watch.leaks(), "\n".join(watch.leaks())


# -- errors nobody foresaw ------------------------------------------------------------------------

def test_an_unexpected_error_logs_where_and_what_kind_never_its_message(qtbot, watch,
                                                                         monkeypatch):
    """An exception's message may quote the coach (a cell of an imported file, a file named
    after a client): the log file keeps the traceback's frames and the type, not the text;
    the crash dialog names neither."""
    from ui.app import install_excepthook

    def inner():
        raise OSError(2, f"No such file: {CANARY}-client-name.pdf")

    def outer():
        try:
            inner()
        except OSError as exc:
            raise ValueError(f"could not read {CANARY}-cell") from exc

    try:
        outer()
    except ValueError:
        logging.getLogger("coachdesk.ui").exception("client import: reading failed")
    import threading

    from ui import app as app_module
    from ui.dialogs.crash import CrashDialog

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.delenv("COACHDESK_NO_DIALOGS", raising=False)
    shown = []
    monkeypatch.setattr(CrashDialog, "open", lambda self: shown.append(self))
    install_excepthook()
    try:
        raise KeyError(f"{CANARY}-key")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: bool(shown))  # the dialog comes through a queued signal
    app_module._reporter.dialog = None
    dialog = shown[0]
    qtbot.addWidget(dialog)
    shown = [dialog.message.text(), dialog.help.text(), dialog.details]
    assert "KeyError (message not logged)" in dialog.details
    flush_logs()
    log_text = (paths.log_dir() / "coachdesk.log").read_text(encoding="utf-8")
    assert "client import: reading failed" in log_text and "in inner" in log_text
    assert "FileNotFoundError [errno 2] (message not logged)" in log_text
    assert "ValueError (message not logged)" in log_text
    assert "KeyError (message not logged)" in log_text
    assert shown and "went wrong" in shown[0] and "KeyError" not in shown[0]
    for message in shown:
        watch.say("crash dialog", message)
    assert not watch.leaks(), "\n".join(watch.leaks())
