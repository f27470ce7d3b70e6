"""``coachdesk import-clients``: the dialog's client import from a terminal."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachdesk import cli, storage
from coachdesk.practice_lock import PracticeLock

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "imports"


@pytest.fixture
def practice(isolated_home, tmp_path) -> Path:
    path = tmp_path / "practice" / "coachdesk.db"
    path.parent.mkdir()
    storage.open_database(path).close()
    return path


def names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM client")}


def one_line_error(capsys, code: int, expected: int = 1) -> str:
    out = capsys.readouterr()
    assert code == expected
    assert "Traceback" not in out.err
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coachdesk: "), out.err
    return lines[0]


def test_dry_run_prints_the_plan_and_writes_nothing(practice, capsys):
    code = cli.main(["--db", str(practice), "import-clients", str(CASES / "excel-sep-line.csv"),
                     "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Row 2: Anna Beispiel, Muster AG, anna.beispiel@example.org" in out
    assert "Row 3: Bernd Probe, Muster AG, bernd.probe@example.org" in out
    assert "2 clients to import" in out and "nothing was written" in out
    assert "Text encoding:" in out
    assert names(practice) == set()


def test_real_run_imports_then_second_run_reports_duplicates(practice, capsys):
    args = ["--db", str(practice), "import-clients", str(CASES / "excel-sep-line.csv")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "2 clients imported" in out
    assert names(practice) == {"Anna Beispiel", "Bernd Probe"}
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "0 clients to import, 2 rows with a problem" in out
    assert "Already in CoachDesk" in out and "Nothing was imported." in out
    assert names(practice) == {"Anna Beispiel", "Bernd Probe"}


def test_cp1251_file_detected_and_encoding_option(practice, capsys):
    path = str(CASES / "excel-cp1251.csv")
    assert cli.main(["--db", str(practice), "import-clients", path, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Игорь Загорский" in out and "cp1251" in out
    assert cli.main(["--db", str(practice), "import-clients", path, "--encoding", "cp1251"]) == 0
    assert "Игорь Загорский" in names(practice)


def test_unknown_encoding_is_one_plain_line(practice, capsys):
    code = cli.main(["--db", str(practice), "import-clients", str(CASES / "excel-cp1251.csv"),
                     "--encoding", "klingon-8"])
    line = one_line_error(capsys, code)
    assert "encoding" in line and "cp1251" in line and "klingon" not in line
    assert names(practice) == set()


def test_missing_file_and_missing_practice(practice, tmp_path, capsys):
    code = cli.main(["--db", str(practice), "import-clients", str(tmp_path / "nope.csv")])
    one_line_error(capsys, code)
    code = cli.main(["--db", str(tmp_path / "none.db"), "import-clients",
                     str(CASES / "excel-sep-line.csv")])
    assert "There is no CoachDesk file" in one_line_error(capsys, code)
    assert not (tmp_path / "none.db").exists()


def test_refused_while_the_practice_is_locked(practice, capsys):
    with PracticeLock(practice):
        code = cli.main(["--db", str(practice), "import-clients",
                         str(CASES / "excel-sep-line.csv")])
    one_line_error(capsys, code)
    assert names(practice) == set()


def test_help_and_subprocess_run(practice, isolated_home):
    env = dict(os.environ, COACHDESK_HOME=str(isolated_home), PYTHONIOENCODING="utf-8")
    env.pop("COACHDESK_DB", None)
    r = subprocess.run([sys.executable, "-m", "coachdesk", "import-clients", "--help"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 0 and "--dry-run" in r.stdout and "--encoding" in r.stdout
    r = subprocess.run([sys.executable, "-m", "coachdesk", "--db", str(practice),
                        "import-clients", str(CASES / "excel-cp1251.csv")],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "" and "2 clients imported" in r.stdout
    assert {"Игорь Загорский", "Ольга Белова"} <= names(practice)


def test_problem_rows_are_listed_with_their_number_and_left_out(practice, tmp_path, capsys):
    path = tmp_path / "clients.csv"
    path.write_text("Name,E-mail,Company\nAda Lovelace,ada@example.org,Engines\n"
                    ",nobody@example.org,\nBob Stone,not-an-address,\n"
                    "Cleo Park,cleo@example.org,Engines\n", encoding="utf-8")
    assert cli.main(["--db", str(practice), "import-clients", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 clients to import, 2 rows with a problem." in out
    assert "  Row 3: " in out and "  Row 4: " in out
    assert "2 clients imported" in out
    assert names(practice) == {"Ada Lovelace", "Cleo Park"}
