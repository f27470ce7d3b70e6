"""Erasure across practices and under faults (issue 12, item 14): each practice file owns its
report folders, the files an erasure deletes are listed in the same transaction and finished
after a kill, the coach is told the truth when another reader holds the journal back, and
deleting the offered backups leaves no journal beside them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from consent_helpers import agree
from sqlalchemy import select

from coachdesk import backups, mail, paths, report_mirror, storage, tempfiles
from coachdesk.models import Engagement, Setting
from coachdesk.reports import progress
from coachdesk.services import clients, engagements, erasure, practice_files, report_log, sessions

ROOT = Path(__file__).resolve().parent.parent
NAME = "Quillonby Erasewell"
CANARY = "QZKILLCANARY"


def add_client(db, tmp_path, name=NAME, with_mail=True):
    """A client with a private note (the canary), one stored report and its e-mail copy.
    Returns (client id, report entry, the .eml path or None)."""
    c = clients.create(db, name, background=f"Background of {name}")
    e = engagements.create(db, c.id, date(2025, 1, 6), end_date=date(2025, 12, 31))
    agree(db, e.id)
    s = sessions.create(db, e.id, date(2025, 2, 3), status="held")
    sessions.save_notes(db, s.id, private_notes=f"{CANARY} private about {name}",
                        shared_summary="Shared summary")
    data = progress.report_data(db, e.id, "2025-01-06", "2025-03-31", coach_summary="Fine")
    pdf = progress.build_report_pdf(tmp_path / f"report-{c.id}.pdf", data)
    entry = report_log.record(db, e.id, pdf, data, recipient="priya@example.com")
    eml = None
    if with_mail:
        eml = mail.queue(mail.outbox_dir(db.path), mail.make_eml(
            "priya@example.com", "Report", "Body", entry.pdf_path, draft=False))
    return c.id, entry, eml


def file_bytes(path: Path) -> bytes:
    data = Path(path).read_bytes()
    for suffix in ("-wal",):
        side = Path(f"{path}{suffix}")
        if side.exists():
            data += side.read_bytes()
    return data


def conflicted_copy(db) -> Path:
    """A byte copy of the practice beside it, as a sync client makes one."""
    copy = db.path.parent / f"{db.path.stem} (conflicted copy).db"
    storage.copy_database(db.path, copy)
    return copy


def to_legacy_layout(db_path: Path) -> None:
    """Put the practice's reports where earlier versions kept them (shared by the folder)."""
    own = report_mirror.reports_folder(db_path)
    legacy = report_mirror.legacy_reports_folder(db_path)
    for sub in own.iterdir():
        shutil.move(str(sub), str(legacy / sub.name))
    own.rmdir()


# -- two practices in one folder -------------------------------------------------------------


def test_each_practice_keeps_its_reports_in_a_folder_named_after_its_file(db, tmp_path):
    _cid, entry, _ = add_client(db, tmp_path, with_mail=False)
    assert entry.pdf_path.is_relative_to(db.path.parent / "reports" / db.path.name)
    copy = conflicted_copy(db)
    other = storage.open_database(copy)
    try:
        assert report_log.reports_dir(other) == copy.parent / "reports" / copy.name
        assert report_log.reports_dir(other) != report_log.reports_dir(db)
    finally:
        other.close()


def test_erasing_in_one_practice_leaves_the_other_practices_report(db, tmp_path):
    cid, entry, _ = add_client(db, tmp_path, with_mail=False)
    copy = conflicted_copy(db)
    other = storage.open_database(copy)
    try:
        # The copy stores its own report for the same engagement (same id, same day).
        with other.session() as s:
            eid = s.execute(select(Engagement.id).where(Engagement.client_id == cid)).scalar()
        data = progress.report_data(other, eid, "2025-01-06", "2025-03-31", coach_summary="Fine")
        theirs = report_log.record(other, eid, progress.build_report_pdf(
            tmp_path / "theirs.pdf", data), data)
        assert theirs.pdf_path != entry.pdf_path
        # A file no record of this practice lists, even in its own engagement's folder.
        unlisted = entry.pdf_path.parent / "kept by hand.pdf"
        unlisted.write_bytes(b"%PDF not a stored report")

        result = erasure.erase_client(db, cid)

        assert not entry.pdf_path.exists() and result.files_removed >= 1
        assert unlisted.is_file()  # erasure deletes only what its own records list
        assert theirs.pdf_path.is_file() and report_log.verify(report_log.get(other, theirs.id))
        assert clients.get(other, cid).name == NAME  # the other practice was not touched
    finally:
        other.close()


