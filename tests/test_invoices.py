"""The invoice engine: drafts, numbers, the frozen snapshot, credit notes, statuses and the
figures the dashboard and the engagement show."""

from __future__ import annotations

from datetime import date

import pytest
from invoice_helpers import practice, set_billing
from sqlalchemy import select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Invoice, InvoiceCounter
from coachdesk.services import business, clients, engagements, organizations, sessions, sponsors
from coachdesk.services import invoices as inv


@pytest.fixture
def frozen(monkeypatch):
    """Today is 1 March 2026 for the invoice rules."""
    day = {"today": date(2026, 3, 1)}
    monkeypatch.setattr(inv, "current_day", lambda: day["today"])
    return day


def issued_for_sessions(db, p, day="2026-02-01", ids=None):
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id, ids))
    return inv.issue(db, draft.id, day)


# -- drafts ---------------------------------------------------------------------------------


def test_session_lines_bill_delivered_sessions_at_the_fee_per_session(db):
    p = practice(db, held=2)
    late = sessions.create(db, p.engagement_id, date(2026, 2, 2), status="cancelled_late")
    no_show = sessions.create(db, p.engagement_id, date(2026, 2, 3), status="no_show")
    sessions.create(db, p.engagement_id, date(2026, 2, 4), status="cancelled")
    sessions.create(db, p.engagement_id, date(2026, 2, 5), status="planned")
    sessions.create(db, p.engagement_id, date(2026, 2, 6), status="held", pro_bono=True)
    lines = inv.session_lines(db, p.engagement_id)
    assert [li.session_id for li in lines] == p.session_ids + [late.id, no_show.id]
    assert {li.unit_cents for li in lines} == {45000}  # 4,500.00 for 10 sessions
    assert lines[0].description == "Coaching session, 12 Jan 2026 (1 h)"
    assert "cancelled late" in lines[2].description and "no-show" in lines[3].description
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.delivered, counts.billable, counts.to_invoice) == (5, 4, 4)


def test_a_pro_bono_engagement_has_nothing_to_bill(db):
    p = practice(db, held=2)
    engagements.update(db, p.engagement_id, pro_bono=True)
    assert inv.billable_sessions(db, p.engagement_id) == []
    with pytest.raises(ValidationError) as err:
        inv.session_lines(db, p.engagement_id)
    assert err.value.field == "session_ids"


def test_without_a_fee_per_session_the_coach_gives_the_price(db):
    p = practice(db, fee_cents=None)
    with pytest.raises(ValidationError) as err:
        inv.session_lines(db, p.engagement_id)
    assert err.value.field == "unit_cents"
    assert inv.session_lines(db, p.engagement_id, unit_cents=30000)[0].unit_cents == 30000


def test_a_draft_is_billed_to_the_sponsors_organisation_with_the_business_defaults(db):
    p = practice(db, held=3)
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id))
    assert draft.number is None and draft.state == "draft" and draft.title == "Draft invoice"
    assert draft.bill_to_name == "Acme GmbH" and draft.bill_to_address.startswith("Hauptstr.")
    assert (draft.currency, draft.vat_rate) == ("EUR", 1900)
    assert (draft.subtotal_cents, draft.vat_cents, draft.total_cents) == (135000, 25650, 160650)
    assert draft.payment_terms == "Payment within 30 days of the invoice date, by bank transfer."
    assert draft.client_name == "Jo Client"


def test_the_clients_organisation_is_billed_when_the_sponsor_has_none(db):
    org = organizations.create(db, "Client Org")
    c = clients.create(db, "Solo", organization_id=org.id)
    sponsor = sponsors.create(db, "No Org Sponsor")
    e = engagements.create(db, c.id, date(2026, 1, 1), sponsor_id=sponsor.id)
    draft = inv.create_draft(db, e.id, inv.package_line(db, e.id, 100000))
    assert draft.organization_id == org.id


