"""Sponsors: the people who commission and pay for the coaching."""

from __future__ import annotations

from sqlmodel import select

from ..models import Organization, Sponsor
from ..storage import Database
from . import validation as v
from ._common import apply_changes, check_reference, get_or_raise, set_archived

FIELDS = ("name", "role", "email", "phone", "organization_id")


def _clean(session, values: dict) -> dict:
    out = {}
    if "name" in values:
        out["name"] = v.required_text(values["name"], "name", "The sponsor's name")
    for key in ("role", "phone"):
        if key in values:
            out[key] = v.optional_text(values[key])
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