def test_each_practice_keeps_its_own_mail_and_an_erasure_deletes_only_its_own(db, tmp_path):
    """A conflicted copy is a byte copy: its report carries the same bytes, so matching
    e-mails by the report's hash in a shared folder deleted the other practice's message."""
    cid, entry, eml = add_client(db, tmp_path)
    assert eml.is_relative_to(db.path.parent / "mail" / db.path.name)
    copy = conflicted_copy(db)
    theirs = mail.queue(mail.outbox_dir(copy), mail.make_eml(
        "priya@example.com", "Report", "Body", entry.pdf_path, draft=False))
    assert theirs.parent != eml.parent and mail.list_outbox(mail.outbox_dir(copy)) == [theirs]

    erasure.erase_client(db, cid)

    assert not eml.exists()
    assert theirs.is_file()  # the other practice's message is its own


def test_an_earlier_versions_shared_mail_moves_to_the_practice_whose_report_it_carries(
        db, tmp_path):
    cid, entry, eml = add_client(db, tmp_path)
    shared = db.path.parent / "mail"
    (shared / "outbox").mkdir(parents=True, exist_ok=True)
    old_outbox = shared / "outbox" / eml.name
    eml.replace(old_outbox)  # where an earlier version queued it
    draft = mail.write_draft(shared, "priya@example.com", "Report", "Body", entry.pdf_path)
    other_pdf = tmp_path / "another-practices-report.pdf"
    other_pdf.write_bytes(b"%PDF-1.4 a report this practice never made")
    stranger = shared / "outbox" / "another-practices.eml"
    stranger.write_bytes(mail.make_eml("x@example.com", "Other", "Body", other_pdf, draft=False))

    practice_files.on_open(db)

    own = mail.mail_dir(db.path)
    assert mail.list_outbox(mail.outbox_dir(db.path)) == [own / "outbox" / eml.name]
    assert (own / draft.name).is_file() and not draft.exists()  # a draft stays a draft
    assert stranger.is_file()  # not this practice's report: left for its own practice
    erasure.erase_client(db, cid)
    assert not (own / "outbox" / eml.name).exists() and not (own / draft.name).exists()


def test_reports_of_an_earlier_version_are_adopted_and_handed_over_before_an_erasure(
        db, tmp_path):
    """Before: both practice files list reports/<engagement>/<file>, one shared file."""
    cid, entry, _ = add_client(db, tmp_path, with_mail=False)
    rel = entry.pdf_path.relative_to(report_log.reports_dir(db))
    original = entry.pdf_path.read_bytes()
    copy = conflicted_copy(db)
    to_legacy_layout(db.path)
    shared = report_mirror.legacy_reports_folder(db.path) / rel
    assert shared.is_file() and not entry.pdf_path.exists()

    # Opening the practice adopts its files (the shared one stays for the other file).
    assert practice_files.on_open(db) == []
    assert entry.pdf_path.read_bytes() == original and shared.is_file()

    # The conflicted copy has not been opened since: erasing hands it its own copy first.
    result = erasure.erase_client(db, cid)
    assert not entry.pdf_path.exists() and not shared.exists() and result.files_kept == []
    theirs = report_mirror.reports_folder(copy) / rel
    assert theirs.read_bytes() == original
    other = storage.open_database(copy)
    try:
        practice_files.on_open(other)
        assert all(report_log.verify(e) for e in report_log.entries(other, entry.engagement_id))
    finally:
        other.close()


# -- a kill between the commit and the deletions ---------------------------------------------

