"""``python -m coachdesk``, run as a coach would run it: in a separate process.

Independent commands are started together (``run_all``) to keep the suite fast.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachdesk import demo, paths, storage

ROOT = Path(__file__).resolve().parent.parent
DEMO_NAMES = {c[0] for c in demo.CLIENTS}
TIMEOUT = 60


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env["COACHDESK_HOME"] = str(home)
    env.pop("COACHDESK_DB", None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


class Result:
    def __init__(self, args, returncode, stdout, stderr):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self):  # shown when an assertion fails
        return (f"<coachdesk {' '.join(map(str, self.args))} -> {self.returncode}\n"
                f"stdout: {self.stdout!r}\nstderr: {self.stderr!r}>")


def run_all(home: Path, *commands: list) -> list[Result]:
    """Run several ``coachdesk`` command lines at once; results in the same order."""
    procs = []
    for args in commands:
        args = [str(a) for a in args]
        procs.append((args, subprocess.Popen(
            [sys.executable, "-m", "coachdesk", *args], cwd=ROOT, env=_env(home),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    results = []
    for args, proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        results.append(Result(args, proc.returncode, out.decode("utf-8"), err.decode("utf-8")))
    return results


def run(home: Path, *args) -> Result:
    return run_all(home, list(args))[0]


def assert_one_line_error(result: Result, code: int = 1, prefix: str = "coachdesk:") -> str:
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith(prefix), result
    return lines[0]


def names_in(path: Path) -> set[str]:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM client")}
    finally:
        con.close()


@pytest.fixture
def home(isolated_home) -> Path:
    isolated_home.mkdir(parents=True, exist_ok=True)
    return isolated_home


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """One demo practice built in-process, copied by the tests that need it."""
    path = tmp_path_factory.mktemp("cli-template") / "coachdesk.db"
    db = storage.open_database(path)
    try:
        demo.populate(db, clients=12, seed=7)
    finally:
        db.close()
    return path


@pytest.fixture
def demo_file(demo_template, tmp_path) -> Path:
    path = tmp_path / "practice" / "coachdesk.db"
    path.parent.mkdir()
    shutil.copy(demo_template, path)
    return path


# -- demo -----------------------------------------------------------------------


def test_demo_then_demo_again_is_refused(home, tmp_path):
    db = tmp_path / "new" / "coachdesk.db"
    first, in_home = run_all(home, ["--db", db, "demo"], ["demo", "--clients", "3"])
    assert first.returncode == 0, first
    assert "12 clients" in first.stdout and "Traceback" not in first.stderr
    assert names_in(db) == DEMO_NAMES
    # Without --db the practice lives in $COACHDESK_HOME.
    assert in_home.returncode == 0, in_home
    assert len(names_in(home / paths.DB_FILENAME)) == 3

    again = run(home, "--db", db, "demo")
    line = assert_one_line_error(again)
    assert "already has clients" in line
    assert again.stdout == ""
    assert len(names_in(db)) == 12


# -- clients ----------------------------------------------------------------------


def test_clients_table_json_and_filters(home, demo_file):
    table, as_json, archived = run_all(
        home,
        ["--db", demo_file, "clients"],
        ["--db", demo_file, "clients", "--json"],
        ["--db", demo_file, "clients", "--json", "--status", "archived", "--search", "BJORN"],
    )
    for r in (table, as_json, archived):
        assert r.returncode == 0, r
        assert r.stderr == "", r

    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "Name", "Organization", "Sponsor", "Status", "Engagement"]
    assert len(lines) == 1 + 12
    assert any("José Álvarez García" in line and "Nordlicht Energie GmbH" in line
               for line in lines)
    assert any("Chen Jing (陈静)" in line for line in lines)

    rows = json.loads(as_json.stdout)
    assert {r["name"] for r in rows} == DEMO_NAMES
    jose = next(r for r in rows if r["name"] == "José Álvarez García")
    assert jose["organization"] == "Nordlicht Energie GmbH"
    assert jose["sponsor"] == "Katrin Vogel"
    assert jose["status"] == "active" and jose["engagement_status"] == "active"
    assert set(jose) >= {"id", "email", "job_title", "start_date", "engagement"}

    archived_rows = json.loads(archived.stdout)
    assert [(r["name"], r["status"]) for r in archived_rows] == [("Björn Eriksson", "archived")]


# -- check -----------------------------------------------------------------------


def test_check_healthy_and_unhealthy_files(home, demo_file, tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database\n")
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(demo_file, corrupt)
    size = corrupt.stat().st_size
    with open(corrupt, "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xde\xad\xbe\xef" * ((size - 8192) // 4))
    missing = tmp_path / "missing.db"

    healthy, on_text, on_missing, on_corrupt = run_all(
        home,
        ["--db", demo_file, "check"],
        ["--db", text_file, "check"],
        ["--db", missing, "check"],
        ["--db", corrupt, "check"],
    )
    assert healthy.returncode == 0, healthy
    assert healthy.stdout.startswith("OK:") and "12 clients" in healthy.stdout
    assert healthy.stderr == ""

    # check prints the report itself (no "coachdesk:" prefix), on stderr when unhealthy.
    assert "not a database" in assert_one_line_error(on_text, prefix="notes.db")
    assert "There is no CoachDesk file" in assert_one_line_error(on_missing, prefix="There")
    assert not missing.exists(), "check must not create a file"
    assert "damaged" in assert_one_line_error(on_corrupt, prefix="corrupt.db")
    for r in (on_text, on_missing, on_corrupt):
        assert r.stdout == ""


# -- backup and restore ----------------------------------------------------------


def test_backup_out_then_restore_keeps_the_replaced_file(home, demo_file, tmp_path):
    out = tmp_path / "copies" / "monday.db"
    backup = run(home, "--db", demo_file, "backup", "--out", out)
    assert backup.returncode == 0, backup
    assert str(out) in backup.stdout
    assert names_in(out) == DEMO_NAMES

    # The practice changes after the backup...
    con = sqlite3.connect(demo_file)
    con.execute("UPDATE client SET name = 'Renamed After Backup' WHERE id = 1")
    con.commit()
    con.close()

    restore = run(home, "--db", demo_file, "restore", out)
    assert restore.returncode == 0, restore
    assert "Traceback" not in restore.stderr
    assert names_in(demo_file) == DEMO_NAMES
    assert "kept at" in restore.stdout
    kept = Path(restore.stdout.split("kept at", 1)[1].strip())
    assert kept.is_file() and kept.parent == paths.backup_dir(demo_file)
    assert "Renamed After Backup" in names_in(kept)


def test_backup_to_the_default_folder_and_errors(home, demo_file, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    default, missing_db, missing_backup, on_text = run_all(
        home,
        ["--db", demo_file, "backup"],
        ["--db", tmp_path / "nothing-here.db", "backup"],
        ["--db", demo_file, "restore", tmp_path / "no-such-backup.db"],
        ["--db", tmp_path / "notes.txt", "clients"],
    )
    assert default.returncode == 0, default
    assert len(storage.list_backups(demo_file)) == 1
    assert "no CoachDesk file" in assert_one_line_error(missing_db)
    assert "no backup" in assert_one_line_error(missing_backup)
    assert "not a CoachDesk file" in assert_one_line_error(on_text)
    assert (tmp_path / "notes.txt").read_text() == "hello"


# -- argument handling --------------------------------------------------------------

COMMANDS = ["demo", "clients", "check", "backup", "restore", "import-clients"]


def test_help_for_every_command(home):
    results = run_all(home, ["--help"], *[[c, "--help"] for c in COMMANDS], ["--version"])
    *helps, version = results
    for r in helps:
        assert r.returncode == 0, r
        assert r.stdout.startswith("usage: coachdesk"), r
        assert r.stderr == "", r
    for command in COMMANDS:
        assert command in helps[0].stdout
    assert "--clients" in helps[1].stdout and "--json" in helps[2].stdout
    assert version.returncode == 0 and version.stdout.startswith("CoachDesk "), version
    assert not any(home.iterdir()), "--help must not create files"


def test_bad_arguments_exit_2_without_traceback(home):
    bad = [
        [],
        ["frobnicate"],
        ["demo", "--clients", "many"],
        ["clients", "--status", "retired"],
        ["restore"],
    ]
    for r in run_all(home, *bad):
        line = assert_one_line_error(r, code=2, prefix="coachdesk")
        assert line.startswith("coachdesk") and "(see --help)" in line
        assert r.stdout == ""
    assert not any(home.iterdir()), "a usage error must not create files"


def test_the_clients_table_lines_up_names_in_every_script(capsys):
    from types import SimpleNamespace

    from wcwidth import wcswidth

    from coachdesk import cli_table

    names = ["Amara Okafor", "Chen Jing (陈静)", "김민준", "Rashid Al-Amin (راشد الأمين)", "Zoë"]
    cli_table.print_clients([
        SimpleNamespace(id=i, name=n, organization="Mercer & Hale", sponsor="Priya",
                        status="active", engagement="", engagement_status="")
        for i, n in enumerate(names)])
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split("  ")[1].strip() for line in lines] == names  # nothing cut
    starts = {wcswidth(line[:line.index("Mercer")]) for line in lines}
    assert len(starts) == 1, lines  # the next column starts at one terminal column
