"""Data protection (issue 7): subject access, erasing a client without trace, retention review."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from consent_helpers import agree
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from coachdesk import mail
from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Agreement, Engagement, EngagementStatus, Invoice, InvoiceLine, ReportDraft
from coachdesk.reports import progress
from coachdesk.services import (
    actions,
    clients,
    consent,
    engagements,
    erasure,
    goals,
    grow,
    indicators,
    organizations,
    privacy,
    relationships,
    report_log,
    search,
    session_trash,
    sessions,
    sponsors,
)

NAME = "Zyxqvor-Éraseme-陈"
TOKEN = "zyxqvor"  # how the search index stores the name's first word
CANARY = "QZPRIVATECANARY"
HOSTILE = '<b>&"\' 🙂 مرحبا 陈静'


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


def make_client(db, tmp_path, name=NAME) -> int:
    """A client with a row in every table that belongs to a client, the name everywhere."""
    org = organizations.create(db, "Shared Org Ltd")
    sponsor = sponsors.create(db, "Priya Sponsor", email="priya@example.com",
                              organization_id=org.id)
    c = clients.create(db, name, email="zyx@example.com", organization_id=org.id,
                       background=f"Background of {name} {HOSTILE}")
    e = engagements.create(db, c.id, date(2025, 1, 6), sponsor_id=sponsor.id,
                           end_date=date(2025, 12, 31), objectives=f"Objectives for {name}")
    sess = sessions.create(db, e.id, date(2025, 2, 3), status="held")
    sessions.save_notes(db, sess.id, private_notes=f"{CANARY} private about {name} {HOSTILE}",
                        shared_summary=f"Shared summary for {name}")
    ws = grow.for_session(db, sess.id)
    grow.update(db, ws.id, goal_session=f"Goal of {name}", reality_facts="Facts")
    grow.add_option(db, ws.id, f"Option by {name}", notes="option notes")
    actions.create(db, sess.id, f"Action for {name}")
    indicators.ensure_defaults(db)
    ind = indicators.list_all(db)[0]
    indicators.add_reading(db, c.id, ind.id, date(2025, 2, 3), ind.scale_min,
                           engagement_id=e.id, private_comment=f"Reading about {name}")
    g = goals.create(db, e.id, f"Goal title {name}")
    goals.add_rating(db, g.id, date(2025, 3, 1), 0, comment=f"Rating comment {name}")
    st = relationships.add_stakeholder(db, c.id, f"Boss of {name}", notes=f"Notes {name}")
    relationships.set_stakeholder_mvs(db, st.id, 50, 30, 20)
    relationships.set_client_mvs(db, c.id, 40, 30, 30, notes=f"MVS notes {name}")
    relationships.add_pattern(db, c.id, f"Pattern of {name}")
    agree(db, e.id, how=f"In the agreement {name} signed")
    data = progress.report_data(db, e.id, "2025-01-06", "2025-03-31",
                                coach_summary=f"Summary about {name}", next_steps="Next")
    pdf = progress.build_report_pdf(tmp_path / "report.pdf", data)
    entry = report_log.record(db, e.id, pdf, data, recipient="priya@example.com")
    # an e-mail copy of that report, waiting in the outbox
    eml = mail.make_eml("priya@example.com", f"Report {name}", "Body", entry.pdf_path,
                        draft=False)
    mail.queue(mail.outbox_dir(db.path), eml)
    # a session deleted by mistake, waiting in the Deleted sessions list
    gone = sessions.create(db, e.id, date(2025, 2, 10), status="held")
    sessions.save_notes(db, gone.id, private_notes=f"{CANARY} deleted session of {name}")
    session_trash.delete(db, gone.id)
    with db.session() as s:  # a report draft (kept by the report dialog)
        s.add(ReportDraft(engagement_id=e.id, coach_summary=f"Draft about {name}"))
    consent.record(db, e.id, ["summary", "sessions"], [], "2025-01-06", f"Signed by {name}")
    with db.session() as s:  # the agreement and an invoice with one line
        s.add(Agreement(engagement_id=e.id, signed_file=f"{e.id}/agreement-signed.pdf"))
        inv = Invoice(engagement_id=e.id, organization_id=org.id, bill_to_name="Shared Org Ltd",
                      notes=f"Invoice note for {name}")
        s.add(inv)
        s.flush()
        s.add(InvoiceLine(invoice_id=inv.id, description=f"Session with {name}",
                          unit_cents=50000, amount_cents=50000, session_id=sess.id))
    return c.id


def table_counts(db) -> dict[str, int]:
    with db.session() as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables}


# -- coverage: no table that belongs to a client is forgotten ---------------------------------


def test_every_table_linked_to_a_client_is_covered_and_named():
    """A table with a foreign key to a client, or to any of the client's records, is
    exported and erased (found from the models), and has a plain heading."""
    owned = {t.name for t in privacy.client_tables()}
    for table in SQLModel.metadata.sorted_tables:
        parents = {fk.column.table.name for fk in table.foreign_keys}
        if parents & owned:
            assert table.name in owned, table.name
    for must in ("engagement", "coaching_session", "grow_worksheet", "grow_option",
                 "action_item", "indicator_reading", "goal", "goal_rating", "stakeholder",
                 "client_motivation", "blocking_pattern", "report_log"):
        assert must in owned
    unnamed = owned - {"client"} - set(privacy.SECTIONS)
    assert not unnamed, f"give these tables a heading in privacy.SECTIONS: {unnamed}"
    # shared records are not the client's
    assert not owned & {"organization", "sponsor", "indicator", "setting"}


# -- subject access ------------------------------------------------------------------------


def test_subject_access_holds_every_section_and_the_private_notes(db, tmp_path):
    cid = make_client(db, tmp_path)
    data = privacy.subject_access(db, cid, now=datetime(2026, 1, 2, tzinfo=UTC))
    assert data["client"]["name"] == NAME
    assert data["organization"]["name"] == "Shared Org Ltd"
    assert [s["name"] for s in data["sponsors"]] == ["Priya Sponsor"]
    # every table that belongs to a client has its section, and the fixture filled each
    expected = {privacy.section_key(t.name) for t in privacy.client_tables()} - {"client"}
    assert set(data["records"]) == expected
    empty = [k for k, rows in data["records"].items() if not rows]
    assert not empty, f"make_client should fill every section: {empty}"
    session = data["records"]["sessions"][0]
    assert CANARY in session["private_notes"] and HOSTILE in session["private_notes"]
    assert session["shared_summary"] == f"Shared summary for {NAME}"
    assert data["records"]["indicator_readings"][0]["private_comment"] == f"Reading about {NAME}"
    assert data["records"]["indicator_readings"][0]["indicator"]
    assert data["records"]["goal_ratings"][0]["comment"] == f"Rating comment {NAME}"
    assert data["records"]["stakeholders"][0]["mvs_blue"] == 50
    assert data["records"]["report_log"][0]["coach_summary"] == f"Summary about {NAME}"
    assert Path(data["stored_files"][0]).is_file()


def test_subject_access_is_only_about_that_client(demo_db, tmp_path):
    cid = make_client(demo_db, tmp_path)
    data = privacy.subject_access(demo_db, cid)
    assert len(data["records"]["engagements"]) == 1
    assert len(data["records"]["sessions"]) == 1
    assert {r["client_id"] for r in data["records"]["stakeholders"]} == {cid}


def test_subject_access_files_round_trip_and_pdf_has_the_private_canary(db, tmp_path):
    cid = make_client(db, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    json_path, pdf_path = privacy.write_subject_access(db, cid, out)
    # named as every file CoachDesk proposes: what — whose — when
    today = date.today().isoformat()
    assert json_path.name == f"Personal data — Zyxqvor-Éraseme-陈 — {today}.json"
    assert pdf_path.name == f"Personal data — Zyxqvor-Éraseme-陈 — {today}.pdf"
    raw = json_path.read_bytes()
    assert NAME.encode("utf-8") in raw  # UTF-8, not \u escapes
    loaded = json.loads(raw.decode("utf-8"))
    assert loaded["records"] == json.loads(json.dumps(privacy.subject_access(db, cid)))["records"]
    words = pdf_text(pdf_path)
    assert CANARY in words
    assert "Personal data held about Zyxqvor-Éraseme-" in words
    assert "private" in words.lower() and "Coach's private notes" in words
    assert '<b>&"' in words  # hostile text printed as typed
    meta = PdfReader(str(pdf_path)).metadata
    assert meta.title.startswith("Personal data held about Zyxqvor")
    # no partial files left behind
    assert sorted(p.name for p in out.iterdir()) == sorted([json_path.name, pdf_path.name])


def test_subject_access_refuses_a_missing_client_or_folder(db, tmp_path):
    with pytest.raises(NotFoundError):
        privacy.subject_access(db, 9999)
    cid = clients.create(db, "Ann").id
    with pytest.raises(ValidationError):
        privacy.write_subject_access(db, cid, tmp_path / "nope")


# -- erasing --------------------------------------------------------------------------------


def test_erase_preview_counts_what_will_go(db, tmp_path):
    cid = make_client(db, tmp_path)
    p = erasure.erase_preview(db, cid)
    assert p.name == NAME
    assert p.counts["engagement"] == 1 and p.counts["coaching_session"] == 1
    assert p.counts["stakeholder"] == 1 and p.counts["report_log"] == 1
    assert p.private_notes == 1 and p.shared_summaries == 1
    assert len(p.report_files) == 1 and len(p.mail_files) == 1
    lines = p.lines()
    assert "1 engagement" in lines and "1 session" in lines and "1 private note" in lines
    assert "1 stored report PDF" in lines and "1 e-mail copy of a report" in lines
    assert "1 progress report log entry" in lines
    assert "1 deleted session waiting in the Deleted sessions list" in lines
    assert "1 progress report draft" in lines


def _file_bytes(db) -> bytes:
    data = Path(db.path).read_bytes()
    wal = Path(str(db.path) + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def test_erase_leaves_no_trace(demo_db, tmp_path):
    db = demo_db
    cid = make_client(db, tmp_path)
    preview = erasure.erase_preview(db, cid)
    report_pdf, eml = preview.report_files[0], preview.mail_files[0]
    assert search.search(db, TOKEN)  # found before
    assert NAME.encode("utf-8") in _file_bytes(db)  # the check below can fail
    before = table_counts(db)
    other_ids = [r.id for r in clients.list_rows(db) if r.id != cid]
    other_before = {i: erasure.erase_preview(db, i).counts for i in other_ids}

    result = erasure.erase_client(db, cid)

    assert result.wal_truncated and not result.files_left
    assert result.files_removed == 2
    after = table_counts(db)
    for table, n in preview.counts.items():
        assert after[table] == before[table] - n, table
    # shared records stay: organisations, sponsors, indicators
    for table in ("organization", "sponsor", "indicator"):
        assert after[table] == before[table]
    # other clients untouched, row for row
    assert {i: erasure.erase_preview(db, i).counts for i in other_ids} == other_before
    with pytest.raises(NotFoundError):
        clients.get(db, cid)
    assert not report_pdf.exists() and not eml.exists()
    assert not report_pdf.parent.exists()  # the engagement's report folder is gone too
    assert search.search(db, TOKEN) == [] and search.search(db, "Éraseme") == []
    assert search.search(db, "陈") == [] or all(h.client_id != cid for h in search.search(db, "陈"))
    assert search.index_is_consistent(db, bodies=True)
    raw = _file_bytes(db)
    assert NAME.encode("utf-8") not in raw
    assert TOKEN.encode() not in raw.lower()
    assert CANARY.encode() not in raw
    with db.session() as s:
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        assert s.execute(text("PRAGMA quick_check")).scalar_one() == "ok"


def test_erase_unknown_client_changes_nothing(db):
    with pytest.raises(NotFoundError):
        erasure.erase_client(db, 4242)


def test_backups_with_client_finds_older_copies(db, tmp_path):
    from coachdesk import storage

    cid = make_client(db, tmp_path)
    old = storage.backup_file(db.path)
    other = clients.create(db, "Someone else")
    erasure.erase_client(db, cid)
    clean = storage.backup_file(db.path)
    found = erasure.backups_with_client([old, clean], cid, NAME)
    assert found == [old]
    assert other.id  # the practice is still there


# -- retention review --------------------------------------------------------------------------


def _archived(db, name, ends, status=EngagementStatus.completed, start=date(2010, 1, 1)):
    c = clients.create(db, name, status="archived")
    for end in ends:
        with db.session() as s:
            s.add(Engagement(client_id=c.id, start_date=start, end_date=end, status=status))
    return c.id


def test_retention_candidates_with_a_frozen_today(db):
    today = date(2026, 3, 1)
    old = _archived(db, "Old Ended", [date(2018, 1, 31), date(2016, 5, 1)])
    exactly = _archived(db, "Exactly Seven", [date(2019, 3, 1)])  # not *more* than 7 years
    day_more = _archived(db, "Seven And A Day", [date(2019, 2, 28)])
    _archived(db, "Recent", [date(2016, 1, 1), date(2024, 1, 1)])  # last one is recent
    _archived(db, "Still Open", [None], status=EngagementStatus.active)
    active = clients.create(db, "Active Old")  # not archived: never listed
    with db.session() as s:
        s.add(Engagement(client_id=active.id, start_date=date(2010, 1, 1),
                         end_date=date(2011, 1, 1), status=EngagementStatus.completed))
    no_eng = clients.create(db, "No Engagement", status="archived",
                            start_date=date(2012, 6, 1)).id

    found = erasure.retention_candidates(db, 7, today)
    assert [c.client_id for c in found] == [no_eng, old, day_more]
    first = found[1]
    assert first.ended_on == date(2018, 1, 31) and first.engagements == 2
    assert found[0].basis.startswith("No engagement")
    assert exactly not in [c.client_id for c in found]
    assert [c.client_id for c in erasure.retention_candidates(db, 8, today)] == [no_eng, old]


def test_retention_period_is_a_setting(db):
    assert erasure.retention_years(db) == 7
    assert erasure.set_retention_years(db, "10") == 10
    assert erasure.retention_years(db) == 10
    for bad in ("abc", 0, 101, None):
        with pytest.raises(ValidationError):
            erasure.set_retention_years(db, bad)
    assert erasure.retention_years(db) == 10


def test_years_before_handles_29_february():
    assert erasure.years_before(date(2024, 2, 29), 7) == date(2017, 2, 28)


def test_client_backups_deleted_and_a_fresh_one_made(db, tmp_path):
    from coachdesk import backups

    cid = make_client(db, tmp_path)
    backups.backup_now(db.path, kind=backups.MANUAL)
    holding = erasure.client_backups(db, cid, NAME)
    assert len(holding) == 1
    erasure.erase_client(db, cid)
    deleted, fresh = erasure.delete_client_backups(db, [b.path for b in holding])
    assert deleted == 1 and not holding[0].path.exists()
    left = backups.backup_files(db.path)
    assert [b.path for b in left] == [fresh.path]
    assert erasure.backups_with_client([fresh.path], cid, NAME) == []
    assert NAME.encode("utf-8") not in fresh.path.read_bytes()
