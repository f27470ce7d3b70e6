"""The agreement's wording follows the engagement and the coach's business settings
(mentoring reads as mentoring; fees name the payment days and VAT), and a signed
agreement's PDF is never replaced silently (issue 16, a new coach's findings)."""

from __future__ import annotations

from datetime import date

import pytest
from test_agreement import PDF, TODAY, a_pdf, make_engagement

from coachdesk.models import EngagementKind
from coachdesk.reports.agreement import build_agreement_pdf, title_for
from coachdesk.reports.agreement_model import agreement_data
from coachdesk.services import agreement_templates as tpl
from coachdesk.services import agreements, business


def clause_text(db, eid, key: str) -> str:
    return next(c.text for c in agreement_data(db, eid, TODAY).clauses if c.key == key)


def test_a_mentoring_agreement_is_titled_and_worded_as_mentoring(db, tmp_path):
    from pypdf import PdfReader

    eid = make_engagement(db, kind=EngagementKind.mentoring)
    data = agreement_data(db, eid, TODAY)
    parties = clause_text(db, eid, "parties")
    assert "who commissions the mentoring and pays for it" in parties
    assert "coaching" not in parties
    assert "objectives of the mentoring" in clause_text(db, eid, "scope")
    assert title_for(data.kind) == "Mentoring agreement"
    out = build_agreement_pdf(tmp_path / "m.pdf", data)
    reader = PdfReader(str(out))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert text.startswith("Mentoring agreement") and "Coaching agreement" not in text
    assert reader.metadata.title.startswith("Mentoring agreement")
    coaching = make_engagement(db, client="Ana", sponsor="Ben")
    assert "commissions the coaching" in clause_text(db, coaching, "parties")
    assert title_for(agreement_data(db, coaching, TODAY).kind) == "Coaching agreement"


def test_fees_name_the_payment_days_and_vat_of_the_business_settings(db):
    eid = make_engagement(db)
    fees = clause_text(db, eid, "fees")
    assert "payable within 30 days of their date" in fees  # the settings' default
    assert "VAT" not in fees  # no VAT number, no rate: nothing said of VAT
    business.save(db, payment_days=14, vat_number="DE123456789", vat_rate="19")
    fees = clause_text(db, eid, "fees")
    assert "The fee for the engagement is EUR 4,800.00 plus VAT at the applicable rate." in fees
    assert "payable within 14 days of their date" in fees and "30 days" not in fees
    business.save(db, payment_days=0)
    assert "invoices are payable on receipt" in clause_text(db, eid, "fees")
    pro_bono = make_engagement(db, client="Ana", sponsor="Ben", pro_bono=True, fee_cents=None)
    assert "is no fee (pro bono)." in clause_text(db, pro_bono, "fees")  # no VAT on nothing
    tpl.set_templates(db, {"fees": "Net $fee; $payment_days days."})
    assert clause_text(db, eid, "fees") == "Net EUR 4,800.00; 0 days."


def test_a_signed_agreements_pdf_is_never_replaced_silently(db, tmp_path, monkeypatch):
    monkeypatch.setattr(agreements, "_today", lambda: TODAY)
    eid = make_engagement(db)
    first = agreements.make_pdf(db, eid)
    agreements.mark_sent(db, eid, date(2026, 2, 20))
    agreements.attach_signed(db, eid, a_pdf(tmp_path), signed_on=date(2026, 2, 24))
    tpl.set_templates(db, {"fees": "New wording: $fee."})
    with pytest.raises(agreements.AlreadySigned) as err:
        agreements.make_pdf(db, eid, today=date(2026, 3, 10))
    assert "signed on" in str(err.value) and "new draft" in str(err.value)
    state = agreements.get(db, eid)
    assert state.status == "signed" and state.pdf_path == first.pdf_path
    assert agreements.file_ok(state.pdf_path, state.pdf_sha256)
    # After the coach's clear "yes": a new draft, the signed copy and the first PDF kept.
    new = agreements.make_pdf(db, eid, today=date(2026, 3, 10), new_draft=True)
    assert new.status == "draft" and new.sent_on is None and new.signed_on is None
    assert new.pdf_path != first.pdf_path and first.pdf_path.is_file()
    assert new.signed_path == state.signed_path and new.signed_path.read_bytes() == PDF
    # A signed agreement with no PDF kept yet (signed on paper) may keep its first one.
    other = make_engagement(db, client="Ana", sponsor="Ben")
    agreements.mark_signed(db, other, date(2026, 2, 1))
    assert agreements.make_pdf(db, other).status == "signed"


def test_an_unknown_placeholder_is_named_with_the_known_ones(db):
    with pytest.raises(Exception) as err:
        tpl.check_clauses({"code": "Write to $coach_email or ${coach_phone}; $$ and $5."})
    text = str(err.value)
    assert err.value.field == "clause_code"
    assert "$coach_email, $coach_phone" in text and "$payment_days" in text
    assert tpl.unknown_placeholders("$kind $Kind ${fee} $$x $1") == []
