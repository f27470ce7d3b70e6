"""The invoice PDF, read back with pypdf: numbers, totals, VAT rounded to the cent,
hostile text printed as typed, the credit note's wording, and no session note in it."""

from __future__ import annotations

from datetime import date

import pytest
from invoice_helpers import HOSTILE, practice
from pypdf import PdfReader

from coachdesk.errors import ValidationError
from coachdesk.reports import invoice as rep
from coachdesk.services import business, report_log, sessions
from coachdesk.services import invoices as inv


def text_of(path) -> str:
    reader = PdfReader(str(path))
    return " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())


def issue_with(db, p, lines, **kw):
    draft = inv.create_draft(db, p.engagement_id, lines, **kw)
    return inv.issue(db, draft.id, "2026-02-01")


def test_three_times_33_33_at_19_percent(db, tmp_path):
    p = practice(db, held=0)
    view = issue_with(db, p, [inv.LineInput(f"Workshop part {i}", 3333) for i in (1, 2, 3)])
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "a.pdf"))
    assert "INVOICE" in text and "2026-0001" in text
    assert "Net total €99.99" in text
    assert "VAT 19 % €19.00" in text          # 18.9981 rounded half up, on the net
    assert "Total due €118.99" in text
    assert "Sunday 1 February 2026" in text and "Tuesday 3 March 2026" in text  # due +30


@pytest.mark.parametrize("rate, net, vat, total", [
    ("0.5", 100, "€0.01", "€1.01"),   # 0.005 -> 0.01
    ("0.5", 99, "€0.00", "€0.99"),    # 0.00495 -> 0.00
    ("0", 12345, "€0.00", "€123.45"),
    ("7.7", 1000000, "€770.00", "€10,770.00"),
])
def test_vat_edges_print_rounded_to_the_cent(db, tmp_path, rate, net, vat, total):
    p = practice(db, held=0)
    view = issue_with(db, p, [inv.LineInput("Fee", net)], vat_rate=rate)
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "e.pdf"))
    assert f"VAT {business.rate_text(business.parse_rate(rate))} % {vat}" in text
    assert f"Total due {total}" in text


def test_seller_buyer_bank_and_terms(db, tmp_path):
    p = practice(db, held=2)
    view = issue_with(db, p, inv.session_lines(db, p.engagement_id))
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "s.pdf"))
    for must in ("Anne Martin Coaching", "1 Rue de la Paix", "VAT number: FR12345678901",
                 "Bill to", "Acme GmbH", "Accounts payable", "10115 Berlin",
                 "DE89 3704 0044 0532 0130 00", "COBADEFFXXX",
                 "Payment within 30 days of the invoice date",
                 "Coaching session, 12 Jan 2026 (1 h)", "Thank you."):
        assert must in text, must
    assert "Reverse charge" not in text
    meta = PdfReader(str(tmp_path / "s.pdf")).metadata
    assert meta.title == "Invoice 2026-0001 — Anne Martin Coaching"


def test_no_session_note_ever_reaches_the_invoice(db, tmp_path):
    p = practice(db, held=2)  # each session's private note is CANARY-PRIVATE-NOTE
    sessions.save_notes(db, p.session_ids[0], shared_summary="CANARY-SHARED-SUMMARY")
    view = issue_with(db, p, inv.session_lines(db, p.engagement_id))
    path = rep.save_invoice_pdf(db, view.id, tmp_path / "c.pdf")
    raw = path.read_bytes()
    assert b"CANARY" not in raw
    assert "CANARY" not in text_of(path)


def test_reverse_charge_prints_the_note_and_both_vat_numbers(db, tmp_path):
    p = practice(db, held=0, buyer_vat="DE999999999")
    view = issue_with(db, p, [inv.LineInput("Fee", 100000)], reverse_charge=True)
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "r.pdf"))
    assert ("Reverse charge: VAT to be accounted for by the recipient, Article 196 of Council "
            "Directive 2006/112/EC") in text
    assert "VAT (reverse charge) €0.00" in text and "Total due €1,000.00" in text
    assert "DE999999999" in text and "FR12345678901" in text


def test_credit_note_says_so_and_names_the_invoice(db, tmp_path):
    p = practice(db, held=3)
    view = issue_with(db, p, inv.session_lines(db, p.engagement_id))
    note = inv.credit_note(db, view.id, [view.lines[0].id], issue_date=date(2026, 2, 10),
                           reason="Billed twice")
    text = text_of(rep.save_invoice_pdf(db, note.id, tmp_path / "cn.pdf"))
    assert "CREDIT NOTE" in text and "CN-2026-0001" in text
    assert "corrects invoice 2026-0001" in text
    assert "-€450.00" in text and "Total credited -€535.50" in text
    assert "Reason Billed twice" in text
    assert "IBAN" not in text  # nothing to pay


def test_hostile_text_prints_as_typed(db, tmp_path):
    p = practice(db, held=0, org_name=f"Org {HOSTILE}")
    view = issue_with(db, p, [inv.LineInput(f"Line {HOSTILE}", 100)], notes=f"Note {HOSTILE}\n"
                      + "x" * 1900)
    path = rep.save_invoice_pdf(db, view.id, tmp_path / "h.pdf")
    text = text_of(path)
    assert '<b>&"\'' in text
    assert "陈静" in text
    assert text.count("<b>") >= 3  # buyer, line, note (and page footers): never markup


