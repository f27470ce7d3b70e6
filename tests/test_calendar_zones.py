"""The .ics calendar in the coach's time zone: TZID + VTIMEZONE, or UTC; never floating.

Each test sets the system's zone with ``TZ`` + ``time.tzset()`` (POSIX) and puts it back
after. The instants are checked as aware datetimes against values worked out by hand
(UTC), so a wrong offset, a lost day over midnight or a change of clocks shows.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coachdesk.models import Client, CoachingSession, Engagement
from coachdesk.services import calendar

pytestmark = pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX-only")


@pytest.fixture
def system_tz():
    """Set the system's time zone for the test (TZ + tzset); the old one comes back after."""
    before = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    try:
        yield use
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (date, start, minutes) -> the instants it starts and ends, per zone, worked out by hand.
# Europe/London: GMT, BST from 01:00 UTC on 29 March 2026 to 01:00 UTC on 25 October 2026.
# America/New_York: EST -5, EDT -4 from 8 March to 1 November 2026. Asia/Tokyo: +9, no DST.
SESSIONS = {
    "late": (date(2026, 3, 28), clock(23, 30), 90),        # over midnight (and, in London,
    "spring": (date(2026, 3, 29), clock(10, 0), 60),       # over the change of clocks)
    "gap": (date(2026, 3, 29), clock(1, 30), 60),          # 01:30 does not exist in London
    "twice": (date(2026, 10, 25), clock(1, 30), 60),       # 01:30 happens twice in London
    "autumn": (date(2026, 10, 25), clock(9, 0), 45),
    "ny_gap": (date(2026, 3, 8), clock(2, 30), 60),        # does not exist in New York
    "ny_twice": (date(2026, 11, 1), clock(1, 30), 60),     # happens twice in New York
}
EXPECTED_START = {
    "Europe/London": {
        "late": utc(2026, 3, 28, 23, 30),
        "spring": utc(2026, 3, 29, 9, 0),
        "gap": utc(2026, 3, 29, 1, 30),      # read with the offset before the gap: 02:30 BST
        "twice": utc(2026, 10, 25, 0, 30),   # the first 01:30 (BST)
        "autumn": utc(2026, 10, 25, 9, 0),
        "ny_gap": utc(2026, 3, 8, 2, 30),
        "ny_twice": utc(2026, 11, 1, 1, 30),
    },
    "America/New_York": {
        "late": utc(2026, 3, 29, 3, 30),
        "spring": utc(2026, 3, 29, 14, 0),
        "gap": utc(2026, 3, 29, 5, 30),
        "twice": utc(2026, 10, 25, 5, 30),
        "autumn": utc(2026, 10, 25, 13, 0),
        "ny_gap": utc(2026, 3, 8, 7, 30),    # 02:30 EST does not exist: 03:30 EDT
        "ny_twice": utc(2026, 11, 1, 5, 30),  # the first 01:30 (EDT)
    },
    "Asia/Tokyo": {
        "late": utc(2026, 3, 28, 14, 30),
        "spring": utc(2026, 3, 29, 1, 0),
        "gap": utc(2026, 3, 28, 16, 30),
        "twice": utc(2026, 10, 24, 16, 30),
        "autumn": utc(2026, 10, 25, 0, 0),
        "ny_gap": utc(2026, 3, 7, 17, 30),
        "ny_twice": utc(2026, 10, 31, 16, 30),
    },
}
# the local wall time written after TZID=, where it differs from the time typed
WRITTEN = {("Europe/London", "gap"): "20260329T023000",
           ("America/New_York", "ny_gap"): "20260308T033000"}


def _client_with_engagement(s, name: str) -> tuple[Client, Engagement]:
    client = Client(name=name)
    s.add(client)
    s.flush()
    engagement = Engagement(client_id=client.id, start_date=date(2026, 1, 5))
    s.add(engagement)
    s.flush()
    return client, engagement


@pytest.fixture
def booked(db):
    with db.session() as s:
        client, engagement = _client_with_engagement(s, "Anna Lindqvist")
        ids = {}
        for key, (day, start, minutes) in SESSIONS.items():
            row = CoachingSession(engagement_id=engagement.id, client_id=client.id,
                                  session_date=day, start_time=start, duration_minutes=minutes)
            s.add(row)
            s.flush()
            ids[key] = row.id
        all_day = CoachingSession(engagement_id=engagement.id, client_id=client.id,
                                  session_date=date(2026, 3, 28), duration_minutes=60)
        s.add(all_day)
        s.flush()
        ids["all_day"] = all_day.id
    return db, ids


