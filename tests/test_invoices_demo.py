"""The demo practice shows invoices as a practice has them a few months in."""

from __future__ import annotations

from pypdf import PdfReader

from coachdesk.reports import invoice as rep
from coachdesk.services import business
from coachdesk.services import invoices as inv


def test_demo_has_paid_sent_overdue_credit_note_and_draft(demo_db):
    views = inv.list_invoices(demo_db)
    states = {(v.kind, v.state) for v in views}
    assert {("invoice", "paid"), ("invoice", "sent"), ("invoice", "overdue"),
            ("credit_note", "issued"), ("invoice", "draft")} <= states
    numbers = sorted(v.number for v in views if v.kind == "invoice" and v.number)
    years = {n[:4] for n in numbers}
    for year in years:  # each year's series runs from 0001 without a gap
        seq = [int(n[5:]) for n in numbers if n.startswith(year)]
        assert seq == list(range(1, len(seq) + 1))
    note = next(v for v in views if v.is_credit_note)
    assert note.credits_number in numbers
    totals = inv.outstanding(demo_db)
    assert totals and totals[0].overdue_count == 1 and totals[0].overdue_cents > 0
    assert business.get(demo_db).complete_for_invoice


def test_every_demo_invoice_prints(demo_db, tmp_path):
    for view in inv.list_invoices(demo_db):
        path = rep.save_invoice_pdf(demo_db, view.id, tmp_path / f"{view.id}.pdf")
        text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
        assert "Anne Martin Coaching" in text
        assert (view.number or "DRAFT") in text
