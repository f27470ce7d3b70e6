"""The ICF coaching log (services/icf.py): hours from held sessions, paid and pro bono."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date

import pytest

from coachdesk.errors import ValidationError
from coachdesk.services import clients, engagements, icf, sessions


def _sql_minutes(path, date_from=None, date_to=None) -> dict:
    """(client name, is_group) -> [paid, pro bono] minutes, worked out by plain SQL."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            """
            SELECT c.name, s.is_group,
                   SUM(CASE WHEN s.pro_bono = 0 AND e.pro_bono = 0 THEN s.duration_minutes ELSE 0 END),
                   SUM(CASE WHEN s.pro_bono = 1 OR e.pro_bono = 1 THEN s.duration_minutes ELSE 0 END)
            FROM coaching_session s
            JOIN engagement e ON e.id = s.engagement_id
            JOIN client c ON c.id = s.client_id
            WHERE s.status = 'held'
              AND (:f IS NULL OR s.session_date >= :f) AND (:t IS NULL OR s.session_date <= :t)
            GROUP BY c.id, s.is_group
            """,
            {"f": date_from, "t": date_to},
        ).fetchall()
    finally:
        con.close()
    return {(name, bool(group)): [paid, pro_bono] for name, group, paid, pro_bono in rows}


def _log_minutes(rows) -> dict:
    out: dict = {}
    for r in rows:
        acc = out.setdefault((r.client_name, r.is_group), [0, 0])
        acc[0] += r.paid_minutes
        acc[1] += r.pro_bono_minutes
    return out


def test_hours_match_an_independent_sum_over_the_demo_practice(demo_db):
    rows = icf.coaching_log(demo_db)
    expected = _sql_minutes(demo_db.path)
    assert expected, "the demo practice has held sessions"
    assert _log_minutes(rows) == expected
    total = icf.totals(rows)
    assert total.paid_minutes == sum(v[0] for v in expected.values()) > 0
    assert total.pro_bono_minutes == sum(v[1] for v in expected.values()) > 0


def test_a_period_counts_only_its_sessions(demo_db):
    rows = icf.coaching_log(demo_db, date(2026, 10, 1), date(2026, 10, 31))
    assert _log_minutes(rows) == _sql_minutes(demo_db.path, "2026-10-01", "2026-10-31")
    for r in rows:
        assert date(2026, 10, 1) <= r.start_date <= r.end_date <= date(2026, 10, 31)


def test_grace_is_pro_bono_and_her_group_session_is_its_own_row(demo_db):
    rows = [r for r in icf.coaching_log(demo_db) if r.client_name == "Grace Mensah"]
    assert {r.is_group for r in rows} == {True, False}
    for r in rows:
        assert r.paid_minutes == 0 and r.pro_bono_minutes > 0
    group = next(r for r in rows if r.is_group)
    assert group.kind == "Group" and group.group_size == 4
    assert group.sessions == 1 and group.pro_bono_minutes == 120
    others = [r for r in icf.coaching_log(demo_db) if r.client_name != "Grace Mensah"]
    assert all(not r.is_group for r in others)


def test_only_held_sessions_count(db):
    client = clients.create(db, "Ana Test", email="ana@example.com", phone="+44 1")
    eng = engagements.create(db, client.id, start_date=date(2026, 1, 1))
    sessions.create(db, eng.id, date(2026, 1, 10), status="held", duration_minutes=90)
    sessions.create(db, eng.id, date(2026, 1, 20), status="held", duration_minutes=45,
                    pro_bono=True)
    for status in ("planned", "cancelled", "cancelled_late", "no_show"):
        sessions.create(db, eng.id, date(2026, 1, 15), status=status, duration_minutes=600)
    (row,) = icf.coaching_log(db)
    assert (row.paid_minutes, row.pro_bono_minutes, row.sessions) == (90, 45, 2)
    assert (row.start_date, row.end_date) == (date(2026, 1, 10), date(2026, 1, 20))
    assert row.contact == "ana@example.com; +44 1"


def test_per_engagement_and_filters(demo_db):
    per_client = icf.coaching_log(demo_db)
    per_eng = icf.coaching_log(demo_db, per_engagement=True)
    assert icf.totals(per_eng).paid_minutes == icf.totals(per_client).paid_minutes
    assert all(r.engagement_id is not None and r.engagement_label for r in per_eng)
    one = per_eng[0]
    only = icf.coaching_log(demo_db, engagement_id=one.engagement_id, per_engagement=True)
    assert {r.engagement_id for r in only} == {one.engagement_id}
    by_client = icf.coaching_log(demo_db, client_id=one.client_id)
    assert {r.client_id for r in by_client} == {one.client_id}
    with pytest.raises(ValidationError):
        icf.coaching_log(demo_db, client_id=99999)
    with pytest.raises(ValidationError, match="start is after its end"):
        icf.coaching_log(demo_db, date(2026, 2, 1), date(2026, 1, 1))


def test_csv_has_the_icf_header_a_bom_and_accents(demo_db, tmp_path):
    path = icf.write_csv(tmp_path / "log.csv", icf.coaching_log(demo_db))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["Client Name", "Contact Information", "Individual/Group",
                        "Number in Group", "Start Date", "End Date", "Paid Hours",
                        "Pro-Bono Hours"]
    names = [r[0] for r in table[1:]]
    assert "José Álvarez García" in names and "Rashid Al-Amin (راشد الأمين)" in names
    grace_group = next(r for r in table[1:] if r[0] == "Grace Mensah" and r[2] == "Group")
    assert grace_group[3] == "4" and grace_group[6] == "0.00" and grace_group[7] == "2.00"
    paid = sum(float(r[6]) for r in table[1:])
    assert paid == pytest.approx(icf.totals(icf.coaching_log(demo_db)).paid_hours, abs=0.01)


def test_hostile_names_stay_text_in_a_spreadsheet(db, tmp_path):
    client = clients.create(db, "=HYPERLINK(\"http://x\")", email="", phone="+44 20 7946 0000")
    eng = engagements.create(db, client.id, start_date=date(2026, 1, 1))
    sessions.create(db, eng.id, date(2026, 1, 10), status="held")
    path = icf.write_csv(tmp_path / "h.csv", icf.coaching_log(db))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        row = list(csv.reader(fh))[1]
    assert row[0] == "'=HYPERLINK(\"http://x\")" and row[1] == "'+44 20 7946 0000"


def test_cli_icf_log(demo_db, tmp_path, capsys):
    from coachdesk import cli

    out = tmp_path / "icf.csv"
    assert cli.main(["--db", str(demo_db.path), "icf-log", "--from", "2026-01-01",
                     "--out", str(out)]) == 0
    assert "pro bono hours" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbfClient Name,")
    assert cli.main(["--db", str(demo_db.path), "icf-log", "--to", "31/12/2026",
                     "--out", str(out)]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
