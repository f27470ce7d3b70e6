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


def test_demo_vat_follows_each_buyer_and_the_pdfs_say_why(demo_db, tmp_path):
    """The demo coach is French: a German buyer is reverse charge (Article 196), a UK one
    outside EU VAT (Article 44), a French one pays 20 % VAT."""
    views = [v for v in inv.list_invoices(demo_db) if v.kind == "invoice"]
    seen = set()
    for view in views:
        country = view.bill_to_vat_number[:2]
        seen.add(country)
        path = rep.save_invoice_pdf(demo_db, view.id, tmp_path / f"v{view.id}.pdf")
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())
        if country == "DE":
            assert view.reverse_charge and view.vat_cents == 0
            assert "Article 196" in text and "outside the EU" not in text
        elif country == "GB":
            assert view.reverse_charge and view.vat_cents == 0
            assert "place of supply outside the EU (Article 44" in text
            assert "Article 196" not in text and "reverse charge" not in text.lower()
        else:
            assert country == "FR" and not view.reverse_charge and view.vat_rate == 2000
            assert "VAT 20 %" in text and "Article" not in text
        assert "Service period: " in text
        assert "recovery fee of €40" in text
        # the footer does not repeat the business name: it is printed once, at the top
        footer_at = text.index("SIRET")
        assert "Anne Martin Coaching" not in text[footer_at - 40:footer_at]
    assert {"DE", "GB"} <= seen


def test_renaming_the_business_leaves_no_stale_name_on_a_new_invoice(demo_db, tmp_path):
    business.save(demo_db, name="Martin Leadership Ltd")
    draft = next(v for v in inv.list_invoices(demo_db) if v.is_draft)
    path = rep.save_invoice_pdf(demo_db, draft.id, tmp_path / "d.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Martin Leadership Ltd" in text and "Anne Martin Coaching" not in text
