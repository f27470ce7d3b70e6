"""The client's consent: which report sections and which indicators may go to the sponsor.

Consent is recorded per engagement, with the day it was given and how (in the signed
agreement, by e-mail, in a session). Records are never edited: a change of mind is a new
record, so the history stays; the newest (by day, then by entry) is the one in force.
Reports read :func:`current` and share nothing it does not list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select

from ..errors import ValidationError
from ..models import Consent, Engagement, Indicator
from ..storage import Database
from . import validation as v
from ._common import get_or_raise

#: every section a consent may name: the report's sections and the stakeholder map
#: (kept in step with ``reports.progress_model.ORDER``; a test checks it)
SECTION_KEYS = ("glance", "summary", "goals", "indicators", "stakeholders", "actions",
                "sessions")
HOW_MAX = 200


@dataclass(frozen=True)
class ConsentState:
    """One consent record: ``sections`` in report order, ``indicator_ids`` ascending."""

    id: int
    engagement_id: int
    consent_date: date
    sections: tuple[str, ...]
    indicator_ids: tuple[int, ...]
    how: str


def _split_ints(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(x) for x in (text or "").split(",") if x.strip().isdigit()}))


def _state(row: Consent) -> ConsentState:
    wanted = {x for x in (row.sections or "").split(",") if x}
    return ConsentState(row.id, row.engagement_id, row.consent_date,
                        tuple(k for k in SECTION_KEYS if k in wanted),
                        _split_ints(row.indicator_ids), row.how or "")


def current(db: Database, engagement_id: int) -> ConsentState | None:
    """The consent in force for the engagement, or None when none was ever recorded."""
    with db.session() as s:
        row = s.exec(sa_select(Consent)
                     .where(Consent.engagement_id == int(engagement_id))
                     .order_by(Consent.consent_date.desc(), Consent.id.desc())
                     .limit(1)).scalars().first()
        return _state(row) if row is not None else None


def history(db: Database, engagement_id: int) -> list[ConsentState]:
    """Every consent record of the engagement, newest first."""
    with db.session() as s:
        rows = s.exec(sa_select(Consent)
                      .where(Consent.engagement_id == int(engagement_id))
                      .order_by(Consent.consent_date.desc(), Consent.id.desc())).scalars().all()
        return [_state(r) for r in rows]


def record(db: Database, engagement_id: int, sections: Iterable[str],
           indicator_ids: Iterable[int], consent_date=None, how: str = "") -> ConsentState:
    """Record what the client agreed may go to the sponsor, as of ``consent_date`` (a
    ``date`` or ISO text; today when None). Returns the new record, which is now in force
    unless an earlier-recorded one carries a later day.

    Raises NotFoundError for an unknown engagement, ValidationError (field "sections",
    "indicator_ids", "consent_date" or "how") for an unknown section, an id that is no
    indicator, a bad day or an over-long "how".
    """
    chosen = {str(x).strip() for x in sections or ()}
    unknown = chosen - set(SECTION_KEYS)
    if unknown:
        raise ValidationError("That is not a report section.", "sections")
    try:
        ids = sorted({int(x) for x in indicator_ids or ()})
    except (TypeError, ValueError):
        raise ValidationError("That is not an indicator.", "indicator_ids") from None
    day = v.optional_date(consent_date, "consent_date", "The day consent was given") \
        or date.today()
    how_text = v.one_line(how, "how", "How consent was given", limit=HOW_MAX) \
        if how else ""
    with db.session() as s:
        get_or_raise(s, Engagement, int(engagement_id), "engagement")
        if ids:
            found = set(s.exec(sa_select(Indicator.id).where(Indicator.id.in_(ids)))
                        .scalars().all())
            if set(ids) - found:
                raise ValidationError("That indicator no longer exists.", "indicator_ids")
        row = Consent(engagement_id=int(engagement_id), consent_date=day,
                      sections=",".join(k for k in SECTION_KEYS if k in chosen),
                      indicator_ids=",".join(str(i) for i in ids), how=how_text)
        s.add(row)
        s.flush()
        return _state(row)