def test_an_issued_invoice_is_kept_once_and_every_copy_is_that_file(db, tmp_path):
    p = practice(db, held=1)
    view = issue_with(db, p, inv.session_lines(db, p.engagement_id))
    first = rep.save_invoice_pdf(db, view.id, tmp_path / "1.pdf")
    kept = inv.get(db, view.id)
    assert kept.pdf_file.startswith(f"{p.engagement_id}/invoice-2026-0001-")
    stored = report_log.reports_dir(db) / kept.pdf_file
    assert stored.read_bytes() == first.read_bytes()
    business.save(db, name="Changed Name Ltd")  # the kept copy does not change
    second = rep.save_invoice_pdf(db, view.id, tmp_path / "2.pdf")
    assert second.read_bytes() == first.read_bytes()
    assert rep.save_invoice_pdf(db, view.id) == stored
    assert "Changed Name" not in text_of(second)


def test_a_draft_is_marked_and_not_kept(db, tmp_path):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    text = text_of(rep.save_invoice_pdf(db, draft.id, tmp_path / "d.pdf"))
    assert "DRAFT" in text and "2026-0001" not in text
    assert inv.get(db, draft.id).pdf_file == ""
    assert not (report_log.reports_dir(db) / str(p.engagement_id)).exists()


def test_an_unwritable_destination_is_a_plain_error(db, tmp_path):
    from coachdesk.reports.styles import ReportError

    p = practice(db, held=0)
    view = issue_with(db, p, [inv.LineInput("Fee", 100)])
    with pytest.raises(ReportError) as err:
        rep.save_invoice_pdf(db, view.id, tmp_path / "missing" / "x.pdf")
    assert "does not exist" in str(err.value)


def test_a_long_invoice_runs_over_pages_with_its_header_row_and_one_total(db, tmp_path):
    p = practice(db, held=0)
    business.save(db, name=f"Seller {HOSTILE}", footer=f"Footer {HOSTILE}")
    lines = [inv.LineInput(f"Workshop day {i} " + "word " * (i % 30), 3333, 1500)
             for i in range(120)]
    view = issue_with(db, p, lines)
    path = rep.save_invoice_pdf(db, view.id, tmp_path / "long.pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 3
    pages = [" ".join((pg.extract_text() or "").split()) for pg in reader.pages]
    assert all("Description Qty Unit price Amount" in pg for pg in pages[:-1])
    text = " ".join(pages)
    assert text.count("Total due") == 1
    assert "Net total €6,000.00" in text  # 120 x 1.5 x 33.33 = 120 x 50.00 (49.995 half up)
    assert "VAT 19 % €1,140.00" in text and "Total due €7,140.00" in text
    assert f"Page 1 of {len(reader.pages)}" in pages[0]
    assert 'Seller <b>&"\'' in text and 'Footer <b>&"\'' in text


def test_outside_eu_buyer_prints_article_44_not_196(db, tmp_path):
    p = practice(db, held=0, buyer_vat="GB123456789")
    view = issue_with(db, p, [inv.LineInput("Fee", 100000)])  # the suggestion: outside EU
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "gb.pdf"))
    assert ("VAT not applicable: place of supply outside the EU (Article 44, Directive "
            "2006/112/EC)") in text
    assert "Article 196" not in text and "reverse charge" not in text.lower()
    assert "VAT (not applicable) €0.00" in text and "Total due €1,000.00" in text


def test_service_period_from_the_sessions_billed(db, tmp_path):
    p = practice(db, held=3)  # 12, 13 and 14 January 2026
    view = issue_with(db, p, inv.session_lines(db, p.engagement_id))
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "p.pdf"))
    assert "Service period: 12 Jan – 14 Jan 2026" in text
    only = issue_with(db, p, [inv.LineInput("Travel expenses", 100)])
    assert "Service period" not in text_of(rep.save_invoice_pdf(db, only.id, tmp_path / "x.pdf"))


def test_service_period_of_a_package_is_the_engagements(db, tmp_path):
    from coachdesk.services import engagements

    p = practice(db, held=2)
    engagements.update(db, p.engagement_id, end_date=date(2026, 6, 30))
    view = issue_with(db, p, inv.package_line(db, p.engagement_id))
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "pk.pdf"))
    assert "Service period: 5 Jan – 30 Jun 2026" in text
    engagements.update(db, p.engagement_id, end_date=None)  # open: to the last session
    draft = inv.create_draft(db, p.engagement_id, inv.one_instalment(450000, 3, 2))
    text = text_of(rep.save_invoice_pdf(db, draft.id, tmp_path / "open.pdf"))
    assert "Service period: 5 Jan – 13 Jan 2026" in text


def test_period_text_shapes():
    from coachdesk.services.invoice_period import period_text

    assert period_text((date(2026, 9, 2), date(2026, 10, 28))) == "2 Sep – 28 Oct 2026"
    assert period_text((date(2025, 12, 15), date(2026, 1, 20))) == "15 Dec 2025 – 20 Jan 2026"
    assert period_text((date(2026, 9, 2), date(2026, 9, 2))) == "2 Sep 2026"
    assert period_text(None) == ""


def test_late_payment_terms_print_under_the_payment_terms(db, tmp_path):
    p = practice(db, held=0)
    business.save(db, late_payment_terms="Late payment: penalties <3x> & a €40 fee.")
    view = issue_with(db, p, [inv.LineInput("Fee", 100000)])
    text = text_of(rep.save_invoice_pdf(db, view.id, tmp_path / "late.pdf"))
    terms_at = text.index("Payment within 30 days")
    assert text.index("Late payment: penalties <3x> & a €40 fee.") > terms_at
    assert text.index("Please pay") > text.index("Late payment")
    with pytest.raises(ValidationError) as err:
        business.save(db, late_payment_terms="x" * 1001)
    assert err.value.field == "late_payment_terms"
    assert business.get(db).late_payment_terms.startswith("Late payment")
