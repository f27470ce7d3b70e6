"""Report drafts: what the coach has written and chosen for an engagement's next report.

While the coach writes a sponsor report, its summary, next steps, chosen sections and
chosen indicators are kept here (one draft per engagement, table ``report_draft``), so
closing the dialog, a crash or a power cut loses no word: the dialog saves as the coach
types and restores the draft when it opens again.

When a draft ends: once a report made from it has gone out (saved as PDF, printed, put
in a mail draft or the outbox), the report log keeps those words with the report
(``services.report_log``) and the dialog calls :func:`clear`, so the next report starts
fresh. Until then, the draft stays, however often the dialog is closed.

A draft is the coach's working text, never sponsor output: the report is still built
only by ``reports.progress_model.report_data``, from what the dialog hands it.

Errors: every function raises ``NotFoundError`` for an engagement that does not exist,
``ValidationError`` for a section or indicator id that is not one, and ``StorageError``
with a plain sentence (never the coach's text, never SQL) when the file cannot be
written, e.g. while another program holds it locked; nothing is then half-written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from ..errors import StorageError, ValidationError
from ..models import Engagement, ReportDraft, utcnow
from ..storage import Database
from . import validation as v
from ._common import get_or_raise

#: section keys a draft may hold: the report's sections and the stakeholder map, in the
#: report's order (``coachdesk.reports.progress_model.ORDER``; a test keeps them equal)
SECTION_KEYS = ("glance", "summary", "goals", "indicators", "stakeholders", "actions",
                "sessions")


@dataclass(frozen=True)
class Draft:
    """One engagement's draft.

    ``sections`` is ``None`` when the coach has not changed the dialog's default choice
    (every section, no stakeholder map), else the keys chosen, in report order.
    ``indicator_ids`` are the indicators chosen one by one (empty: none).
    ``updated_at`` is aware UTC.
    """

    engagement_id: int
    coach_summary: str
    next_steps: str
    sections: tuple[str, ...] | None
    indicator_ids: tuple[int, ...]
    updated_at: datetime

    @property
    def has_words(self) -> bool:
        return bool(self.coach_summary.strip() or self.next_steps.strip())


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _draft(row: ReportDraft) -> Draft:
    # "" is the default choice; "-" an empty one; keys that are no section are left out.
    sections = (tuple(x for x in row.sections.split(",") if x in SECTION_KEYS)
                if row.sections else None)
    ids = []
    for raw in row.indicator_ids.split(","):
        if raw.strip().isdigit():
            ids.append(int(raw))
    return Draft(row.engagement_id, row.coach_summary or "", row.next_steps or "",
                 sections, tuple(dict.fromkeys(ids)), _utc(row.updated_at))


def _sections(sections: Iterable[str] | None) -> str:
    if sections is None:
        return ""
    keys = [str(x).strip() for x in sections]
    unknown = [k for k in keys if k not in SECTION_KEYS]
    if unknown:
        raise ValidationError(f"Unknown report section: {unknown[0][:30]}.", "sections")
    chosen = [k for k in SECTION_KEYS if k in keys]
    # An empty choice is kept as "-", so it is not read back as "the default".
    return ",".join(chosen) or "-"


def _indicator_ids(indicator_ids: Iterable[int] | None) -> str:
    out: list[int] = []
    for raw in indicator_ids or ():
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise ValidationError(f"“{str(raw)[:30]}” is not an indicator id.",
                                  "indicator_ids") from None
        if number not in out:
            out.append(number)
    return ",".join(str(x) for x in out)


def _storage_error(action: str) -> StorageError:
    # The driver's message holds the SQL and its parameters (the coach's words): never
    # passed on, never chained into a message.
    return StorageError(f"The draft could not be {action}: the practice file is busy or "
                        "cannot be written just now.")


def get(db: Database, engagement_id: int) -> Draft | None:
    """The engagement's draft, or ``None`` when there is none.

    Section keys that are not sections (a file edited by hand) are left out; an empty
    stored choice ("-") comes back as ``()``."""
    try:
        with db.session() as s:
            get_or_raise(s, Engagement, engagement_id, "engagement")
            row = s.exec(select(ReportDraft)
                         .where(ReportDraft.engagement_id == engagement_id)).first()
    except (DBAPIError, StorageError):  # a busy or full file: the draft's own sentence
        raise _storage_error("read") from None
    return None if row is None else _draft(row)


def save(db: Database, engagement_id: int, *, coach_summary: str = "", next_steps: str = "",
         sections: Iterable[str] | None = None,
         indicator_ids: Iterable[int] | None = None) -> Draft:
    """Keep what the coach has written and chosen as the engagement's draft (replacing the
    one before) and return it. The text is kept exactly as typed.

    ``sections``: the keys chosen (see ``SECTION_KEYS``), or ``None`` for the dialog's
    default choice. ``indicator_ids``: the indicators chosen one by one. Nothing is
    written when any value is refused (ValidationError) or the file is busy
    (StorageError)."""
    summary = v.optional_text(coach_summary)  # as typed; half an emoji becomes U+FFFD
    steps = v.optional_text(next_steps)
    chosen_sections = _sections(sections)
    chosen_ids = _indicator_ids(indicator_ids)
    try:
        with db.session() as s:
            get_or_raise(s, Engagement, engagement_id, "engagement")
            row = s.exec(select(ReportDraft)
                         .where(ReportDraft.engagement_id == engagement_id)).first()
            if row is None:
                row = ReportDraft(engagement_id=engagement_id)
            row.coach_summary = summary
            row.next_steps = steps
            row.sections = chosen_sections
            row.indicator_ids = chosen_ids
            row.updated_at = utcnow()
            s.add(row)
            s.flush()
            saved = _draft(row)
    except (DBAPIError, StorageError):  # a busy or full file: the draft's own sentence
        raise _storage_error("saved") from None
    return saved


def clear(db: Database, engagement_id: int) -> bool:
    """End the engagement's draft (a report made from it has gone out): True if there
    was one. The next report starts fresh; the report log keeps the words sent."""
    try:
        with db.session() as s:
            get_or_raise(s, Engagement, engagement_id, "engagement")
            row = s.exec(select(ReportDraft)
                         .where(ReportDraft.engagement_id == engagement_id)).first()
            if row is None:
                return False
            s.delete(row)
            return True
    except (DBAPIError, StorageError):  # a busy or full file: the draft's own sentence
        raise _storage_error("ended") from None