def test_nobody_to_bill_is_said_plainly(db):
    c = clients.create(db, "Private Person")
    e = engagements.create(db, c.id, date(2026, 1, 1), fee_cents=100000)
    with pytest.raises(ValidationError) as err:
        inv.create_draft(db, e.id, inv.package_line(db, e.id))
    assert err.value.field == "organization_id"
    assert "organization" in str(err.value)


def test_package_and_instalments(db):
    p = practice(db, held=0)
    package = inv.package_line(db, p.engagement_id)
    assert package[0].unit_cents == 450000
    assert package[0].description == "Coaching programme: 10 sessions"
    parts = inv.instalment_lines(100000, 3)
    assert [li.unit_cents for li in parts] == [33333, 33333, 33334]
    assert parts[2].description == "Coaching programme, instalment 3 of 3"
    draft = inv.create_draft(db, p.engagement_id, parts, vat_rate=0)
    assert draft.total_cents == 100000
    second = inv.one_instalment(100000, 3, 2)
    assert second[0].description.endswith("instalment 2 of 3")


def test_a_session_is_never_on_two_drafts_or_billed_twice(db, frozen):
    p = practice(db, held=2)
    first = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id,
                                                                    [p.session_ids[0]]))
    with pytest.raises(ValidationError) as err:
        inv.session_lines(db, p.engagement_id, [p.session_ids[0]])
    assert err.value.field == "session_ids"
    line = inv.LineInput("Again", 100, 1000, p.session_ids[0])
    with pytest.raises(ValidationError):
        inv.create_draft(db, p.engagement_id, [line])
    assert [b.id for b in inv.billable_sessions(db, p.engagement_id)] == [p.session_ids[1]]
    assert [b.id for b in inv.billable_sessions(db, p.engagement_id, exclude_invoice=first.id)] \
        == p.session_ids
    inv.issue(db, first.id, "2026-02-01")
    counts = inv.session_counts(db, p.engagement_id)
    assert counts.sentence == "2 sessions delivered, 1 invoiced, 1 to invoice"


def test_lines_given_as_dicts_are_accepted(db):
    p = practice(db, held=1)
    draft = inv.create_draft(db, p.engagement_id, [
        {"description": "Session", "unit_cents": "45000", "session_id": str(p.session_ids[0])}])
    assert draft.lines[0].session_id == p.session_ids[0] and draft.total_cents == 53550


def test_drafts_change_and_go_but_issued_invoices_never_do(db, frozen):
    p = practice(db, held=2)
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id))
    changed = inv.update_draft(db, draft.id, vat_rate="0", notes="PO 4711",
                               lines=[inv.LineInput("Workshop", 120000, 500)])
    assert (changed.subtotal_cents, changed.vat_cents, changed.total_cents) == (60000, 0, 60000)
    assert changed.notes == "PO 4711" and len(changed.lines) == 1
    assert inv.session_counts(db, p.engagement_id).to_invoice == 2  # sessions freed
    issued = inv.issue(db, draft.id, "2026-02-01")
    for attempt in (lambda: inv.update_draft(db, issued.id, notes="x"),
                    lambda: inv.delete_draft(db, issued.id)):
        with pytest.raises(ValidationError) as err:
            attempt()
        assert err.value.field == "status" and "credit note" in str(err.value)
    other = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    inv.delete_draft(db, other.id)
    with pytest.raises(NotFoundError):
        inv.get(db, other.id)


