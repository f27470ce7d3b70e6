"""The coaching agreement, the read model: what one engagement's agreement says.

Confidentiality by construction, as for reports (``progress_model``): :func:`agreement_data`
is the ONE function that reads the database for an agreement, and it reads only the
engagement's terms (kind, dates, sessions and hours agreed, fee), the client's name and job
title, the sponsor's name and role, the organisation's name, the coach's settings (name,
credentials, logo, clause templates, professional code, and whether VAT is charged and the
payment days from the business settings) and the consent in force with the
names of the indicators it lists. Never read here: a session or its notes of any kind,
readings, goals, stakeholders, the client's contact details and background, or the
engagement's free-text objectives.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date
from string import Template

from sqlalchemy import select as sa_select

from .. import dates
from ..hours import hours_text
from ..models import Client, Engagement, EngagementKind, Indicator, Organization, Sponsor
from ..services import agreement_templates as tpl
from ..services import business as business_service
from ..services import consent as consent_service
from ..services._common import get_or_raise
from ..storage import Database
from .progress_model import (
    COACH_CREDENTIALS_KEY,
    COACH_LOGO_IMAGE_KEY,
    COACH_LOGO_KEY,
    COACH_NAME_KEY,
    SECTION_TITLES,
)

#: a value the engagement does not have yet, as the agreement prints it
NOT_RECORDED = "[not recorded]"
#: names are printed at most this long (a 1 MB "name" would otherwise fill every clause)
NAME_LIMIT = 200


@dataclass(frozen=True)
class ClauseText:
    key: str
    title: str
    text: str  # plain text, placeholders filled: printed as typed, never read as markup


@dataclass(frozen=True)
class AgreementData:
    """Everything the agreement PDF shows, and nothing else."""

    engagement_id: int
    kind: str  # "coaching" | "mentoring"
    client_name: str
    client_role: str
    sponsor_name: str
    sponsor_role: str
    organization: str
    coach_name: str
    coach_credentials: str
    logo_path: str
    logo_image: bytes | None
    made_on: date
    clauses: tuple[ClauseText, ...]
    #: the consent in force: None when none was ever recorded
    consent_date: date | None
    consent_how: str
    #: titles of the report sections the sponsor may receive (report order)
    shared_sections: tuple[str, ...]
    #: names of the indicators the sponsor may see
    shared_indicators: tuple[str, ...]

    @property
    def consent_recorded(self) -> bool:
        return self.consent_date is not None

    @property
    def coach_signature(self) -> str:
        if self.coach_name and self.coach_credentials:
            return f"{self.coach_name}, {self.coach_credentials}"
        return self.coach_name or self.coach_credentials


def _short(text: object, limit: int = NAME_LIMIT) -> str:
    one = " ".join(str(text or "").split())
    return one if len(one) <= limit else one[:limit - 1].rstrip() + "…"


def money(cents: int | None, currency: str, pro_bono: bool = False) -> str:
    """"EUR 4,800.00", "no fee (pro bono)" or ``NOT_RECORDED`` when no fee is agreed yet."""
    if pro_bono:
        return "no fee (pro bono)"
    if cents is None:
        return NOT_RECORDED
    return f"{_short(currency, 10) or 'EUR'} {cents / 100:,.2f}"


def fee_and_vat(fee: str, business) -> str:
    """The fee as the agreement states it: "plus VAT at the applicable rate" added when the
    coach charges VAT (a VAT number or a VAT rate in the business settings)."""
    if fee == NOT_RECORDED or fee.startswith("no fee"):
        return fee
    if business.vat_number or business.vat_rate:
        return f"{fee} plus VAT at the applicable rate"
    return fee


def _setting(s, key: str) -> str:
    from ..models import Setting

    row = s.get(Setting, key)
    return (row.value or "").strip() if row is not None else ""


def agreement_data(db: Database, engagement_id: int, today: date | None = None) -> AgreementData:
    """The agreement of ``engagement_id`` as of ``today`` (default: today), placeholders of
    the clause templates filled. Raises NotFoundError for an unknown engagement."""
    made_on = today or date.today()
    templates = tpl.templates(db)
    code = tpl.professional_code(db)
    state = consent_service.current(db, engagement_id)
    with db.session() as s:
        e = get_or_raise(s, Engagement, engagement_id, "engagement")
        client = s.get(Client, e.client_id)
        sponsor = s.get(Sponsor, e.sponsor_id) if e.sponsor_id else None
        org_id = (client.organization_id if client and client.organization_id
                  else sponsor.organization_id if sponsor else None)
        org = s.get(Organization, org_id) if org_id else None
        coach = _setting(s, COACH_NAME_KEY)
        credentials = _setting(s, COACH_CREDENTIALS_KEY)
        logo = _setting(s, COACH_LOGO_KEY)
        raw_image = _setting(s, COACH_LOGO_IMAGE_KEY)
        names: tuple[str, ...] = ()
        if state is not None and state.indicator_ids:
            rows = s.execute(sa_select(Indicator.id, Indicator.name)
                             .where(Indicator.id.in_(state.indicator_ids))
                             .order_by(Indicator.position, Indicator.id)).all()
            names = tuple(_short(name) for _, name in rows)
        kind = e.kind.value if isinstance(e.kind, EngagementKind) else str(e.kind)
        terms = dict(start=e.start_date, end=e.end_date, sessions=e.sessions_agreed,
                     hours=e.hours_agreed, fee=money(e.fee_cents, e.currency, e.pro_bono))
        client_name = _short(client.name) if client else ""
        client_role = _short(client.job_title) if client else ""
        sponsor_name = _short(sponsor.name) if sponsor else ""
        sponsor_role = _short(sponsor.role) if sponsor else ""
        org_name = _short(org.name) if org else ""
        business = business_service.get_in(s)
    try:
        image = base64.b64decode(raw_image, validate=True) if raw_image else None
    except (binascii.Error, ValueError):
        image = None
    values = {
        "client_name": client_name or NOT_RECORDED,
        "sponsor_name": sponsor_name or NOT_RECORDED,
        "sponsor_role": sponsor_role or NOT_RECORDED,
        "organization": org_name or NOT_RECORDED,
        "engagement_kind": kind,
        "kind": kind,
        "Kind": kind.capitalize(),
        "sessions_agreed": str(terms["sessions"]) if terms["sessions"] else NOT_RECORDED,
        "hours_agreed": (f"{hours_text(terms['hours'])} hours" if terms["hours"]
                         else NOT_RECORDED),
        "start_date": dates.long(terms["start"]),
        "end_date": dates.long(terms["end"]) if terms["end"] else "an end date still to be agreed",
        "fee": terms["fee"],
        "fee_and_vat": fee_and_vat(terms["fee"], business),
        "payment_days": str(business.payment_days),
        "payment_terms": (f"payable within {business.payment_days} days of their date"
                          if business.payment_days else "payable on receipt"),
        "coach_name": _short(coach) or NOT_RECORDED,
        "coach_credentials": _short(credentials) or NOT_RECORDED,
        "professional_code": code,
        "today": dates.long(made_on),
    }
    other = "mentoring" if kind == "coaching" else "coaching"
    clauses = tuple(ClauseText(c.key, c.title, Template(templates[c.key]).safe_substitute(values))
                    for c in tpl.CLAUSES if c.key != other)
    return AgreementData(
        engagement_id=int(engagement_id), kind=kind, client_name=client_name,
        client_role=client_role, sponsor_name=sponsor_name, sponsor_role=sponsor_role,
        organization=org_name, coach_name=_short(coach), coach_credentials=_short(credentials),
        logo_path=logo, logo_image=image, made_on=made_on, clauses=clauses,
        consent_date=state.consent_date if state else None,
        consent_how=_short(state.how) if state else "",
        shared_sections=tuple(SECTION_TITLES[k] for k in state.sections
                              if k in SECTION_TITLES) if state else (),
        shared_indicators=names)