CHILD = """
import sys
from coachdesk import storage
from coachdesk.services import erasure
db = storage.open_database(sys.argv[1])
erasure.erase_client(db, int(sys.argv[2]))
print("not killed", flush=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 of a child process needs POSIX")
def test_a_kill_after_the_commit_leaves_the_files_listed_and_the_next_open_deletes_them(
        db, tmp_path, isolated_home):
    cid, entry, eml = add_client(db, tmp_path)
    backups.backup_now(db.path)  # the report is mirrored beside the backup too
    rel = entry.pdf_path.relative_to(report_log.reports_dir(db))
    mirror = report_mirror.mirror_folder(paths.backup_dir(db.path), db.path) / rel
    files = [entry.pdf_path, mirror, eml]
    assert all(p.is_file() for p in files)
    db.close()

    env = dict(os.environ, COACHDESK_TEST_KILL_AT="erase:after-commit",
               COACHDESK_HOME=str(isolated_home), PYTHONPATH=str(ROOT))
    child = subprocess.run([sys.executable, "-c", CHILD, str(db.path), str(cid)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr[-2000:]
    assert "not killed" not in child.stdout

    # Killed after the commit: the client is gone, the files are still there, and listed.
    con = sqlite3.connect(db.path)
    try:
        assert con.execute("SELECT count(*) FROM client WHERE id = ?", (cid,)).fetchone() == (0,)
        listed = json.loads(con.execute("SELECT value FROM setting WHERE key = ?",
                                        (practice_files.PENDING_FILES_KEY,)).fetchone()[0])
    finally:
        con.close()
    assert all(p.is_file() for p in files)
    assert {Path(p) for p in listed} >= set(files)

    reopened = storage.open_database(db.path)
    try:
        assert practice_files.on_open(reopened) == []
        assert not any(p.exists() for p in files)
        assert practice_files.pending_files(reopened) == []
        assert not practice_files.compaction_pending(reopened)
    finally:
        reopened.close()
    raw = file_bytes(db.path)
    assert CANARY.encode() not in raw and NAME.encode() not in raw


# -- a reader holding the journal ------------------------------------------------------------


def test_an_erase_while_another_connection_reads_tells_the_truth_and_finishes_at_close(
        db, tmp_path, monkeypatch):
    monkeypatch.setattr(practice_files, "CHECKPOINT_PAUSE_S", 0)
    cid, _entry, _ = add_client(db, tmp_path, with_mail=False)
    clients.create(db, "Someone Else")
    reader = sqlite3.connect(db.path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM client").fetchone()[0] == 2  # a snapshot held

    result = erasure.erase_client(db, cid)

    # The reader's snapshot keeps the old pages: the words are still in the file's bytes,
    # so the coach must not read "was erased", but what is true, and the practice stays
    # marked to finish it.
    raw = file_bytes(db.path)
    assert CANARY.encode() in raw or NAME.encode() in raw
    assert not result.compacted
    assert "was erased" not in result.message
    assert (f"{NAME} is erased from the practice" in result.message
            and "a copy of the text remains in the practice file until CoachDesk is closed "
                "and opened again" in result.message)
    assert practice_files.compaction_pending(db)
    reader.execute("COMMIT")
    reader.close()

    practice_files.on_close(db)  # the app closing finishes it

    raw = file_bytes(db.path)
    assert CANARY.encode() not in raw and NAME.encode() not in raw
    assert not practice_files.compaction_pending(db)
    wal = Path(f"{db.path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_without_another_reader_the_erase_is_complete_and_said_so(db, tmp_path):
    cid, _entry, _ = add_client(db, tmp_path, with_mail=False)
    result = erasure.erase_client(db, cid)
    assert result.compacted and result.message.startswith(f"{NAME} was erased:")
    raw = file_bytes(db.path)
    assert CANARY.encode() not in raw and NAME.encode() not in raw
    with db.session() as s:
        assert s.get(Setting, practice_files.COMPACT_PENDING_KEY) is None
        assert s.get(Setting, practice_files.PENDING_FILES_KEY) is None


def test_a_file_that_cannot_be_deleted_stays_listed_and_is_said(db, tmp_path, monkeypatch):
    cid, entry, _ = add_client(db, tmp_path, with_mail=False)
    real_unlink = Path.unlink

    def refuse(self, *args, **kwargs):
        if self == entry.pdf_path:
            raise PermissionError(13, "Permission denied")
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", refuse)
    result = erasure.erase_client(db, cid)
    assert result.files_left == [entry.pdf_path]
    assert "will try again each time it opens this practice" in result.message
    assert practice_files.pending_files(db) == [entry.pdf_path]
    monkeypatch.setattr(Path, "unlink", real_unlink)
    practice_files.on_open(db)
    assert not entry.pdf_path.exists() and practice_files.pending_files(db) == []


def test_erasure_empties_the_apps_private_temp_folder(db, tmp_path):
    cid, _entry, _ = add_client(db, tmp_path, with_mail=False)
    preview = tempfiles.new_folder() / "GROW worksheet.pdf"
    preview.write_text(CANARY)
    try:
        erasure.erase_client(db, cid)
        assert not preview.exists() and list(tempfiles.folder().iterdir()) == []
    finally:
        tempfiles.remove()


# -- deleting the offered backups ------------------------------------------------------------


def test_deleting_the_offered_backups_leaves_no_journal_beside_them(db, tmp_path):
    cid, _entry, _ = add_client(db, tmp_path, with_mail=False)
    folder = paths.backup_dir(db.path)
    regular = backups.backup_now(db.path).path
    # A damaged file's safety copy: its exact bytes, and its journal, set aside.
    damaged = backups._free_name(folder, db.path.stem, datetime(2026, 1, 2, 3, 4, 5),
                                 backups.DAMAGED)
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    for p in (damaged, regular):
        Path(f"{p}-wal").write_bytes(CANARY.encode() * 10)
        Path(f"{p}-shm").write_bytes(b"\x00" * 32)
    offered = [b.path for b in erasure.client_backups(db, cid, NAME)]
    assert damaged in offered and regular in offered

    erasure.erase_client(db, cid)
    deleted, fresh = erasure.delete_client_backups(db, offered)

    assert deleted == len(offered)
    for p in offered:
        assert not p.exists()
        for suffix in ("-wal", "-shm", "-journal"):
            assert not Path(f"{p}{suffix}").exists(), suffix
    leftovers = [p for p in folder.iterdir() if p.is_file() and p != fresh.path]
    assert all(CANARY.encode() not in p.read_bytes() for p in leftovers)
