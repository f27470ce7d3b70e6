"""Invoices and the client's rights: the subject access file lists the client's invoices;
erasing the client keeps the issued invoices and credit notes (records the law requires a
business to keep), detached from the client, and deletes the drafts."""

from __future__ import annotations

from datetime import date

from invoice_helpers import practice
from sqlalchemy import select, text

from coachdesk.models import Invoice, InvoiceLine
from coachdesk.reports import invoice as rep
from coachdesk.services import erasure, privacy, report_log
from coachdesk.services import invoices as inv


def make(db):
    p = practice(db, held=3)
    issued = inv.issue(db, inv.create_draft(db, p.engagement_id, inv.session_lines(
        db, p.engagement_id, p.session_ids[:2])).id, "2026-02-01")
    note = inv.credit_note(db, issued.id, [issued.lines[0].id], issue_date="2026-02-03")
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(
        db, p.engagement_id, p.session_ids[2:]), notes="Draft note")
    kept_pdf = rep.save_invoice_pdf(db, issued.id)
    return p, issued, note, draft, kept_pdf


def test_subject_access_lists_the_clients_invoices(db):
    p, issued, note, draft, _ = make(db)
    data = privacy.subject_access(db, p.client_id)
    numbers = sorted((r["number"] or "draft") for r in data["records"]["invoices"])
    assert numbers == ["2026-0001", "CN-2026-0001", "draft"]
    assert len(data["records"]["invoice_lines"]) == 4


def test_erasing_keeps_issued_invoices_detached_and_deletes_drafts(db):
    p, issued, note, draft, kept_pdf = make(db)
    preview = erasure.erase_preview(db, p.client_id)
    assert preview.counts["invoice"] == 1 and preview.counts["invoice_line"] == 1
    assert preview.invoices_kept == 2
    assert "1 draft invoice" in preview.lines()
    assert "2 issued invoices and credit notes" in preview.kept_note

    erasure.erase_client(db, p.client_id)

    with db.session() as s:
        rows = {r.id: r for r in s.exec(select(Invoice)).scalars()}
        lines = list(s.exec(select(InvoiceLine)).scalars())
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    assert set(rows) == {issued.id, note.id}
    assert all(r.engagement_id is None for r in rows.values())
    assert len(lines) == 3  # two on the invoice, one on the credit note
    kept = inv.get(db, issued.id)
    assert (kept.number, kept.total_cents, kept.client_name) == ("2026-0001", 107100, "")
    assert kept.bill_to_name == "Acme GmbH"  # the buyer, not the client, stays
    assert inv.get(db, note.id).credits_number == "2026-0001"
    assert kept_pdf.is_file()  # the issued PDF is a kept record too
    assert (report_log.reports_dir(db) / kept.pdf_file) == kept_pdf
    # still counted as money owed, and still exported for the accountant
    assert inv.outstanding(db, today=date(2026, 2, 10))[0].outstanding_cents == 107100 - 53550
    assert [x.number for x in inv.list_invoices(db)] == ["CN-2026-0001", "2026-0001"]
    # and a PDF of a detached invoice can still be made (kept under invoices/ if new)
    again = rep.save_invoice_pdf(db, note.id)
    assert again.parent.name == "invoices"


def test_the_erasure_counts_match_what_went(db):
    p, *_ = make(db)
    preview = erasure.erase_preview(db, p.client_id)
    result = erasure.erase_client(db, p.client_id)
    assert result.counts["invoice"] == preview.counts["invoice"] == 1
    assert result.counts["invoice_line"] == preview.counts["invoice_line"] == 1
