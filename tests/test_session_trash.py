"""A session logged by mistake can be deleted, leaves every count, and can be brought back
(issue 11, item 4): the engine, ``coachdesk.services.session_trash``."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import SQLModel

from coachdesk import storage
from coachdesk.errors import CoachDeskError, NotFoundError, ValidationError
from coachdesk.models import ActionStatus, DeletedSession
from coachdesk.services import (
    actions,
    calendar,
    clients,
    engagements,
    erasure,
    export,
    grow,
    icf,
    practice,
    privacy,
    search,
    session_trash,
    sessions,
)

HOSTILE = ("<b>&\"'</b> &amp; 😀🧑‍💼 ليلى حداد تقول 陈静说 Zoë Łukasz"
           "\r\n\tindented\nnext\rold-mac  trailing  \x00nul\n")
TODAY = date(2026, 8, 28)
WORD = "Quixotrelm"  # a word nobody else writes, to search for


def one_megabyte(seed: str) -> str:
    chunk = seed + HOSTILE
    text_ = chunk * (1_000_000 // len(chunk.encode("utf-8")) + 1)
    assert len(text_.encode("utf-8")) >= 1_000_000
    return text_


def assert_sentence(err: Exception) -> None:
    message = str(err)
    assert message[0].isupper() and message.endswith(".") and "\n" not in message
    assert "Traceback" not in message


def practice_file(db) -> dict:
    """Every row of every table, the search index included: what 'nothing changed' means."""
    out = {}
    with db.session() as s:
        for table in SQLModel.metadata.sorted_tables:
            out[table.name] = s.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")).all()
        out["search_index"] = s.execute(text(
            "SELECT rowid, kind, ref_id, client_id, body FROM search_index ORDER BY rowid")).all()
    return out


def session_rows(db, session_id: int) -> dict:
    """The session's own rows, every column, ids left out (they may change on restore)."""
    ws = grow.for_session(db, session_id, create=False)
    s = sessions.get(db, session_id).model_dump(exclude={"id"})
    return {
        "session": s,
        "worksheet": ws.model_dump(exclude={"id", "session_id"}) if ws else None,
        "options": [o.model_dump(exclude={"id", "worksheet_id"})
                    for o in grow.options(db, ws.id)] if ws else [],
        "actions": [a.model_dump(exclude={"id", "session_id"})
                    for a in actions.for_session(db, session_id)],
    }


@pytest.fixture
def setup(db):
    """A client with an engagement of 10 sessions, 11 of them held (one by mistake), the
    last one full of notes, a worksheet, options and actions."""
    c = clients.create(db, "Ana Trashcan", email="ana@example.com")
    e = engagements.create(db, c.id, date(2026, 1, 5), sessions_agreed=10, status="active")
    held = [sessions.create(db, e.id, TODAY - timedelta(days=7 * i), status="held",
                            duration_minutes=60) for i in range(1, 11)]
    mistake = sessions.create(db, e.id, TODAY, status="held", duration_minutes=90,
                              start_time="09:30", format="in_person")
    sessions.save_notes(db, mistake.id, private_notes=f"{WORD} private {HOSTILE}",
                        shared_summary=f"Shared {HOSTILE}")
    ws = grow.for_session(db, mistake.id)
    grow.update(db, ws.id, goal_session=f"Goal {HOSTILE}", will_what="Delegate", commitment=None)
    grow.add_option(db, ws.id, f"Option one {HOSTILE}", notes="n1")
    second = grow.add_option(db, ws.id, "Option two")
    grow.update_option(db, second.id, chosen=True)
    actions.create(db, mistake.id, f"Call Ana {HOSTILE}", owner="coach")
    done = actions.create(db, mistake.id, "Write the plan", due_date=TODAY + timedelta(days=3))
    actions.set_status(db, done.id, "done", today=TODAY)
    return {"client": c.id, "engagement": e.id, "held": held, "mistake": mistake.id}


# -- the session leaves every count ------------------------------------------------------------


