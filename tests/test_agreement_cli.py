"""``python -m coachdesk agreement --engagement ID --out FILE.pdf``, run as a coach would run it
(in a separate process), and the demo practice's agreements."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from test_cli import assert_one_line_error, run, run_all

from coachdesk import storage
from coachdesk.models import Agreement, AgreementStatus
from coachdesk.services import report_log


@pytest.fixture
def home(isolated_home) -> Path:
    isolated_home.mkdir(parents=True, exist_ok=True)
    return isolated_home


@pytest.fixture
def demo_file(tmp_path, practice_templates) -> Path:
    from conftest import copy_practice

    return copy_practice(practice_templates["demo"], tmp_path / "practice" / "coachdesk.db")


def test_the_agreement_is_written_and_a_copy_kept(home, demo_file, tmp_path):
    out = tmp_path / "out" / "agreement é.pdf"
    out.parent.mkdir()
    result = run(home, "--db", demo_file, "agreement", "--engagement", "1", "--out", out)
    assert result.returncode == 0, result
    assert f"written to {out}" in result.stdout
    text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Coaching agreement" in " ".join(text.split())
    assert "José Álvarez García" in text
    db = storage.open_database(demo_file)
    try:
        with db.session() as s:
            row = s.execute(select(Agreement).where(Agreement.engagement_id == 1)).scalar_one()
            kept = report_log.reports_dir(db) / row.pdf_file
        assert kept.read_bytes() == out.read_bytes()
        assert "A copy is kept" in result.stdout and str(kept) in result.stdout
    finally:
        db.close()


def test_unknown_engagement_missing_practice_and_unwritable_path_are_one_plain_line(
        home, demo_file, tmp_path):
    unknown, no_folder, a_folder, no_file = run_all(
        home,
        ["--db", demo_file, "agreement", "--engagement", "999", "--out", tmp_path / "a.pdf"],
        ["--db", demo_file, "agreement", "--engagement", "1", "--out",
         tmp_path / "missing" / "a.pdf"],
        ["--db", demo_file, "agreement", "--engagement", "1", "--out", tmp_path],
        ["--db", tmp_path / "none.db", "agreement", "--engagement", "1", "--out",
         tmp_path / "a.pdf"])
    assert "There is no engagement with id 999" in assert_one_line_error(unknown)
    assert "does not exist" in assert_one_line_error(no_folder)
    assert "is a folder" in assert_one_line_error(a_folder)
    assert "There is no CoachDesk file" in assert_one_line_error(no_file)
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may write into a read-only folder")
def test_a_read_only_folder_is_said_plainly(home, demo_file, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run(home, "--db", demo_file, "agreement", "--engagement", "1", "--out",
                     folder / "a.pdf")
    finally:
        folder.chmod(0o700)
    assert "Could not write" in assert_one_line_error(result)


def test_the_demo_has_agreements_some_signed_none_in_the_future(demo_db):
    with demo_db.session() as s:
        rows = s.execute(select(Agreement)).scalars().all()
    statuses = {r.status for r in rows}
    assert {AgreementStatus.signed, AgreementStatus.sent, AgreementStatus.draft} <= statuses
    signed = [r for r in rows if r.status == AgreementStatus.signed]
    assert len(signed) >= 4 and all(r.signed_on for r in signed)
    for r in rows:
        for day in (r.sent_on, r.signed_on):
            assert day is None or day <= date.today()
        if r.sent_on and r.signed_on:
            assert r.sent_on <= r.signed_on


def test_a_kill_while_keeping_the_copy_leaves_the_practice_as_it_was(home, demo_file, tmp_path):
    """kill -9 at the last step of keeping a copy (written, not yet renamed): the row still
    points at nothing, the half-kept file is only a hidden partial (cleaned as debris, and
    erased with the client), and the next run keeps its copy."""
    from test_kill_faults import assert_killed, cli

    from coachdesk import report_mirror
    from coachdesk.services import agreements

    out = tmp_path / "a.pdf"
    killed = cli(home, demo_file, "agreement", "--engagement", "1", "--out", str(out),
                 kill_at="agreement:before-replace")
    assert_killed(killed)
    assert out.read_bytes().startswith(b"%PDF-")  # the coach's own file was whole
    db = storage.open_database(demo_file)
    try:
        assert agreements.get(db, 1).pdf_path is None
        folder = report_log.reports_dir(db) / "1"
        assert [p.name for p in folder.iterdir() if p.suffix == ".pdf"] == []
        partials = list(folder.glob(".*.partial"))
        assert len(partials) == 1
        assert report_mirror.clean_partials(report_log.reports_dir(db)) == 1  # its pid is gone
        again = run(home, "--db", demo_file, "agreement", "--engagement", "1", "--out", out)
        assert again.returncode == 0, again
        state = agreements.get(db, 1)
        assert agreements.file_ok(state.pdf_path, state.pdf_sha256)
    finally:
        db.close()


def test_a_signed_agreements_kept_pdf_is_not_replaced_from_the_command_line(
        home, demo_file, tmp_path):
    """Engagement 1 of the demo is signed: the first PDF made is kept; a second run still
    writes the coach's file but keeps nothing over what was signed, and says why."""
    from coachdesk.services import agreements

    first = run(home, "--db", demo_file, "agreement", "--engagement", "1", "--out",
                tmp_path / "one.pdf")
    assert first.returncode == 0, first
    db = storage.open_database(demo_file)
    try:
        kept = agreements.get(db, 1)
        assert kept.status == "signed" and agreements.file_ok(kept.pdf_path, kept.pdf_sha256)
        again = run(home, "--db", demo_file, "agreement", "--engagement", "1", "--out",
                    tmp_path / "two.pdf")
        assert again.returncode == 0, again
        assert (tmp_path / "two.pdf").read_bytes().startswith(b"%PDF-")
        assert "No copy kept with the engagement: This agreement was signed on" in again.stdout
        assert agreements.get(db, 1) == kept
    finally:
        db.close()
