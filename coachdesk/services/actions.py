"""Action items agreed in a session (usually from Will), followed up next time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import select

from .. import dates
from ..errors import NotFoundError, ValidationError
from ..models import ActionItem, ActionOwner, ActionStatus, Client, CoachingSession
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise


def _clean(values: dict, session_date: date) -> dict:
    out = {}
    if "text" in values:
        out["text"] = v.required_text(values["text"], "text", "The action")
    if "owner" in values:
        out["owner"] = v.enum_value(ActionOwner, values["owner"], "owner", "The owner")
    if "due_date" in values:
        due = v.optional_date(values["due_date"], "due_date", "The due date")
        if due is not None and due < session_date:
            raise ValidationError(
                f"The due date is before the session it was agreed in ({dates.short(session_date)}).",
                "due_date")
        out["due_date"] = due
    return out


def create(db: Database, session_id: int, text: str, owner: str = "client",
           due_date=None) -> ActionItem:
    with db.session() as s:
        session = get_or_raise(s, CoachingSession, session_id, "session")
        values = _clean({"text": text, "owner": owner, "due_date": due_date}, session.session_date)
        item = ActionItem(session_id=session_id, client_id=session.client_id, **values)
        s.add(item)
        s.flush()
        return item


def update(db: Database, action_id: int, **changes) -> ActionItem:
    with db.session() as s:
        item = get_or_raise(s, ActionItem, action_id, "action")
        session = s.get(CoachingSession, item.session_id)
        values = _clean(changes, session.session_date)
        apply_changes(item, values)
        s.add(item)
        return item


def set_status(db: Database, action_id: int, status, today: date | None = None) -> ActionItem:
    status = v.enum_value(ActionStatus, status, "status", "The status")
    with db.session() as s:
        item = get_or_raise(s, ActionItem, action_id, "action")
        if item.status != status:
            apply_changes(item, {"status": status, "status_changed_on": today or date.today()})
        s.add(item)
        return item


def for_session(db: Database, session_id: int) -> list[ActionItem]:
    with db.session() as s:
        return list(s.exec(select(ActionItem).where(ActionItem.session_id == session_id)
                           .order_by(ActionItem.id)))


def open_before(db: Database, session_id: int) -> list[ActionItem]:
    """Open actions of this client from earlier sessions: what to follow up now."""
    with db.session() as s:
        current = get_or_raise(s, CoachingSession, session_id, "session")
        earlier = sa_select(CoachingSession.id).where(
            CoachingSession.client_id == current.client_id,
            CoachingSession.id != current.id,
            CoachingSession.session_date <= current.session_date)
        return list(s.exec(select(ActionItem).where(ActionItem.status == ActionStatus.open,
                                                    ActionItem.session_id.in_(earlier))
                           .order_by(ActionItem.due_date, ActionItem.id)))


@dataclass
class ActionRow:
    """One action as the lists show it: with its client's name and the session's date."""

    id: int
    client_id: int
    client_name: str
    session_id: int
    session_date: date
    text: str
    owner: str
    due_date: date | None
    overdue: bool
    status: str = "open"
    status_changed_on: date | None = None


STATUS_FILTERS = ("open", "done", "dropped", "all")
OWNER_FILTERS = ("all", "client", "coach")


def _value(x) -> str:
    return x.value if hasattr(x, "value") else str(x)


def _rows(db: Database, where, today: date) -> list[ActionRow]:
    stmt = (sa_select(ActionItem.id, ActionItem.client_id, Client.name, ActionItem.session_id,
                      CoachingSession.session_date, ActionItem.text, ActionItem.owner,
                      ActionItem.due_date, ActionItem.status, ActionItem.status_changed_on)
            .join(Client, Client.id == ActionItem.client_id)
            .join(CoachingSession, CoachingSession.id == ActionItem.session_id))
    for condition in where:
        stmt = stmt.where(condition)
    with db.session() as s:
        rows = s.exec(stmt).all()
    out = []
    for r in rows:
        status = _value(r[8])
        out.append(ActionRow(r[0], r[1], r[2], r[3], r[4], r[5], _value(r[6]), r[7],
                             status == "open" and r[7] is not None and r[7] < today,
                             status, r[9]))
    return out


def list_actions(db: Database, status: str = "open", owner: str = "all",
                 overdue_only: bool = False, today: date | None = None) -> list[ActionRow]:
    """Actions across clients for the Actions page: open, done, dropped or all of them,
    for either owner or one; overdue ones first, then by due date and client.
    ``overdue_only`` keeps open actions past their due date."""
    today = today or date.today()
    if status not in STATUS_FILTERS:
        raise ValidationError("Show open, done, dropped or all actions.", "status")
    if owner not in OWNER_FILTERS:
        raise ValidationError("The owner is the client, the coach, or either.", "owner")
    where = []
    if status != "all":
        where.append(ActionItem.status == ActionStatus(status))
    if owner != "all":
        where.append(ActionItem.owner == ActionOwner(owner))
    if overdue_only:
        where += [ActionItem.status == ActionStatus.open, ActionItem.due_date < today]
    out = _rows(db, where, today)
    out.sort(key=lambda a: (not a.overdue, a.status != "open", a.due_date or date.max,
                            v.fold(a.client_name), a.id))
    return out


def open_actions(db: Database, overdue_only: bool = False, today: date | None = None) -> list[ActionRow]:
    """Every open action across clients, overdue ones first."""
    return list_actions(db, "open", overdue_only=overdue_only, today=today)


def session_rows(db: Database, session_id: int, today: date | None = None) -> list[ActionRow]:
    """This session's actions, in the order they were agreed."""
    out = _rows(db, [ActionItem.session_id == session_id], today or date.today())
    out.sort(key=lambda a: a.id)
    return out


def follow_up_rows(db: Database, session_id: int, today: date | None = None) -> list[ActionRow]:
    """``open_before`` as rows for a list: what to follow up now, soonest due first."""
    ids = [a.id for a in open_before(db, session_id)]
    if not ids:
        return []
    by_id = {r.id: r for r in _rows(db, [ActionItem.id.in_(ids)], today or date.today())}
    return [by_id[i] for i in ids if i in by_id]


def row(db: Database, action_id: int, today: date | None = None) -> ActionRow:
    """One action as a list row (after it was edited or its status changed)."""
    found = _rows(db, [ActionItem.id == action_id], today or date.today())
    if not found:
        raise NotFoundError("That action no longer exists (it may have been removed).")
    return found[0]
