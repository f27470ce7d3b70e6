"""Report drafts (coachdesk/services/report_drafts.py): kept per engagement, as typed."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from coachdesk.errors import NotFoundError, StorageError, ValidationError
from coachdesk.models import Client, Engagement
from coachdesk.services import report_drafts
from coachdesk.storage import Database

HOSTILE = "<b>&\"' Søren 陈静 العربية 🙂</b>\n\nsecond paragraph"


def engagement(db, name="Zoë Ørsted") -> int:
    with db.session() as s:
        client = Client(name=name)
        s.add(client)
        s.flush()
        e = Engagement(client_id=client.id, start_date=date(2025, 1, 6))
        s.add(e)
        s.flush()
        return e.id


def test_no_draft_until_one_is_saved(db):
    eid = engagement(db)
    assert report_drafts.get(db, eid) is None
    assert report_drafts.clear(db, eid) is False


def test_save_get_replace_and_clear_keep_the_text_as_typed(db):
    eid, other = engagement(db), engagement(db, "José")
    first = report_drafts.save(db, eid, coach_summary=HOSTILE, next_steps="  spaces kept  ",
                               sections=["summary", "glance", "stakeholders"],
                               indicator_ids=[7, "3", 7])
    assert first.coach_summary == HOSTILE and first.next_steps == "  spaces kept  "
    assert first.sections == ("glance", "summary", "stakeholders")  # report order
    assert first.indicator_ids == (7, 3) and first.has_words
    assert first.updated_at.tzinfo is not None
    assert report_drafts.get(db, eid) == first
    assert report_drafts.get(db, other) is None  # one draft per engagement

    second = report_drafts.save(db, eid, coach_summary="", next_steps="",
                                sections=None, indicator_ids=())
    assert (second.sections, second.indicator_ids, second.has_words) == (None, (), False)
    assert report_drafts.get(db, eid) == second
    with db.session() as s:  # replaced, not added
        assert s.connection().execute(text("SELECT count(*) FROM report_draft")).scalar() == 1

    # An empty choice of sections is kept as such, not read back as "the default".
    assert report_drafts.save(db, eid, sections=[]).sections == ()
    assert report_drafts.get(db, eid).sections == ()

    assert report_drafts.clear(db, eid) is True
    assert report_drafts.get(db, eid) is None


def test_refusals_write_nothing(db):
    eid = engagement(db)
    report_drafts.save(db, eid, coach_summary="Kept.")
    with pytest.raises(ValidationError) as err:
        report_drafts.save(db, eid, coach_summary="Lost?", sections=["secret_notes"])
    assert err.value.field == "sections"
    with pytest.raises(ValidationError) as err:
        report_drafts.save(db, eid, coach_summary="Lost?", indicator_ids=["wellbeing"])
    assert err.value.field == "indicator_ids"
    assert report_drafts.get(db, eid).coach_summary == "Kept."
    for call in (lambda: report_drafts.get(db, 999), lambda: report_drafts.clear(db, 999),
                 lambda: report_drafts.save(db, 999, coach_summary="x")):
        with pytest.raises(NotFoundError):
            call()


def test_a_locked_file_is_a_plain_sentence_without_the_coachs_words(db, db_path):
    eid = engagement(db)
    report_drafts.save(db, eid, coach_summary="Before the lock.")
    # A second program holds the file locked for writing; our engine waits only briefly.
    impatient = Database(db_path, create_engine(URL.create("sqlite", database=str(db_path)),
                                                connect_args={"timeout": 0.1}))
    blocker = sqlite3.connect(str(db_path), timeout=0.1)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        secret = "QZCANARY words typed during the lock"
        with pytest.raises(StorageError) as err:
            report_drafts.save(impatient, eid, coach_summary=secret)
        message = str(err.value)
        assert "could not be saved" in message and "busy" in message
        assert "QZCANARY" not in message and "INSERT" not in message and "UPDATE" not in message
        assert err.value.__cause__ is None and err.value.__suppress_context__
        with pytest.raises(StorageError):
            report_drafts.clear(impatient, eid)
    finally:
        blocker.rollback()
        blocker.close()
        impatient.close()
    assert report_drafts.get(db, eid).coach_summary == "Before the lock."  # nothing half-written


def test_a_hand_edited_row_reads_back_safely(db):
    eid = engagement(db)
    with db.session() as s:
        s.connection().execute(text(
            "INSERT INTO report_draft (engagement_id, coach_summary, next_steps, sections, "
            "indicator_ids, created_at, updated_at) VALUES (:e, 'x', '', 'glance,bogus', "
            "'4,,x,4,5', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"), {"e": eid})
    draft = report_drafts.get(db, eid)
    assert draft.sections == ("glance",) and draft.indicator_ids == (4, 5)
