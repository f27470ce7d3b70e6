"""The report log (coachdesk/services/report_log.py): each report kept exactly as sent."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from consent_helpers import agree

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Client, CoachingSession, Engagement, SessionStatus, Sponsor
from coachdesk.reports import progress
from coachdesk.services import report_log


def make_engagement(db, start=date(2025, 1, 6), end=date(2025, 12, 31)) -> int:
    with db.session() as s:
        client = Client(name="Zoë Ørsted")
        sponsor = Sponsor(name="Priya Raman", email="priya@example.com")
        s.add(client)
        s.add(sponsor)
        s.flush()
        e = Engagement(client_id=client.id, sponsor_id=sponsor.id, start_date=start,
                       end_date=end, sessions_agreed=6, hours_agreed=6)
        s.add(e)
        s.flush()
        s.add(CoachingSession(engagement_id=e.id, client_id=client.id,
                              session_date=date(2025, 2, 3), status=SessionStatus.held,
                              shared_summary="Shared summary.", private_notes="private"))
        eid = e.id
    agree(db, eid)  # every section (the log's tests are not about consent)
    return eid


def make_report(db, eid, tmp_path, date_from="2025-01-06", date_to="2025-03-31",
                name="r.pdf", **kw):
    data = progress.report_data(db, eid, date_from, date_to,
                                coach_summary=kw.pop("coach_summary", "Good progress <&>."),
                                next_steps=kw.pop("next_steps", "Three-way meeting."), **kw)
    return progress.build_report_pdf(tmp_path / name, data), data


def test_record_keeps_an_exact_copy_in_the_data_folder(db, tmp_path):
    eid = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path, sections=["glance", "summary"])
    before = datetime.now(UTC)
    entry = report_log.record(db, eid, pdf, data, recipient="priya@example.com")

    assert entry.id and entry.engagement_id == eid
    assert (entry.period_from, entry.period_to) == (date(2025, 1, 6), date(2025, 3, 31))
    assert entry.method == "saved" and entry.sent_at is None
    assert entry.recipient == "priya@example.com"
    assert entry.sections == ("glance", "summary")
    assert entry.coach_summary == "Good progress <&>." and entry.next_steps == "Three-way meeting."
    assert entry.created_at.tzinfo is not None and entry.created_at >= before - timedelta(
        seconds=1)
    # The copy sits under <folder of the database>/reports/<practice file>/<engagement>/
    # (the practice's own folder) and is identical.
    assert report_log.reports_dir(db) == db.path.resolve().parent / "reports" / db.path.name
    assert entry.pdf_path.is_absolute()
    assert entry.pdf_path.parent == report_log.reports_dir(db) / str(eid)
    name = entry.pdf_path.name
    # Named by the coach's local day (see the Kiritimati test below), not the UTC one.
    assert name.startswith(f"{entry.created_at.astimezone():%Y-%m-%d}-20250106-20250331-")
    assert name.endswith(f"{entry.sha256[:12]}.pdf")
    assert entry.pdf_path.read_bytes() == pdf.read_bytes()
    assert entry.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert not [p for p in entry.pdf_path.parent.iterdir() if p.name.endswith(".partial")]
    assert report_log.verify(entry)
    # The source file may go: the log keeps its own copy.
    pdf.unlink()
    assert report_log.get(db, entry.id) == entry
    assert report_log.verify(report_log.get(db, entry.id))


def test_entries_newest_first_and_never_overwrite_each_other(db, tmp_path):
    eid = make_engagement(db)
    other = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path)
    first = report_log.record(db, eid, pdf, data)
    second = report_log.record(db, eid, pdf, data)  # same bytes, same day, same period
    pdf2, data2 = make_report(db, eid, tmp_path, "2025-04-01", "2025-06-30", name="q.pdf")
    third = report_log.record(db, eid, pdf2, data2, method="printed")
    report_log.record(db, other, pdf2, data2)

    listed = report_log.entries(db, eid)
    assert [e.id for e in listed] == [third.id, second.id, first.id]
    assert first.pdf_path != second.pdf_path and first.sha256 == second.sha256
    assert first.pdf_path.read_bytes() == second.pdf_path.read_bytes()
    assert all(report_log.verify(e) for e in listed)
    assert [e.engagement_id for e in report_log.entries(db, other)] == [other]
    assert report_log.entries(db, 9999) == []


def test_mark_sent(db, tmp_path):
    eid = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path)
    entry = report_log.record(db, eid, pdf, data)
    when = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)
    sent = report_log.mark_sent(db, entry.id, "smtp", "Priya Raman <priya@example.com>", when)
    assert (sent.method, sent.recipient, sent.sent_at) == (
        "smtp", "Priya Raman <priya@example.com>", when)
    assert report_log.get(db, entry.id) == sent  # stored, not only returned
    assert sent.sha256 == entry.sha256 and sent.pdf_path == entry.pdf_path

    before = datetime.now(UTC)
    again = report_log.mark_sent(db, entry.id, "draft", "priya@example.com")
    assert again.sent_at.tzinfo is not None and again.sent_at >= before - timedelta(seconds=1)
    # Another zone is stored as the same instant in UTC.
    paris = timezone(timedelta(hours=2))
    moved = report_log.mark_sent(db, entry.id, "outbox", "x@example.com",
                                 datetime(2025, 4, 2, 11, 30, tzinfo=paris))
    assert report_log.get(db, entry.id).sent_at == when

    with pytest.raises(ValidationError) as err:
        report_log.mark_sent(db, entry.id, "pigeon", "x")
    assert err.value.field == "method"
    with pytest.raises(ValidationError) as err:
        report_log.mark_sent(db, entry.id, "smtp", "x" * 600)
    assert err.value.field == "recipient"
    assert report_log.get(db, entry.id) == moved  # the failed calls changed nothing
    with pytest.raises(NotFoundError):
        report_log.mark_sent(db, 9999, "smtp", "x")
    with pytest.raises(NotFoundError):
        report_log.get(db, 9999)


def test_verify_notices_a_changed_or_missing_copy(db, tmp_path):
    eid = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path)
    entry = report_log.record(db, eid, pdf, data)
    assert report_log.verify(entry)
    raw = entry.pdf_path.read_bytes()
    entry.pdf_path.write_bytes(raw[:-10] + b"tampered!!")
    assert not report_log.verify(entry)
    entry.pdf_path.unlink()
    assert not report_log.verify(entry)
    # Still listed: the log remembers what was sent even when the copy is gone.
    assert [e.id for e in report_log.entries(db, eid)] == [entry.id]
    assert not report_log.verify(report_log.get(db, entry.id))


def test_record_refuses_bad_input_and_leaves_nothing_behind(db, tmp_path):
    eid = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path)
    with pytest.raises(ValidationError) as err:
        report_log.record(db, eid, tmp_path / "missing.pdf", data)
    assert err.value.field == "pdf_file"
    with pytest.raises(ValidationError) as err:
        report_log.record(db, eid, pdf, data, method="fax")
    assert err.value.field == "method"
    with pytest.raises(NotFoundError):
        report_log.record(db, 9999, pdf, data)
    assert report_log.entries(db, eid) == []
    folder = report_log.reports_dir(db)
    assert not folder.exists() or not any(folder.rglob("*.pdf"))


def test_default_period(db, tmp_path):
    eid = make_engagement(db)
    today = date(2025, 5, 20)
    # No report yet: from the engagement's start to today.
    assert report_log.default_period(db, eid, today=today) == (date(2025, 1, 6), today)
    # After the engagement's end: up to the end.
    assert report_log.default_period(db, eid, today=date(2026, 3, 1)) == (
        date(2025, 1, 6), date(2025, 12, 31))
    # One report up to 31 March: from 1 April.
    pdf, data = make_report(db, eid, tmp_path, "2025-01-06", "2025-03-31")
    report_log.record(db, eid, pdf, data)
    assert report_log.default_period(db, eid, today=today) == (date(2025, 4, 1), today)
    # An older period recorded later does not move the start back.
    pdf, data = make_report(db, eid, tmp_path, "2025-01-06", "2025-02-28", name="old.pdf")
    report_log.record(db, eid, pdf, data)
    assert report_log.default_period(db, eid, today=today) == (date(2025, 4, 1), today)
    # A report that ends after today: never an inverted period.
    pdf, data = make_report(db, eid, tmp_path, "2025-04-01", "2025-06-30", name="f.pdf")
    report_log.record(db, eid, pdf, data)
    start, end = report_log.default_period(db, eid, today=today)
    assert start <= end == today
    assert report_log.default_period(db, eid, today=date(2025, 8, 1)) == (
        date(2025, 7, 1), date(2025, 8, 1))
    # An open-ended engagement runs to today.
    open_ended = make_engagement(db, end=None)
    assert report_log.default_period(db, open_ended, today=today) == (date(2025, 1, 6), today)
    with pytest.raises(NotFoundError):
        report_log.default_period(db, 9999)


def test_the_stored_copy_is_named_by_the_day_the_report_says_it_was_made(
        db, tmp_path, monkeypatch):
    """Env case "Report copy date": made in Kiritimati (UTC+14) at 12:00 UTC on 29 Nov,
    the PDF says 30 November and so does the stored copy's name (it said 2026-11-29)."""
    import time

    from pypdf import PdfReader

    before = os.environ.get("TZ")  # the run's own zone (TZ=America/St_Johns pytest …)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        noon_utc = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
        monkeypatch.setattr(report_log, "utcnow", lambda: noon_utc)
        eid = make_engagement(db)
        local_today = noon_utc.astimezone().date()
        assert local_today == date(2026, 11, 30)  # the zone is really in effect
        pdf, data = make_report(db, eid, tmp_path, today=local_today)
        text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
        assert "30 November 2026" in text
        entry = report_log.record(db, eid, pdf, data)
        assert entry.pdf_path.name.startswith("2026-11-30-")
        undated = dataclasses.replace(data, made_on=None)  # no date in the data: the local day
        other = report_log.record(db, eid, pdf, undated)
        assert other.pdf_path.name.startswith("2026-11-30-")
    finally:
        # Back to the run's zone, for the C library too (monkeypatch restores only the
        # variable): the tests after this one must not run in UTC.
        if before is None:
            monkeypatch.delenv("TZ")
        else:
            monkeypatch.setenv("TZ", before)
        time.tzset()
