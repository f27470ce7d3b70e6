"""The demo practice's coaching agreements: most hand-written clients' current engagements
have one, some signed (with the day), some sent and waiting, a few still drafts.

Called by :func:`coachdesk.demo.populate` once the engagements exist. Only the agreement
rows are written (no PDF: the coach makes one from the client's "Agreement & invoices"
tab). Days are never in the future: an engagement that has not started yet keeps a draft.
Generated clients (the benchmarks) get none, so a practice of thousands stays quick.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import insert, text

from .demo_history import PLANS, ClientInfo
from .models import Agreement, utcnow
from .storage import Database

#: by the hand-written client's position: what became of their agreement
STORY = ("signed", "signed", "sent", "signed", "signed", "draft", "signed", "sent",
         "signed", "signed", "draft", "signed")


def _story(info: ClientInfo, today: date) -> tuple[str, date | None, date | None]:
    """(status, sent on, signed on) of the hand-written client's agreement."""
    story = STORY[info.index]
    sent = info.start - timedelta(days=9)
    signed = info.start - timedelta(days=3)
    if story == "draft" or sent > today:
        return "draft", None, None
    if story == "sent" or signed > today:
        return "sent", sent, None
    return story, sent, signed


def signed_on(info: ClientInfo, today: date) -> date | None:
    """The day the demo client's agreement was signed, or None (not signed, or no
    agreement: a generated client): the demo's consent given in it carries that day."""
    if info.index >= min(len(PLANS), len(STORY)):
        return None
    return _story(info, today)[2]


def add_agreements(db: Database, today: date, infos: Iterable[ClientInfo]) -> int:
    """Add an agreement to each hand-written client's current engagement; returns how many.
    Does nothing on a file whose schema has no agreement table yet (the upgrade tests)."""
    now = utcnow()
    rows = []
    for info in infos:
        if info.index >= min(len(PLANS), len(STORY)):
            continue
        story, sent_on, signed_on = _story(info, today)
        rows.append({"engagement_id": info.engagement_id, "status": story, "sent_on": sent_on,
                     "signed_on": signed_on, "created_at": now, "updated_at": now})
    if not rows:
        return 0
    with db.session() as s:
        if s.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'agreement'")).first() is None:
            return 0
        have = set(s.execute(text("SELECT engagement_id FROM agreement")).scalars())
        rows = [r for r in rows if r["engagement_id"] not in have]
        if rows:
            s.execute(insert(Agreement), rows)
    return len(rows)
