"""Organizations: where clients work and sponsors sit.

Besides create, edit and archive: the People page's list with its counts
(``list_rows``) and likely duplicates, and merging twins into one (``merge``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from ..models import Organization, utcnow
from ..storage import Database
from . import duplicates as dup
from . import validation as v
from ._common import apply_changes, get_or_raise, set_archived

FIELDS = ("name", "notes")


def _clean(values: dict) -> dict:
    out = {}
    if "name" in values:
        out["name"] = v.name(values["name"], "name", "The organization's name")
    if "notes" in values:
        out["notes"] = v.optional_text(values["notes"])
    return out


def create(db: Database, name: str, notes: str = "") -> Organization:
    values = _clean({"name": name, "notes": notes})
    with db.session() as s:
        org = Organization(**values)
        s.add(org)
        s.flush()
        return org


def update(db: Database, org_id: int, **changes) -> Organization:
    values = _clean({k: changes[k] for k in FIELDS if k in changes})
    with db.session() as s:
        org = get_or_raise(s, Organization, org_id, "organization")
        apply_changes(org, values)
        s.add(org)
        return org


def get(db: Database, org_id: int) -> Organization:
    with db.session() as s:
        return get_or_raise(s, Organization, org_id, "organization")


def archive(db: Database, org_id: int) -> Organization:
    with db.session() as s:
        return set_archived(s, Organization, org_id, "organization", True)


def unarchive(db: Database, org_id: int) -> Organization:
    with db.session() as s:
        return set_archived(s, Organization, org_id, "organization", False)


def list_all(db: Database, text: str = "", include_archived: bool = False) -> list[Organization]:
    with db.session() as s:
        stmt = select(Organization)
        if not include_archived:
            stmt = stmt.where(Organization.archived == False)  # noqa: E712
        orgs = list(s.exec(stmt))
    needle = v.fold(text.strip())
    if needle:
        orgs = [o for o in orgs if needle in v.fold(o.name)]
    return sorted(orgs, key=lambda o: v.fold(o.name))


# -- the People page ---------------------------------------------------------------------


@dataclass(slots=True)
class OrganizationRow:
    """One line of the People page's organizations list."""

    id: int
    name: str
    notes: str
    archived: bool
    clients: int  # every client recorded there, archived ones included (all would move)
    sponsors: int  # every sponsor recorded there, archived ones included
    search_text: str  # folded name and notes, what the filter box matches
    duplicates: tuple[int, ...] = ()  # ids of listed organizations with the same name


_ROWS_SQL = """
SELECT o.id, o.name, o.notes, o.archived, coalesce(c.n, 0), coalesce(p.n, 0)
FROM organization AS o
LEFT JOIN (SELECT organization_id, count(*) AS n FROM client GROUP BY organization_id) AS c
       ON c.organization_id = o.id
LEFT JOIN (SELECT organization_id, count(*) AS n FROM sponsor GROUP BY organization_id) AS p
       ON p.organization_id = o.id
"""


def list_rows(db: Database, include_archived: bool = False) -> list[OrganizationRow]:
    """Every organization with its numbers of clients and sponsors, in one query,
    sorted by folded name. ``duplicates`` looks among the rows listed only, so
    with archived ones left out no row points at a twin that is not shown."""
    query = _ROWS_SQL + ("" if include_archived else " WHERE o.archived = 0")
    with db.session() as s:
        raw = s.connection().exec_driver_sql(query).fetchall()
    rows = [OrganizationRow(r[0], r[1] or "", r[2] or "", bool(r[3]), r[4], r[5],
                            v.fold(f"{r[1] or ''}\n{r[2] or ''}")) for r in raw]
    twins = dup.groups((r.id, [dup.name_key(r.name)]) for r in rows)
    for r in rows:
        r.duplicates = twins.get(r.id, ())
    return sorted(rows, key=lambda r: (dup.name_key(r.name), r.id))


