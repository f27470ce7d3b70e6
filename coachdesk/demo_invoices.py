"""The demo practice's money: the coach's business details, billing addresses for the
organisations, and invoices as a practice has them a few months in (one paid and partly
credited, one sent, one overdue, one draft).

Made through the invoice services, so the demo shows what the rules give: numbers from
the year's counter, VAT on the net total, frozen snapshots, and the VAT each buyer calls
for (the coach is French: Nordlicht Energie GmbH, DE, reverse charge; Mercer & Hale and
Harbour Health, GB, outside EU VAT; Atelier Lumière, FR, 20 %). Dates count back from
``today``. Skipped on a file at a schema before invoices (the upgrade tests build those).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, text

from .errors import CoachDeskError
from .models import CoachingSession, Engagement, Organization, SessionStatus
from .storage import Database

#: organisation name -> (billing contact, billing e-mail, address, VAT number)
BILLING = {
    "Nordlicht Energie GmbH": ("Kreditorenbuchhaltung", "rechnungen@nordlicht.example",
                               "Am Windpark 4\n20457 Hamburg\nGermany", "DE813456789"),
    "Mercer & Hale Partners": ("Accounts Payable", "ap@mercerhale.example",
                               "12 Fleet Street\nLondon EC4Y 1AA\nUnited Kingdom",
                               "GB123456789"),
    "Atelier Lumière": ("Service comptabilité", "compta@lumiere.example",
                        "8 rue Mercière\n69002 Lyon\nFrance", "FR40123456789"),
    "Harbour Health NHS Trust": ("Finance Department", "invoices@harbourhealth.example",
                                 "Harbour Road\nPlymouth PL1 3AB\nUnited Kingdom",
                                 "GB654321987"),
}


def _billing(db: Database) -> None:
    with db.session() as s:
        for org in s.execute(select(Organization)).scalars():
            if org.name in BILLING and not org.billing_address:
                org.billing_contact, org.billing_email, org.billing_address, org.vat_number = \
                    BILLING[org.name]
                s.add(org)


def _candidates(db: Database, today: date) -> list[tuple[int, list[tuple[int, date]]]]:
    """Engagements with a fee and at least two sessions held by ``today``, with those
    sessions (id, day), in the order the demo made them."""
    held = [SessionStatus.held, SessionStatus.cancelled_late, SessionStatus.no_show]
    with db.session() as s:
        rows = s.execute(
            select(Engagement.id, CoachingSession.id, CoachingSession.session_date)
            .join(CoachingSession, CoachingSession.engagement_id == Engagement.id)
            .where(Engagement.pro_bono.is_(False), Engagement.fee_cents.is_not(None),
                   CoachingSession.status.in_(held), CoachingSession.pro_bono.is_(False),
                   CoachingSession.session_date <= today)
            .order_by(Engagement.id, CoachingSession.session_date, CoachingSession.id)).all()
    out: dict[int, list[tuple[int, date]]] = {}
    for eid, sid, day in rows:
        out.setdefault(eid, []).append((sid, day))
    return [(eid, ss) for eid, ss in out.items() if len(ss) >= 2]


def add_invoices(db: Database, today: date) -> int:
    """Add the demo's business details and invoices; returns how many invoices and credit
    notes were made (0 on an older schema or a practice without billable sessions)."""
    from .services import business
    from .services import invoices as inv

    with db.session() as s:
        if s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'invoice'")).first() is None:
            return 0
    if not business.get(db).name:
        business.save(db, name="Anne Martin Coaching", address="27 Rue des Lilas\n75019 Paris\n"
                      "France", vat_number="FR61123456789", account_holder="Anne Martin",
                      iban="FR76 3000 6000 0112 3456 7890 189", bic="AGRIFRPP",
                      currency="EUR", vat_rate="20", payment_days=30,
                      # the footer does not repeat the business name: a coach who renames
                      # the business would otherwise print the old name under the new one
                      footer="Sole trader (EI) · SIRET 123 456 789 00012 · "
                      "Thank you for your trust.",
                      late_payment_terms="Late payment: penalties at three times the French "
                      "legal interest rate, and a fixed recovery fee of €40 (Code de "
                      "commerce, L441-10 and D441-5). No discount for early payment.")
    _billing(db)
    made = 0
    plans = [(75, "paid"), (48, "overdue"), (12, "sent"), (0, "draft")]  # issued days ago
    candidates = _candidates(db, today)
    used: set[int] = set()
    for ago, fate in plans:
        target = today - timedelta(days=ago)
        found = next(((eid, [sid for sid, day in held if day <= target][:3])
                      for eid, held in candidates
                      if eid not in used and any(day <= target for _sid, day in held)), None)
        if found is None:
            continue
        eid, chosen = found
        used.add(eid)
        try:
            if fate == "draft":
                inv.create_draft(db, eid, inv.session_lines(db, eid, chosen[-1:]),
                                 notes="Purchase order to follow.")
                continue
            draft = inv.create_draft(db, eid, inv.session_lines(db, eid, chosen),
                                     notes="Your reference: leadership coaching programme.")
            view = inv.issue(db, draft.id, target)
            made += 1
            inv.mark_sent(db, view.id, min(target + timedelta(days=1), today))
            if fate == "paid":
                inv.mark_paid(db, view.id, target + timedelta(days=21))
                inv.credit_note(db, view.id, [view.lines[-1].id],
                                issue_date=target + timedelta(days=25),
                                reason="The last session was a late cancellation the "
                                "agreement does not charge.")
                made += 1
        except CoachDeskError:  # the demo is a showcase: one the rules refuse is left out
            continue
    return made