def test_usage_drops_from_11_of_10_and_comes_back(db, setup):
    eid = setup["engagement"]
    assert sessions.usage(db, eid).label.startswith("11 of 10 sessions used")
    assert sessions.usage(db, eid).warning.startswith("More sessions used (11)")
    info = session_trash.delete(db, setup["mistake"])
    assert info.message == "Session of 28 Aug 2026 deleted."
    assert sessions.usage(db, eid).label.startswith("10 of 10 sessions used")
    assert [s.id for s in sessions.list_for_client(db, setup["client"])] == \
        [s.id for s in setup["held"]]
    with pytest.raises(NotFoundError):
        sessions.get(db, setup["mistake"])
    session_trash.restore(db, info.id)
    assert sessions.usage(db, eid).label.startswith("11 of 10 sessions used")


def test_dashboard_hours_and_icf_log_no_longer_count_it(db, setup):
    data = practice.load_dashboard(db, TODAY)
    assert data.held_this_month == 4  # 7, 14, 21 Aug (an hour each) and the mistake (1.5 h)
    before_hours = data.hours_this_month
    assert before_hours == pytest.approx(4.5)
    log_before = icf.coaching_log(db)
    totals_before = icf.totals(log_before)
    assert log_before[0].sessions == 11 and totals_before.paid_minutes == 10 * 60 + 90

    info = session_trash.delete(db, setup["mistake"])
    after = practice.load_dashboard(db, TODAY)
    assert after.held_this_month == data.held_this_month - 1
    assert after.hours_this_month == pytest.approx(before_hours - 1.5)
    log_after = icf.coaching_log(db)
    assert log_after[0].sessions == 10 and log_after[0].end_date == TODAY - timedelta(days=7)
    assert icf.totals(log_after).paid_minutes == 10 * 60

    session_trash.restore(db, info.id)
    assert practice.load_dashboard(db, TODAY).hours_this_month == pytest.approx(before_hours)
    assert icf.totals(icf.coaching_log(db)) == totals_before


def test_search_forgets_the_notes_and_finds_them_again_after_restore(db, setup):
    def kinds():
        return sorted(h.kind for h in search.search(db, WORD))

    assert kinds() == ["private_note"]
    assert {h.kind for h in search.search(db, "Delegate")} == {"worksheet"}
    assert {h.kind for h in search.search(db, "Option two")} == {"option"}
    info = session_trash.delete(db, setup["mistake"])
    assert kinds() == [] and search.search(db, "Option two") == []
    assert search.search(db, "plan") == []  # the action's text
    assert search.index_is_consistent(db, bodies=True)
    session_trash.restore(db, info.id)
    assert kinds() == ["private_note"]
    assert {h.kind for h in search.search(db, "Option two")} == {"option"}
    assert {h.kind for h in search.search(db, "plan")} == {"action"}
    assert search.index_is_consistent(db, bodies=True)


def test_its_actions_leave_the_follow_up_and_the_actions_list(db, setup):
    later = sessions.create(db, setup["engagement"], TODAY + timedelta(days=7))
    assert [a.text for a in actions.open_before(db, later.id)] == [f"Call Ana {HOSTILE}".strip()]
    assert len(actions.open_actions(db)) == 1
    info = session_trash.delete(db, setup["mistake"])
    assert actions.open_before(db, later.id) == [] and actions.open_actions(db) == []
    session_trash.restore(db, info.id)
    assert [a.text for a in actions.open_before(db, later.id)] == [f"Call Ana {HOSTILE}".strip()]


def test_a_deleted_planned_session_leaves_the_calendar_export(db, setup):
    planned = sessions.create(db, setup["engagement"], TODAY + timedelta(days=2),
                              start_time="10:00")
    assert b"DTSTART" in calendar.sessions_to_ics(db, planned_only=True)
    session_trash.delete(db, planned.id)
    assert b"DTSTART" not in calendar.sessions_to_ics(db, planned_only=True)


# -- what comes back is what went --------------------------------------------------------------