@pytest.mark.parametrize("bad, field", [
    ({"lines": []}, "lines"),
    ({"lines": [inv.LineInput("", 100)]}, "description"),
    ({"lines": [inv.LineInput("x", -1)]}, "lines"),
    ({"lines": [inv.LineInput("x", 100, 0)]}, "lines"),
    ({"lines": [inv.LineInput("x", 10**14)]}, "lines"),
    ({"currency": "ZZZ"}, "currency"),
    ({"vat_rate": "abc"}, "vat_rate"),
    ({"due_date": "someday"}, "due_date"),
    ({"notes": "a\x00b"}, "notes"),
    ({"lines": [{"description": "x", "unit_cents": 1, "price": 3}]}, "lines"),
    ({"lines": [{"description": "x", "unit_cents": "ten"}]}, "lines"),
    ({"lines": [inv.LineInput("x", 100, 1000, 987654)]}, "lines"),
])
def test_bad_draft_input_is_refused_naming_the_field(db, bad, field):
    """A line given as a dict with a wrong key, a price that is no number, a session of
    another engagement: refused like any other bad value, never a traceback."""
    p = practice(db, held=0)
    args = {"lines": [inv.LineInput("Fee", 100)], **bad}
    with pytest.raises(ValidationError) as err:
        inv.create_draft(db, p.engagement_id, **args)
    assert err.value.field == field
    assert inv.list_invoices(db) == []


# -- issuing --------------------------------------------------------------------------------


def test_numbers_run_per_year_and_series_without_gaps(db, frozen):
    p = practice(db, held=0)
    numbers = []
    for day in ("2026-01-10", "2026-02-10", "2027-01-05", "2026-12-31"):
        draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
        numbers.append(inv.issue(db, draft.id, day).number)
    assert numbers == ["2026-0001", "2026-0002", "2027-0001", "2026-0003"]
    first = inv.list_invoices(db, state=None)[-1]
    note = inv.credit_note(db, first.id, issue_date="2026-03-01")
    assert note.number == "CN-2026-0001" and note.credits_number == "2026-0001"
    with db.session() as s:
        counters = {(c.series, c.year): c.last_sequence
                    for c in s.exec(select(InvoiceCounter)).scalars()}
    assert counters == {("invoice", 2026): 3, ("invoice", 2027): 1, ("credit_note", 2026): 1}


def test_a_refused_issue_uses_no_number_and_deleting_a_draft_frees_none(db, frozen):
    p = practice(db, held=0)
    set_billing(db, p.org_id, billing_address="")
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    with pytest.raises(ValidationError) as err:
        inv.issue(db, draft.id, "2026-02-01")
    assert err.value.field == "bill_to_address"
    set_billing(db, p.org_id, billing_address="Hauptstr. 1")
    assert inv.issue(db, draft.id, "2026-02-01").number == "2026-0001"
    with pytest.raises(ValidationError):
        inv.issue(db, draft.id, "2026-02-01")  # twice: refused, number not used
    again = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    assert inv.issue(db, again.id, "2026-02-02").number == "2026-0002"


def test_issuing_needs_the_sellers_name_and_address(db, frozen):
    p = practice(db, held=0)
    business.save(db, address="")
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    with pytest.raises(ValidationError) as err:
        inv.issue(db, draft.id)
    assert err.value.field == "seller" and "Settings" in str(err.value)


def test_reverse_charge_needs_the_buyers_vat_number_and_charges_none(db, frozen):
    p = practice(db, held=0)
    set_billing(db, p.org_id, vat_number="")
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)],
                             reverse_charge=True)
    assert draft.vat_cents == 0 and draft.total_cents == 10000
    with pytest.raises(ValidationError) as err:
        inv.issue(db, draft.id)
    assert err.value.field == "bill_to_vat_number"
    set_billing(db, p.org_id, vat_number="DE999999999")
    issued = inv.issue(db, draft.id)
    assert issued.bill_to_vat_number == "DE999999999" and issued.vat_cents == 0


