"""Clients (coachees): create, edit, archive and list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import func, select

from .. import dates
from ..errors import ValidationError
from ..models import (
    Client,
    ClientStatus,
    EngagementKind,
    EngagementStatus,
    Organization,
    Sponsor,
)
from ..storage import Database
from . import validation as v
from ._common import apply_changes, check_reference, get_or_raise
from .engagements import STATUS_RANK

FIELDS = ("name", "email", "phone", "job_title", "organization_id", "status", "start_date",
          "background")

SORT_KEYS = ("name", "organization", "sponsor", "engagement", "engagement_status", "status",
             "start_date", "last_session", "next_session")
DATE_KEYS = ("start_date", "last_session", "next_session")


def _clean(session, values: dict) -> dict:
    out: dict = {}
    if "name" in values:
        out["name"] = v.name(values["name"], "name", "The client's name")
    for key, label in (("phone", "The phone number"), ("job_title", "The job title")):
        if key in values:
            out[key] = v.one_line(values[key], key, label)
    if "background" in values:
        out["background"] = v.optional_text(values["background"])
    if "email" in values:
        out["email"] = v.email(values["email"])
    if "organization_id" in values:
        check_reference(session, Organization, values["organization_id"], "organization_id",
                        "organization")
        out["organization_id"] = values["organization_id"]
    if "status" in values:
        out["status"] = v.enum_value(ClientStatus, values["status"], "status", "The status")
    if "start_date" in values:
        out["start_date"] = v.optional_date(values["start_date"], "start_date", "The start date")
    return out


def create(db: Database, name: str, **fields) -> Client:
    with db.session() as s:
        values = _clean(s, {"name": name, **{k: fields[k] for k in FIELDS if k in fields}})
        client = Client(**values)
        s.add(client)
        s.flush()
        return client


def update(db: Database, client_id: int, **changes) -> Client:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown client field: {', '.join(sorted(unknown))}.")
    with db.session() as s:
        values = _clean(s, changes)
        client = get_or_raise(s, Client, client_id, "client")
        apply_changes(client, values)
        s.add(client)
        return client


def get(db: Database, client_id: int) -> Client:
    with db.session() as s:
        return get_or_raise(s, Client, client_id, "client")


def archive(db: Database, client_id: int) -> Client:
    return update(db, client_id, status=ClientStatus.archived)


def unarchive(db: Database, client_id: int) -> Client:
    return update(db, client_id, status=ClientStatus.active)


def count(db: Database) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(Client)).one()


# -- the clients list ------------------------------------------------------------


@dataclass(slots=True)
class ClientRow:
    """One line of the clients list, flattened for display and sorting."""

    id: int
    name: str
    email: str
    job_title: str
    status: str
    start_date: date | None
    organization: str
    sponsor: str
    engagement: str
    engagement_status: str
    search_text: str  # folded (lower-case, no accents) text the filter matches against
    last_session: date | None = None  # last session held
    next_session: date | None = None  # next session planned (today or later)


def list_rows(db: Database, text: str = "", status: str | None = None,
              sort: str = "name", descending: bool = False,
              include_archived: bool = True) -> list[ClientRow]:
    """The clients list: filter by text (accent- and case-insensitive) and status, sorted.

    ``status`` may be a ClientStatus value, or None for all.  Built from three
    flat queries so that 5,000 clients load in a few tens of milliseconds.
    """
    if status:
        status = v.enum_value(ClientStatus, status, "status", "The status").value
    if sort not in SORT_KEYS:
        raise ValidationError(f"The list can be sorted by: {', '.join(SORT_KEYS)}.", "sort")
    with db.session() as s:
        orgs = dict(s.exec(sa_select(Organization.id, Organization.name)).all())
        sponsors = dict(s.exec(sa_select(Sponsor.id, Sponsor.name)).all())
        # Raw rows for the two big queries: SQLAlchemy's per-value type processing
        # (enums, dates) was half the time of building 5,000 rows.
        sql = ("SELECT id, name, email, job_title, status, start_date, organization_id "
               "FROM client")
        params: dict = {}
        if status:
            sql += " WHERE status = :status"
            params["status"] = status
        elif not include_archived:
            sql += " WHERE status != 'archived'"
        conn = s.connection()
        clients = [(r[0], r[1], r[2], r[3], r[4], _date(r[5]), r[6])
                   for r in conn.exec_driver_sql(sql.replace(":status", "?"),
                                                 tuple(params.values())).fetchall()]
        engagements = [
            (r[0], r[1], r[2], _date(r[3]), r[4], r[5], _date(r[6]), bool(r[7]), r[8])
            for r in conn.exec_driver_sql(
                "SELECT client_id, id, status, start_date, kind, sessions_agreed, end_date, "
                "pro_bono, sponsor_id FROM engagement WHERE archived = 0").fetchall()]
    from .sessions import last_and_next

    sessions_by_client = last_and_next(db)
    current: dict[int, tuple] = {}
    for e in engagements:
        status = EngagementStatus(e[2])
        key = (STATUS_RANK[status], -e[3].toordinal(), -e[1])
        best = current.get(e[0])
        if best is None or key < best[0]:
            current[e[0]] = (key, e)
    rows = []
    for cid, name, email, job, cstatus, start, org_id in clients:
        org = orgs.get(org_id, "") if org_id else ""
        eng = current.get(cid, (None, None))[1]
        if eng is not None:
            _cid, _eid, e_status, _start, kind, agreed, end, pro_bono, sponsor_id = eng
            sponsor = sponsors.get(sponsor_id, "") if sponsor_id else ""
            label = _label(EngagementKind(kind), agreed, end, pro_bono)
            eng_status = EngagementStatus(e_status).value
        else:
            sponsor = label = eng_status = ""
        status_value = cstatus.value if hasattr(cstatus, "value") else str(cstatus)
        last, nxt = sessions_by_client.get(cid, (None, None))
        rows.append(ClientRow(cid, name, email, job, status_value, start, org, sponsor, label,
                              eng_status, _fold_cached(f"{name}\n{email}\n{job}\n{org}\n{sponsor}"),
                              last, nxt))
    needle = v.fold(text.strip())
    if needle:
        rows = [r for r in rows if needle in r.search_text]
    rows.sort(key=sort_key(sort), reverse=descending)
    return rows


_FOLD_CACHE: dict[str, str] = {}


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _fold_cached(text: str) -> str:
    """fold() is the costly part of building 5,000 rows; the same text folds the same."""
    folded = _FOLD_CACHE.get(text)
    if folded is None:
        if len(_FOLD_CACHE) > 50_000:
            _FOLD_CACHE.clear()
        folded = _FOLD_CACHE[text] = v.fold(text)
    return folded


def _label(kind: EngagementKind, sessions_agreed: int, end_date, pro_bono: bool) -> str:
    """Same words as engagements.describe(), from plain columns."""
    parts = [kind.value.capitalize()]
    if sessions_agreed:
        parts.append(f"{sessions_agreed} session{'s' if sessions_agreed != 1 else ''}")
    if end_date:
        parts.append(f"to {dates.month_year(end_date)}")
    if pro_bono:
        parts.append("pro bono")
    return " · ".join(parts)


def sort_key(column: str):
    """A key function for ClientRow; empty values always sort last in ascending order."""
    if column in DATE_KEYS:
        return lambda r: (getattr(r, column) is None, getattr(r, column) or date.min, v.fold(r.name))
    if column == "engagement_status":
        order = {s.value: i for s, i in STATUS_RANK.items()}
        return lambda r: (not r.engagement_status, order.get(r.engagement_status, 9), v.fold(r.name))
    if column == "name":  # the name is the first line of the folded search text
        return lambda r: (not r.name, r.search_text.partition("\n")[0], r.id)
    return lambda r: (not getattr(r, column), v.fold(getattr(r, column)), r.id)


def engagement_status_label(value: str) -> str:
    return EngagementStatus(value).value.capitalize() if value else ""
