"""A printed GROW worksheet's read model: one session's worksheet, options and actions,
read in one go (:func:`worksheet_data`). The coach's private notes are read only when
asked for (``include_private=True``).

``worksheet`` prints it and re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import NamedTuple

from sqlmodel import select

from ..errors import NotFoundError
from ..models import ActionItem, Client, CoachingSession, GrowOption, GrowWorksheet, Organization
from ..storage import Database


class OptionRow(NamedTuple):
    text: str
    notes: str
    chosen: bool


class ActionRow(NamedTuple):
    text: str
    owner: str  # "client" or "coach"
    due_date: date | None
    status: str  # "open", "done" or "dropped"


@dataclass
class WorksheetData:
    """Everything a filled worksheet prints, read from the database in one go."""

    client_name: str
    session_date: date
    organization: str | None = None
    start_time: time | None = None
    duration_minutes: int | None = None
    goal_session: str = ""
    goal_long_term: str = ""
    reality_facts: str = ""
    reality_tried: str = ""
    reality_obstacles: str = ""
    options: list[OptionRow] = field(default_factory=list)
    will_what: str = ""
    will_when: str = ""
    commitment: int | None = None
    actions: list[ActionRow] = field(default_factory=list)
    # The coach's own notes: None unless asked for with include_private=True.
    private_notes: str | None = None
    session_id: int | None = None


def _value(x) -> str:
    return str(getattr(x, "value", x) or "")


def worksheet_data(db: Database, session_id: int, include_private: bool = False) -> WorksheetData:
    """Read one session's GROW worksheet, options and actions.

    A session with no worksheet yet gives empty GROW fields. The private notes are
    read only when ``include_private`` is true.
    """
    try:
        sid = int(session_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"There is no session {session_id!r}.") from None
    with db.session() as s:
        session = s.get(CoachingSession, sid)
        if session is None:
            raise NotFoundError(f"There is no session with id {sid}.")
        client = s.get(Client, session.client_id)
        org = s.get(Organization, client.organization_id) if client and client.organization_id \
            else None
        ws = s.exec(select(GrowWorksheet).where(GrowWorksheet.session_id == sid)).first()
        options = []
        if ws is not None:
            options = [OptionRow(o.text, o.notes, bool(o.chosen)) for o in s.exec(
                select(GrowOption).where(GrowOption.worksheet_id == ws.id)
                .order_by(GrowOption.position, GrowOption.id))]
        actions = [ActionRow(a.text, _value(a.owner), a.due_date, _value(a.status))
                   for a in s.exec(select(ActionItem).where(ActionItem.session_id == sid)
                                   .order_by(ActionItem.id))]
        data = WorksheetData(
            client_name=client.name if client else "",
            organization=org.name if org else None,
            session_date=session.session_date,
            start_time=session.start_time,
            duration_minutes=session.duration_minutes,
            options=options,
            actions=actions,
            private_notes=session.private_notes if include_private else None,
            session_id=sid,
        )
        if ws is not None:
            for name in ("goal_session", "goal_long_term", "reality_facts", "reality_tried",
                         "reality_obstacles", "will_what", "will_when"):
                setattr(data, name, getattr(ws, name) or "")
            data.commitment = ws.commitment
        return data
