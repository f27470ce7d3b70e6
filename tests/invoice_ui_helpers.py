"""Shared set-up for the invoice UI tests: a demo practice ready to bill (the coach's
business details, the billed organisations' addresses) and a client whose engagement has
delivered sessions not yet invoiced."""

from __future__ import annotations

from dataclasses import dataclass

from coachdesk.services import business, clients, engagements, invoices, organizations


@dataclass
class Billable:
    client_id: int
    client_name: str
    engagement_id: int
    sessions: int  # billable sessions not yet invoiced


def ready_to_bill(db) -> None:
    """The coach's business details, and a billing address on every organisation."""
    business.save(db, name="Anne Müller Coaching", address="Hafenstr. 1\n20457 Hamburg",
                  vat_number="DE123456789", account_holder="Anne Müller",
                  iban="DE89370400440532013000", bic="COBADEFFXXX", currency="EUR",
                  vat_rate=1900, payment_days=30, footer="Thank you.")
    for org in organizations.list_all(db, include_archived=True):
        organizations.update(db, org.id, billing_address=f"{org.name}\nMain Street 1\nBerlin",
                             billing_email="ap@example.org", billing_contact="Accounts")


def billable_client(db, least: int = 2) -> Billable:
    """The first demo client (by name) whose current engagement has at least ``least``
    sessions to invoice and a price per session."""
    for row in sorted(clients.list_rows(db), key=lambda r: r.name):
        current = engagements.pick_current(engagements.list_all(db, client_id=row.id))
        if current is None or current.pro_bono or invoices.list_invoices(
                db, engagement_id=current.id):  # one whose list starts empty
            continue
        n = len(invoices.billable_sessions(db, current.id))
        if n >= least and invoices.session_price(db, current.id):
            try:
                invoices.create_draft(db, current.id, invoices.session_lines(db, current.id))
            except Exception:  # noqa: BLE001 - nobody to bill: try the next client
                continue
            for draft in invoices.list_invoices(db, engagement_id=current.id, state="draft"):
                invoices.delete_draft(db, draft.id)
            return Billable(row.id, row.name, current.id, n)
    raise AssertionError("no demo client has sessions to invoice")


def issued_invoice(db, engagement_id: int) -> int:
    """An issued invoice of two lines on the engagement (its billing made ready first);
    returns its id. For the dialogs' layout and form tests."""
    ready_to_bill(db)
    lines = [invoices.LineInput("Coaching programme, instalment 1 of 2", 120000),
             invoices.LineInput("Travel", 8000)]
    draft = invoices.create_draft(db, engagement_id, lines)
    return invoices.issue(db, draft.id).id


def small_practice(db) -> dict:
    """A practice of two clients at two organisations (billing addresses set), each with
    an active engagement, and the coach's business details: no invoice yet. Returns the
    engagements by client: {"amara": Engagement, "bjorn": Engagement}."""
    from datetime import date

    ready_to_bill(db)  # business details (no organisation yet)
    out = {}
    for key, name, org_name in (("amara", "Amara Okafor", "Mercer & Hale Partners"),
                                ("bjorn", "Björn Eriksson", "Nordlicht Energie GmbH")):
        org = organizations.create(db, org_name, billing_address=f"{org_name}\nMain Street 1",
                                   billing_email="ap@example.org", billing_contact="Accounts")
        client = clients.create(db, name, organization_id=org.id)
        out[key] = engagements.create(db, client.id, date(2026, 1, 5), sessions_agreed=10,
                                      fee_cents=500000, currency="EUR", status="active")
    return out
