"""Sessions as an .ics calendar: parsed back, nothing private in it, hostile names survive."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from coachdesk.errors import NotFoundError
from coachdesk.models import (
    Client,
    CoachingSession,
    Engagement,
    EngagementKind,
    SessionFormat,
    SessionStatus,
)
from coachdesk.services import calendar

CANARY_PRIVATE = "CanaryPrivate7f3a9e"
CANARY_SHARED = "CanaryShared41bd0c"


def add_client(db, name: str, kind=EngagementKind.coaching) -> tuple[int, int]:
    with db.session() as s:
        client = Client(name=name)
        s.add(client)
        s.flush()
        engagement = Engagement(client_id=client.id, kind=kind, start_date=date(2026, 1, 5))
        s.add(engagement)
        s.flush()
        return client.id, engagement.id


def add_session(db, ids: tuple[int, int], day: date, **fields) -> int:
    client_id, engagement_id = ids
    fields.setdefault("private_notes", f"{CANARY_PRIVATE} burnout, divorce, medication")
    fields.setdefault("shared_summary", f"{CANARY_SHARED} agreed a delegation plan")
    with db.session() as s:
        session = CoachingSession(engagement_id=engagement_id, client_id=client_id,
                                  session_date=day, **fields)
        s.add(session)
        s.flush()
        return session.id


def events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def practice(db):
    anna = add_client(db, "Anna Lindqvist")
    omar = add_client(db, "Omar Haddad", kind=EngagementKind.mentoring)
    ids = {
        "planned": add_session(db, anna, date(2026, 3, 2), start_time=time(9, 30),
                               duration_minutes=90, format=SessionFormat.video),
        "held": add_session(db, anna, date(2026, 2, 2), format=SessionFormat.in_person,
                            status=SessionStatus.held, duration_minutes=60),  # no start time
        "cancelled": add_session(db, omar, date(2026, 3, 9), start_time=time(14, 0),
                                 format=SessionFormat.phone, status=SessionStatus.cancelled),
        "late": add_session(db, omar, date(2026, 3, 16), start_time=time(8, 0),
                            status=SessionStatus.cancelled_late),
        "mentoring": add_session(db, omar, date(2026, 4, 1), start_time=time(17, 45),
                                 duration_minutes=45, format=SessionFormat.in_person),
    }
    return db, ids


def test_one_event_per_session_with_stable_uids(practice):
    db, ids = practice
    data = calendar.sessions_to_ics(db)
    cal = Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and "CoachDesk" in str(cal["PRODID"])
    found = events(data)
    assert set(found) == {f"session-{i}@coachdesk.local" for i in ids.values()}
    # Same data, same bytes: re-importing updates events instead of duplicating them.
    assert calendar.sessions_to_ics(db) == data


def test_times_durations_summaries_and_statuses(practice):
    db, ids = practice
    ev = events(calendar.sessions_to_ics(db))

    planned = ev[calendar.session_uid(ids["planned"])]
    start = planned.decoded("DTSTART")
    # the coach's wall-clock time in the system's zone, never floating (test_calendar_zones)
    assert start.tzinfo is not None and start == datetime(2026, 3, 2, 9, 30).astimezone()
    assert planned.decoded("DURATION") == timedelta(minutes=90)
    assert str(planned["SUMMARY"]) == "Coaching: Anna Lindqvist"
    assert str(planned["LOCATION"]) == "Video call"
    assert str(planned["STATUS"]) == "CONFIRMED"
    assert str(planned["DESCRIPTION"]) == "Video call, 90 minutes."

    held = ev[calendar.session_uid(ids["held"])]  # no start time: an all-day event
    assert held.decoded("DTSTART") == date(2026, 2, 2)
    assert not isinstance(held.decoded("DTSTART"), datetime)
    assert held.decoded("DTEND") == date(2026, 2, 3)
    assert str(held["LOCATION"]) == "In person" and str(held["STATUS"]) == "CONFIRMED"
    assert "1 hour" in str(held["DESCRIPTION"])

    for key in ("cancelled", "late"):
        event = ev[calendar.session_uid(ids[key])]
        assert str(event["STATUS"]) == "CANCELLED"
    assert str(ev[calendar.session_uid(ids["cancelled"])]["LOCATION"]) == "Phone"

    mentoring = ev[calendar.session_uid(ids["mentoring"])]
    assert str(mentoring["SUMMARY"]) == "Mentoring: Omar Haddad"
    assert mentoring.decoded("DTSTART") == datetime(2026, 4, 1, 17, 45).astimezone()
    assert mentoring.decoded("DURATION") == timedelta(minutes=45)


def test_no_note_ever_reaches_the_calendar(practice):
    db, _ids = practice
    data = calendar.sessions_to_ics(db)
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    for blob in (data, unfolded, data.lower()):
        for canary in (CANARY_PRIVATE, CANARY_SHARED):
            assert canary.encode() not in blob
            assert canary.lower().encode() not in blob.lower()
        for word in (b"burnout", b"divorce", b"medication", b"delegation"):
            assert word not in blob.lower()


def test_selected_and_planned_only(practice):
    db, ids = practice
    some = events(calendar.sessions_to_ics(db, [ids["held"], ids["cancelled"]]))
    assert set(some) == {calendar.session_uid(ids["held"]), calendar.session_uid(ids["cancelled"])}
    planned = events(calendar.sessions_to_ics(db, planned_only=True))
    assert set(planned) == {calendar.session_uid(ids["planned"]),
                            calendar.session_uid(ids["mentoring"])}
    both = events(calendar.sessions_to_ics(db, [ids["held"], ids["planned"]], planned_only=True))
    assert set(both) == {calendar.session_uid(ids["planned"])}
    assert events(calendar.sessions_to_ics(db, [])) == {}


def test_missing_sessions_are_refused_plainly(practice):
    db, ids = practice
    for wanted, needle in (([987654], "987654"), ([ids["held"], 5555, 6666], "5555 and 6666")):
        with pytest.raises(NotFoundError) as info:
            calendar.sessions_to_ics(db, wanted)
        message = str(info.value)
        assert needle in message and message.endswith(".") and "\n" not in message
        assert message[0].isupper()


HOSTILE_NAMES = [
    "<b>&\"'</b>",
    "Zoë 😀🧑‍💼 Ünal",
    "ليلى حداد",
    "陈静",
    "Smith, John; CEO",
    "Back\\slash: colon",
    "Two\nlines",
    "BEGIN:VEVENT\nEND:VCALENDAR",
    "A" * 300,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_client_names_round_trip(db, name):
    sid = add_session(db, add_client(db, name), date(2026, 5, 5), start_time=time(10, 0))
    data = calendar.sessions_to_ics(db)
    cal = Calendar.from_ical(data)
    found = list(cal.walk("VEVENT"))
    assert len(found) == 1  # a name cannot add or end a component
    assert str(found[0]["SUMMARY"]) == f"Coaching: {name}"
    assert str(found[0]["UID"]) == calendar.session_uid(sid)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 wants


def test_control_characters_in_a_name_do_not_break_the_file(db):
    add_session(db, add_client(db, "Bad\x00\x07\x1bname"), date(2026, 5, 5))
    event = list(Calendar.from_ical(calendar.sessions_to_ics(db)).walk("VEVENT"))[0]
    assert str(event["SUMMARY"]) == "Coaching: Bad   name"


def test_export_ics_writes_the_file(practice, tmp_path):
    db, ids = practice
    path = calendar.export_ics(db, tmp_path / "out" / "sessions.ics", planned_only=True)
    assert path.is_file() and not list(path.parent.glob("*.partial"))
    assert path.read_bytes() == calendar.sessions_to_ics(db, planned_only=True)
    assert set(events(path.read_bytes())) == {calendar.session_uid(ids["planned"]),
                                              calendar.session_uid(ids["mentoring"])}
    with pytest.raises(NotFoundError):
        calendar.export_ics(db, tmp_path / "never.ics", [424242])
    assert not (tmp_path / "never.ics").exists()