def by_uid(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def unfolded_lines(data: bytes) -> list[str]:
    return data.replace(b"\r\n ", b"").decode().split("\r\n")


@pytest.mark.parametrize("zone", sorted(EXPECTED_START))
def test_timed_sessions_carry_the_coachs_zone(booked, system_tz, zone):
    db, ids = booked
    system_tz(zone)
    data = calendar.sessions_to_ics(db)
    cal = Calendar.from_ical(data)
    events = by_uid(data)

    for key, (day, start, minutes) in SESSIONS.items():
        event = events[calendar.session_uid(ids[key])]
        begins = event.decoded("DTSTART")
        assert begins.tzinfo is not None, key  # never floating
        assert event["DTSTART"].params["TZID"] == zone
        # (in UTC: Python never finds a repeated local time equal to another zone's time)
        assert begins.astimezone(UTC) == EXPECTED_START[zone][key], key
        # a DURATION in minutes is exact time (RFC 5545), not wall-clock time
        ends = begins.astimezone(UTC) + event.decoded("DURATION")
        assert ends == EXPECTED_START[zone][key] + timedelta(minutes=minutes), key
        typed = WRITTEN.get((zone, key), f"{day:%Y%m%d}T{start:%H%M}00")
        assert f"DTSTART;TZID={zone}:{typed}" in unfolded_lines(data), key

    # The bad case of the issue: 23:30 on 28 March, floating, is gone; the zone is named.
    assert "DTSTART:20260328T233000" not in unfolded_lines(data)
    assert f"DTSTART;TZID={zone}:20260328T233000" in unfolded_lines(data)

    # exactly one VTIMEZONE, for the one zone used, and it says what the zone says
    timezones = list(cal.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == [zone]
    assert cal.get_missing_tzids() == set()
    described, real = timezones[0].to_tz(), ZoneInfo(zone)
    for key, (_day, _start, _minutes) in SESSIONS.items():
        local = events[calendar.session_uid(ids[key])].decoded("DTSTART").replace(tzinfo=None)
        assert local.replace(tzinfo=described).utcoffset() == \
            local.replace(tzinfo=real).utcoffset(), key

    # an all-day session stays a DATE (and the only lines without TZID are DATEs)
    all_day = events[calendar.session_uid(ids["all_day"])]
    assert all_day.decoded("DTSTART") == date(2026, 3, 28)
    assert not isinstance(all_day.decoded("DTSTART"), datetime)
    assert all_day.decoded("DTEND") == date(2026, 3, 29)
    in_event, dates = False, 0
    for line in unfolded_lines(data):
        in_event = (in_event or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if in_event and line.startswith(("DTSTART", "DTEND")) and f"TZID={zone}:" not in line:
            assert line.startswith(("DTSTART;VALUE=DATE:", "DTEND;VALUE=DATE:")), line
            dates += 1
    assert dates == 2  # the all-day session's DTSTART and DTEND


def test_the_same_calendar_twice_is_the_same_bytes(booked, system_tz):
    db, _ids = booked
    system_tz("Europe/London")
    assert calendar.sessions_to_ics(db) == calendar.sessions_to_ics(db)


def test_a_zone_without_a_name_gives_utc_by_the_systems_rules(booked, system_tz):
    db, ids = booked
    system_tz("XST5XDT,M3.2.0,M11.1.0")  # New York's rules under a name no database knows
    assert calendar.system_zone() is None
    data = calendar.sessions_to_ics(db)
    cal = Calendar.from_ical(data)
    assert list(cal.walk("VTIMEZONE")) == []
    events = by_uid(data)
    for key in ("late", "spring", "twice", "autumn", "ny_twice"):
        event = events[calendar.session_uid(ids[key])]
        assert event.decoded("DTSTART").astimezone(UTC) == \
            EXPECTED_START["America/New_York"][key], key
        assert "TZID" not in event["DTSTART"].params
    assert "DTSTART:20260329T033000Z" in unfolded_lines(data)  # 23:30 EDT on the 28th


@pytest.mark.parametrize("name", ["UTC", "Etc/UTC"])
def test_utc_is_written_with_z_and_no_vtimezone(booked, system_tz, name):
    db, ids = booked
    system_tz(name)
    data = calendar.sessions_to_ics(db)
    assert list(Calendar.from_ical(data).walk("VTIMEZONE")) == []
    assert "DTSTART:20260328T233000Z" in unfolded_lines(data)
    event = by_uid(data)[calendar.session_uid(ids["late"])]
    assert event.decoded("DTSTART") == utc(2026, 3, 28, 23, 30)


def test_a_zone_can_be_given_by_name(booked, system_tz):
    db, ids = booked
    system_tz("Asia/Tokyo")
    data = calendar.sessions_to_ics(db, [ids["late"]], zone="Europe/London")
    event = by_uid(data)[calendar.session_uid(ids["late"])]
    assert event.decoded("DTSTART") == EXPECTED_START["Europe/London"]["late"]
    assert [str(t["TZID"]) for t in Calendar.from_ical(data).walk("VTIMEZONE")] == \
        ["Europe/London"]
    # no timed session, no VTIMEZONE
    only_all_day = calendar.sessions_to_ics(db, [ids["all_day"]])
    assert b"VTIMEZONE" not in only_all_day


# -- which zone the system is in ---------------------------------------------------------


def test_the_zone_is_read_from_tz_localtime_or_timezone_file(tmp_path, monkeypatch, system_tz):
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/posix/Asia/Tokyo")  # need not exist: only its name
    named = tmp_path / "timezone"
    named.write_text("America/New_York\n", encoding="utf-8")
    monkeypatch.setattr(calendar, "LOCALTIME", link)
    monkeypatch.setattr(calendar, "TIMEZONE_FILE", named)
    monkeypatch.setattr(calendar, "_agrees_with_system", lambda zone: True)

    system_tz(":Europe/London")  # glibc's ':' prefix; TZ is the system's word
    assert calendar.system_zone().key == "Europe/London"
    system_tz("/usr/share/zoneinfo/Europe/Paris")
    assert calendar.system_zone().key == "Europe/Paris"
    system_tz("CET-1CEST,M3.5.0,M10.5.0/3")  # a rule, not a name: no guessing from the files
    assert calendar.system_zone() is None

    os.environ.pop("TZ")
    time.tzset()
    assert calendar.system_zone().key == "Asia/Tokyo"  # the link first
    link.unlink()
    assert calendar.system_zone().key == "America/New_York"  # then /etc/timezone
    named.write_text("Not/AZone\n", encoding="utf-8")
    assert calendar.system_zone() is None
    named.unlink()
    assert calendar.system_zone() is None


def test_a_stale_zone_name_that_disagrees_with_the_clock_is_not_used(tmp_path, monkeypatch,
                                                                      system_tz):
    system_tz("America/New_York")
    named = tmp_path / "timezone"
    named.write_text("Asia/Tokyo\n", encoding="utf-8")  # left over from another setup
    monkeypatch.setattr(calendar, "TIMEZONE_FILE", named)
    monkeypatch.setattr(calendar, "LOCALTIME", tmp_path / "no-link")
    assert calendar.system_zone().key == "America/New_York"  # TZ set: the file is not asked
    os.environ.pop("TZ")
    os.environ["TZ"] = "EST5EDT,M3.2.0,M11.1.0"
    time.tzset()
    assert calendar.system_zone() is None


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe",
                                  "Asia/Tokyo"])
def test_each_change_of_clocks_in_the_vtimezone_is_when_the_zone_changes(db, zone):
    """RFC 5545: an observance's DTSTART (and RDATE) is the local time in TZOFFSETFROM at
    which the change happens: 01:00 in London when clocks go forward, not 02:00."""
    with db.session() as s:
        client, engagement = _client_with_engagement(s, "Ana")
        s.add(CoachingSession(engagement_id=engagement.id, client_id=client.id,
                              session_date=date(2026, 6, 1), start_time=clock(9, 0)))
    cal = Calendar.from_ical(calendar.sessions_to_ics(db, zone=zone))
    (vtimezone,) = cal.walk("VTIMEZONE")
    real, changes = ZoneInfo(zone), 0
    for observance in vtimezone.subcomponents:
        before = observance["TZOFFSETFROM"].td
        after = observance["TZOFFSETTO"].td
        if before == after:
            continue
        onsets = [observance.decoded("DTSTART")]
        rdates = observance.get("RDATE")
        for group in [] if rdates is None else rdates if isinstance(rdates, list) else [rdates]:
            onsets += [d.dt for d in group.dts]
        for onset in onsets:
            instant = (onset - before).replace(tzinfo=UTC)
            assert (instant - timedelta(seconds=1)).astimezone(real).utcoffset() == before
            assert instant.astimezone(real).utcoffset() == after, (zone, onset)
            changes += 1
    assert changes == (0 if zone == "Asia/Tokyo" else 4)  # 2026 and 2027, twice a year
    if zone == "Europe/London":
        text = vtimezone.to_ical().decode()
        assert "DTSTART:20260329T010000" in text and "DTSTART:20261025T020000" in text
