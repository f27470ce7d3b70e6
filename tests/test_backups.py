"""Automatic backups: rotation with frozen time, verification, second folder, restore, WAL."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coachdesk import backups, paths, storage
from coachdesk.backups import BackupInfo, plan_rotation
from coachdesk.errors import StorageError, ValidationError
from coachdesk.report_mirror import mirror_folder
from coachdesk.services import clients


def names_in(path: Path) -> list[str]:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM client"))
    finally:
        con.close()


def garble(path: Path) -> None:
    """Garbage over every page but the first and the last: the header still says SQLite."""
    size = path.stat().st_size
    assert size >= 4 * 4096
    with open(path, "r+b") as fh:
        fh.seek(4096)
        fh.write(random.Random(99).randbytes(size - 2 * 4096))


def fake(when: datetime, kind: str = backups.DAILY, folder: Path = Path("/b")) -> BackupInfo:
    name = f"coachdesk-{when:%Y%m%d-%H%M%S-%f}-{kind}.db"
    return BackupInfo(path=folder / name, when=when, size=1, kind=kind)


@pytest.fixture
def practice(demo_db):
    """A demo practice file, closed so backups see only what is on disk."""
    path = demo_db.path
    demo_db.close()
    return path


# -- rotation (pure, frozen time) -------------------------------------------------------


def test_a_year_of_daily_backups_keeps_exactly_the_grandfather_father_son_set():
    start = date(2024, 1, 1)
    year = [fake(datetime.combine(start + timedelta(days=i), datetime.min.time()).replace(hour=18))
            for i in range(366)]  # 2024 is a leap year: 1 Jan .. 31 Dec
    now = datetime(2024, 12, 31, 20, 0)
    keep, delete = plan_rotation(year, now)
    kept_days = {b.when.date() for b in keep}
    expected = (
        # the 7 most recent days
        {date(2024, 12, d) for d in range(25, 32)}
        # the 4 most recent ISO weeks: 2025-W01 (Mon 30 Dec..), W52, W51, W50 -> their newest
        | {date(2024, 12, 31), date(2024, 12, 29), date(2024, 12, 22), date(2024, 12, 15)}
        # the 12 most recent months -> the last day of each month of 2024
        | {date(2024, m, d) for m, d in [(1, 31), (2, 29), (3, 31), (4, 30), (5, 31), (6, 30),
                                         (7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)]}
    )
    assert kept_days == expected
    assert len(keep) == 20
    assert len(keep) + len(delete) == 366
    assert keep[0].when.date() == date(2024, 12, 31), "newest first"
    assert not {b.when.date() for b in delete} & expected


def test_several_backups_a_day_keep_the_newest_and_safety_copies_stand_apart():
    day = datetime(2025, 3, 10)
    regular = [fake(day.replace(hour=h), backups.CLOSING) for h in (9, 12, 17)]
    manual = fake(day.replace(hour=18), backups.MANUAL)
    safety = [fake(day - timedelta(days=40 + i), backups.PRE_MIGRATION) for i in range(8)]
    keep, delete = plan_rotation(regular + [manual] + safety, now=day.replace(hour=20))
    # The KEEP_RECENT (3) newest stay, whatever their day: the morning's copy goes only
    # once three newer ones exist (a mistake made at noon is not in it).
    assert manual in keep and set(regular) & set(keep) == {regular[1], regular[2]}
    # The newest 5 safety copies stay although they are older than any regular backup...
    assert [b for b in keep if b.is_safety] == sorted(safety, key=lambda b: b.when, reverse=True)[:5]
    # ...and they do not count against the regular ones.
    assert sum(1 for b in keep if not b.is_safety) == 3
    assert len(delete) == 1 + 3


def test_a_backup_dated_in_the_future_does_not_push_todays_out():
    now = datetime(2025, 6, 1, 12, 0)
    future = fake(datetime(2031, 1, 1, 9, 0))  # the clock was wrong when it was made
    older = [fake(now - timedelta(days=d)) for d in range(1, 10)]
    keep, _delete = plan_rotation([future, *older], now)
    # Ranked as 'now': one day, one week and one month, not a slot per year it pretends to be in.
    assert future in keep
    assert len([b for b in keep if b.when.date() >= now.date() - timedelta(days=6)]) == 7


# -- making backups on disk ---------------------------------------------------------------


def test_backup_now_is_verified_named_and_listed(practice):
    # An aware time: a naive one is read as local time, and the name is in UTC whatever the zone.
    info = backups.backup_now(practice, now=datetime(2025, 5, 2, 9, 30, tzinfo=UTC))
    assert info.path.parent == paths.backup_dir(practice)
    assert info.path.name == "coachdesk-20250502-093000-000000Z-manual.db"
    assert info.kind == backups.MANUAL and info.size == info.path.stat().st_size > 0
    assert info.warnings == ()
    assert backups.verify(info.path)
    assert names_in(info.path) == names_in(practice)
    assert backups.backup_files(practice) == [info]


def test_rotation_on_disk_over_a_month(practice):
    first = datetime(2025, 1, 1, 18, 0)
    for day in range(40):
        backups.backup_now(practice, kind=backups.DAILY, now=first + timedelta(days=day))
    left = backups.backup_files(practice)
    kept_days = sorted(b.when.date() for b in left)
    # The last is Sun 9 Feb. 7 last days (3..9 Feb); the newest of ISO weeks W06 (9 Feb),
    # W05 (2 Feb), W04 (26 Jan), W03 (19 Jan); of the months February (9) and January (31).
    assert kept_days == [date(2025, 1, 19), date(2025, 1, 26), date(2025, 1, 31), date(2025, 2, 2)] + [
        date(2025, 2, d) for d in range(3, 10)]
    assert len(list(paths.backup_dir(practice).glob("*.db"))) == len(left)


def test_a_copy_that_fails_its_check_is_removed_and_older_backups_stay(practice, monkeypatch):
    now = datetime(2025, 5, 10, 12, 0)
    older = [backups.backup_now(practice, kind=backups.DAILY, now=now - timedelta(days=d))
             for d in (3, 2, 1)]
    real_copy = storage.copy_database

    def copy_then_damage(src, dest):
        out = real_copy(src, dest)
        garble(Path(out))
        return out

    monkeypatch.setattr(storage, "copy_database", copy_then_damage)
    with pytest.raises(StorageError, match="did not pass its check") as info:
        backups.backup_now(practice, kind=backups.DAILY, now=now)
    assert "Traceback" not in str(info.value) and "older backups were kept" in str(info.value)
    left = backups.backup_files(practice)
    assert [b.path for b in left] == [b.path for b in reversed(older)]
    assert all(backups.verify(b.path) for b in left)
    assert not list(paths.backup_dir(practice).glob("*.partial"))


def test_second_folder_gets_a_verified_copy_and_is_rotated_too(practice, tmp_path):
    usb = tmp_path / "USB stick"
    usb.mkdir()
    now = datetime(2025, 7, 1, 18, 0)
    info = backups.backup_now(practice, second_folder=usb, now=now)
    copy = usb / info.path.name
    assert copy.is_file() and backups.verify(copy)
    assert names_in(copy) == names_in(practice)
    listed = backups.backup_files(practice, usb)
    assert {(b.path, b.in_second_folder) for b in listed} == {(info.path, False), (copy, True)}
    # Three more the same day: the first goes in both folders (the newest three stay).
    later = [backups.backup_now(practice, second_folder=usb, now=now + timedelta(hours=h))
             for h in (1, 2, 3)]
    assert sorted(p.name for p in usb.glob("*.db")) == sorted(b.path.name for b in later)
    assert sorted(b.path.name for b in backups.backup_files(practice)) == sorted(
        b.path.name for b in later)


def test_an_unplugged_second_folder_is_reported_but_the_backup_is_made(practice, tmp_path):
    gone = tmp_path / "media" / "USB"
    info = backups.backup_now(practice, second_folder=gone)
    assert info.path.is_file() and backups.verify(info.path)
    assert len(info.warnings) == 1
    assert "could not be found" in info.warnings[0] and "usual folder" in info.warnings[0]
    assert not gone.exists(), "an unplugged stick's mount point is not written to"
    assert backups.backup_files(practice, gone) == [replace_warnings(info)]


def replace_warnings(info: BackupInfo) -> BackupInfo:
    from dataclasses import replace

    return replace(info, warnings=())


def test_backup_of_a_live_file_holds_rows_still_in_the_wal(db):
    clients.create(db, "Only In The WAL 漢字 <b>&")
    wal = Path(str(db.path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the write sits in the WAL, not yet in the file"
    info = backups.backup_now(db.path)  # the app still has the file open
    assert "Only In The WAL 漢字 <b>&" in names_in(info.path)
    assert not Path(str(info.path) + "-wal").exists(), "a backup stands alone"
    db.close()


def test_restore_keeps_the_current_file_aside_and_brings_back_the_content(demo_db):
    path = demo_db.path
    good = backups.backup_now(path, now=datetime.now() - timedelta(days=1))
    clients.create(demo_db, "Added After The Backup")
    demo_db.close()
    kept = backups.restore_backup(good.path, path)
    assert "Added After The Backup" not in names_in(path)
    assert names_in(path) == names_in(good.path)
    assert kept is not None and kept.parent == paths.backup_dir(path)
    assert backups.parse_name(kept)[1] == backups.BEFORE_RESTORE
    assert "Added After The Backup" in names_in(kept)
    assert good.path.exists(), "the restored backup is still there"
    # Restoring the safety copy undoes the restore.
    backups.restore_backup(kept, path)
    assert "Added After The Backup" in names_in(path)


def test_restore_of_a_damaged_backup_changes_nothing(practice):
    bad = backups.backup_now(practice, now=datetime.now() - timedelta(days=2))
    garble(bad.path)
    before = practice.read_bytes()
    with pytest.raises(StorageError, match="damaged"):
        backups.restore_backup(bad.path, practice)
    assert practice.read_bytes() == before


# -- when a daily backup is due, and settings ----------------------------------------------


def test_backup_due_follows_the_newest_regular_backup_and_the_rhythm(db):
    now = datetime(2025, 9, 1, 10, 0)
    assert backups.backup_due(db, now)
    backups.backup_now(db.path, kind=backups.CLOSING, now=now)
    assert not backups.backup_due(db, now + timedelta(hours=23))
    assert backups.backup_due(db, now + timedelta(hours=24))
    # A backup dated in the future (a wrong clock) does not stop today's.
    backups.backup_now(db.path, kind=backups.CLOSING, now=now + timedelta(days=400))
    assert backups.backup_due(db, now + timedelta(hours=24))
    assert not backups.backup_due(db, now + timedelta(hours=2))
    backups.save_settings(db, backups.RHYTHM_ON_CLOSE, None)
    assert not backups.backup_due(db, now + timedelta(days=3))
    assert backups.closing_backup_wanted(db)
    backups.save_settings(db, backups.RHYTHM_OFF, None)
    assert not backups.closing_backup_wanted(db)


def test_settings_are_checked_and_saved(db, tmp_path):
    assert backups.get_settings(db) == backups.BackupSettings(backups.RHYTHM_DAILY, None)
    folder = tmp_path / "Synced <b>&\"' ☁️ سحابة 云"
    folder.mkdir()
    saved = backups.save_settings(db, backups.RHYTHM_ON_CLOSE, str(folder))
    assert backups.get_settings(db) == saved == backups.BackupSettings(
        backups.RHYTHM_ON_CLOSE, folder.resolve())
    with pytest.raises(ValidationError, match="could not be found") as err:
        backups.save_settings(db, backups.RHYTHM_DAILY, tmp_path / "missing")
    assert err.value.field == "second_folder"
    with pytest.raises(ValidationError, match="somewhere else"):
        backups.save_settings(db, backups.RHYTHM_DAILY, paths.backup_dir(db.path).parent)
    with pytest.raises(ValidationError):
        backups.save_settings(db, "hourly", None)
    assert backups.get_settings(db).second_folder == folder.resolve(), "a refused change saves nothing"
    backups.save_settings(db, backups.RHYTHM_DAILY, "")
    assert backups.get_second_folder(db) is None


def test_newest_good_backup_is_found_in_the_second_folder_when_the_file_is_damaged(db, tmp_path):
    clients.create(db, "Safe On The Stick")
    usb = tmp_path / "stick"
    usb.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, usb)
    now = datetime.now()
    older = backups.backup_now(db.path, second_folder=usb, now=now - timedelta(days=2))
    newer = backups.backup_now(db.path, second_folder=usb, now=now - timedelta(days=1))
    db.close()
    # The usual copy of the newest backup is damaged, the practice too.
    garble_whole(newer.path)
    garble_whole(db.path)
    found = backups.latest_good_backup(db.path)  # second folder remembered from a backup
    assert found == usb / newer.path.name
    assert older.path.exists()


def garble_whole(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(100)
        fh.write(random.Random(5).randbytes(size - 100))


def test_delete_backups_only_deletes_backups(practice):
    made = backups.backup_now(practice)
    with pytest.raises(StorageError, match="not a CoachDesk backup"):
        backups.delete_backups([practice])
    assert practice.exists()
    assert backups.delete_backups([made.path]) == 1
    assert backups.backup_files(practice) == []


def test_a_practice_name_with_glob_characters_lists_only_its_own_backups(tmp_path):
    odd = tmp_path / "p" / "my [practice]*.db"
    db = storage.open_database(odd)
    clients.create(db, "x")
    db.close()
    other = tmp_path / "p" / "my [practice]*-2.db"
    db2 = storage.open_database(other)
    db2.close()
    mine = backups.backup_now(odd)
    backups.backup_now(other)
    assert backups.backup_files(odd) == [mine]


def test_a_damaged_practice_is_not_backed_up_over_good_backups(practice):
    good = backups.backup_now(practice, now=datetime.now() - timedelta(days=1))
    garble(practice)
    with pytest.raises(StorageError, match="is damaged") as info:
        backups.backup_now(practice)
    assert "older backups were kept" in str(info.value)
    assert backups.backup_files(practice) == [good] and backups.verify(good.path)


# -- the stored report PDFs travel with the backups ----------------------------------------


def _stored_report(db, tmp_path):
    """A report recorded in the log the way the app does it; returns its entry."""
    from test_report_log import make_engagement, make_report

    from coachdesk.services import report_log

    eid = make_engagement(db)
    pdf, data = make_report(db, eid, tmp_path, sections=["glance", "summary"])
    return report_log.record(db, eid, pdf, data, recipient="priya@example.com")


def test_backups_carry_the_stored_reports_and_a_restore_brings_them_back(db, tmp_path):
    from coachdesk.services import report_log

    entry = _stored_report(db, tmp_path)
    original = entry.pdf_path.read_bytes()
    stick = tmp_path / "stick"
    stick.mkdir()
    made = backups.backup_now(db.path, second_folder=stick)
    assert made.warnings == ()
    rel = entry.pdf_path.relative_to(report_log.reports_dir(db))
    for folder in (paths.backup_dir(db.path), stick):  # each practice has its own mirror
        assert (mirror_folder(folder, db.path) / rel).read_bytes() == original
    # A second backup copies nothing again (the mirror file is left as it was).
    mirror = mirror_folder(paths.backup_dir(db.path), db.path) / rel
    stamp = mirror.stat().st_mtime_ns
    backups.backup_now(db.path, second_folder=stick)
    assert mirror.stat().st_mtime_ns == stamp

    # A new computer: the data folder's reports are gone; restoring from the stick brings
    # the PDF back byte for byte, and the log's check against its SHA-256 passes.
    db.close()
    entry.pdf_path.unlink()
    from_stick = next(b for b in backups.backup_files(db.path, stick) if b.in_second_folder)
    assert from_stick.path.parent == stick
    backups.restore_backup(from_stick.path, db.path)
    assert entry.pdf_path.read_bytes() == original
    reopened = storage.open_database(db.path)
    try:
        assert report_log.verify(report_log.get(reopened, entry.id))
    finally:
        reopened.close()


def test_erasing_a_client_removes_their_reports_from_the_backup_mirrors_too(db, tmp_path):
    from coachdesk.services import erasure, report_log

    entry = _stored_report(db, tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.get_rhythm(db), stick)
    backups.backup_now(db.path, second_folder=stick)
    rel = entry.pdf_path.relative_to(report_log.reports_dir(db))
    copies = [mirror_folder(folder, db.path) / rel
              for folder in (paths.backup_dir(db.path), stick)]
    assert all(p.exists() for p in copies)
    with db.session() as s:
        from coachdesk.models import Engagement
        client_id = s.get(Engagement, entry.engagement_id).client_id
    erasure.erase_client(db, client_id)
    assert not entry.pdf_path.exists()
    assert not any(p.exists() for p in copies)