def test_restore_brings_back_every_column_with_hostile_text_and_a_megabyte_note(db, setup):
    sid = setup["mistake"]
    big = one_megabyte("Mega ")
    sessions.save_notes(db, sid, private_notes=big)
    before = session_rows(db, sid)
    assert before["worksheet"]["commitment"] is None and before["session"]["start_time"] == \
        time(9, 30)
    assert before["actions"][0]["due_date"] is None
    assert before["actions"][1]["status"] == ActionStatus.done
    file_before = practice_file(db)

    info = session_trash.delete(db, sid)
    assert info.contents.actions == 2 and info.contents.options == 2
    assert info.contents.worksheet and info.contents.private_notes
    with db.session() as s:
        entry = s.get(DeletedSession, info.id)
        assert entry.session_id == sid and entry.session_date == TODAY
        assert entry.client_id == setup["client"]
        doc = json.loads(entry.payload)
    assert doc["format"] == "coachdesk-deleted-session" and doc["version"] == 1
    row = doc["tables"]["coaching_session"][0]
    assert row["private_notes"] == big and row["status"] == "held"
    assert row["format"] == "in_person" and row["start_time"] == "09:30:00"
    assert row["session_date"] == "2026-08-28" and row["created_at"].endswith("+00:00")
    assert doc["tables"]["grow_worksheet"][0]["commitment"] is None

    restored = session_trash.restore(db, info.id)
    assert restored.id == sid  # its own id was still free
    assert session_rows(db, sid) == before
    assert practice_file(db) == file_before  # every row and the index, byte for byte
    assert session_trash.list_deleted(db) == []


def test_restore_when_the_old_id_was_taken_meanwhile(db, setup):
    sid = setup["mistake"]
    before = session_rows(db, sid)
    info = session_trash.delete(db, sid)
    # SQLite hands the freed highest id to the next new session
    newcomer = sessions.create(db, setup["engagement"], TODAY, status="planned")
    assert newcomer.id == sid
    new_ws = grow.for_session(db, newcomer.id)
    grow.add_option(db, new_ws.id, "The newcomer's own option")
    actions.create(db, newcomer.id, "The newcomer's own action")

    restored = session_trash.restore(db, info.id)
    assert restored.id != sid
    assert session_rows(db, restored.id) == before
    # the newcomer keeps exactly what it had
    assert [o.text for o in grow.options(db, new_ws.id)] == ["The newcomer's own option"]
    assert [a.text for a in actions.for_session(db, newcomer.id)] == ["The newcomer's own action"]
    assert search.index_is_consistent(db, bodies=True)
    with db.session() as s:
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []


def test_restore_is_refused_plainly_when_the_engagement_or_client_is_gone(db, setup):
    info = session_trash.delete(db, setup["mistake"])
    before = practice_file(db)
    raw = sqlite3.connect(db.path)  # as a damaged or hand-edited file could be
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("UPDATE deleted_session SET engagement_id = 999")
    raw.commit()
    with pytest.raises(CoachDeskError) as err:
        session_trash.restore(db, info.id)
    assert_sentence(err.value)
    assert str(err.value) == ("The session of 28 Aug 2026 cannot be brought back: its "
                              "engagement no longer exists.")
    listed = session_trash.list_deleted(db)  # still listed, so it can be deleted for good
    assert [r.id for r in listed] == [info.id] and listed[0].engagement_label == ""
    raw.execute("UPDATE deleted_session SET engagement_id = ?, client_id = 998",
                (setup["engagement"],))
    raw.commit()
    raw.close()
    with pytest.raises(CoachDeskError, match="its client no longer exists"):
        session_trash.restore(db, info.id)
    after = practice_file(db)
    assert after["coaching_session"] == before["coaching_session"]
    assert len(after["deleted_session"]) == 1  # still in the list


def test_a_damaged_copy_is_refused_plainly_and_stays(db, setup):
    info = session_trash.delete(db, setup["mistake"])
    with db.session() as s:
        s.get(DeletedSession, info.id).payload = '{"format": "coachdesk-deleted-session"'
    before = practice_file(db)
    with pytest.raises(CoachDeskError) as err:
        session_trash.restore(db, info.id)
    assert_sentence(err.value)
    assert "saved copy is damaged" in str(err.value)
    assert practice_file(db) == before
    row = session_trash.list_deleted(db)[0]  # still listed, without its details
    assert row.id == info.id and row.actions == 0 and not row.has_notes