def _told_apart(s, orgs: list[Organization]) -> list[str]:
    """What tells each of ``orgs`` from the others of a name alike (``dup.tell_apart``):
    how many clients, then sponsors, are recorded there, the day it was added, else its
    number (its notes are the coach's own words, not a name)."""
    ids = [o.id for o in orgs]
    conn = s.connection()
    counts = {table: dict(conn.exec_driver_sql(
        f"SELECT organization_id, count(*) FROM {table} WHERE organization_id IN "
        f"({dup.id_marks(ids)}) GROUP BY organization_id", tuple(ids)).fetchall()) if ids else {}
        for table in ("client", "sponsor")}
    return dup.tell_apart([(o.name, [dup.count_words(counts["client"].get(o.id, 0), "client"),
                                     dup.count_words(counts["sponsor"].get(o.id, 0), "sponsor"),
                                     f"added on {dup.day_words(o.created_at)}",
                                     f"organization no. {o.id}"]) for o in orgs])


def tell_apart(db: Database, org_ids: Iterable[int]) -> dict[int, str]:
    """organization id -> what tells it from the others given whose name is alike ('' when
    its name does): what the merge dialog's "Keep" choice and plan name them by."""
    with db.session() as s:
        orgs = [o for o in (s.get(Organization, i) for i in dict.fromkeys(org_ids))
                if o is not None]
        return dict(zip((o.id for o in orgs), _told_apart(s, orgs), strict=True))


def _merge(s, keep_id: int, other_ids, apply: bool) -> tuple[Organization, dup.MergePlan]:
    keep, others = dup.load(s, Organization, keep_id, other_ids, "organization",
                            "organizations")
    ids = tuple(o.id for o in others)
    marks = dup.id_marks(list(ids))
    conn = s.connection()
    moves = {table + "s": conn.exec_driver_sql(
        f"SELECT count(*) FROM {table} WHERE organization_id IN ({marks})", ids).scalar()
        for table in ("client", "sponsor", "invoice")}
    told = _told_apart(s, [keep, *others])
    plan = dup.MergePlan(keep.name, [o.name for o in others], moves, kept_detail=told[0],
                         removed_details=told[1:])
    notes = [o.notes.strip() for o in others if o.notes.strip()
             and o.notes.strip() not in keep.notes]
    plan.notes_added = len(notes)
    if apply:
        for table in ("client", "sponsor", "invoice"):
            conn.exec_driver_sql(
                f"UPDATE {table} SET organization_id = ? WHERE organization_id IN ({marks})",
                (keep.id, *ids))
        if notes:
            keep.notes = "\n\n".join(n for n in [keep.notes.strip(), *notes] if n)
        if keep.archived and any(not o.archived for o in others):
            keep.archived = False  # something still in use was merged in
        keep.updated_at = utcnow()
        s.add(keep)
        for other in others:
            s.delete(other)
        s.flush()
    return keep, plan


def merge_plan(db: Database, keep_id: int, other_ids: Iterable[int]) -> dup.MergePlan:
    """What ``merge`` would do, without doing it (``plan.sentences()`` words it).

    Raises ``NotFoundError`` for an id that no longer exists and ``ValidationError``
    (field ``other_ids``) when no organization but the kept one is given.
    """
    with db.session() as s:
        return _merge(s, keep_id, list(other_ids or ()), apply=False)[1]


def merge(db: Database, keep_id: int, other_ids: Iterable[int]) -> Organization:
    """Fold duplicate organizations into the one kept, in one transaction.

    Every client and sponsor of the others moves to the kept one; their notes are
    added below the kept notes (nothing typed is lost); the kept one is active
    again if any merged one was; then the others are deleted. Returns the kept
    organization. Errors as ``merge_plan``; after an error nothing has changed.
    """
    with db.session() as s:
        return _merge(s, keep_id, list(other_ids or ()), apply=True)[0]
