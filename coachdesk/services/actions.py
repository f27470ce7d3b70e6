"""Action items agreed in a session (usually from Will), followed up next time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import select

from ..errors import ValidationError
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
                f"The due date is before the session it was agreed in ({session_date:%d %b %Y}).",
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
    id: int
    client_id: int
    client_name: str
    session_id: int
    session_date: date
    text: str
    owner: str
    due_date: date | None
    overdue: bool


def open_actions(db: Database, overdue_only: bool = False, today: date | None = None) -> list[ActionRow]:
    """Every open action across clients, overdue ones first."""
    today = today or date.today()
    stmt = (sa_select(ActionItem.id, ActionItem.client_id, Client.name, ActionItem.session_id,
                      CoachingSession.session_date, ActionItem.text, ActionItem.owner,
                      ActionItem.due_date)
            .join(Client, Client.id == ActionItem.client_id)
            .join(CoachingSession, CoachingSession.id == ActionItem.session_id)
            .where(ActionItem.status == ActionStatus.open))
    if overdue_only:
        stmt = stmt.where(ActionItem.due_date < today)
    with db.session() as s:
        rows = s.exec(stmt).all()
    out = [ActionRow(r[0], r[1], r[2], r[3], r[4], r[5],
                     r[6].value if hasattr(r[6], "value") else str(r[6]), r[7],
                     r[7] is not None and r[7] < today) for r in rows]
    out.sort(key=lambda a: (not a.overdue, a.due_date or date.max, v.fold(a.client_name)))
    return out