def test_gone_sessions_and_entries_are_plain_not_found(db, setup):
    for call in (lambda: session_trash.delete(db, 4242), lambda: session_trash.preview(db, None),
                 lambda: session_trash.restore(db, 4242), lambda: session_trash.purge(db, 4242)):
        with pytest.raises(NotFoundError) as err:
            call()
        assert_sentence(err.value)
    info = session_trash.delete(db, setup["mistake"])
    session_trash.restore(db, info.id)
    with pytest.raises(NotFoundError):
        session_trash.restore(db, info.id)  # twice: the second finds nothing


# -- all or nothing ----------------------------------------------------------------------------


def test_a_failure_half_way_through_delete_changes_nothing(db, setup, monkeypatch):
    before = practice_file(db)
    real = session_trash._delete_rows
    calls = []

    def breaks_on_the_third(conn, table, where):
        calls.append(table.name)
        if len(calls) == 3:
            raise RuntimeError("disk unplugged")
        return real(conn, table, where)

    monkeypatch.setattr(session_trash, "_delete_rows", breaks_on_the_third)
    with pytest.raises(RuntimeError):
        session_trash.delete(db, setup["mistake"])
    assert len(calls) == 3
    assert practice_file(db) == before


def test_a_failure_half_way_through_restore_changes_nothing(db, setup, monkeypatch):
    info = session_trash.delete(db, setup["mistake"])
    before = practice_file(db)
    real = session_trash._insert_row
    calls = []

    def breaks_on_the_fourth(s, table, values):
        calls.append(table.name)
        if len(calls) == 4:
            raise RuntimeError("disk unplugged")
        return real(s, table, values)

    monkeypatch.setattr(session_trash, "_insert_row", breaks_on_the_fourth)
    with pytest.raises(RuntimeError):
        session_trash.restore(db, info.id)
    assert len(calls) == 4
    assert practice_file(db) == before
    monkeypatch.setattr(session_trash, "_insert_row", real)
    assert session_trash.restore(db, info.id).id == setup["mistake"]


# -- the list, deleting for good ----------------------------------------------------------------


def test_the_list_says_what_each_entry_holds_newest_first(db, setup):
    other = clients.create(db, "Bo Other")
    oe = engagements.create(db, other.id, date(2026, 3, 1))
    bare = sessions.create(db, oe.id, date(2026, 4, 1))
    first = session_trash.delete(db, setup["mistake"])
    second = session_trash.delete(db, bare.id)
    rows = session_trash.list_deleted(db)
    assert [r.id for r in rows] == [second.id, first.id]
    full = rows[1]
    assert full.client_name == "Ana Trashcan" and full.session_date == TODAY
    assert full.label == "Session of 28 Aug 2026"
    assert full.engagement_label == "Coaching from 5 Jan 2026"
    assert full.has_notes and full.actions == 2 and full.status == "held"
    assert full.deleted_at.tzinfo is not None and full.session_id == setup["mistake"]
    assert not rows[0].has_notes and rows[0].actions == 0 and rows[0].status == "planned"
    assert [r.id for r in session_trash.list_deleted(db, other.id)] == [second.id]
    assert session_trash.count(db) == 2 and session_trash.count(db, setup["client"]) == 1
    # words for the confirmation
    assert "nothing was written" in second.contents.sentence()
    assert first.contents.sentence() == (
        "The session of 28 Aug 2026 with Ana Trashcan, its private notes, its shareable "
        "summary, its GROW worksheet with 2 options and its 2 action items.")


def test_delete_forever_and_empty(db, setup):
    ids = [session_trash.delete(db, s.id).id for s in setup["held"][:3]]
    other = clients.create(db, "Bo Other")
    oe = engagements.create(db, other.id, date(2026, 3, 1))
    theirs = session_trash.delete(db, sessions.create(db, oe.id, date(2026, 4, 1)).id)
    session_trash.purge(db, ids[0])
    assert session_trash.count(db) == 3
    with pytest.raises(NotFoundError):
        session_trash.restore(db, ids[0])
    assert session_trash.empty(db, client_id=setup["client"]) == 2
    assert [r.id for r in session_trash.list_deleted(db)] == [theirs.id]
    assert session_trash.empty(db) == 1 and session_trash.count(db) == 0
    assert session_trash.empty(db) == 0
    assert sessions.usage(db, setup["engagement"]).sessions_used == 8  # gone for good


