"""The files invoices leave: the kept PDF travels with backups and comes back on restore;
a full disk while keeping a PDF or writing the CSV is a plain sentence and leaves no
half-written file."""

from __future__ import annotations

import errno
import os

import pytest
from invoice_helpers import practice

from coachdesk import backups, paths, storage
from coachdesk.errors import CoachDeskError
from coachdesk.report_mirror import mirror_folder
from coachdesk.reports import invoice as rep
from coachdesk.reports.styles import ReportError
from coachdesk.services import invoice_csv, report_log
from coachdesk.services import invoices as inv


def issued(db):
    p = practice(db, held=1)
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id))
    return inv.issue(db, draft.id, "2026-02-01")


def test_the_kept_pdf_is_mirrored_with_backups_and_restored(db):
    view = issued(db)
    kept = rep.save_invoice_pdf(db, view.id)
    original = kept.read_bytes()
    rel = kept.relative_to(report_log.reports_dir(db))
    backups.backup_now(db.path)
    assert (mirror_folder(paths.backup_dir(db.path), db.path) / rel).read_bytes() == original
    db.close()
    kept.unlink()  # a new computer: the data folder's PDFs are gone
    latest = backups.backup_files(db.path)[0]
    backups.restore_backup(latest.path, db.path)
    assert kept.read_bytes() == original
    again = storage.open_database(db.path)
    try:
        assert rep.kept_copy(again, inv.get(again, view.id)) == kept
    finally:
        again.close()


def _full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_keeping_the_pdf_is_plain_and_records_nothing(db, monkeypatch,
                                                                          tmp_path):
    view = issued(db)
    monkeypatch.setattr(report_log, "_store", _full)
    with pytest.raises(ReportError) as err:
        rep.save_invoice_pdf(db, view.id, tmp_path / "x.pdf")
    assert "The disk is full" in str(err.value)
    assert "Errno" not in str(err.value)
    assert inv.get(db, view.id).pdf_file == ""
    assert not (tmp_path / "x.pdf").exists()
    monkeypatch.undo()
    assert rep.save_invoice_pdf(db, view.id, tmp_path / "x.pdf").is_file()  # then it works


def test_a_full_disk_while_writing_the_csv_leaves_no_file(db, monkeypatch, tmp_path):
    issued(db)
    out = tmp_path / "invoices.csv"
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", _full)
    with pytest.raises(CoachDeskError) as err:
        invoice_csv.export_csv(db, out)
    assert "No space left on device" in str(err.value)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert not out.exists() and not list(tmp_path.glob(".*.partial"))
    assert invoice_csv.export_csv(db, out) == 1
