"""Engagements: the contract for one client (kind, dates, what was agreed)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlmodel import select

from .. import dates
from ..models import Client, Engagement, EngagementKind, EngagementStatus, Sponsor
from ..storage import Database
from . import validation as v
from ._common import apply_changes, check_reference, get_or_raise, set_archived

FIELDS = ("client_id", "sponsor_id", "kind", "status", "start_date", "end_date",
          "sessions_agreed", "hours_agreed", "pro_bono", "fee_cents", "currency", "objectives")

# An engagement "counts" as the client's current one in this order of status.
STATUS_RANK = {
    EngagementStatus.active: 0,
    EngagementStatus.planned: 1,
    EngagementStatus.completed: 2,
    EngagementStatus.cancelled: 3,
}


def _clean(session, values: dict) -> dict:
    out: dict = {}
    if "client_id" in values:
        check_reference(session, Client, values["client_id"], "client_id", "client", required=True)
        out["client_id"] = values["client_id"]
    if "sponsor_id" in values:
        check_reference(session, Sponsor, values["sponsor_id"], "sponsor_id", "sponsor")
        out["sponsor_id"] = values["sponsor_id"]
    if "kind" in values:
        out["kind"] = v.enum_value(EngagementKind, values["kind"], "kind", "The kind of engagement")
    if "status" in values:
        out["status"] = v.enum_value(EngagementStatus, values["status"], "status", "The status")
    if "start_date" in values:
        out["start_date"] = v.required_date(values["start_date"], "start_date", "The start date")
    if "end_date" in values:
        out["end_date"] = v.optional_date(values["end_date"], "end_date", "The end date")
    if "sessions_agreed" in values:
        out["sessions_agreed"] = v.non_negative_int(values["sessions_agreed"], "sessions_agreed",
                                                    "Sessions agreed", MAX_SESSIONS)
    if "hours_agreed" in values:
        out["hours_agreed"] = v.non_negative_float(values["hours_agreed"], "hours_agreed",
                                                   "Hours agreed", MAX_HOURS)
    if "pro_bono" in values:
        out["pro_bono"] = bool(values["pro_bono"])
    if "fee_cents" in values:
        fee = values["fee_cents"]
        out["fee_cents"] = None if fee in (None, "") else v.non_negative_int(fee, "fee_cents", "The fee")
        if out["fee_cents"] is not None and out["fee_cents"] > MAX_FEE_CENTS:
            raise v.ValidationError("That fee is too large; please check the amount.", "fee_cents")
    if "currency" in values:
        currency = v.optional_text(values["currency"]).strip().upper() or "EUR"
        if len(currency) != 3 or not currency.isalpha():
            raise v.ValidationError("The currency must be a three-letter code such as EUR or GBP.",
                                    "currency")
        out["currency"] = currency
    if "objectives" in values:
        out["objectives"] = v.optional_text(values["objectives"])
    return out


MAX_FEE_CENTS = 10**13  # a hundred billion: anything above is a typing slip
#: as the engagement form allows (ui/dialogs/engagement.py): anything above is a slip or damage
MAX_SESSIONS = 1000
MAX_HOURS = 5000.0


def parse_money(text: str, field: str = "fee_cents") -> int | None:
    """'1 250,50', '1250.50', '1.250,50' or '1,250.50' -> 125050 cents; '' -> None."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if "," in raw and "." in raw:
        # Both separators: the last one is the decimal point, the other groups thousands.
        thousands = "." if raw.rfind(",") > raw.rfind(".") else ","
        raw = raw.replace(thousands, "")
    raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise v.ValidationError("The fee must be an amount such as 4500 or 4500.00.", field) from None
    if amount < 0:
        raise v.ValidationError("The fee cannot be negative.", field)
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents > MAX_FEE_CENTS:
        raise v.ValidationError("That fee is too large; please check the amount.", field)
    return cents


def create(db: Database, client_id: int, start_date, **fields) -> Engagement:
    with db.session() as s:
        values = _clean(s, {"client_id": client_id, "start_date": start_date,
                            **{k: fields[k] for k in FIELDS if k in fields}})
        v.date_order(values.get("start_date"), values.get("end_date"))
        engagement = Engagement(**values)
        if engagement.pro_bono:
            engagement.fee_cents = None
        s.add(engagement)
        s.flush()
        return engagement


def update(db: Database, engagement_id: int, **changes) -> Engagement:
    with db.session() as s:
        values = _clean(s, {k: changes[k] for k in FIELDS if k in changes})
        engagement = get_or_raise(s, Engagement, engagement_id, "engagement")
        v.date_order(values.get("start_date", engagement.start_date),
                     values.get("end_date", engagement.end_date))
        if values.get("pro_bono", engagement.pro_bono):
            values["fee_cents"] = None
        apply_changes(engagement, values)
        s.add(engagement)
        return engagement


def end(db: Database, engagement_id: int, end_date: date | None = None,
        status: EngagementStatus | str = EngagementStatus.completed) -> Engagement:
    """Close an engagement as completed (or cancelled), dated today by default."""
    status = v.enum_value(EngagementStatus, status, "status", "The status")
    if status not in (EngagementStatus.completed, EngagementStatus.cancelled):
        raise v.ValidationError("An engagement ends as completed or cancelled.", "status")
    current = get(db, engagement_id)
    if end_date is None:
        # Today, unless the planned end has already passed (it ended then), and
        # never before the start (an engagement cancelled before it began).
        end_date = date.today()
        if current.end_date and current.end_date < end_date:
            end_date = current.end_date
        end_date = max(end_date, current.start_date)
    return update(db, engagement_id, status=status, end_date=end_date)


def get(db: Database, engagement_id: int) -> Engagement:
    with db.session() as s:
        return get_or_raise(s, Engagement, engagement_id, "engagement")


def archive(db: Database, engagement_id: int) -> Engagement:
    with db.session() as s:
        return set_archived(s, Engagement, engagement_id, "engagement", True)


def unarchive(db: Database, engagement_id: int) -> Engagement:
    with db.session() as s:
        return set_archived(s, Engagement, engagement_id, "engagement", False)


def list_all(db: Database, client_id: int | None = None, status: str | None = None,
             include_archived: bool = False) -> list[Engagement]:
    """Engagements, newest start first; optionally one client's or one status."""
    with db.session() as s:
        stmt = select(Engagement)
        if client_id is not None:
            stmt = stmt.where(Engagement.client_id == client_id)
        if status:
            stmt = stmt.where(Engagement.status == v.enum_value(EngagementStatus, status, "status",
                                                                 "The status"))
        if not include_archived:
            stmt = stmt.where(Engagement.archived == False)  # noqa: E712
        rows = list(s.exec(stmt))
    return sorted(rows, key=lambda e: (e.start_date, e.id), reverse=True)


def pick_current(engagements) -> Engagement | None:
    """The engagement to show for a client: active first, then planned, then the latest."""
    best = None
    for e in engagements:
        if e.archived:
            continue
        key = (STATUS_RANK[e.status], -e.start_date.toordinal(), -(e.id or 0))
        if best is None or key < best[0]:
            best = (key, e)
    return best[1] if best else None


def describe(e: Engagement) -> str:
    """A short label a coach reads at a glance: 'Coaching · 10 sessions · to Jun 2026'."""
    parts = [e.kind.value.capitalize()]
    if e.sessions_agreed:
        parts.append(f"{e.sessions_agreed} session{'s' if e.sessions_agreed != 1 else ''}")
    if e.end_date:
        parts.append(f"to {dates.month_year(e.end_date)}")
    if e.pro_bono:
        parts.append("pro bono")
    return " · ".join(parts)