def test_issuing_freezes_buyer_seller_and_totals(db, frozen):
    p = practice(db, held=1)
    issued = issued_for_sessions(db, p)
    assert issued.due_date == date(2026, 3, 3)  # 30 days
    set_billing(db, p.org_id, billing_address="Somewhere else", name="Renamed AG")
    business.save(db, name="New Name", iban="", vat_rate="5")
    again = inv.get(db, issued.id)
    assert again.bill_to_address.startswith("Hauptstr.") and again.bill_to_name == "Acme GmbH"
    assert again.seller.name == "Anne Martin Coaching"
    assert again.seller.iban == "DE89370400440532013000"
    assert (again.vat_rate, again.total_cents) == (1900, 53550)


def test_due_date_before_issue_is_refused(db, frozen):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)],
                             due_date="2026-01-01")
    with pytest.raises(ValidationError) as err:
        inv.issue(db, draft.id, "2026-02-01")
    assert err.value.field == "due_date"


# -- statuses and figures -------------------------------------------------------------------


def test_sent_paid_and_overdue_follow_the_clock(db, frozen):
    p = practice(db, held=1)
    issued = issued_for_sessions(db, p, "2026-02-01")
    assert issued.state == "issued" and issued.balance_cents == 53550
    frozen["today"] = date(2026, 3, 4)  # due 3 March
    assert inv.get(db, issued.id).state == "overdue"
    sent = inv.mark_sent(db, issued.id, "2026-02-02")
    assert (sent.status, sent.state, sent.sent_on) == ("sent", "overdue", date(2026, 2, 2))
    with pytest.raises(ValidationError) as err:
        inv.mark_paid(db, issued.id, "2026-01-31")
    assert err.value.field == "paid_on"
    paid = inv.mark_paid(db, issued.id, "2026-03-04")
    assert (paid.state, paid.balance_cents, paid.paid_on) == ("paid", 0, date(2026, 3, 4))
    assert inv.mark_unpaid(db, issued.id).state == "overdue"
    assert [x.id for x in inv.list_invoices(db, state="overdue")] == [issued.id]
    with pytest.raises(ValidationError):
        inv.list_invoices(db, state="lost")


def test_a_draft_cannot_be_sent_or_paid(db):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    for act in (inv.mark_sent, inv.mark_paid):
        with pytest.raises(ValidationError) as err:
            act(db, draft.id)
        assert err.value.field == "status"


def test_full_credit_note_mirrors_the_invoice_and_cancels_what_is_owed(db, frozen):
    p = practice(db, held=3)
    issued = issued_for_sessions(db, p)
    note = inv.credit_note(db, issued.id, reason="Billed twice")
    assert note.is_credit_note and note.title == "Credit note CN-2026-0001"
    assert (note.subtotal_cents, note.vat_cents, note.total_cents) == (-135000, -25650, -160650)
    assert all(li.amount_cents < 0 for li in note.lines) and note.notes == "Billed twice"
    after = inv.get(db, issued.id)
    assert (after.state, after.balance_cents, after.credited_cents) == ("credited", 0, -160650)
    assert inv.session_counts(db, p.engagement_id).to_invoice == 3
    with pytest.raises(ValidationError) as err:
        inv.credit_note(db, issued.id)
    assert err.value.field == "line_ids"
    with pytest.raises(ValidationError):
        inv.credit_note(db, note.id)  # a credit note is not credited
    with pytest.raises(ValidationError):
        inv.mark_paid(db, note.id)
    assert inv.outstanding(db) == []


def test_partial_credit_note_for_chosen_lines(db, frozen):
    p = practice(db, held=3)
    issued = issued_for_sessions(db, p)
    note = inv.credit_note(db, issued.id, [issued.lines[1].id])
    assert len(note.lines) == 1 and note.lines[0].session_id == p.session_ids[1]
    assert (note.subtotal_cents, note.vat_cents) == (-45000, -8550)
    after = inv.get(db, issued.id)
    assert after.balance_cents == 160650 - 53550 and after.state == "issued"
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.invoiced, counts.to_invoice) == (2, 1)
    with pytest.raises(ValidationError):
        inv.credit_note(db, issued.id, [issued.lines[1].id])
    with pytest.raises(ValidationError):
        inv.credit_note(db, issued.id, [999999])
    with pytest.raises(ValidationError):
        inv.credit_note(db, issued.id, issue_date="2026-01-01")
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    with pytest.raises(ValidationError):
        inv.credit_note(db, draft.id)


