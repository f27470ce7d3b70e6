"""Sponsors: the people who commission and pay for the coaching.

Besides create, edit and archive: the People page's list with each sponsor's
number of engagements and likely duplicates (``list_rows``), and merging twins
into one (``merge``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from ..models import Organization, Sponsor, utcnow
from ..storage import Database
from . import duplicates as dup
from . import validation as v
from ._common import apply_changes, check_reference, get_or_raise, set_archived

FIELDS = ("name", "role", "email", "phone", "organization_id")


def _clean(session, values: dict) -> dict:
    out = {}
    if "name" in values:
        out["name"] = v.name(values["name"], "name", "The sponsor's name")
    for key, label in (("role", "The role"), ("phone", "The phone number")):
        if key in values:
            out[key] = v.one_line(values[key], key, label)
    if "email" in values:
        out["email"] = v.email(values["email"])
    if "organization_id" in values:
        org_id = values["organization_id"]
        check_reference(session, Organization, org_id, "organization_id", "organization")
        out["organization_id"] = org_id
    return out


def create(db: Database, name: str, **fields) -> Sponsor:
    with db.session() as s:
        values = _clean(s, {"name": name, **{k: fields[k] for k in FIELDS if k in fields}})
        sponsor = Sponsor(**values)
        s.add(sponsor)
        s.flush()
        return sponsor


def update(db: Database, sponsor_id: int, **changes) -> Sponsor:
    with db.session() as s:
        values = _clean(s, {k: changes[k] for k in FIELDS if k in changes})
        sponsor = get_or_raise(s, Sponsor, sponsor_id, "sponsor")
        apply_changes(sponsor, values)
        s.add(sponsor)
        return sponsor


def get(db: Database, sponsor_id: int) -> Sponsor:
    with db.session() as s:
        return get_or_raise(s, Sponsor, sponsor_id, "sponsor")


def archive(db: Database, sponsor_id: int) -> Sponsor:
    with db.session() as s:
        return set_archived(s, Sponsor, sponsor_id, "sponsor", True)


def unarchive(db: Database, sponsor_id: int) -> Sponsor:
    with db.session() as s:
        return set_archived(s, Sponsor, sponsor_id, "sponsor", False)


def list_all(db: Database, text: str = "", organization_id: int | None = None,
             include_archived: bool = False) -> list[Sponsor]:
    with db.session() as s:
        stmt = select(Sponsor)
        if not include_archived:
            stmt = stmt.where(Sponsor.archived == False)  # noqa: E712
        if organization_id is not None:
            stmt = stmt.where(Sponsor.organization_id == organization_id)
        sponsors = list(s.exec(stmt))
    needle = v.fold(text.strip())
    if needle:
        sponsors = [p for p in sponsors if needle in v.fold(f"{p.name} {p.role} {p.email}")]
    return sorted(sponsors, key=lambda p: v.fold(p.name))


# -- the People page ---------------------------------------------------------------------


@dataclass(slots=True)
class SponsorRow:
    """One line of the People page's sponsors list."""

    id: int
    name: str
    role: str
    email: str
    phone: str
    organization_id: int | None
    organization: str  # the organization's name, "" for none
    archived: bool
    engagements: int  # every engagement naming this sponsor, archived ones included
    search_text: str  # folded name, role, organization, e-mail and phone
    duplicates: tuple[int, ...] = ()  # ids of listed sponsors with the same name or e-mail


_ROWS_SQL = """
SELECT p.id, p.name, p.role, p.email, p.phone, p.organization_id, o.name, p.archived,
       coalesce(e.n, 0)
FROM sponsor AS p
LEFT JOIN organization AS o ON o.id = p.organization_id
LEFT JOIN (SELECT sponsor_id, count(*) AS n FROM engagement GROUP BY sponsor_id) AS e
       ON e.sponsor_id = p.id
"""


def list_rows(db: Database, include_archived: bool = False) -> list[SponsorRow]:
    """Every sponsor with their organization's name and number of engagements, in
    one query, sorted by folded name. ``duplicates`` looks among the rows listed
    only (the same folded name, or the same e-mail), so with archived ones left
    out no row points at a twin that is not shown."""
    query = _ROWS_SQL + ("" if include_archived else " WHERE p.archived = 0")
    with db.session() as s:
        raw = s.connection().exec_driver_sql(query).fetchall()
    rows = []
    for sid, name, role, email, phone, org_id, org, archived, n in raw:
        name, role, email, phone, org = (x or "" for x in (name, role, email, phone, org))
        rows.append(SponsorRow(sid, name, role, email, phone, org_id, org, bool(archived), n,
                               v.fold(f"{name}\n{role}\n{org}\n{email}\n{phone}")))
    twins = dup.groups((r.id, [dup.name_key(r.name), "@" + dup.email_key(r.email)
                               if r.email.strip() else ""]) for r in rows)
    for r in rows:
        r.duplicates = twins.get(r.id, ())
    return sorted(rows, key=lambda r: (dup.name_key(r.name), r.id))


