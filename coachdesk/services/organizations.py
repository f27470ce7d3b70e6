"""Organizations: where clients work and sponsors sit."""

from __future__ import annotations

from sqlmodel import select

from ..models import Organization
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise, set_archived

FIELDS = ("name", "notes")


def _clean(values: dict) -> dict:
    out = {}
    if "name" in values:
        out["name"] = v.required_text(values["name"], "name", "The organization's name")
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
