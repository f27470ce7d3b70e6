"""The coaching agreement's engine (coachdesk/services/agreements.py, agreement_templates.py):
templates and their placeholders, status and its days, the signed copy, the files kept with
the reports and backups, and their erasure with the client."""

from __future__ import annotations

import errno
import os
import sqlite3
from datetime import date

import pytest

from coachdesk import backups, mail, paths, report_mirror
from coachdesk.errors import CoachDeskError, NotFoundError, ValidationError
from coachdesk.models import Agreement, Client, Engagement, Indicator, Organization, Sponsor
from coachdesk.reports.agreement_model import NOT_RECORDED, agreement_data
from coachdesk.services import agreement_templates as tpl
from coachdesk.services import agreements, consent, erasure, report_log

TODAY = date(2026, 3, 20)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(agreements, "_today", lambda: TODAY)


def make_engagement(db, client="Zoë Ørsted", sponsor="Priya Raman", **kw) -> int:
    with db.session() as s:
        org = Organization(name="Mercer & Hale")
        s.add(org)
        s.flush()
        c = Client(name=client, job_title="Senior Associate", organization_id=org.id,
                   email="zoe@example.com", background="BACKGROUND-CANARY")
        sp = Sponsor(name=sponsor, role="Head of Talent", organization_id=org.id)
        s.add(c)
        s.add(sp)
        s.flush()
        values = dict(start_date=date(2026, 3, 1), end_date=date(2026, 9, 30),
                      sessions_agreed=8, hours_agreed=12, fee_cents=480000, currency="EUR",
                      objectives="OBJECTIVES-CANARY")
        values.update(kw)
        e = Engagement(client_id=c.id, sponsor_id=sp.id, **values)
        s.add(e)
        s.flush()
        return e.id


def a_pdf(tmp_path, name="scan.pdf", data=PDF):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- templates -------------------------------------------------------------------------------

def test_every_clause_has_a_default_and_the_placeholders_are_filled(db):
    eid = make_engagement(db)
    assert tpl.templates(db) == {c.key: c.default for c in tpl.CLAUSES}
    data = agreement_data(db, eid, TODAY)
    text = "\n".join(c.text for c in data.clauses)
    for expected in ("Zoë Ørsted", "Priya Raman", "Mercer & Hale", "8 sessions", "12 hours",
                     "EUR 4,800.00", "the ICF Code of Ethics", "30 September 2026"):
        assert expected in text
    assert "$" not in text  # every default placeholder is known
    keys = [c.key for c in data.clauses]
    assert "coaching" in keys and "mentoring" not in keys  # the engagement's kind only
    assert "BACKGROUND-CANARY" not in repr(data) and "OBJECTIVES-CANARY" not in repr(data)
    assert "zoe@example.com" not in repr(data)


def test_a_mentoring_engagement_gets_the_mentoring_sentence_and_missing_terms_say_so(db):
    eid = make_engagement(db, kind="mentoring", sessions_agreed=0, hours_agreed=0,
                          fee_cents=None, end_date=None)
    data = agreement_data(db, eid, TODAY)
    keys = [c.key for c in data.clauses]
    assert "mentoring" in keys and "coaching" not in keys
    fees = next(c.text for c in data.clauses if c.key == "fees")
    assert NOT_RECORDED in fees
    scope = next(c.text for c in data.clauses if c.key == "scope")
    assert "an end date still to be agreed" in scope


def test_edited_templates_are_kept_an_unknown_placeholder_is_refused_and_defaults_restore(db):
    eid = make_engagement(db)
    with pytest.raises(ValidationError) as err:
        tpl.set_templates(db, {"fees": "Pay $fee to $coach_email by ${nonsense}. $$5 $500"})
    assert err.value.field == "clause_fees"
    assert "$coach_email, $nonsense" in str(err.value) and "$client_name" in str(err.value)
    assert tpl.get_json(db, tpl.CLAUSES_KEY) is None  # nothing saved
    tpl.set_templates(db, {"fees": "Pay $fee to $coach_name by $$5 or $500. <b>&\"'"})
    assert tpl.templates(db)["fees"].startswith("Pay $fee")
    fees = next(c.text for c in agreement_data(db, eid, TODAY).clauses if c.key == "fees")
    assert fees.startswith("Pay EUR 4,800.00 to [not recorded] by $5 or $500.")
    assert fees.endswith("<b>&\"'")
    tpl.set_templates(db, {"fees": tpl.clause("fees").default})  # "Restore default"
    assert tpl.get_json(db, tpl.CLAUSES_KEY) is None  # stored as "the default"