_FILLED = {"role": "role", "email": "e-mail", "phone": "phone number",
           "organization_id": "organization"}


def _told_apart(s, people: list[Sponsor]) -> list[str]:
    """What tells each of ``people`` from the others of a name alike (``dup.tell_apart``):
    their e-mail, organization or role, how many engagements name them, their phone, the
    day they were added, else their number."""
    ids = [p.id for p in people]
    counts = dict(s.connection().exec_driver_sql(
        "SELECT sponsor_id, count(*) FROM engagement WHERE sponsor_id IN "
        f"({dup.id_marks(ids)}) GROUP BY sponsor_id", tuple(ids)).fetchall()) if ids else {}

    def org_name(org_id) -> str:
        org = s.get(Organization, org_id) if org_id is not None else None
        return f"at {org.name}" if org is not None else ""

    return dup.tell_apart([(p.name, [p.email, org_name(p.organization_id), p.role,
                                     dup.count_words(counts.get(p.id, 0), "engagement"),
                                     f"phone {p.phone}" if p.phone.strip() else "",
                                     f"added on {dup.day_words(p.created_at)}",
                                     f"sponsor no. {p.id}"]) for p in people])


def tell_apart(db: Database, sponsor_ids: Iterable[int]) -> dict[int, str]:
    """sponsor id -> what tells them from the others given whose name is alike ('' when
    their name does): what the merge dialog's "Keep" choice and plan name them by."""
    with db.session() as s:
        people = [p for p in (s.get(Sponsor, i) for i in dict.fromkeys(sponsor_ids))
                  if p is not None]
        return dict(zip((p.id for p in people), _told_apart(s, people), strict=True))


def _merge(s, keep_id: int, other_ids, apply: bool) -> tuple[Sponsor, dup.MergePlan]:
    keep, others = dup.load(s, Sponsor, keep_id, other_ids, "sponsor", "sponsors")
    ids = tuple(p.id for p in others)
    marks = dup.id_marks(list(ids))
    conn = s.connection()
    moves = {"engagements": conn.exec_driver_sql(
        f"SELECT count(*) FROM engagement WHERE sponsor_id IN ({marks})", ids).scalar()}
    told = _told_apart(s, [keep, *others])
    plan = dup.MergePlan(keep.name, [p.name for p in others], moves, kept_detail=told[0],
                         removed_details=told[1:])

    def org_name(org_id) -> str:
        org = s.get(Organization, org_id)
        return f"“{org.name}”" if org else "(removed)"

    changes = dup.fill(keep, others, _FILLED, plan, {"organization_id": org_name})
    if apply:
        conn.exec_driver_sql(
            f"UPDATE engagement SET sponsor_id = ? WHERE sponsor_id IN ({marks})",
            (keep.id, *ids))
        for key, value in changes.items():
            setattr(keep, key, value)
        if keep.archived and any(not p.archived for p in others):
            keep.archived = False  # someone still in use was merged in
        keep.updated_at = utcnow()
        s.add(keep)
        for other in others:
            s.delete(other)
        s.flush()
    return keep, plan


def merge_plan(db: Database, keep_id: int, other_ids: Iterable[int]) -> dup.MergePlan:
    """What ``merge`` would do, without doing it (``plan.sentences()`` words it).

    Raises ``NotFoundError`` for an id that no longer exists and ``ValidationError``
    (field ``other_ids``) when no sponsor but the kept one is given.
    """
    with db.session() as s:
        return _merge(s, keep_id, list(other_ids or ()), apply=False)[1]


def merge(db: Database, keep_id: int, other_ids: Iterable[int]) -> Sponsor:
    """Fold duplicate sponsors into the one kept, in one transaction.

    Every engagement of the others (the only table naming a sponsor) moves to the
    kept one; the kept one's empty role, e-mail, phone and organization take the
    first value the others have (values that differ are not kept: ``merge_plan``
    lists them first); the kept one is active again if any merged one was; then
    the others are deleted. Returns the kept sponsor. Errors as ``merge_plan``;
    after an error nothing has changed.
    """
    with db.session() as s:
        return _merge(s, keep_id, list(other_ids or ()), apply=True)[0]
