"""Records typed twice: how sponsors and organizations are compared, grouped and merged.

The People page marks likely duplicates (the same name once case, accents and
spacing are folded away, or the same e-mail) and lets the coach fold them into
one. ``services.sponsors.merge`` and ``services.organizations.merge`` do the
moving; this module holds what they share: the keys, the grouping, and the
plan that says in words what a merge will do before it is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC

from sqlmodel import select

from .. import dates
from ..errors import ValidationError
from . import validation as v
from ._common import get_or_raise


def name_key(name: str) -> str:
    """The form two names are compared in: case, accents and spacing folded away
    ('  HÉLÈNE   marchand ' and 'Helene Marchand' give the same key)."""
    return " ".join(v.fold(name or "").split())


def email_key(email: str) -> str:
    """E-mail addresses compare without case or surrounding space; '' for none."""
    return (email or "").strip().casefold()


def alike(db, model, name: str, email: str = "") -> list:
    """The records of ``model`` (Client, Sponsor or Organization) that a new one named
    ``name`` (with ``email``, for the kinds that have one) would duplicate: the same
    ``name_key`` or the same ``email_key``; oldest first. Archived ones count too: a
    coach adding "Katrin Vogel" again wants to hear of the archived one."""
    wanted_name, wanted_email = name_key(name), email_key(email)
    if not wanted_name and not wanted_email:
        return []
    has_email = hasattr(model, "email")
    with db.session() as s:
        columns = [model.id, model.name] + ([model.email] if has_email else [])
        ids = [row[0] for row in s.exec(select(*columns).order_by(model.id))
               if (wanted_name and name_key(row[1]) == wanted_name)
               or (has_email and wanted_email and email_key(row[2]) == wanted_email)]
        return [s.get(model, i) for i in ids]


def groups(keys: Iterable[tuple[int, Iterable[str]]]) -> dict[int, tuple[int, ...]]:
    """Records sharing any non-empty key are likely duplicates of each other.

    ``keys`` gives (record id, its keys); the answer maps each record that has a
    twin to the ids of all its twins (itself left out), transitively: A and B share
    a name, B and C an e-mail, so A, B and C are one group. Records without a twin
    are not in the answer.
    """
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for record_id, record_keys in keys:
        parent.setdefault(record_id, record_id)
        for key in record_keys:
            if not key:
                continue
            other = first_with.setdefault(key, record_id)
            if other != record_id:
                parent[root(record_id)] = root(other)
    members: dict[int, list[int]] = {}
    for record_id in parent:
        members.setdefault(root(record_id), []).append(record_id)
    return {i: tuple(j for j in group if j != i)
            for group in members.values() if len(group) > 1 for i in group}


def day_words(when) -> str:
    """'3 Mar 2026', '03/03/2026' (a record's creation day, in local time)."""
    if getattr(when, "tzinfo", None) is None:  # SQLite gives back UTC without its offset
        when = when.replace(tzinfo=UTC)
    local = when.astimezone()
    return dates.short(local.date())


def count_words(n: int, noun: str) -> str:
    """'the one with 3 engagements', 'the one with 1 client', 'the one with no clients'."""
    return f"the one with {n if n else 'no'} {noun}{'' if n == 1 else 's'}"


def tell_apart(records: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """What tells each record from the others whose name is alike (the same
    ``name_key``): '' for a record whose name is not alike another's.

    ``records`` gives, per record, its name and what may tell it apart, best first (an
    e-mail, an organization, a role, "the one with 3 engagements" …; '' where it has
    none), the last one unique to it. The first kind of detail every record of a group
    has, and all differently, names them all ("k.vogel@…" beside "katrin@…"); else each
    record gets the first detail of its own that no other of its group shares.
    """
    by_key: dict[str, list[int]] = {}
    for i, (name, _details) in enumerate(records):
        by_key.setdefault(name_key(name), []).append(i)
    said = [""] * len(records)
    for group in by_key.values():
        if len(group) < 2:
            continue
        kinds = min(len(records[i][1]) for i in group)
        for k in range(kinds):
            values = [records[i][1][k].strip() for i in group]
            folded = {x.casefold() for x in values}
            if all(values) and len(folded) == len(values):
                for i, value in zip(group, values, strict=True):
                    said[i] = value
                break
        else:
            for i in group:
                mine = records[i][1]
                for k, value in enumerate(mine):
                    value = value.strip()
                    if value and all(k >= len(records[j][1]) or
                                     records[j][1][k].strip().casefold() != value.casefold()
                                     for j in group if j != i):
                        said[i] = value
                        break
    return said


@dataclass
class MergePlan:
    """What a merge will do, for the coach to read before saying yes."""

    kept: str  # the name of the record that stays
    removed: list[str]  # the names of the records that go, in the order given
    moves: dict[str, int]  # what moves over ("engagements", "clients" …) -> how many
    filled: dict[str, str] = field(default_factory=dict)  # field label -> value taken over
    dropped: dict[str, list[str]] = field(default_factory=dict)  # label -> values not kept
    notes_added: int = 0  # how many of the others' notes are added to the kept notes
    #: what tells the kept record and each removed one (in order) from the others when
    #: their names are alike ('' when the name says it): see :func:`tell_apart`
    kept_detail: str = ""
    removed_details: list[str] = field(default_factory=list)

    def sentences(self, limit: int | None = None) -> list[str]:
        """The plan as plain sentences; names and values appear as typed, in quotes,
        cut to ``limit`` characters (with "…") when one is given. Records whose names are
        alike are each named with what tells them apart: “Katrin Vogel” (k.vogel@…)."""

        def q(name: str, detail: str = "") -> str:
            name = " ".join(name.split()) if limit else name
            quoted = f"“{name if not limit or len(name) <= limit else name[:limit - 1] + '…'}”"
            return f"{quoted} ({cut(detail)})" if detail else quoted

        def cut(value: str) -> str:
            return value if not limit or len(value) <= limit + 2 else value[:limit + 1] + "…"

        details = list(self.removed_details) + [""] * (len(self.removed)
                                                        - len(self.removed_details))
        others = ", ".join(q(n, d) for n, d in zip(self.removed, details, strict=True))
        kept = q(self.kept, self.kept_detail)
        moving = [f"{n} {what if n != 1 else what[:-1]}" for what, n in self.moves.items() if n]
        out = [f"{kept} is kept."]
        if moving:
            out.append(f"Moving to it: {_join(moving)} from {others}.")
        else:
            out.append(f"Nothing is recorded under {others}.")
        for label, value in self.filled.items():
            out.append(f"{kept} takes the {label} {cut(value)} (it had none).")
        if self.notes_added:
            out.append(f"The notes of {others} are added to the notes of {kept}.")
        for label, values in self.dropped.items():
            out.append(f"Not kept: the {label} {', '.join(cut(x) for x in values)}.")
        out.append(f"Then {others} {'is' if len(self.removed) == 1 else 'are'} removed; "
                   "a merge cannot be undone.")
        return out


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def load(session, model, keep_id: int, other_ids, label: str, plural: str):
    """The kept record and the others (in the order given, each once).

    ``NotFoundError`` for an id that no longer exists; ``ValidationError`` (field
    ``other_ids``) when nothing but the kept one is given.
    """
    keep = get_or_raise(session, model, keep_id, label)
    others, seen = [], {keep_id}
    for other_id in other_ids or ():
        if other_id not in seen:
            seen.add(other_id)
            others.append(get_or_raise(session, model, other_id, label))
    if not others:
        raise ValidationError(f"Choose at least two {plural} to merge.", "other_ids")
    return keep, others


def fill(keep, others, fields: dict[str, str], plan: MergePlan, describe=None) -> dict:
    """The kept record's empty fields take the first value an other has.

    ``fields`` maps attribute -> label; ``describe`` (attribute -> function) words a
    value for the plan (an organization id as its name). Returns the changes to
    apply; values that differ from what is kept go into ``plan.dropped`` so the
    coach sees them before saying yes.
    """
    describe = describe or {}
    changes: dict = {}
    for attr, label in fields.items():
        words = describe.get(attr, str)
        current = getattr(keep, attr)
        for other in others:
            value = getattr(other, attr)
            if value in ("", None):
                continue
            if current in ("", None):
                current = changes[attr] = value
                plan.filled[label] = words(value)
            elif str(value).strip().casefold() != str(current).strip().casefold():
                dropped = plan.dropped.setdefault(label, [])
                if words(value) not in dropped:
                    dropped.append(words(value))
    return changes


def id_marks(ids: list[int]) -> str:
    """'?, ?, ?' for an IN clause over ``ids``."""
    return ", ".join("?" * len(ids))