def test_a_clause_too_long_or_with_nul_or_unknown_is_refused_and_nothing_saved(db):
    with pytest.raises(ValidationError) as err:
        tpl.set_templates(db, {"scope": "x" * (tpl.CLAUSE_MAX + 1)})
    assert err.value.field == "clause_scope" and "too long" in str(err.value)
    with pytest.raises(ValidationError):
        tpl.set_templates(db, {"scope": "ok", "term": "bad\x00"})
    with pytest.raises(ValidationError):
        tpl.set_templates(db, {"nope": "text"})
    assert tpl.templates(db)["scope"] == tpl.clause("scope").default


def test_the_professional_code_is_a_setting(db):
    eid = make_engagement(db)
    assert tpl.professional_code(db) == tpl.DEFAULT_CODE
    tpl.set_professional_code(db, "the EMCC Global Code of Ethics")
    code = next(c.text for c in agreement_data(db, eid, TODAY).clauses if c.key == "code")
    assert "the EMCC Global Code of Ethics" in code
    with pytest.raises(ValidationError):
        tpl.set_professional_code(db, "x" * 500)


def test_consent_names_the_sections_and_indicators_and_none_recorded_says_so(db):
    eid = make_engagement(db)
    assert agreement_data(db, eid, TODAY).consent_recorded is False
    with db.session() as s:
        ok = Indicator(name="Engagement at work", position=1)
        secret = Indicator(name="Intent to stay", position=2, sensitive=True)
        s.add(ok)
        s.add(secret)
        s.flush()
        ok_id = ok.id
    consent.record(db, eid, ["glance", "indicators"], [ok_id], consent_date=date(2026, 3, 2))
    data = agreement_data(db, eid, TODAY)
    assert data.consent_date == date(2026, 3, 2)
    assert data.shared_indicators == ("Engagement at work",)
    assert data.shared_sections == ("Engagement at a glance", "Talent-retention indicators")


# -- status ----------------------------------------------------------------------------------

def test_status_goes_draft_sent_signed_with_days_checked(db):
    eid = make_engagement(db)
    assert agreements.get(db, eid).status == "draft"
    with pytest.raises(ValidationError) as err:
        agreements.mark_sent(db, eid, date(2026, 3, 21))  # tomorrow
    assert err.value.field == "sent_on" and "future" in str(err.value)
    state = agreements.mark_sent(db, eid, "2026-03-10")
    assert (state.status, state.sent_on) == ("sent", date(2026, 3, 10))
    with pytest.raises(ValidationError) as err:
        agreements.mark_signed(db, eid, date(2026, 3, 9))  # before it was sent
    assert err.value.field == "signed_on"
    with pytest.raises(ValidationError):
        agreements.mark_signed(db, eid, date(2026, 4, 1))
    with pytest.raises(ValidationError):
        agreements.mark_signed(db, eid, "not a day")
    state = agreements.mark_signed(db, eid)  # today
    assert (state.status, state.signed_on) == ("signed", TODAY)
    again = agreements.mark_sent(db, eid)  # sent again: stays signed, first day kept
    assert (again.status, again.sent_on, again.signed_on) == ("signed", date(2026, 3, 10), TODAY)
    assert agreements.back_to_draft(db, eid).status == "draft"


def test_an_unknown_engagement_is_said_plainly(db):
    with pytest.raises(NotFoundError):
        agreements.get(db, 999)
    with pytest.raises(NotFoundError):
        agreements.mark_sent(db, 999)


def test_a_second_connection_holding_the_lock_leaves_the_status_as_it_was(db, monkeypatch):
    from coachdesk import storage

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 200)  # a lock "held for long" = 0.2 s
    eid = make_engagement(db)
    other = sqlite3.connect(db.path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CoachDeskError):
            agreements.mark_sent(db, eid)
    finally:
        other.rollback()
        other.close()
    assert agreements.get(db, eid).status == "draft"


# -- the signed copy -------------------------------------------------------------------------

def test_attaching_a_signed_copy_keeps_it_under_a_safe_name_and_marks_it_signed(db, tmp_path):
    eid = make_engagement(db)
    src = a_pdf(tmp_path, "../Zoë's scan <signed>.pdf".replace("/", "_"))
    state = agreements.attach_signed(db, eid, src, signed_on=date(2026, 3, 15))
    assert state.status == "signed" and state.signed_on == date(2026, 3, 15)
    folder = report_log.reports_dir(db) / str(eid)
    assert state.signed_path.parent == folder
    assert state.signed_path.name.startswith(f"signed-agreement-{eid}-20260315-")
    assert state.signed_path.read_bytes() == PDF
    assert agreements.file_ok(state.signed_path, state.signed_sha256)
    with db.session() as s:
        row = s.get(Agreement, 1)
        assert row.signed_file == f"{eid}/{state.signed_path.name}"


