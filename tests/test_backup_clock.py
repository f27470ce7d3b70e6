"""Time is untrusted: clocks set wrong, summer-time nights and flights never delete
history nor make an older copy "latest". Frozen clocks (``backups.utcnow``) and time
zones set with TZ + ``time.tzset`` (POSIX)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coachdesk import backups, storage
from coachdesk.backup_names import FUTURE_NOTE, parse_instant
from coachdesk.backups import BackupInfo, plan_rotation
from coachdesk.services import clients

needs_tzset = pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX-only")


def fake(instant: datetime, kind: str = backups.DAILY) -> BackupInfo:
    name = f"coachdesk-{instant:%Y%m%d-%H%M%S-%f}Z-{kind}.db"
    return BackupInfo(path=Path("/b") / name, when=instant.replace(tzinfo=None), size=1,
                      kind=kind, instant=instant)


@pytest.fixture
def clock(monkeypatch):
    """Set the backup code's clock: ``clock.at(datetime)`` (aware)."""
    class Clock:
        now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

        def at(self, moment: datetime) -> None:
            self.now = moment

    c = Clock()
    monkeypatch.setattr(backups, "utcnow", lambda: c.now)
    return c


@pytest.fixture
def zone():
    """``zone("Europe/Berlin")`` sets this process's time zone; restored afterwards."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def practice(db):
    clients.create(db, "Ada First")
    path = db.path
    db.close()
    return path


def add_client(path: Path, name: str) -> None:
    db = storage.open_database(path)
    clients.create(db, name)
    db.close()


def names_in(path: Path) -> list[str]:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM client"))
    finally:
        con.close()


# -- rotation ------------------------------------------------------------------------------


def a_year_rotated() -> list[BackupInfo]:
    # Rotation slots are the coach's local days, weeks and months: a backup at the local
    # noon of each day of 2026 (18:00 UTC is already the next day in Kiritimati).
    start = datetime(2026, 1, 1, 12, 0).astimezone(UTC)
    year = [fake(start + timedelta(days=i)) for i in range(365)]
    keep, _ = plan_rotation(year, now=start + timedelta(days=364, hours=1))
    assert len(keep) == 20
    return keep


def test_one_backup_made_with_the_clock_at_2001_deletes_no_history():
    history = a_year_rotated()
    wrong = fake(datetime(2001, 1, 1, 9, 0, tzinfo=UTC))
    keep, delete = plan_rotation(history + [wrong], now=datetime(2001, 1, 1, 9, 1, tzinfo=UTC))
    assert delete == [] and len(keep) == 21
    # The clock is right again: a new day's backup rotates as usual, the 2001 copy
    # (which cannot be placed in time) is kept, and the history is all there.
    today = fake(datetime(2027, 1, 1, 18, 0, tzinfo=UTC))
    keep, delete = plan_rotation(keep + [today], now=datetime(2027, 1, 1, 19, 0, tzinfo=UTC))
    assert wrong in keep and today in keep
    assert len(keep) >= 20 and len(delete) <= 2


def test_a_backup_dated_2062_is_kept_but_takes_no_slot_and_is_never_latest_in_plan():
    history = a_year_rotated()
    future = fake(datetime(2062, 5, 1, 9, 0, tzinfo=UTC))
    for now in (datetime(2026, 12, 31, 20, 0, tzinfo=UTC),   # the clock is right
                datetime(2062, 5, 1, 9, 1, tzinfo=UTC)):    # the clock still says 2062
        keep, delete = plan_rotation(history + [future], now=now)
        assert future in keep and delete == [], now


def test_seven_daily_backups_survive_a_backup_made_at_2001_on_disk(practice, clock):
    for day in range(7):
        clock.at(datetime(2026, 11, 20 + day, 18, 0, tzinfo=UTC))
        backups.backup_now(practice, kind=backups.DAILY)
    assert len(backups.backup_files(practice)) == 7
    clock.at(datetime(2001, 1, 1, 9, 0, tzinfo=UTC))
    backups.backup_now(practice, kind=backups.DAILY)
    left = backups.backup_files(practice)
    assert len(left) == 8
    # Seen from 2001, every real backup is "in the future"; from the real date, only none.
    clock.at(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert not any(b.in_future for b in backups.backup_files(practice))


# -- "latest" -------------------------------------------------------------------------------


def test_a_backup_dated_2062_is_never_latest_and_the_list_says_why(practice, clock):
    clock.at(datetime(2062, 3, 1, 9, 0, tzinfo=UTC))
    future = backups.backup_now(practice, kind=backups.MANUAL)
    add_client(practice, "Bea After The Clock Was Fixed")
    clock.at(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    real = backups.backup_now(practice, kind=backups.DAILY)
    listed = backups.backup_files(practice)
    assert [b.path for b in listed] == [future.path, real.path], "newest date first"
    assert listed[0].in_future and listed[0].note == FUTURE_NOTE and not listed[1].note
    assert backups.latest_good_backup(practice) == real.path
    assert "Bea After The Clock Was Fixed" in names_in(backups.latest_good_backup(practice))
    assert storage.latest_good_backup(practice) == real.path


def test_when_the_clock_now_is_behind_every_backup_latest_is_still_the_newest_real_one(practice, clock):
    for day in (20, 21):
        clock.at(datetime(2026, 11, day, 18, 0, tzinfo=UTC))
        made = backups.backup_now(practice, kind=backups.DAILY)
    clock.at(datetime(2062, 1, 1, tzinfo=UTC))
    wild = backups.backup_now(practice, kind=backups.MANUAL)
    clock.at(datetime(2001, 1, 1, tzinfo=UTC))  # the laptop's battery died: every copy is "future"
    assert all(b.in_future for b in backups.backup_files(practice))
    assert backups.latest_good_backup(practice) == made.path != wild.path


@needs_tzset
def test_the_night_clocks_go_back_does_not_make_the_older_copy_latest(practice, clock, zone):
    zone("Europe/Berlin")
    clock.at(datetime(2026, 10, 25, 0, 40, tzinfo=UTC))   # 02:40 CEST
    a = backups.backup_now(practice, kind=backups.MANUAL, rotate=False)
    add_client(practice, "Cem Added Between")
    clock.at(datetime(2026, 10, 25, 1, 10, tzinfo=UTC))   # 02:10 CET, an hour later
    b = backups.backup_now(practice, kind=backups.MANUAL, rotate=False)
    assert (a.when.hour, a.when.minute) == (2, 40) and (b.when.hour, b.when.minute) == (2, 10)
    assert [x.path for x in backups.backup_files(practice)] == [b.path, a.path]
    assert backups.latest_good_backup(practice) == b.path
    assert "Cem Added Between" in names_in(b.path)


@needs_tzset
def test_a_flight_from_berlin_to_new_york_does_not_make_the_older_copy_latest(practice, clock, zone):
    zone("Europe/Berlin")
    clock.at(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))   # 11:00 in Berlin
    a = backups.backup_now(practice, kind=backups.MANUAL, rotate=False)
    add_client(practice, "Dov Added On The Plane")
    zone("America/New_York")
    clock.at(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))   # 12:00 in New York
    b = backups.backup_now(practice, kind=backups.MANUAL, rotate=False)
    assert backups.latest_good_backup(practice) == b.path
    zone("Europe/Berlin")  # home again
    assert backups.latest_good_backup(practice) == b.path
    assert [x.path for x in backups.backup_files(practice)] == [b.path, a.path]


@needs_tzset
def test_old_local_time_names_are_still_read_and_ordered_by_their_instant(practice, clock, zone):
    zone("Europe/Berlin")
    clock.at(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))    # 09:00 in Berlin
    new = backups.backup_now(practice, kind=backups.MANUAL, rotate=False)
    # An older version named this copy in local time: 09:30 Berlin = 08:30 UTC, i.e. newer.
    old = new.path.with_name("coachdesk-20261129-093000-000000-manual.db")
    shutil.copyfile(new.path, old)
    assert parse_instant(old) == (datetime(2026, 11, 29, 8, 30, tzinfo=UTC), backups.MANUAL)
    assert parse_instant(new.path)[0] == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    clock.at(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    assert [b.path for b in backups.backup_files(practice)] == [old, new.path]
    assert backups.parse_name(old)[0] == datetime(2026, 11, 29, 9, 30)  # shown in local time
    assert backups.latest_good_backup(practice) == old


def test_backup_due_ignores_a_future_dated_copy(db, clock):
    clock.at(datetime(2062, 1, 1, tzinfo=UTC))
    backups.backup_now(db.path, kind=backups.DAILY)
    clock.at(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    assert backups.backup_due(db, now=clock.now)
    backups.backup_now(db.path, kind=backups.DAILY)
    assert not backups.backup_due(db, now=clock.now + timedelta(hours=2))
    assert backups.backup_due(db, now=clock.now + timedelta(days=1, minutes=1))


def test_the_backups_list_shows_why_a_copy_is_not_latest(practice, clock, qapp):
    from ui.dialogs.backups_dialog import BackupsModel

    clock.at(datetime(2062, 3, 1, 9, 0, tzinfo=UTC))
    backups.backup_now(practice, kind=backups.MANUAL)
    clock.at(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    backups.backup_now(practice, kind=backups.DAILY)
    model = BackupsModel()
    model.set_rows(backups.backup_files(practice))
    first, second = (model.data(model.index(r, 0)) for r in range(2))
    assert "dated in the future — the clock was wrong when it was made" in first
    assert "future" not in second
    assert "1 Mar 2062" in first
