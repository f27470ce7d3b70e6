"""Engine tests for sessions, GROW worksheets, action items and the .ics export.

Issue 4's bad input: a session ending past midnight, a duration of 0 or 2,000
minutes, a due date before the session, an empty worksheet, 1 MB of notes:
each gets a clear message or works, never a traceback, never a lost note.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import ActionStatus, CoachingSession, SessionStatus
from coachdesk.services import actions, calendar, clients, engagements, grow, sessions

D = date(2026, 3, 2)  # a Monday; the day most sessions below are held on
CANARY_PRIVATE = "CanaryPrivate-5e1d"
CANARY_SHARED = "CanaryShared-90ab"

# Everything a coach may paste: markup, quotes, emoji (with a joiner), Arabic
# (right to left), Chinese, accents, tabs and every kind of line break.
HOSTILE = ("<b>&\"'</b> &amp; <script>alert(1)</script> "
           "😀🧑‍💼 ليلى حداد تقول 陈静说 Zoë Łukasz Søren"
           "\r\n\tindented\nnext\rold-mac  trailing   \n\n")


def one_megabyte(seed: str) -> str:
    text = (seed + HOSTILE) * (1_000_000 // len((seed + HOSTILE).encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 1_000_000
    return text


def assert_sentence(err: Exception) -> str:
    """A coach-readable message: one line, a capital letter, a full stop."""
    message = str(err)
    assert message and message[0].isupper() and message.endswith(".")
    assert "\n" not in message and "Traceback" not in message
    return message


def refused(field: str, call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert info.value.field == field, str(info.value)
    return assert_sentence(info.value)


@pytest.fixture
def practice(db):
    anna = clients.create(db, "Anna Lindqvist")
    omar = clients.create(db, "Omar Haddad")
    anna_eng = engagements.create(db, anna.id, "2026-01-05", sessions_agreed=4, hours_agreed=5)
    omar_eng = engagements.create(db, omar.id, "2026-01-05", pro_bono=True)
    return SimpleNamespace(db=db, anna=anna.id, omar=omar.id, eng=anna_eng.id,
                           omar_eng=omar_eng.id)


def new(p, day=D, engagement=None, **fields):
    return sessions.create(p.db, engagement or p.eng, day, **fields)


def count(db) -> int:
    with db.session() as s:
        return len(s.exec(CoachingSession.__table__.select()).all())


# -- create / update validation -----------------------------------------------------


def test_create_fills_the_client_and_the_engagements_pro_bono(practice):
    p = practice
    row = new(p, "2026-03-02", start_time="09:30", duration_minutes="75", format="phone",
              status="held")
    stored = sessions.get(p.db, row.id)
    assert (stored.client_id, stored.engagement_id) == (p.anna, p.eng)
    assert stored.session_date == D and stored.start_time == time(9, 30)
    assert stored.duration_minutes == 75 and stored.format.value == "phone"
    assert stored.status == SessionStatus.held and stored.pro_bono is False
    assert stored.private_notes == "" and stored.shared_summary == ""
    assert new(p, engagement=p.omar_eng).pro_bono is True  # follows the engagement
    assert new(p, engagement=p.omar_eng, pro_bono=False).pro_bono is False


@pytest.mark.parametrize("minutes, needle", [
    (0, "at least one minute"),
    ("0", "at least one minute"),
    (-5, "cannot be negative"),
    (-1, "cannot be negative"),
    (721, "12 hours"),
    (2000, "12 hours (2,000 minutes"),
    ("2000", "12 hours (2,000 minutes"),
    (10**12, "12 hours"),
    ("abc", "whole number"),
    ("1.5", "whole number"),
])
def test_bad_durations_are_refused_with_the_limit(practice, minutes, needle):
    p = practice
    before = count(p.db)
    message = refused("duration_minutes", new, p, duration_minutes=minutes)
    assert needle in message
    assert count(p.db) == before  # nothing half-created

    row = new(p, duration_minutes=50)
    message = refused("duration_minutes", sessions.update, p.db, row.id,
                      duration_minutes=minutes, private_notes="kept apart")
    assert needle in message
    stored = sessions.get(p.db, row.id)
    assert stored.duration_minutes == 50 and stored.private_notes == ""  # all or nothing


def test_duration_limit_message_names_twelve_hours(practice):
    message = refused("duration_minutes", new, practice, duration_minutes=2000)
    assert message == "A session cannot last more than 12 hours (2,000 minutes were entered)."


def test_durations_at_the_edges_are_accepted(practice):
    p = practice
    assert new(p, duration_minutes=1).duration_minutes == 1
    assert new(p, duration_minutes=sessions.MAX_MINUTES).duration_minutes == 720
    assert new(p).duration_minutes == 60  # the default


@pytest.mark.parametrize("typed, stored", [("9:30", time(9, 30)), ("9.30", time(9, 30)),
                                           ("9h30", time(9, 30)), ("14H05", time(14, 5))])
def test_start_times_as_a_coach_types_them(practice, typed, stored):
    assert new(practice, start_time=typed).start_time == stored


@pytest.mark.parametrize("bad", ["25:99", "abc", "24:00", "12:60", "9h3", "--:--", "09:30 pm"])
def test_bad_start_times_are_refused(practice, bad):
    p = practice
    message = refused("start_time", new, p, start_time=bad)
    assert "09:30" in message  # says what a good one looks like
    row = new(p, start_time="10:15")
    refused("start_time", sessions.update, p.db, row.id, start_time=bad)
    assert sessions.get(p.db, row.id).start_time == time(10, 15)


def test_start_time_forms_and_clearing(practice):
    p = practice
    row = new(p, start_time=time(8, 5, 42))
    assert sessions.get(p.db, row.id).start_time == time(8, 5)  # seconds dropped
    assert sessions.update(p.db, row.id, start_time=" 07:45 ").start_time == time(7, 45)
    assert sessions.update(p.db, row.id, start_time="").start_time is None
    assert sessions.get(p.db, row.id).start_time is None
    assert sessions.update(p.db, row.id, start_time="18:00").start_time == time(18, 0)
    assert sessions.update(p.db, row.id, start_time=None).start_time is None


def test_start_time_is_stored_as_returned(practice):
    """What update() hands back is what a later get() reads: no seconds, no time zone."""
    p = practice
    row = new(p)
    for text in ("09:30:15", "09:30Z", "09:30+02:00"):
        returned = sessions.update(p.db, row.id, start_time=text).start_time
        assert returned == sessions.get(p.db, row.id).start_time == time(9, 30)
        assert returned.tzinfo is None


def test_a_session_past_midnight_works_and_ends_the_next_day(practice):
    p = practice
    row = new(p, start_time="23:30", duration_minutes=90)
    stored = sessions.get(p.db, row.id)
    assert stored.session_date == D  # it stays on the day it started
    assert sessions.ends_at(stored) == datetime(2026, 3, 3, 1, 0)
    late = sessions.update(p.db, row.id, start_time="22:00", duration_minutes=720)
    assert sessions.ends_at(late) == datetime(2026, 3, 3, 10, 0)
    assert sessions.ends_at(sessions.update(p.db, row.id, start_time=None)) is None
    # The last day of the year rolls into the next year.
    nye = new(p, "2026-12-31", start_time="23:59", duration_minutes=2)
    assert sessions.ends_at(nye) == datetime(2027, 1, 1, 0, 1)


@pytest.mark.parametrize("field, value", [
    ("status", "done"), ("status", "HELD"), ("status", ""), ("status", None),
    ("format", "carrier pigeon"), ("format", "In person"), ("format", None),
])
def test_unknown_status_or_format_is_refused_listing_the_choices(practice, field, value):
    p = practice
    message = refused(field, new, p, **{field: value})
    assert "must be one of" in message
    row = new(p, status="planned", format="video")
    refused(field, sessions.update, p.db, row.id, **{field: value})
    stored = sessions.get(p.db, row.id)
    assert stored.status == SessionStatus.planned and stored.format.value == "video"


def test_every_status_and_format_is_accepted(practice):
    p = practice
    for status in ("planned", "held", "cancelled_late", "cancelled", "no_show"):
        assert new(p, status=status).status.value == status
        assert status in {s.value for s in sessions.STATUS_LABELS}
    for fmt in ("in_person", "video", "phone"):
        assert new(p, format=fmt).format.value == fmt


def test_a_group_session_needs_at_least_two_participants(practice):
    p = practice
    for participants in (None, 0, 1):
        message = refused("participants", new, p, is_group=True, participants=participants)
        assert "at least two" in message
    refused("participants", new, p, is_group=True)  # the default of one is not a group
    refused("participants", new, p, is_group=True, participants=-3)
    refused("participants", new, p, is_group=True, participants="many")
    group = new(p, is_group=True, participants=4)
    assert (group.is_group, group.participants) == (True, 4)
    # An individual session is one participant, whatever the spin box still said.
    single = new(p, is_group=False, participants=5)
    assert sessions.get(p.db, single.id).participants == 1
    # Turning a session into a group needs the number too, and a refusal changes nothing.
    refused("participants", sessions.update, p.db, single.id, is_group=True)
    assert sessions.get(p.db, single.id).is_group is False
    both = sessions.update(p.db, single.id, is_group=True, participants=3)
    assert (both.is_group, both.participants) == (True, 3)
    refused("participants", sessions.update, p.db, single.id, participants=1)
    assert sessions.get(p.db, single.id).participants == 3
    back = sessions.update(p.db, single.id, is_group=False)
    assert (back.is_group, back.participants) == (False, 1)


def test_unknown_fields_are_refused_not_dropped(practice):
    p = practice
    row = new(p)
    with pytest.raises(ValidationError) as info:
        sessions.update(p.db, row.id, privat_notes="a typo must not lose a note")
    assert "privat_notes" in assert_sentence(info.value)
    # create() too: a misspelt notes field would otherwise vanish without a word.
    before = count(p.db)
    with pytest.raises(ValidationError) as info:
        new(p, privat_notes="a typo must not lose a note")
    assert "privat_notes" in assert_sentence(info.value)
    assert count(p.db) == before


@pytest.mark.parametrize("bad", ["2026-02-30", "02/03/2026", "yesterday", "", None, 12345])
def test_bad_session_dates_are_refused(practice, bad):
    p = practice
    refused("session_date", new, p, bad)
    row = new(p)
    refused("session_date", sessions.update, p.db, row.id, session_date=bad)
    assert sessions.get(p.db, row.id).session_date == D


def test_a_session_on_an_engagement_that_no_longer_exists(practice):
    p = practice
    before = count(p.db)
    for missing in (p.eng + p.omar_eng + 1000, None, "abc"):
        with pytest.raises(NotFoundError) as info:
            sessions.create(p.db, missing, D)
        assert "no longer exists" in assert_sentence(info.value)
    assert count(p.db) == before
    row = new(p)
    with pytest.raises(NotFoundError):
        sessions.update(p.db, row.id, engagement_id=987654, private_notes="x")
    assert sessions.get(p.db, row.id).engagement_id == p.eng
    with pytest.raises(NotFoundError) as info:
        sessions.update(p.db, 987654, private_notes="x")
    assert "session no longer exists" in assert_sentence(info.value)
    with pytest.raises(NotFoundError):
        sessions.get(p.db, 987654)
    with pytest.raises(NotFoundError):
        sessions.usage(p.db, 987654)


def test_moving_a_session_to_another_engagement_moves_its_client(practice):
    p = practice
    row = new(p)
    moved = sessions.update(p.db, row.id, engagement_id=p.omar_eng)
    assert (moved.engagement_id, moved.client_id) == (p.omar_eng, p.omar)


# -- notes: two kinds, never confused -------------------------------------------------


def test_save_notes_writes_only_its_own_column(practice):
    p = practice
    row = new(p)
    sessions.save_notes(p.db, row.id, private_notes=f"{CANARY_PRIVATE} hypothesis: fear")
    stored = sessions.get(p.db, row.id)
    assert stored.private_notes == f"{CANARY_PRIVATE} hypothesis: fear"
    assert stored.shared_summary == ""  # nothing moves to the shareable summary

    sessions.save_notes(p.db, row.id, shared_summary=f"{CANARY_SHARED} agreed a plan")
    stored = sessions.get(p.db, row.id)
    assert stored.shared_summary == f"{CANARY_SHARED} agreed a plan"
    assert stored.private_notes == f"{CANARY_PRIVATE} hypothesis: fear"  # untouched
    assert CANARY_PRIVATE not in stored.shared_summary
    assert CANARY_SHARED not in stored.private_notes

    # An empty string clears its own kind only; None leaves it alone.
    sessions.save_notes(p.db, row.id, private_notes="")
    stored = sessions.get(p.db, row.id)
    assert stored.private_notes == "" and stored.shared_summary.startswith(CANARY_SHARED)
    sessions.save_notes(p.db, row.id)  # nothing to save is not an error
    sessions.save_notes(p.db, row.id, private_notes="p", shared_summary="s")
    stored = sessions.get(p.db, row.id)
    assert (stored.private_notes, stored.shared_summary) == ("p", "s")
    # Other fields are not touched by an autosave.
    assert (stored.duration_minutes, stored.status) == (60, SessionStatus.planned)


def test_a_megabyte_of_hostile_notes_round_trips_exactly(practice):
    p = practice
    private = one_megabyte("PRIVATE ")
    shared = one_megabyte("SHARED ")
    row = new(p, status="held")
    sessions.save_notes(p.db, row.id, private_notes=private)
    sessions.save_notes(p.db, row.id, shared_summary=shared)
    stored = sessions.get(p.db, row.id)
    assert stored.private_notes == private  # every \r, tab, emoji and trailing space
    assert stored.shared_summary == shared
    assert "PRIVATE" not in stored.shared_summary and "SHARED" not in stored.private_notes
    [listed] = sessions.list_for_client(p.db, p.anna)
    assert listed.private_notes == private and listed.shared_summary == shared
    # Saving the same megabyte again (autosave on leaving) keeps it as it is.
    sessions.save_notes(p.db, row.id, private_notes=private, shared_summary=shared)
    stored = sessions.get(p.db, row.id)
    assert (stored.private_notes, stored.shared_summary) == (private, shared)
    # Created with its notes in one go works too.
    other = new(p, private_notes=shared, shared_summary=private)
    again = sessions.get(p.db, other.id)
    assert (again.private_notes, again.shared_summary) == (shared, private)


def test_odd_characters_in_notes_are_kept_or_replaced_never_lost(practice):
    p = practice
    row = new(p)
    sessions.save_notes(p.db, row.id, private_notes="nul\x00bell\x07 kept")
    assert sessions.get(p.db, row.id).private_notes == "nul\x00bell\x07 kept"
    # A lone surrogate (half an emoji) cannot be stored as UTF-8: the rest of the
    # note must still be saved rather than the whole note refused with a traceback.
    sessions.save_notes(p.db, row.id, private_notes="before \ud83d after",
                        shared_summary="pair \ud83d\ude00 joined")
    stored = sessions.get(p.db, row.id)
    assert stored.private_notes.startswith("before ") and stored.private_notes.endswith(" after")
    assert stored.shared_summary == "pair 😀 joined"


def test_notes_are_saved_even_when_another_field_is_invalid(practice):
    p = practice
    row = new(p, status="held")
    # A refused update changes nothing (all or nothing) ...
    refused("duration_minutes", sessions.update, p.db, row.id, duration_minutes=0,
            private_notes="typed while the duration was wrong")
    assert sessions.get(p.db, row.id).private_notes == ""
    # ... and the autosave of the notes alone still goes through.
    sessions.save_notes(p.db, row.id, private_notes="typed while the duration was wrong")
    assert sessions.get(p.db, row.id).private_notes == "typed while the duration was wrong"

    # A row the services would refuse (an old database, a hand edit): a group of
    # one and zero minutes. Saving notes must not trip over those fields.
    with p.db.session() as s:
        broken = s.get(CoachingSession, row.id)
        broken.is_group, broken.participants, broken.duration_minutes = True, 1, 0
        s.add(broken)
    sessions.save_notes(p.db, row.id, private_notes="still saved", shared_summary="also saved")
    stored = sessions.get(p.db, row.id)
    assert (stored.private_notes, stored.shared_summary) == ("still saved", "also saved")
    # Editing the group itself still asks for the number.
    refused("participants", sessions.update, p.db, row.id, is_group=True)


# -- usage against the agreement ----------------------------------------------------------


def test_usage_counts_what_the_agreement_charges(practice):
    p = practice  # 4 sessions, 5 hours agreed
    empty = sessions.usage(p.db, p.eng)
    assert (empty.sessions_used, empty.sessions_held, empty.hours_delivered, empty.planned) == \
        (0, 0, 0, 0)
    assert empty.label == "0 of 4 sessions used, 0 of 5 h delivered"
    assert not empty.used_up and empty.warning is None

    new(p, status="held", duration_minutes=60)
    new(p, status="held", duration_minutes=90)
    new(p, status="cancelled", duration_minutes=60)     # not charged
    new(p, status="cancelled_late", duration_minutes=60)  # charged, no hours
    new(p, status="planned", duration_minutes=60)
    new(p, engagement=p.omar_eng, status="held")        # another engagement
    u = sessions.usage(p.db, p.eng)
    assert (u.sessions_agreed, u.hours_agreed) == (4, 5)
    assert u.sessions_held == 2 and u.sessions_used == 3 and u.planned == 1
    assert u.hours_delivered == 2.5  # held minutes only
    assert u.label == "3 of 4 sessions used, 2.5 of 5 h delivered, 1 planned"
    assert not u.used_up and u.warning is None  # 3 used + 1 planned = 4: just fits

    new(p, status="planned")
    assert sessions.usage(p.db, p.eng).warning == "The sessions planned go beyond what was agreed."

    no_show = new(p, status="no_show", duration_minutes=60)  # charged
    u = sessions.usage(p.db, p.eng)
    assert u.sessions_used == 4 and u.hours_delivered == 2.5 and u.used_up
    assert u.warning == "The agreement is used up: further sessions need a new agreement."
    assert u.label == "4 of 4 sessions used, 2.5 of 5 h delivered, 2 planned"

    new(p, status="held", duration_minutes=45)
    u = sessions.usage(p.db, p.eng)
    assert u.sessions_used == 5 and u.hours_delivered == 3.25
    assert u.warning == "More sessions used (5) than agreed (4): time to talk to the sponsor."

    # Cancelling the no-show for good gives a session back.
    sessions.update(p.db, no_show.id, status="cancelled")
    assert sessions.usage(p.db, p.eng).sessions_used == 4


def test_usage_used_up_by_hours_and_without_an_agreement(practice):
    p = practice
    hours_only = engagements.create(p.db, p.anna, "2026-01-05", hours_agreed=2)
    new(p, engagement=hours_only.id, status="held", duration_minutes=60)
    u = sessions.usage(p.db, hours_only.id)
    assert not u.used_up and u.label == "1 sessions used, 1 of 2 h delivered"
    new(p, engagement=hours_only.id, status="held", duration_minutes=60)
    u = sessions.usage(p.db, hours_only.id)
    assert u.used_up and u.hours_delivered == 2
    assert u.warning == "The agreement is used up: further sessions need a new agreement."

    thirds = engagements.create(p.db, p.anna, "2026-01-05", hours_agreed=1)
    for _ in range(3):
        new(p, engagement=thirds.id, status="held", duration_minutes=20)
    assert sessions.usage(p.db, thirds.id).used_up  # 3 x 20 min is 1 h, not 0.99

    nothing_agreed = p.omar_eng
    for _ in range(30):
        new(p, engagement=nothing_agreed, status="held")
    new(p, engagement=nothing_agreed)
    u = sessions.usage(p.db, nothing_agreed)
    assert u.sessions_used == 30 and not u.used_up and u.warning is None
    assert u.label == "30 sessions used, 1 planned"


def test_demo_has_a_used_up_agreement(demo_db):
    rows = [(e, sessions.usage(demo_db, e.id)) for e in engagements.list_all(demo_db)]
    used_up = [u for _e, u in rows if u.used_up]
    assert used_up and all(u.warning for u in used_up)
    assert any(u.sessions_used for _e, u in rows)


# -- lists across the practice -------------------------------------------------------------


def test_last_and_next_per_client(practice):
    p = practice
    today = date(2026, 3, 10)
    new(p, "2026-02-01", status="held")
    new(p, "2026-03-01", status="held")
    new(p, "2026-03-05", status="cancelled")     # not a session held
    new(p, "2026-03-09", status="planned")       # planned but passed: not next
    new(p, "2026-03-24", status="planned")
    new(p, "2026-03-17", status="planned")
    new(p, "2026-03-12", status="cancelled")     # not next either
    new(p, "2026-03-12", engagement=p.omar_eng, status="planned")
    lonely = clients.create(p.db, "No Sessions Yet")
    result = sessions.last_and_next(p.db, today=today)
    assert result[p.anna] == (date(2026, 3, 1), date(2026, 3, 17))
    assert result[p.omar] == (None, date(2026, 3, 12))
    assert lonely.id not in result
    # A planned session today is still next.
    assert sessions.last_and_next(p.db, today=date(2026, 3, 17))[p.anna][1] == date(2026, 3, 17)
    assert sessions.last_and_next(p.db, today=date(2026, 3, 25))[p.anna] == \
        (date(2026, 3, 1), None)


def test_upcoming_is_the_next_fourteen_days_inclusive(practice):
    p = practice
    today = date(2026, 3, 1)
    new(p, today - timedelta(days=1))                                   # yesterday
    t_late = new(p, today, start_time="16:00")
    t_early = new(p, today, start_time="08:00")
    edge = new(p, today + timedelta(days=14), engagement=p.omar_eng)
    new(p, today + timedelta(days=15))                                  # one day too far
    new(p, today + timedelta(days=2), status="held")                    # not planned
    new(p, today + timedelta(days=3), status="cancelled")
    rows = sessions.upcoming(p.db, today=today)
    assert [r.id for r in rows] == [t_early.id, t_late.id, edge.id]
    first = rows[0]
    assert (first.client_name, first.client_id, first.status, first.format) == \
        ("Anna Lindqvist", p.anna, "planned", "video")
    assert first.engagement_kind == "coaching" and first.start_time == time(8, 0)
    assert rows[2].client_name == "Omar Haddad"
    assert [r.id for r in sessions.upcoming(p.db, days=0, today=today)] == [t_early.id, t_late.id]


def test_recent_and_without_notes(practice):
    p = practice
    today = date(2026, 3, 31)
    held_empty = new(p, "2026-03-20", status="held")
    held_private = new(p, "2026-03-21", status="held", private_notes="only mine")
    held_shared = new(p, "2026-03-22", status="held", shared_summary="only shareable")
    cancelled = new(p, "2026-03-01", status="cancelled")          # 30 days back: the edge
    no_show = new(p, "2026-03-25", status="no_show")
    new(p, "2026-02-28", status="held")                           # 31 days back
    new(p, "2026-03-30", status="planned")                        # not recent: planned
    new(p, "2026-04-02", status="held")                           # in the future
    recent = sessions.recent(p.db, today=today)
    assert [r.id for r in recent] == [no_show.id, held_shared.id, held_private.id,
                                      held_empty.id, cancelled.id]
    flags = {r.id: r.has_notes for r in recent}
    assert flags == {no_show.id: False, held_shared.id: True, held_private.id: True,
                     held_empty.id: False, cancelled.id: False}

    missing = {r.id for r in sessions.without_notes(p.db)}
    assert held_empty.id in missing
    assert not missing & {held_private.id, held_shared.id, cancelled.id, no_show.id}
    assert len(missing) == 3  # with the two held on 28 Feb and 2 Apr
    sessions.save_notes(p.db, held_empty.id, shared_summary="written up at last")
    assert held_empty.id not in {r.id for r in sessions.without_notes(p.db)}
    assert len(sessions.without_notes(p.db, limit=1)) == 1


def test_without_notes_in_the_demo_practice_counts_relative(demo_db):
    before = sessions.without_notes(demo_db)
    assert before and all(r.status == "held" and not r.has_notes for r in before)
    some = before[0]
    engagement = sessions.get(demo_db, some.id).engagement_id
    added = sessions.create(demo_db, engagement, date.today(), status="held")
    after = sessions.without_notes(demo_db)
    assert len(after) == len(before) + 1 and added.id in {r.id for r in after}
    sessions.save_notes(demo_db, added.id, private_notes="done")
    assert len(sessions.without_notes(demo_db)) == len(before)


def test_list_for_client_newest_first(practice):
    p = practice
    middle = new(p, "2026-02-10", start_time="09:00")
    oldest = new(p, "2026-01-15")
    newest_late = new(p, "2026-03-20", start_time="17:00")
    newest_early = new(p, "2026-03-20", start_time="08:30")
    new(p, "2026-04-01", engagement=p.omar_eng)  # someone else's
    assert [r.id for r in sessions.list_for_client(p.db, p.anna)] == \
        [newest_late.id, newest_early.id, middle.id, oldest.id]
    assert [r.id for r in sessions.list_for_engagement(p.db, p.eng)][-1] == oldest.id
    assert sessions.list_for_client(p.db, 987654) == []


# -- GROW worksheets -----------------------------------------------------------------------


def test_for_session_creates_once(practice):
    p = practice
    row = new(p)
    assert grow.for_session(p.db, row.id, create=False) is None
    ws = grow.for_session(p.db, row.id)
    again = grow.for_session(p.db, row.id)
    assert ws.id == again.id and again.session_id == row.id
    assert grow.for_session(p.db, row.id, create=False).id == ws.id
    assert grow.for_session(p.db, new(p).id).id != ws.id  # one per session
    with pytest.raises(NotFoundError):
        grow.for_session(p.db, 987654)


@pytest.mark.parametrize("bad", [11, -1, 100, "11", "x", "seven", "1.5", 10**20, float("nan"),
                                 float("inf")])
def test_bad_commitment_is_refused(practice, bad):
    p = practice
    ws = grow.for_session(p.db, new(p).id)
    grow.update(p.db, ws.id, commitment=6)
    message = refused("commitment", grow.update, p.db, ws.id, commitment=bad)
    assert message == "Commitment is a number from 1 to 10."
    assert grow.for_session(p.db, ws.session_id).commitment == 6


def test_commitment_range_and_clearing(practice):
    p = practice
    ws = grow.for_session(p.db, new(p).id)
    for value, stored in ((1, 1), (10, 10), ("7", 7), (" 3 ", 3), (None, None), (5, 5),
                          ("", None), (8, 8), (0, None)):  # 0 is the spin box's "not rated"
        assert grow.update(p.db, ws.id, commitment=value).commitment == stored
        assert grow.for_session(p.db, ws.session_id).commitment == stored


def test_worksheet_text_round_trips_and_unknown_fields_are_refused(practice):
    p = practice
    ws = grow.for_session(p.db, new(p).id)
    big = one_megabyte("GOAL ")
    grow.update(p.db, ws.id, goal_session=big, reality_obstacles=HOSTILE, will_when="by Friday")
    stored = grow.for_session(p.db, ws.session_id)
    assert stored.goal_session == big and stored.reality_obstacles == HOSTILE
    assert stored.will_when == "by Friday" and stored.reality_facts == ""
    with pytest.raises(ValidationError) as info:
        grow.update(p.db, ws.id, goal="typo", will_what="kept?")
    assert "goal" in assert_sentence(info.value)
    assert grow.for_session(p.db, ws.session_id).will_what == ""
    with pytest.raises(NotFoundError):
        grow.update(p.db, 987654, goal_session="x")


def test_options_add_update_remove(practice):
    p = practice
    ws = grow.for_session(p.db, new(p).id)
    for empty in ("", "   ", None, "\n\t"):
        assert "cannot be empty" in refused("text", grow.add_option, p.db, ws.id, empty)
    assert grow.options(p.db, ws.id) == []
    a = grow.add_option(p.db, ws.id, "  Ask the COO directly  ", notes="risky")
    b = grow.add_option(p.db, ws.id, "Delegate the review", notes=HOSTILE)
    c = grow.add_option(p.db, ws.id, "Do nothing for a month")
    assert a.text == "Ask the COO directly"
    assert [o.id for o in grow.options(p.db, ws.id)] == [a.id, b.id, c.id]
    assert grow.options(p.db, ws.id)[1].notes == HOSTILE
    assert not any(o.chosen for o in grow.options(p.db, ws.id))

    chosen = grow.update_option(p.db, b.id, chosen=True)
    assert chosen.chosen and chosen.text == "Delegate the review"
    assert [o.id for o in grow.options(p.db, ws.id) if o.chosen] == [b.id]
    refused("text", grow.update_option, p.db, b.id, text="  ")
    assert grow.options(p.db, ws.id)[1].text == "Delegate the review"
    grow.update_option(p.db, b.id, text="Delegate both reviews", notes="")
    assert grow.options(p.db, ws.id)[1].text == "Delegate both reviews"
    grow.update_option(p.db, b.id, chosen=False)
    assert not any(o.chosen for o in grow.options(p.db, ws.id))

    grow.remove_option(p.db, a.id)
    assert [o.id for o in grow.options(p.db, ws.id)] == [b.id, c.id]
    with pytest.raises(NotFoundError):
        grow.remove_option(p.db, a.id)
    with pytest.raises(NotFoundError):
        grow.update_option(p.db, a.id, chosen=True)
    with pytest.raises(NotFoundError):
        grow.add_option(p.db, 987654, "no worksheet")


def test_options_added_after_removals_go_to_the_end(practice):
    p = practice
    ws = grow.for_session(p.db, new(p).id)
    ids = [grow.add_option(p.db, ws.id, text).id for text in ("one", "two", "three", "four")]
    grow.remove_option(p.db, ids[1])
    grow.remove_option(p.db, ids[2])
    five = grow.add_option(p.db, ws.id, "five")
    assert [o.text for o in grow.options(p.db, ws.id)] == ["one", "four", "five"]
    assert [o.id for o in grow.options(p.db, ws.id)] == [ids[0], ids[3], five.id]


def test_is_empty(practice):
    p = practice
    assert grow.is_empty(None)
    ws = grow.for_session(p.db, new(p).id)
    assert grow.is_empty(ws, grow.options(p.db, ws.id))
    ws = grow.update(p.db, ws.id, goal_session="   \n\t ", will_when=" ")
    assert grow.is_empty(ws, grow.options(p.db, ws.id))  # blanks are not content
    ws = grow.update(p.db, ws.id, commitment=4)
    assert not grow.is_empty(ws)
    ws = grow.update(p.db, ws.id, commitment=None)
    assert grow.is_empty(ws)
    grow.add_option(p.db, ws.id, "an option is content")
    assert not grow.is_empty(ws, grow.options(p.db, ws.id))
    assert grow.is_empty(ws)  # the worksheet's own fields are still blank
    for field in grow.TEXT_FIELDS:
        other = grow.for_session(p.db, new(p).id)
        assert not grow.is_empty(grow.update(p.db, other.id, **{field: "x"})), field


# -- action items ----------------------------------------------------------------------------


def test_a_due_date_before_the_session_is_refused(practice):
    p = practice
    row = new(p, D)  # 2 Mar 2026
    message = refused("due_date", actions.create, p.db, row.id, "Call the COO",
                      due_date=D - timedelta(days=1))
    assert message == "The due date is before the session it was agreed in (2 Mar 2026)."
    refused("due_date", actions.create, p.db, row.id, "x", due_date="2025-12-31")
    assert actions.for_session(p.db, row.id) == []

    same_day = actions.create(p.db, row.id, "Write it down", due_date=D)
    assert same_day.due_date == D and same_day.client_id == p.anna
    refused("due_date", actions.update, p.db, same_day.id, due_date="2026-03-01")
    assert actions.for_session(p.db, row.id)[0].due_date == D
    assert actions.update(p.db, same_day.id, due_date=None).due_date is None
    assert actions.update(p.db, same_day.id, due_date="2026-04-01").due_date == date(2026, 4, 1)

    assert "date like" in refused("due_date", actions.create, p.db, row.id, "x",
                                  due_date="31/12/2026")
    assert "cannot be empty" in refused("text", actions.create, p.db, row.id, "  ")
    assert "must be one of" in refused("owner", actions.create, p.db, row.id, "x", owner="boss")
    refused("text", actions.update, p.db, same_day.id, text="")
    assert actions.for_session(p.db, row.id)[0].text == "Write it down"
    coach = actions.create(p.db, row.id, "Send the article", owner="coach")
    assert coach.owner.value == "coach"
    with pytest.raises(NotFoundError):
        actions.create(p.db, 987654, "no session")


def test_set_status_records_when_it_changed(practice):
    p = practice
    item = actions.create(p.db, new(p).id, "Book the offsite")
    assert item.status == ActionStatus.open and item.status_changed_on is None
    done = actions.set_status(p.db, item.id, "done", today=date(2026, 3, 5))
    assert done.status == ActionStatus.done and done.status_changed_on == date(2026, 3, 5)
    again = actions.set_status(p.db, item.id, ActionStatus.done, today=date(2026, 3, 9))
    assert again.status_changed_on == date(2026, 3, 5)  # unchanged status keeps its date
    reopened = actions.set_status(p.db, item.id, "open", today=date(2026, 3, 10))
    assert reopened.status_changed_on == date(2026, 3, 10)
    dropped = actions.set_status(p.db, item.id, "dropped")
    assert dropped.status == ActionStatus.dropped and dropped.status_changed_on == date.today()
    assert "must be one of" in refused("status", actions.set_status, p.db, item.id, "finished")
    assert actions.for_session(p.db, item.session_id)[0].status == ActionStatus.dropped
    with pytest.raises(NotFoundError):
        actions.set_status(p.db, 987654, "done")


def test_open_before_shows_open_actions_from_earlier_sessions_of_the_same_client(practice):
    p = practice
    first = new(p, "2026-01-12")
    second = new(p, "2026-02-09")
    third = new(p, "2026-03-09")
    later = new(p, "2026-04-06")
    omars = new(p, "2026-02-01", engagement=p.omar_eng)

    a_open = actions.create(p.db, first.id, "Ask for feedback", due_date="2026-03-01")
    a_done = actions.create(p.db, first.id, "Read the book")
    a_dropped = actions.create(p.db, first.id, "Run a survey")
    actions.set_status(p.db, a_done.id, "done")
    actions.set_status(p.db, a_dropped.id, "dropped")
    b_open = actions.create(p.db, second.id, "Delegate a review", due_date="2026-02-20")
    b_undated = actions.create(p.db, second.id, "Think about it")
    c_open = actions.create(p.db, third.id, "Agreed today")
    actions.create(p.db, later.id, "Agreed in the future")
    actions.create(p.db, omars.id, "Omar's own")

    def ids(session):
        return [a.id for a in actions.open_before(p.db, session.id)]

    assert ids(first) == []
    assert ids(second) == [a_open.id]
    assert set(ids(third)) == {a_open.id, b_open.id, b_undated.id}
    assert c_open.id not in ids(third)  # not the session's own
    assert ids(third)[-2:] == [b_open.id, a_open.id]  # by due date
    assert c_open.id in ids(later)
    assert ids(omars) == []  # another client's actions never show

    # Closed from the follow-up list: gone from it.
    actions.set_status(p.db, b_open.id, "done")
    assert set(ids(third)) == {a_open.id, b_undated.id}
    with pytest.raises(NotFoundError):
        actions.open_before(p.db, 987654)


def test_open_actions_across_clients_with_overdue(practice):
    p = practice
    today = date(2026, 3, 20)
    anna_s = new(p, "2026-03-02")
    omar_s = new(p, "2026-03-02", engagement=p.omar_eng)
    overdue = actions.create(p.db, anna_s.id, "Overdue", due_date="2026-03-19")
    due_today = actions.create(p.db, omar_s.id, "Due today", due_date=today)
    later = actions.create(p.db, anna_s.id, "Later", due_date="2026-04-30")
    undated = actions.create(p.db, omar_s.id, "Undated")
    old_overdue = actions.create(p.db, omar_s.id, "Long overdue", due_date="2026-03-05")
    done = actions.create(p.db, anna_s.id, "Done already", due_date="2026-03-03")
    actions.set_status(p.db, done.id, "done")

    rows = actions.open_actions(p.db, today=today)
    assert [r.id for r in rows] == [old_overdue.id, overdue.id, due_today.id, later.id,
                                    undated.id]
    flags = {r.id: r.overdue for r in rows}
    assert flags == {old_overdue.id: True, overdue.id: True, due_today.id: False,
                     later.id: False, undated.id: False}
    first = rows[0]
    assert (first.client_name, first.client_id, first.session_id, first.session_date) == \
        ("Omar Haddad", p.omar, omar_s.id, D)
    assert first.owner == "client" and first.text == "Long overdue"
    only = actions.open_actions(p.db, overdue_only=True, today=today)
    assert [r.id for r in only] == [old_overdue.id, overdue.id]
    assert actions.open_actions(p.db, overdue_only=True, today=date(2026, 3, 1)) == []


# -- the .ics calendar ------------------------------------------------------------------------


def vevents(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_one_session_past_midnight_as_ics(practice):
    p = practice
    row = new(p, start_time="23:30", duration_minutes=90, format="in_person",
              private_notes=f"{CANARY_PRIVATE} panic attacks",
              shared_summary=f"{CANARY_SHARED} agreed to delegate")
    new(p, "2026-03-03", start_time="10:00")  # not asked for
    data = calendar.sessions_to_ics(p.db, [row.id])
    found = vevents(data)
    assert list(found) == [calendar.session_uid(row.id)]
    event = found[calendar.session_uid(row.id)]
    start = event.decoded("DTSTART")  # in the system's zone, never floating
    assert start.tzinfo is not None and start == datetime(2026, 3, 2, 23, 30).astimezone()
    assert event.decoded("DURATION") == timedelta(minutes=90)
    assert start + event.decoded("DURATION") == \
        sessions.ends_at(sessions.get(p.db, row.id)).astimezone()
    assert str(event["SUMMARY"]) == "Coaching: Anna Lindqvist"
    assert str(event["LOCATION"]) == "In person"
    assert str(event["DESCRIPTION"]) == "In person, 90 minutes."
    unfolded = data.replace(b"\r\n ", b"")
    for canary in (CANARY_PRIVATE, CANARY_SHARED, "panic", "delegate"):
        assert canary.encode() not in unfolded
        assert canary not in str(event["SUMMARY"])


def test_all_planned_sessions_as_ics(practice):
    p = practice
    timed = new(p, "2026-03-10", start_time="09:30", duration_minutes=60,
                private_notes=CANARY_PRIVATE)
    all_day = new(p, "2026-03-11", duration_minutes=90, shared_summary=CANARY_SHARED)
    omars = new(p, "2026-03-12", engagement=p.omar_eng, start_time="14:00", format="phone")
    held = new(p, "2026-03-01", status="held", start_time="09:00")
    cancelled = new(p, "2026-03-13", status="cancelled", start_time="09:00")
    data = calendar.sessions_to_ics(p.db, planned_only=True)
    found = vevents(data)
    assert set(found) == {calendar.session_uid(i) for i in (timed.id, all_day.id, omars.id)}
    assert calendar.session_uid(held.id) not in found
    assert calendar.session_uid(cancelled.id) not in found

    t = found[calendar.session_uid(timed.id)]
    assert t.decoded("DTSTART") == datetime(2026, 3, 10, 9, 30).astimezone()
    assert t.decoded("DURATION") == timedelta(hours=1)

    a = found[calendar.session_uid(all_day.id)]  # no start time: a whole day
    assert a.decoded("DTSTART") == date(2026, 3, 11)
    assert not isinstance(a.decoded("DTSTART"), datetime)
    assert a.decoded("DTEND") == date(2026, 3, 12)
    assert "90 minutes" in str(a["DESCRIPTION"])

    o = found[calendar.session_uid(omars.id)]
    assert str(o["SUMMARY"]) == "Coaching: Omar Haddad" and str(o["LOCATION"]) == "Phone"
    for canary in (CANARY_PRIVATE, CANARY_SHARED):
        assert canary.encode() not in data.replace(b"\r\n ", b"")
        assert all(canary not in str(e["SUMMARY"]) for e in found.values())

    everything = vevents(calendar.sessions_to_ics(p.db))
    assert str(everything[calendar.session_uid(cancelled.id)]["STATUS"]) == "CANCELLED"
    assert calendar.session_uid(held.id) in everything
