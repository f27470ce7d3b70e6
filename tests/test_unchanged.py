"""Results kept while the practice file is unchanged (services.unchanged): served again
until anyone commits to the file, never stale, never shared between callers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from coachdesk.services import charts, clients, engagements, indicators, practice, risk, sessions, unchanged

TODAY = date(2026, 6, 1)


@pytest.fixture
def counted(monkeypatch):
    """How many times each practice-wide figure was really worked out."""
    calls = {"risk": 0, "averages": 0, "figures": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(risk, "_run", counting("risk", risk._run))
    monkeypatch.setattr(charts, "_averages", counting("averages", charts._averages))
    monkeypatch.setattr(practice, "session_figures",
                        counting("figures", practice.session_figures))
    return calls


@pytest.fixture
def low(db):
    """A client whose intent to stay is low (red), with a session held."""
    client = clients.create(db, "Søren Madsen")
    engagement = engagements.create(db, client.id, TODAY - timedelta(days=60), status="active")
    sessions.create(db, engagement.id, TODAY - timedelta(days=5), status="held")
    intent = indicators.by_key(db, "intent_to_stay")
    indicators.add_reading(db, client.id, intent.id, TODAY - timedelta(days=3), 2)
    return client


def _level(db, client_id: int) -> risk.Level:
    return next(a.level for a in risk.assess_all(db, today=TODAY) if a.client_id == client_id)


def test_a_second_visit_is_served_without_reading_the_practice_again(db, low, counted):
    first = practice.load_dashboard(db, TODAY)
    second = practice.load_dashboard(db, TODAY)
    assert counted == {"risk": 1, "averages": 1, "figures": 1}
    assert [a.reason_texts for a in second.attention] == [a.reason_texts for a in first.attention]
    assert second.attention[0].level == risk.Level.red
    assert second.averages[0].points == first.averages[0].points


def test_each_caller_gets_a_result_of_its_own(db, low):
    mine = risk.assess_all(db, today=TODAY)
    mine[0].level = risk.Level.green
    mine[0].reasons.clear()
    mine.clear()
    averages = charts.practice_indicator_averages(db, 12, TODAY)
    averages[0].points.clear()
    again = risk.assess_all(db, today=TODAY)
    assert again[0].level == risk.Level.red and again[0].reasons
    assert charts.practice_indicator_averages(db, 12, TODAY)[0].points


def test_a_write_through_the_app_is_seen_at_once(db, low, counted):
    assert _level(db, low.id) == risk.Level.red
    intent = indicators.by_key(db, "intent_to_stay")
    indicators.add_reading(db, low.id, intent.id, TODAY - timedelta(days=1), 9)
    assert _level(db, low.id) == risk.Level.green
    assert counted["risk"] == 2


def test_a_write_by_another_connection_is_seen(db, db_path, low):
    assert _level(db, low.id) == risk.Level.red
    other = sqlite3.connect(db_path)
    try:
        with other:
            other.execute("UPDATE client SET name = 'Renamed' WHERE id = ?", (low.id,))
    finally:
        other.close()
    assert [a.client_name for a in risk.assess_all(db, today=TODAY)] == ["Renamed"]


def test_a_write_by_another_program_is_seen(db, db_path, low):
    """``python -m coachdesk`` or a second copy writing while the app has the figures."""
    assert _level(db, low.id) == risk.Level.red
    child = ("import sqlite3, sys\n"
             "con = sqlite3.connect(sys.argv[1])\n"
             "with con:\n"
             "    con.execute(\"UPDATE client SET status = 'archived' WHERE id = ?\", "
             "(int(sys.argv[2]),))\n")
    subprocess.run([sys.executable, "-c", child, str(db_path), str(low.id)], check=True,
                   timeout=60)
    assert risk.assess_all(db, today=TODAY) == []


def test_a_write_while_the_figure_is_worked_out_is_not_hidden(db, db_path, low):
    """The version is read before the work: a write landing meanwhile makes the next
    call work it out again."""
    runs = []

    def work():
        runs.append(1)
        if len(runs) == 1:
            with sqlite3.connect(db_path) as other:
                other.execute("UPDATE client SET name = 'Renamed meanwhile'")
        return len(runs)

    assert unchanged.kept(db, "test.mid-write", work) == 1
    assert unchanged.kept(db, "test.mid-write", work) == 2
    assert unchanged.kept(db, "test.mid-write", work) == 2


def test_another_day_or_other_rules_are_worked_out_again(db, low, counted):
    risk.assess_all(db, today=TODAY)
    risk.assess_all(db, today=TODAY + timedelta(days=1))
    lenient = replace(risk.RULES, low_red=0.0, low_amber=0.0)
    assert _level(db, low.id) == risk.Level.red
    assert risk.assess_all(db, today=TODAY, rules=lenient)[0].level == risk.Level.green
    assert counted["risk"] == 3


def test_an_error_passes_through_and_nothing_is_kept(db):
    def broken():
        raise ValueError("no")

    with pytest.raises(ValueError):
        unchanged.kept(db, "test.broken", broken)
    assert unchanged.kept(db, "test.broken", lambda: "fine") == "fine"


def test_when_the_version_cannot_be_read_the_figure_is_worked_out_every_time(
        db, low, counted, monkeypatch):
    monkeypatch.setattr(unchanged._Watch, "version", lambda self: None)
    risk.assess_all(db, today=TODAY)
    risk.assess_all(db, today=TODAY)
    assert counted["risk"] == 2


def _open_handles(path: Path) -> int:
    fds = Path("/proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == str(path):
                count += 1
        except OSError:
            pass
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_closing_the_database_closes_the_watching_connection(db, db_path, low):
    """A restore needs every connection to the file closed; the watcher's is one."""
    risk.assess_all(db, today=TODAY)
    watch = unchanged._watches[db]
    assert not watch.closed
    db.close()
    assert watch.closed
    assert _open_handles(db_path.resolve()) == 0
    with pytest.raises(sqlite3.ProgrammingError):
        watch._con.execute("SELECT 1")
    # Used again after closing (as tests do), it watches afresh.
    assert _level(db, low.id) == risk.Level.red
    assert unchanged._watches[db] is not watch


def test_the_watching_connection_holds_no_read_open(db, db_path, low):
    """Between calls it leaves the file alone: a checkpoint can empty the log."""
    risk.assess_all(db, today=TODAY)
    risk.assess_all(db, today=TODAY)
    con = sqlite3.connect(db_path)
    try:
        busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()
    assert busy == 0