def test_a_file_that_is_not_a_pdf_too_big_or_missing_is_refused(db, tmp_path, monkeypatch):
    eid = make_engagement(db)
    with pytest.raises(ValidationError, match="not a PDF"):
        agreements.attach_signed(db, eid, a_pdf(tmp_path, "x.pdf", b"PK\x03\x04 a zip"))
    with pytest.raises(ValidationError, match="no file there"):
        agreements.attach_signed(db, eid, tmp_path / "gone.pdf")
    monkeypatch.setattr(agreements, "SIGNED_MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than"):
        agreements.attach_signed(db, eid, a_pdf(tmp_path))
    assert agreements.get(db, eid).status == "draft"
    assert not (report_log.reports_dir(db) / str(eid)).exists()


def test_replacing_keeps_the_old_copy_until_the_new_one_is_written(db, tmp_path, monkeypatch):
    eid = make_engagement(db)
    first = agreements.attach_signed(db, eid, a_pdf(tmp_path, "a.pdf"))
    real_replace = os.replace

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(agreements.os, "replace", full_disk)
    with pytest.raises(CoachDeskError, match="disk is not full"):
        agreements.attach_signed(db, eid, a_pdf(tmp_path, "b.pdf", PDF + b"% second\n"))
    monkeypatch.setattr(agreements.os, "replace", real_replace)
    state = agreements.get(db, eid)
    assert state.signed_path == first.signed_path and first.signed_path.read_bytes() == PDF
    assert not list(first.signed_path.parent.glob(".*.partial"))
    second = agreements.attach_signed(db, eid, a_pdf(tmp_path, "b.pdf", PDF + b"% second\n"))
    assert second.signed_path != first.signed_path
    assert second.signed_path.is_file() and not first.signed_path.exists()


def test_a_failed_record_leaves_no_new_copy_behind(db, tmp_path, monkeypatch):
    eid = make_engagement(db)
    agreements.mark_sent(db, eid, date(2026, 3, 10))
    with pytest.raises(ValidationError):  # signed before it was sent: refused in the row
        agreements.attach_signed(db, eid, a_pdf(tmp_path), signed_on=date(2026, 3, 1))
    assert not list((report_log.reports_dir(db) / str(eid)).glob("signed-*"))


# -- the PDFs kept, backups, erasure ---------------------------------------------------------

def test_made_pdfs_are_kept_mirrored_beside_backups_and_brought_back(db, tmp_path):
    eid = make_engagement(db)
    made = agreements.make_pdf(db, eid)
    signed = agreements.attach_signed(db, eid, a_pdf(tmp_path))
    assert made.pdf_path.name.startswith(f"agreement-{eid}-20260320-")
    assert made.pdf_path.read_bytes().startswith(b"%PDF-")
    backups.backup_now(db.path)
    mirror = report_mirror.mirror_folder(paths.backup_dir(db.path), db.path)
    rel = [made.pdf_path.relative_to(report_log.reports_dir(db)),
           signed.signed_path.relative_to(report_log.reports_dir(db))]
    assert all((mirror / r).is_file() for r in rel)
    for r in rel:  # a new computer: the data folder lost them
        (report_log.reports_dir(db) / r).unlink()
    report_mirror.bring_back_reports(paths.backup_dir(db.path), db.path)
    assert agreements.file_ok(made.pdf_path, made.pdf_sha256)
    assert agreements.file_ok(signed.signed_path, signed.signed_sha256)


def test_erasing_the_client_deletes_agreements_signed_copies_mirrors_and_mail(db, tmp_path):
    eid = make_engagement(db, client="Quillon Erasewell")
    other = make_engagement(db, client="Another Client")
    older = agreements.make_pdf(db, eid)
    newer = agreements.make_pdf(db, eid, today=date(2026, 3, 19))
    signed = agreements.attach_signed(db, eid, a_pdf(tmp_path))
    kept = agreements.make_pdf(db, other)
    eml = mail.queue(mail.outbox_dir(db.path), mail.make_eml(
        "priya@example.com", "Agreement", "Body", older.pdf_path, draft=False))
    backups.backup_now(db.path)
    mirror = report_mirror.mirror_folder(paths.backup_dir(db.path), db.path)
    root = report_log.reports_dir(db)
    mirrored = [mirror / p.relative_to(root) for p in (older.pdf_path, newer.pdf_path,
                                                       signed.signed_path)]
    assert all(p.is_file() for p in mirrored)
    with db.session() as s:
        client_id = s.get(Engagement, eid).client_id
    preview = erasure.erase_preview(db, client_id)
    assert {older.pdf_path, newer.pdf_path, signed.signed_path} <= set(preview.report_files)
    assert eml in preview.mail_files
    erasure.erase_client(db, client_id)
    for path in (older.pdf_path, newer.pdf_path, signed.signed_path, eml, *mirrored):
        assert not path.exists(), path
    assert kept.pdf_path.is_file()  # another client's agreement stays
    with db.session() as s:
        assert s.get(Engagement, eid) is None