def test_the_tables_that_go_with_a_session():
    """A table added later that points at a session goes into the trash with it; this test
    names today's, so whoever adds one looks at the format document too."""
    assert {t.name for t in session_trash.session_tables()} == {
        "coaching_session", "grow_worksheet", "grow_option", "action_item"}


# -- everything else that holds a client's data -------------------------------------------------


def test_erasing_the_client_takes_their_deleted_sessions(db, setup):
    session_trash.delete(db, setup["mistake"])
    other = clients.create(db, "Bo Other")
    oe = engagements.create(db, other.id, date(2026, 3, 1))
    kept = session_trash.delete(db, sessions.create(db, oe.id, date(2026, 4, 1)).id)
    preview = erasure.erase_preview(db, setup["client"])
    assert preview.counts["deleted_session"] == 1
    assert "1 deleted session waiting in the Deleted sessions list" in preview.lines()
    erasure.erase_client(db, setup["client"])
    assert [r.id for r in session_trash.list_deleted(db)] == [kept.id]
    raw = db.path.read_bytes()
    assert WORD.encode() not in raw and b"Ana Trashcan" not in raw


def test_subject_access_includes_the_deleted_sessions_labelled(db, setup, tmp_path):
    session_trash.delete(db, setup["mistake"])
    data = privacy.subject_access(db, setup["client"])
    entry = data["records"]["deleted_sessions"][0]
    assert "payload" not in entry
    assert entry["contents"]["sessions"][0]["private_notes"].startswith(f"{WORD} private")
    assert len(entry["contents"]["actions"]) == 2
    assert len(entry["contents"]["grow_options"]) == 2
    assert data["sections"]["deleted_sessions"].startswith("Deleted sessions")
    assert len(data["records"]["sessions"]) == 10
    out = tmp_path / "sa"
    out.mkdir()
    _json, pdf = privacy.write_subject_access(db, setup["client"], out)
    words = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages).split())
    assert "Deleted sessions" in words and "Session of Friday 28 August 2026, deleted on" in words
    assert f"{WORD} private" in words and "Option two" in words and "Write the plan" in words
    assert "Deleted by the coach" in words


def test_export_and_import_keep_the_deleted_sessions(db, setup, tmp_path):
    info = session_trash.delete(db, setup["mistake"])
    before = session_trash.list_deleted(db)
    path = export.export_practice(db, tmp_path / "practice.json")
    other = storage.open_database(tmp_path / "other" / "coachdesk.db")
    try:
        export.import_practice(other, path)
        assert session_trash.list_deleted(other) == before
        assert sessions.usage(other, setup["engagement"]).sessions_used == 10
        restored = session_trash.restore(other, info.id)
        assert restored.private_notes.startswith(f"{WORD} private")
        assert sessions.usage(other, setup["engagement"]).sessions_used == 11
        assert search.index_is_consistent(other, bodies=True)
    finally:
        other.close()


def test_import_refuses_a_deleted_session_it_could_not_restore(db, setup, tmp_path):
    session_trash.delete(db, setup["mistake"])
    path = export.export_practice(db, tmp_path / "practice.json")
    doc = json.loads(path.read_text("utf-8"))
    payload = json.loads(doc["tables"]["deleted_session"][0]["payload"])
    payload["tables"]["coaching_session"][0]["status"] = "maybe"
    doc["tables"]["deleted_session"][0]["payload"] = json.dumps(payload)
    path.write_text(json.dumps(doc), "utf-8")
    other = storage.open_database(tmp_path / "other" / "coachdesk.db")
    try:
        with pytest.raises(ValidationError) as err:
            export.import_practice(other, path)
        assert str(err.value) == ("Row 1 of 'deleted_session' in the file: 'payload' is not a "
                                  "deleted session CoachDesk can restore.")
        assert export.is_empty(other)
    finally:
        other.close()
