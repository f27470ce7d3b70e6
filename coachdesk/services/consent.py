"""The client's consent: which report sections and which indicators may go to the sponsor.

Consent is recorded per engagement, with the day it was given and how (in the signed
agreement, by e-mail, in a session). Records are never edited: a change of mind is a new
record, so the history stays; the newest (by day, then by entry) is the one in force.
Reports read :func:`current` and share nothing it does not list.

The "indicators" section follows the indicators: a record names it exactly when it names at
least one indicator (:func:`record` and the reading of a row both see to it), so "which
indicators" is the one question and the section cannot say otherwise.

What needs consent, decided: every section of the report, "glance" (the engagement at a
glance: sessions held, planned, cancelled and no-shows, hours) included, since
cancellations and no-shows say something about the client; and each indicator one by one.
Only the cover (client, organisation, sponsor, period, coach) needs none: it is the
engagement the three parties signed. With no consent recorded at all nothing may be
shared, so no report can be made until one is (:func:`check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

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

    def allows_section(self, key: str) -> bool:
        return key in self.sections

    def allows_indicator(self, indicator_id: int) -> bool:
        return int(indicator_id) in self.indicator_ids


#: said whenever a report is asked for an engagement without any consent recorded
NO_CONSENT = ("The client's consent to share anything with the sponsor has not been recorded "
              "yet, so no report can be made; record it first (the client's Agreement & "
              "invoices tab, Consent).")
RECORD_HINT = "record their consent first (the client's Agreement & invoices tab, Consent)."


def refusal(state: ConsentState | None, sections: Iterable[str],
            indicator_ids: Iterable[int]) -> str | None:
    """The plain sentence that refuses sharing ``sections`` and ``indicator_ids`` under
    ``state`` (the consent in force), or None when all of it was agreed. Names no user text:
    sections by their count, indicators by their count."""
    if state is None:
        return NO_CONSENT
    ids = {int(i) for i in indicator_ids or ()}
    keys = {str(k) for k in sections or ()} - {"indicators"}  # indicators go one by one
    sections_out = sorted(k for k in keys if not state.allows_section(k))
    ids_out = sorted(i for i in ids if not state.allows_indicator(i))
    if not sections_out and not ids_out:
        return None
    parts = []
    if sections_out:
        parts.append(f"{len(sections_out)} of the chosen sections")
    if ids_out:
        parts.append(f"{len(ids_out)} of the chosen indicators")
    return f"The client has not agreed to share {' and '.join(parts)}; {RECORD_HINT}"


def check(state: ConsentState | None, sections: Iterable[str],
          indicator_ids: Iterable[int]) -> None:
    """Raise ValidationError (field "consent") unless ``state`` allows every section and
    every indicator named; see :func:`refusal`."""
    sentence = refusal(state, sections, indicator_ids)
    if sentence is not None:
        raise ValidationError(sentence, "consent")


def _split_ints(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(x) for x in (text or "").split(",") if x.strip().isdigit()}))


def _sections(wanted: set[str], ids) -> tuple[str, ...]:
    """Report order; "indicators" exactly when some indicator is named."""
    wanted = set(wanted) - {"indicators"}
    if ids:
        wanted.add("indicators")
    return tuple(k for k in SECTION_KEYS if k in wanted)


def _state(row: Consent) -> ConsentState:
    ids = _split_ints(row.indicator_ids)
    wanted = {x for x in (row.sections or "").split(",") if x}
    return ConsentState(row.id, row.engagement_id, row.consent_date, _sections(wanted, ids),
                        ids, row.how or "")


def in_force(session, engagement_id: int) -> ConsentState | None:
    """:func:`current`, read in an open session (so a report reads its consent in the same
    snapshot as what it shares)."""
    row = session.exec(sa_select(Consent)
                       .where(Consent.engagement_id == int(engagement_id))
                       .order_by(Consent.consent_date.desc(), Consent.id.desc())
                       .limit(1)).scalars().first()
    return _state(row) if row is not None else None


def current(db: Database, engagement_id: int) -> ConsentState | None:
    """The consent in force for the engagement, or None when none was ever recorded."""
    with db.session() as s:
        return in_force(s, engagement_id)


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

    "indicators" among ``sections`` is kept exactly when ``indicator_ids`` names one.

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
                      sections=",".join(_sections(chosen, ids)),
                      indicator_ids=",".join(str(i) for i in ids), how=how_text)
        s.add(row)
        s.flush()
        return _state(row)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def covers_earlier(db: Database, engagement_id: int, sections: Iterable[str],
                   made_at: datetime) -> bool:
    """Whether the consent in force now still covers a report made at ``made_at`` (aware or
    UTC) that printed ``sections``: every section is still agreed, and, when it printed
    indicators, every indicator agreed when it was made is agreed still (which ones it
    printed is not kept; it printed none other). False without consent, or when no
    consent was recorded before it was made and it printed indicators."""
    now = current(db, engagement_id)
    if now is None:
        return False
    printed = {str(k) for k in sections or ()}
    if (printed - {"indicators"}) - set(now.sections):
        return False
    if "indicators" not in printed:
        return True
    made = _aware(made_at)
    with db.session() as s:
        rows = s.exec(sa_select(Consent).where(Consent.engagement_id == int(engagement_id))
                      ).scalars().all()
        before = [r for r in rows if _aware(r.created_at) <= made]
        then = (_state(max(before, key=lambda r: (r.consent_date, r.id)))
                if before else None)
    return then is not None and set(then.indicator_ids) <= set(now.indicator_ids)