def test_outstanding_and_overdue_per_currency(db, frozen):
    p = practice(db, held=2)
    eur = issued_for_sessions(db, p, "2026-01-20", [p.session_ids[0]])  # due 19 Feb: overdue
    issued_for_sessions(db, p, "2026-02-20", [p.session_ids[1]])  # due 22 March
    gbp = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)], currency="GBP",
                           vat_rate=0)
    inv.issue(db, gbp.id, "2026-02-25")
    paid = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 99999)])
    inv.mark_paid(db, inv.issue(db, paid.id, "2026-02-01").id, "2026-02-05")
    inv.create_draft(db, p.engagement_id, [inv.LineInput("Draft", 77777)])
    totals = {t.currency: t for t in inv.outstanding(db)}
    assert set(totals) == {"EUR", "GBP"}
    assert (totals["EUR"].outstanding_cents, totals["EUR"].outstanding_count) == (107100, 2)
    assert (totals["EUR"].overdue_cents, totals["EUR"].overdue_count) == (53550, 1)
    assert (totals["GBP"].outstanding_cents, totals["GBP"].overdue_cents) == (10000, 0)
    assert inv.get(db, eur.id).overdue


def test_list_orders_drafts_first_then_newest(db, frozen):
    p = practice(db, held=0)
    a = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    inv.issue(db, a.id, "2026-01-05")
    b = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    inv.issue(db, b.id, "2026-02-05")
    c = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    assert [x.id for x in inv.list_invoices(db, p.engagement_id)] == [c.id, b.id, a.id]
    assert [x.id for x in inv.list_invoices(db, client_id=p.client_id)] == [c.id, b.id, a.id]
    with db.session() as s:
        assert s.get(Invoice, a.id).number == "2026-0001"


def test_a_session_deleted_after_invoicing_stays_invoiced_and_one_on_a_draft_blocks_issue(db):
    from coachdesk.services import session_trash

    p = practice(db, held=3)
    issued = inv.issue(db, inv.create_draft(db, p.engagement_id, inv.session_lines(
        db, p.engagement_id, p.session_ids[:1])).id, "2026-02-01")
    draft = inv.create_draft(db, p.engagement_id,
                             inv.session_lines(db, p.engagement_id, p.session_ids[1:2]))
    session_trash.delete(db, p.session_ids[0])
    session_trash.delete(db, p.session_ids[1])
    counts = inv.session_counts(db, p.engagement_id)
    assert (counts.delivered, counts.invoiced, counts.on_draft, counts.to_invoice) == (1, 1, 0, 1)
    with pytest.raises(ValidationError) as err:
        inv.issue(db, draft.id, "2026-02-02")
    assert err.value.field == "lines" and "deleted" in str(err.value)
    assert inv.get(db, issued.id).lines[0].session_id == p.session_ids[0]  # the line outlives it


def test_merging_organizations_moves_their_invoices_and_keeps_issued_text(db):
    p = practice(db, held=1)
    issued = inv.issue(db, inv.create_draft(db, p.engagement_id, inv.session_lines(
        db, p.engagement_id)).id, "2026-02-01")
    keep = organizations.create(db, "Acme Group")
    set_billing(db, keep.id, billing_address="Group HQ")
    plan = organizations.merge_plan(db, keep.id, [p.org_id])
    assert "1 invoice" in " ".join(plan.sentences())
    organizations.merge(db, keep.id, [p.org_id])
    after = inv.get(db, issued.id)
    assert after.organization_id == keep.id
    assert (after.bill_to_name, after.bill_to_address) == ("Acme GmbH", "Hauptstr. 1\n10115 Berlin")
