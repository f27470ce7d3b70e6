"""A package fee covers the engagement's sessions (no second bill), the agreed fee is the
most an engagement is invoiced without a warning, and a payment can be neither in the
future nor irreversible."""

from __future__ import annotations

from datetime import date

import pytest
from invoice_helpers import practice

from coachdesk.errors import ValidationError
from coachdesk.services import engagements, sessions
from coachdesk.services import invoices as inv


@pytest.fixture
def frozen(monkeypatch):
    day = {"today": date(2026, 3, 1)}
    monkeypatch.setattr(inv, "current_day", lambda: day["today"])
    return day


def test_a_package_invoice_covers_the_sessions(db, frozen):
    p = practice(db, held=6, sessions_agreed=10)
    assert inv.session_counts(db, p.engagement_id).to_invoice == 6
    package = inv.create_draft(db, p.engagement_id, inv.package_line(db, p.engagement_id))
    assert inv.draft_warnings(db, p.engagement_id, invoice_id=package.id) == []
    inv.issue(db, package.id, "2026-02-02")
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.to_invoice, counts.covered, counts.invoiced) == (0, 6, 0)
    assert counts.sentence == ("6 sessions delivered, covered by the package fee invoiced on "
                               "2 Feb 2026")
    assert inv.billable_sessions(db, p.engagement_id) == []
    with pytest.raises(ValidationError):
        inv.session_lines(db, p.engagement_id)
    # typed on purpose, a session line is not refused but warned about
    lines = [inv.LineInput("Session", 45000, 1000, p.session_ids[0])]
    warnings = inv.draft_warnings(db, p.engagement_id, lines)
    assert len(warnings) == 2
    assert "package fee invoiced on 2 Feb 2026" in warnings[0] and "twice" not in warnings[1]
    assert "€4,950.00" in warnings[1] and "€4,500.00" in warnings[1]


def test_sessions_beyond_those_agreed_stay_to_invoice(db, frozen):
    p = practice(db, held=3, sessions_agreed=2, fee_cents=90000)
    inv.issue(db, inv.create_draft(db, p.engagement_id,
                                   inv.package_line(db, p.engagement_id)).id, "2026-02-02")
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.covered, counts.to_invoice) == (2, 1)
    assert counts.sentence == ("3 sessions delivered, 2 covered by the package fee invoiced "
                               "on 2 Feb 2026, 1 to invoice")
    assert [b.id for b in inv.billable_sessions(db, p.engagement_id)] == p.session_ids[2:]


def test_an_instalment_covers_and_a_full_credit_note_uncovers(db, frozen):
    p = practice(db, held=2)
    first = inv.issue(db, inv.create_draft(db, p.engagement_id, inv.one_instalment(
        450000, 3, 1)).id, "2026-02-02")
    assert inv.session_counts(db, p.engagement_id).to_invoice == 0
    inv.credit_note(db, first.id, issue_date="2026-02-03")
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.to_invoice, counts.covered, counts.package_invoiced_on) == (2, 0, None)


def test_an_expense_line_is_not_a_package(db, frozen):
    p = practice(db, held=2)
    inv.issue(db, inv.create_draft(db, p.engagement_id,
                                   [inv.LineInput("Travel expenses", 8000)]).id, "2026-02-02")
    assert inv.session_counts(db, p.engagement_id).to_invoice == 2


def test_package_and_sessions_on_one_draft_are_warned(db):
    p = practice(db, held=2)
    lines = inv.package_line(db, p.engagement_id) + inv.session_lines(db, p.engagement_id)
    warnings = inv.draft_warnings(db, p.engagement_id, lines)
    assert any("billed twice" in w for w in warnings)


def test_more_than_the_agreed_fee_is_warned(db, frozen):
    p = practice(db, held=2, fee_cents=90000, sessions_agreed=2)  # 450.00 a session
    assert inv.draft_warnings(db, p.engagement_id,
                              inv.session_lines(db, p.engagement_id)) == []
    inv.issue(db, inv.create_draft(db, p.engagement_id,
                                   inv.session_lines(db, p.engagement_id)).id, "2026-02-02")
    extra = [inv.LineInput("Extra workshop", 100)]
    [warning] = inv.draft_warnings(db, p.engagement_id, extra)
    assert "€901.00" in warning and "€900.00" in warning and "Extra" not in warning


def test_mentoring_lines_say_mentoring(db):
    p = practice(db, held=1)
    engagements.update(db, p.engagement_id, kind="mentoring")
    [line] = inv.session_lines(db, p.engagement_id)
    assert line.description.startswith("Mentoring session, 12 Jan 2026")
    assert inv.package_line(db, p.engagement_id)[0].description.startswith("Mentoring")
    sessions.create(db, p.engagement_id, date(2026, 1, 20), status="held")
    assert all(b.label.startswith("Mentoring session")
               for b in inv.billable_sessions(db, p.engagement_id))


def test_a_payment_in_the_future_is_refused_and_paid_can_be_undone(db, frozen):
    p = practice(db, held=1)
    view = inv.issue(db, inv.create_draft(db, p.engagement_id,
                                          inv.session_lines(db, p.engagement_id)).id,
                     "2026-02-01")
    with pytest.raises(ValidationError) as err:
        inv.mark_paid(db, view.id, "2026-03-02")
    assert err.value.field == "paid_on" and "future" in str(err.value)
    assert inv.get(db, view.id).status == "issued"
    assert inv.mark_paid(db, view.id, "2026-03-01").paid_on == date(2026, 3, 1)
    back = inv.mark_unpaid(db, view.id)
    assert (back.status, back.paid_on) == ("issued", None)
    inv.mark_sent(db, view.id, "2026-02-02")
    inv.mark_paid(db, view.id)
    back = inv.mark_unpaid(db, view.id)
    assert (back.status, back.paid_on, back.sent_on) == ("sent", None, date(2026, 2, 2))
    with pytest.raises(ValidationError) as err:
        inv.mark_unpaid(db, view.id)
    assert err.value.field == "status"


def test_a_draft_can_be_edited_lines_vat_terms_due_date_and_buyer(db, frozen):
    from coachdesk.services import organizations
    from invoice_helpers import set_billing

    p = practice(db, held=3)
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id,
                                                                    p.session_ids[:1]))
    # its own session stays offered while it is edited, the others too
    assert len(inv.billable_sessions(db, p.engagement_id, exclude_invoice=draft.id)) == 3
    edited = inv.update_draft(db, draft.id, lines=inv.session_lines(
        db, p.engagement_id, p.session_ids[1:]), vat_rate="20",
        payment_terms="Payment within 14 days.", due_date="2026-03-20")
    assert [li.session_id for li in edited.lines] == p.session_ids[1:]
    assert (edited.vat_rate, edited.payment_terms, edited.due_date) == \
        (2000, "Payment within 14 days.", date(2026, 3, 20))
    assert edited.vat_cents == 18000  # 20 % of 900.00
    # billed to a UK business instead: the VAT starts again from the suggestion
    uk = organizations.create(db, "Mercer & Hale")
    set_billing(db, uk.id, billing_address="12 Fleet Street\nLondon", vat_number="GB123456789")
    moved = inv.update_draft(db, draft.id, organization_id=uk.id)
    assert (moved.bill_to_name, moved.reverse_charge, moved.vat_cents) == \
        ("Mercer & Hale", True, 0)
    assert "outside the EU" in inv.note_for(moved.reverse_charge, moved.bill_to_vat_number)
    back = inv.update_draft(db, draft.id, reverse_charge=False)  # the coach overrides
    assert back.reverse_charge is False
