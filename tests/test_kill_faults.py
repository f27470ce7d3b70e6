"""kill -9 during a JSON import, a migration and a backup, then ``check`` and the data compared.

Each test runs the operation in a child process (the CLI, or a short Python snippet) with
``COACHDESK_TEST_KILL_AT`` naming a ``faults.crash_point``; the child kills itself there
with SIGKILL (no ``finally``, no flush, as a power cut). The test then asserts that it died
by that signal, that ``python -m coachdesk check`` calls the practice healthy (exit 0), and
compares the data with what it must be:

- import: the practice is as before (no records) or holds the whole file, never half of it;
  the same import run again then finishes;
- migration: the file opens (the next open redoes or keeps the upgrade) with every row of
  the old file, and the pre-migration backup holds the old file;
- backup: the practice is untouched, no ``.partial`` survives the next backup, and no
  backup that rotation should keep is lost.

Restore and erasure have theirs in test_backup_faults.py and test_erasure_files.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from test_upgrades import FOUNDATION_TABLES, INDICATOR_TABLES, SESSION_TABLES, dump, make_file_at

from coachdesk import backups, migrations, paths, report_mirror, storage
from coachdesk import cli as coachdesk_cli
from coachdesk.backup_names import utcnow
from coachdesk.services import export, search

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(signal, "SIGKILL"),
                                reason="kill -9 of a child process needs POSIX (SIGKILL)")


def child_env(home: Path, kill_at: str | None) -> dict:
    env = dict(os.environ, COACHDESK_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("COACHDESK_TEST_KILL_AT", None)
    env.pop("COACHDESK_DB", None)
    if kill_at:
        env["COACHDESK_TEST_KILL_AT"] = kill_at
    return env


def cli(home: Path, db_path: Path, *args: str, kill_at: str | None = None):
    return subprocess.run([sys.executable, "-m", "coachdesk", "--db", str(db_path), *args],
                          cwd=ROOT, env=child_env(home, kill_at), capture_output=True,
                          text=True, timeout=300)


def python(home: Path, code: str, *args: str, kill_at: str | None = None):
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT,
                          env=child_env(home, kill_at), capture_output=True, text=True,
                          timeout=300)


def cli_here(home: Path, db_path: Path, *args: str) -> subprocess.CompletedProcess:
    """The same command run in this process: for the checks and re-runs after a kill,
    which need a fresh opening of the file, not a process of their own (each child costs
    half a second of imports; the kills themselves stay in children)."""
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {"COACHDESK_HOME": str(home)}), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = coachdesk_cli.main(["--db", str(db_path), *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def assert_killed(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stderr[-2000:])
    assert "DONE" not in result.stdout


def assert_healthy(home: Path, db_path: Path) -> str:
    result = cli_here(home, db_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK"), result.stdout
    assert result.stderr == ""
    return result.stdout


def rows(path: Path, tables) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (all columns, sorted), read from the file and its -wal."""
    con = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def partials(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.partial*")) if folder.is_dir() else []


# -- import -------------------------------------------------------------------------------


@pytest.fixture
def export_file(demo_db, tmp_path):
    """(the JSON export of a demo practice, that practice's path)."""
    out = export.export_practice(demo_db, tmp_path / "exported.json")
    return out, demo_db.path


IMPORT_POINTS = [
    ("migrate:before-commit", "none"),    # the new practice file itself is being made
    ("migrate:after-commit", "none"),     # made, nothing imported yet
    ("import:rows-inserted", "none"),     # every row inserted, not committed
    ("import:after-commit", "all"),       # committed, the search index not yet rebuilt
]


@pytest.mark.parametrize("kill_at,expected", IMPORT_POINTS)
def test_an_import_killed_at_any_step_leaves_none_or_all_of_the_file(
        export_file, tmp_path, isolated_home, kill_at, expected):
    source_file, source_db = export_file
    tables = [t.name for t in export.exported_tables()]
    whole = rows(source_db, tables)
    assert all(whole[t] for t in ("client", "engagement", "coaching_session"))
    target = tmp_path / "new" / "imported.db"

    assert_killed(cli(isolated_home, target, "import", str(source_file), kill_at=kill_at))

    made = target.exists() and storage.check_file(target).revision is not None
    assert made == (kill_at != "migrate:before-commit")
    if made:
        assert_healthy(isolated_home, target)
        now = rows(target, tables)
        if expected == "all":
            assert now == whole
        else:  # only what a new practice is made with (the seeded settings, indicators)
            assert not any(now[t] for t in tables if t not in export.SEEDED_TABLES)
    else:  # killed before the new practice itself was committed: it holds nothing
        said = cli_here(isolated_home, target, "check")
        assert "no practice has been created" in said.stdout + said.stderr
        assert "Traceback" not in said.stderr

    # The same import run again finishes (the killed one's lock died with it), or says
    # plainly that it already happened; either way the practice is the whole file.
    again = cli_here(isolated_home, target, "import", str(source_file))
    if expected == "all":
        assert again.returncode == 1 and "already holds records" in again.stderr
        assert "Traceback" not in again.stderr
    else:
        assert again.returncode == 0, again.stderr
    assert_healthy(isolated_home, target)
    assert rows(target, tables) == whole
    db = storage.open_database(target)
    try:  # the index is derived data: in step with the rows, whatever the kill
        assert search.index_problems(db, bodies=True) == 0
    finally:
        db.close()


# -- migration ------------------------------------------------------------------------------

OLD_REVISION = "0003_indicators"
OLD_TABLES = FOUNDATION_TABLES + SESSION_TABLES + INDICATOR_TABLES + ["setting"]
OPEN = "import sys\nfrom coachdesk import storage\nstorage.open_database(sys.argv[1]).close()\nprint('DONE')\n"

MIGRATION_POINTS = [
    ("copy:before-replace", OLD_REVISION),        # the pre-migration copy half-written
    ("backup:before-rotation", OLD_REVISION),     # the copy made, the upgrade not begun
    ("migrate:after-backup", OLD_REVISION),
    ("migrate:after-0004_report_log", OLD_REVISION),   # between two revisions
    ("migrate:before-commit", OLD_REVISION),      # every revision run, not committed
    ("migrate:after-commit", "head"),
]


@pytest.mark.parametrize("kill_at,revision_after_kill", MIGRATION_POINTS)
def test_a_migration_killed_at_any_step_leaves_a_file_that_opens_with_every_row(
        db_path, tmp_path, isolated_home, kill_at, revision_after_kill):
    make_file_at(db_path, OLD_REVISION)
    before = dump(db_path, OLD_TABLES)
    assert all(before[t][1] for t in OLD_TABLES)
    head = migrations.head_revision()
    assert OLD_REVISION in migrations.revisions_in_order()[:-2]  # two revisions to run

    assert_killed(python(isolated_home, OPEN, str(db_path), kill_at=kill_at))

    # The upgrade runs in one transaction: killed before its commit, the file is the old
    # one, whole (SQLite ignores the uncommitted pages in the -wal).
    report = assert_healthy(isolated_home, db_path)
    expected = head if revision_after_kill == "head" else revision_after_kill
    assert storage.check_file(db_path).revision == expected, report
    assert dump(db_path, OLD_TABLES, like=before) == before
    con = sqlite3.connect(db_path)
    try:  # nothing half-migrated: 0004's table is there only when the whole upgrade is
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()
    assert ("report_log" in tables) == (expected == head)

    db = storage.open_database(db_path)  # the next open redoes (or keeps) the upgrade
    try:
        assert db.revision() == head
    finally:
        db.close()
    assert dump(db_path, OLD_TABLES, like=before) == before
    assert "current" in assert_healthy(isolated_home, db_path)

    # The pre-migration backup exists and holds the old file; no half copy stays.
    folder = paths.backup_dir(db_path)
    safety = [b for b in backups.backup_files(db_path) if b.kind == backups.PRE_MIGRATION]
    assert safety
    assert all(storage.check_file(b.path).revision == OLD_REVISION for b in safety)
    assert all(dump(b.path, OLD_TABLES) == before for b in safety)
    assert partials(folder) == [] and partials(db_path.parent) == []


# -- backup -----------------------------------------------------------------------------------

BACKUP_POINTS = [
    "copy:before-replace",       # the copy whole in '<name>.<pid>.partial', not renamed
    "backup:before-rotation",    # renamed into place and checked, nothing rotated yet
    "rotate:after-delete",       # one old backup deleted, the others not yet
]


@pytest.fixture
def practice_with_history(demo_db):
    """A demo practice with a regular backup on each of the last 40 days, none rotated."""
    path = demo_db.path
    demo_db.close()
    now = utcnow()
    for days in range(40, 0, -1):
        backups.backup_now(path, kind=backups.DAILY, now=now - timedelta(days=days, hours=1),
                           rotate=False)
    return path


@pytest.mark.parametrize("kill_at", BACKUP_POINTS)
def test_a_backup_killed_at_any_step_loses_nothing_and_leaves_no_debris(
        practice_with_history, tmp_path, isolated_home, kill_at):
    practice = practice_with_history
    folder = paths.backup_dir(practice)
    tables = [t.name for t in export.exported_tables()]
    data = rows(practice, tables)
    before = backups.backup_files(practice)
    assert len(before) == 40
    # What a whole backup made now would keep of them (its own rotation's plan).
    coming = backups.BackupInfo(path=folder / "the one being made", when=utcnow(), size=0,
                                kind=backups.MANUAL, instant=utcnow())
    must_keep = {b.path for b in backups.plan_rotation([*before, coming], utcnow())[0]}
    must_keep.discard(coming.path)
    assert len(must_keep) < len(before) - 1  # the rotation has several files to delete

    assert_killed(cli(isolated_home, practice, "backup", kill_at=kill_at))

    assert_healthy(isolated_home, practice)
    assert rows(practice, tables) == data  # the practice is untouched
    after = {b.path for b in backups.backup_files(practice)}
    assert must_keep <= after, "a kill in a backup deleted a backup rotation keeps"
    made = after - {b.path for b in before}
    if kill_at == "copy:before-replace":
        assert made == set() and len(partials(folder)) == 1  # the kill hit the copy
    else:
        assert len(made) == 1 and partials(folder) == []
        assert backups.verify(made.pop())  # a whole, checked copy
    if kill_at == "rotate:after-delete":
        assert len(after) == len(before)  # the new one in, exactly one old one out

    # The next backup clears the debris, rotates what the killed one did not, and keeps
    # every backup the rotation should keep.
    again = cli_here(isolated_home, practice, "backup")
    assert again.returncode == 0, again.stderr
    assert partials(folder) == []
    final = backups.backup_files(practice)
    assert must_keep <= {b.path for b in final}
    keep, delete = backups.plan_rotation(final, utcnow())
    assert delete == []  # the rotation finished
    assert all(backups.verify(b.path) for b in final[:3])
    assert rows(practice, tables) == data
    assert assert_healthy(isolated_home, practice)


def test_a_backup_killed_while_sqlite_writes_the_copy_leaves_only_debris_the_next_one_clears(
        practice_with_history, isolated_home):
    """Not at a hook: SIGKILL from outside as soon as the copy's file appears, while SQLite
    is still writing it (the practice is made large so the copy takes a while)."""
    practice = practice_with_history
    con = sqlite3.connect(practice)
    try:  # ~24 MB that every copy must write
        con.executemany("INSERT INTO setting(key, value) VALUES (?, ?)",
                        [(f"ballast-{i}", os.urandom(3_000_000).hex()) for i in range(4)])
        con.commit()
    finally:
        con.close()
    folder = paths.backup_dir(practice)
    tables = [t.name for t in export.exported_tables()]
    data = rows(practice, tables)
    before = {b.path for b in backups.backup_files(practice)}

    child = subprocess.Popen([sys.executable, "-m", "coachdesk", "--db", str(practice), "backup"],
                             cwd=ROOT, env=child_env(isolated_home, None),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not partials(folder) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        code = child.wait(timeout=60)
    if code != -signal.SIGKILL:
        pytest.skip("the copy was finished before the kill arrived (a very fast disk)")
    left = partials(folder)
    assert left, "the kill did not hit the copy"

    assert_healthy(isolated_home, practice)
    assert rows(practice, tables) == data
    assert {b.path for b in backups.backup_files(practice)} == before  # none made, none lost
    again = cli_here(isolated_home, practice, "backup")
    assert again.returncode == 0, again.stderr
    assert partials(folder) == []
    assert not any(p.exists() for p in left)


@pytest.mark.parametrize("source_kept", [True, False], ids=["report-kept", "report-erased"])
def test_a_backup_killed_while_mirroring_a_report_leaves_no_partial_pdf(
        practice_with_history, isolated_home, source_kept):
    """The stored report PDFs are mirrored beside the backups after the copy and rotation;
    a kill half-way leaves '.<name>.pdf.<pid>.partial' there. The next backup removes it,
    also when the report itself is gone by then (its client erased): a part of a client's
    report must not outlive the client in the backups folder."""
    practice = practice_with_history
    source = report_mirror.reports_folder(practice) / "1" / "report.pdf"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(b"%PDF-1.4 a client's report " + os.urandom(64))
    mirror = report_mirror.mirror_folder(paths.backup_dir(practice), practice)

    assert_killed(cli(isolated_home, practice, "backup", kill_at="mirror:before-replace"))
    left = sorted(mirror.rglob(".*partial*"))
    assert len(left) == 1 and not (mirror / "1" / "report.pdf").exists()
    assert_healthy(isolated_home, practice)

    if not source_kept:
        source.unlink()
    again = cli_here(isolated_home, practice, "backup")
    assert again.returncode == 0, again.stderr
    assert sorted(mirror.rglob(".*partial*")) == []
    copy = mirror / "1" / "report.pdf"
    if source_kept:
        assert copy.read_bytes() == source.read_bytes()
    else:
        assert not copy.exists()
