"""A small practice to invoice: a coach's business, an organisation with a billing
address, a sponsor, a client and an engagement (10 sessions for 4,500.00 EUR)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coachdesk.models import Organization
from coachdesk.services import business, clients, engagements, organizations, sessions, sponsors

HOSTILE = '<b>&"\' 🙂 مرحبا 陈静'


@dataclass
class Practice:
    org_id: int
    client_id: int
    engagement_id: int
    session_ids: list[int]


def set_billing(db, org_id: int, **values) -> None:
    with db.session() as s:
        org = s.get(Organization, org_id)
        for key, value in values.items():
            setattr(org, key, value)
        s.add(org)


def practice(db, *, held: int = 3, fee_cents: int | None = 450000, sessions_agreed: int = 10,
             vat_rate: int = 1900, currency: str = "EUR", org_name: str = "Acme GmbH",
             buyer_vat: str = "") -> Practice:
    """``buyer_vat``: the organisation's VAT number; none by default, so new drafts use the
    coach's rate (a DE number would make them reverse charge, the coach being French)."""
    business.save(db, name="Anne Martin Coaching", address="1 Rue de la Paix\n75002 Paris",
                  vat_number="FR12345678901", account_holder="Anne Martin",
                  iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX", currency="EUR",
                  vat_rate=vat_rate, payment_days=30, footer="Thank you.")
    org = organizations.create(db, org_name)
    set_billing(db, org.id, billing_contact="Accounts payable",
                billing_address="Hauptstr. 1\n10115 Berlin", vat_number=buyer_vat,
                billing_email="ap@acme.example")
    sponsor = sponsors.create(db, "Priya Sponsor", organization_id=org.id)
    c = clients.create(db, "Jo Client", organization_id=org.id)
    e = engagements.create(db, c.id, date(2026, 1, 5), sponsor_id=sponsor.id,
                           sessions_agreed=sessions_agreed, fee_cents=fee_cents,
                           currency=currency, status="active")
    ids = []
    for i in range(held):
        row = sessions.create(db, e.id, date(2026, 1, 12 + i), status="held")
        sessions.save_notes(db, row.id, private_notes="CANARY-PRIVATE-NOTE")
        ids.append(row.id)
    return Practice(org.id, c.id, e.id, ids)
