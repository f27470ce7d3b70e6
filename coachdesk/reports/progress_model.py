"""Sponsor progress reports, the read model: what one engagement's report says over a period.

Confidentiality by construction: :func:`report_data` is the ONE function that reads the
database for a report, and it selects only shareable fields into a frozen
:class:`ReportData`. ``progress.build_report_pdf`` receives nothing else. Never read here:

* a session's ``private_notes`` (only ``shared_summary`` of held sessions is selected),
* a reading's ``private_comment`` (readings are read by column: day and value only),
* any indicator the coach did not choose: ``indicator_ids`` names the ones to include, and
  the readings of no other indicator are even read (none are, without the argument),
* anything the client has not agreed to share: the consent in force
  (``services.consent``) is read in the same snapshot, and a section or an indicator it
  does not list is refused (ValidationError on "consent") before anything is selected;
  with no consent recorded, no report is made at all,
* a goal rating's ``comment`` (the coach's working note on a rating: treated as private;
  only levels are read),
* stakeholders (unless the coach ticks "include the stakeholder map", and then only
  their name, role, relation, influence, relationship quality and trend: never a
  stakeholder's notes or MVS), the motivational value system (MVS) and blocking patterns,
* the client's contact details and background, fees and the engagement's free-text fields.

Sessions are read by column (``select(CoachingSession.session_date, ...)``), so private
notes are not even loaded into memory.

``progress`` lays the PDF out from a :class:`ReportData` (and re-exports these names);
``progress_charts`` draws its indicator charts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select

from ..errors import NotFoundError, ValidationError
from ..models import (
    ActionItem,
    Client,
    CoachingSession,
    Engagement,
    Indicator,
    IndicatorReading,
    Organization,
    SessionStatus,
    Setting,
    Sponsor,
    Stakeholder,
)
from ..services import consent as consent_service
from ..services import goals as goal_service
from ..services import sessions as session_service
from ..storage import Database

# For a sponsor, the coach's own words come first: the summary and next steps follow the
# key figures at once, and the detail (goals, indicators, actions, sessions) backs them up.
SECTIONS = ("glance", "summary", "goals", "indicators", "actions", "sessions")
# The stakeholder map is not one of the SECTIONS a caller may list: it is only ever added by
# report_data(include_stakeholders=True), the coach's explicit tick. ORDER places it.
STAKEHOLDERS = "stakeholders"
ORDER = ("glance", "summary", "goals", "indicators", STAKEHOLDERS, "actions", "sessions")
SECTION_TITLES = {
    STAKEHOLDERS: "Stakeholder map",
    "glance": "Engagement at a glance",
    "goals": "Agreed objectives and goal attainment",
    "indicators": "Talent-retention indicators",
    "actions": "Action items",
    "sessions": "Session summaries",
    "summary": "Coach's summary and next steps",
}
COACH_NAME_KEY = "coach_name"
COACH_CREDENTIALS_KEY = "coach_credentials"
COACH_LOGO_KEY = "coach_logo_path"
COACH_LOGO_IMAGE_KEY = "coach_logo_image"  # its bytes, base64 (services/settings.py)
GONE = ("One of the chosen indicators no longer exists (it may have been deleted); please "
        "choose again.")
CANCELLED = (SessionStatus.cancelled, SessionStatus.cancelled_late, SessionStatus.no_show)


@dataclass(frozen=True)
class GoalLine:
    title: str
    baseline_level: int
    level_then: int  # at the period's start
    level_now: int  # at the period's end
    now_description: str  # the agreed description of the level reached
    sentence: str


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    scale_min: int
    scale_max: int
    higher_is_better: bool
    points: tuple[tuple[date, float], ...]  # oldest first

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    @property
    def change(self) -> float:
        return self.points[-1][1] - self.points[0][1]

    @property
    def first_reading(self) -> bool:
        """Only one reading in the period: there is nothing to compare it with yet."""
        return len(self.points) < 2


@dataclass(frozen=True)
class IndicatorChoice:
    """An indicator the coach may choose for a report: one with readings in the period.

    ``sensitive`` ones (wellbeing, intent to stay) are never preselected."""

    indicator_id: int
    name: str
    sensitive: bool
    readings: int  # in the period
    description: str = ""


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str  # "client" or "coach"
    due_date: date | None
    status: str  # "open", "done" or "dropped"


@dataclass(frozen=True)
class SessionSummary:
    day: date
    duration_minutes: int
    summary: str


@dataclass(frozen=True)
class StakeholderLine:
    """One person on the stakeholder map: the shareable columns only (no notes, no MVS)."""

    name: str
    role: str
    relation: str  # "manager", "peer", "direct_report", "sponsor", "other"
    influence: int  # 1-5
    relationship_quality: int  # 1-5
    trend: str  # "improving", "steady", "worsening"


@dataclass(frozen=True)
class ReportData:
    """Everything a sponsor report prints: shareable fields only (see the module's doc)."""

    client_name: str
    organization: str
    sponsor_name: str
    coach_name: str
    period_from: date
    period_to: date
    kind: str
    engagement_start: date
    engagement_end: date | None
    sessions_held: int  # in the period
    sessions_planned: int  # in the period, not yet held
    sessions_cancelled: int  # in the period: cancelled, late cancellations, no-shows
    hours_in_period: float
    sessions_agreed: int
    sessions_used: int  # over the whole engagement
    hours_agreed: float
    hours_delivered: float  # over the whole engagement
    goals: tuple[GoalLine, ...]
    t_score_baseline: float | None
    t_score_then: float | None
    t_score_now: float | None
    t_score_sentence: str
    indicators: tuple[IndicatorLine, ...]
    actions: tuple[ActionLine, ...]
    sessions: tuple[SessionSummary, ...]
    coach_summary: str
    next_steps: str
    sections: tuple[str, ...] = SECTIONS
    made_on: date | None = None
    coach_credentials: str = ""  # "PCC", printed after the coach's name on the cover
    logo_path: str = ""  # the coach's logo (PNG/JPEG) for the cover, "" for none
    logo_image: bytes = b""  # its bytes as kept in the practice (used before the path)
    stakeholders: tuple[StakeholderLine, ...] = ()  # only with include_stakeholders
    indicator_ids: tuple[int, ...] = ()  # the ids of ``indicators``, in the same order

    @property
    def coach_signature(self) -> str:
        """"Anne Martin, PCC" (or the name alone)."""
        if self.coach_name and self.coach_credentials:
            return f"{self.coach_name}, {self.coach_credentials}"
        return self.coach_name

    @property
    def actions_done(self) -> int:
        return sum(a.status == "done" for a in self.actions)

    @property
    def actions_open(self) -> int:
        return sum(a.status == "open" for a in self.actions)


def _as_date(value, field: str, label: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"The {label} date “{str(value)[:30]}” is not a date like "
                              "2026-03-31.", field) from None


def _plain(level: int) -> str:
    return goal_service.LEVEL_LABELS[level].lower()


def goal_sentence(baseline: int, then: int, now: int) -> str:
    """One plain sentence on a goal's path, e.g. 'Up 2 levels since the start: now …'."""
    moved = now - baseline
    if moved > 0:
        head = f"Up {moved} level{'s' if moved != 1 else ''} since the start"
    elif moved < 0:
        head = f"Down {-moved} level{'s' if moved != -1 else ''} since the start"
    else:
        head = "No change since the start"
    tail = f"now {_plain(now)}"
    if then != now:
        step = now - then
        tail += f" ({step:+d} in this period)"
    return f"{head}: {tail}."


def t_score_sentence(baseline: float | None, now: float | None) -> str:
    if now is None:
        return "No goals have been agreed yet, so there is no attainment score."
    if now >= 60:
        where = "clearly more than expected"
    elif now > 55:
        where = "somewhat more than expected"
    elif now >= 45:
        where = "about the expected outcome"
    elif now > 40:
        where = "somewhat less than expected"
    else:
        where = "clearly less than expected"
    out = (f"A T-score of {now:.0f} means the goals, taken together, stand at {where} "
           "(50 is every goal exactly at its expected outcome).")
    if baseline is not None:
        out += f" It started at {baseline:.0f}."
    return out


def _decoded(text: str) -> bytes:
    """The logo's bytes from their base64 setting; b"" when absent or not base64."""
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=True) if text else b""
    except (binascii.Error, ValueError):
        return b""


def _setting(s, key: str) -> str:
    row = s.get(Setting, key)
    return (row.value or "").strip() if row is not None else ""


def _indicator_ids(indicator_ids) -> tuple[int, ...]:
    """The chosen indicator ids as ints, in the order given, without repeats."""
    if indicator_ids is None:
        return ()
    if isinstance(indicator_ids, (str, int)):
        indicator_ids = [indicator_ids]
    out: list[int] = []
    for raw in indicator_ids:
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValidationError(f"“{str(raw)[:30]}” is not an indicator id.",
                                  "indicator_ids") from None
        if number not in out:
            out.append(number)
    return tuple(out)


def _period_of(e: Engagement, date_from, date_to, today: date) -> tuple[date, date]:
    start = _as_date(date_from, "date_from", "from") or e.start_date
    end = _as_date(date_to, "date_to", "to") or (
        min(today, e.end_date) if e.end_date else today)
    if end < start:
        raise ValidationError("The period ends before it starts.", "date_to")
    return start, end


def indicator_choices(db: Database, engagement_id: int, date_from=None, date_to=None,
                      today: date | None = None) -> list[IndicatorChoice]:
    """The indicators the coach may choose for this engagement's report over a period:
    those with readings of the client in the period, in the library's order (retired ones
    too, when they were rated). Reads names and counts only, never a value or a comment.

    Raises NotFoundError for an unknown engagement, ValidationError for a bad period."""
    try:
        eid = int(engagement_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"There is no engagement {engagement_id!r}.") from None
    with db.session() as s:
        e = s.get(Engagement, eid)
        if e is None:
            raise NotFoundError(f"There is no engagement with id {engagement_id}.")
        start, end = _period_of(e, date_from, date_to, today or date.today())
        rows = s.exec(sa_select(Indicator.id, Indicator.name, Indicator.sensitive,
                                Indicator.description, func.count(IndicatorReading.id))
                      .join(IndicatorReading, IndicatorReading.indicator_id == Indicator.id)
                      .where(IndicatorReading.client_id == e.client_id,
                             IndicatorReading.reading_date >= start,
                             IndicatorReading.reading_date <= end)
                      .group_by(Indicator.id)
                      .order_by(Indicator.position, Indicator.id)).all()
    return [IndicatorChoice(r[0], r[1], bool(r[2]), r[4], r[3] or "") for r in rows]


def report_data(db: Database, engagement_id: int, date_from=None, date_to=None,
                sections=None, coach_summary: str = "", next_steps: str = "",
                today: date | None = None, include_stakeholders: bool = False,
                indicator_ids: Iterable[int] | None = None) -> ReportData:
    """The report's read model for one engagement over a period (shareable fields only).

    The period defaults to the engagement's start up to today (or its end, if earlier).
    Never reads private notes, private indicator comments, goal rating comments, MVS or
    blocking patterns: see the module's doc.

    Consent decides (``services.consent``): ``sections`` (None: every section of
    :data:`SECTIONS` the consent in force allows), the stakeholder map and each of
    ``indicator_ids`` must be in the consent in force, else ValidationError (field
    "consent") with a sentence that counts what was refused and names none of it. With no
    consent recorded for the engagement, every call is refused (nothing may be shared).

    ``indicator_ids`` names the indicators the coach chose for this report, one by one;
    only their readings (day and value) are read, and no argument means none: the
    talent-retention section is then left out. An id that is no such indicator is a
    ValidationError on ``indicator_ids``.

    ``include_stakeholders`` (off by default: the map is the coach's working material)
    adds the stakeholder map. Even then only each stakeholder's name, role, relation,
    influence, relationship quality and trend are read (by column): never their notes
    and never their motivational value system (MVS).

    ``sections`` of the result are the ones that print: a section with nothing the coach
    wrote or chose for it (no summary and no next steps, no shared session summaries, no
    chosen indicator with readings, no stakeholders) is left out rather than filled with
    a "nothing written" line for the sponsor.
    """
    try:
        eid = int(engagement_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"There is no engagement {engagement_id!r}.") from None
    chosen_indicators = _indicator_ids(indicator_ids)
    unknown = set(sections or ()) - set(SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown report section: {sorted(unknown)[0]}.", "sections")
    today = today or date.today()
    with db.session() as s:
        e = s.get(Engagement, eid)
        if e is None:
            raise NotFoundError(f"There is no engagement with id {eid}.")
        # Consent first: nothing is selected for a report the client has not agreed to.
        consent = consent_service.in_force(s, eid)
        if sections is None:
            sections = tuple(k for k in SECTIONS if consent and consent.allows_section(k))
        wanted = set(sections)
        if include_stakeholders:
            wanted.add(STAKEHOLDERS)
        if chosen_indicators and len(s.exec(sa_select(Indicator.id).where(
                Indicator.id.in_(chosen_indicators))).all()) != len(chosen_indicators):
            raise ValidationError(GONE, "indicator_ids")
        consent_service.check(consent, wanted, chosen_indicators)
        chosen = tuple(x for x in ORDER if x in wanted)
        client = s.get(Client, e.client_id)
        org = s.get(Organization, client.organization_id) if client.organization_id else None
        sponsor = s.get(Sponsor, e.sponsor_id) if e.sponsor_id else None
        coach = _setting(s, COACH_NAME_KEY)
        credentials = _setting(s, COACH_CREDENTIALS_KEY)
        logo = _setting(s, COACH_LOGO_KEY)
        logo_image = _setting(s, COACH_LOGO_IMAGE_KEY)
        start, end = _period_of(e, date_from, date_to, today)
        # Sessions: by column, so private notes are never loaded.
        rows = s.exec(sa_select(CoachingSession.id, CoachingSession.session_date,
                                CoachingSession.duration_minutes, CoachingSession.status,
                                CoachingSession.shared_summary)
                      .where(CoachingSession.engagement_id == eid,
                             CoachingSession.session_date >= start,
                             CoachingSession.session_date <= end)
                      .order_by(CoachingSession.session_date, CoachingSession.id)).all()
        statuses = [SessionStatus(r[3]) for r in rows]
        held_rows = [r for r, stt in zip(rows, statuses, strict=True) if stt == SessionStatus.held]
        # Actions agreed in this engagement's sessions up to the period's end that were
        # agreed in the period, or still open when it began, or settled during it.
        acts = s.exec(sa_select(ActionItem.text, ActionItem.owner, ActionItem.due_date,
                                ActionItem.status, ActionItem.status_changed_on,
                                CoachingSession.session_date)
                      .join(CoachingSession, CoachingSession.id == ActionItem.session_id)
                      .where(CoachingSession.engagement_id == eid,
                             CoachingSession.session_date <= end)
                      .order_by(CoachingSession.session_date, ActionItem.id)).all()
        people = ()
        if include_stakeholders:  # by column: notes and MVS are never loaded
            people = tuple(
                StakeholderLine(r[0] or "", r[1] or "", getattr(r[2], "value", r[2]), r[3],
                                r[4], getattr(r[5], "value", r[5]))
                for r in s.exec(sa_select(Stakeholder.name, Stakeholder.role,
                                          Stakeholder.relation, Stakeholder.influence,
                                          Stakeholder.relationship_quality, Stakeholder.trend)
                                .where(Stakeholder.client_id == e.client_id)
                                .order_by(Stakeholder.influence.desc(), Stakeholder.name,
                                          Stakeholder.id)).all())
        indicators, line_ids = _indicator_lines(s, e.client_id, chosen_indicators, start, end)
        names = (client.name, org.name if org else "", sponsor.name if sponsor else "")
        kind = getattr(e.kind, "value", e.kind)
        e_start, e_end = e.start_date, e.end_date
    actions = []
    for text, owner, due, status, changed, agreed in acts:
        status = getattr(status, "value", status)
        if (agreed >= start or status == "open"
                or (changed is not None and changed >= start)):
            actions.append(ActionLine(text or "", getattr(owner, "value", owner), due, status))
    usage = session_service.usage(db, eid)
    goals = goal_service.list_for_engagement(db, eid)
    then = goal_service.current_levels(db, eid, as_of=start)
    now = goal_service.current_levels(db, eid, as_of=end)
    goal_lines = tuple(
        GoalLine(g.title, g.baseline_level, then[g.id], now[g.id],
                 getattr(g, goal_service.LEVEL_FIELDS[now[g.id]]) or "",
                 goal_sentence(g.baseline_level, then[g.id], now[g.id]))
        for g in goals)
    t_base = goal_service.baseline_t_score(db, eid)
    t_then = goal_service.engagement_t_score(db, eid, as_of=start)
    t_now = goal_service.engagement_t_score(db, eid, as_of=end)
    shared = tuple(SessionSummary(r[1], r[2] or 0, r[4] or "") for r in held_rows
                   if (r[4] or "").strip())
    # Only what has something to say prints: no "nothing written" filler for the sponsor.
    empty = {"summary": not ((coach_summary or "").strip() or (next_steps or "").strip()),
             "sessions": not shared, "indicators": not indicators,
             STAKEHOLDERS: not people}
    chosen = tuple(x for x in chosen if not empty.get(x, False))
    return ReportData(
        client_name=names[0], organization=names[1], sponsor_name=names[2], coach_name=coach,
        period_from=start, period_to=end, kind=str(kind), engagement_start=e_start,
        engagement_end=e_end,
        sessions_held=len(held_rows),
        sessions_planned=sum(x == SessionStatus.planned for x in statuses),
        sessions_cancelled=sum(x in CANCELLED for x in statuses),
        hours_in_period=round(sum(r[2] or 0 for r in held_rows) / 60, 2),
        sessions_agreed=usage.sessions_agreed, sessions_used=usage.sessions_used,
        hours_agreed=usage.hours_agreed, hours_delivered=usage.hours_delivered,
        goals=goal_lines, t_score_baseline=t_base, t_score_then=t_then, t_score_now=t_now,
        t_score_sentence=t_score_sentence(t_base, t_now),
        indicators=indicators, actions=tuple(actions),
        sessions=shared,
        coach_summary=coach_summary or "", next_steps=next_steps or "",
        sections=chosen, made_on=today, coach_credentials=credentials, logo_path=logo,
        logo_image=_decoded(logo_image),
        stakeholders=people, indicator_ids=tuple(line_ids))


def _indicator_lines(s, client_id: int, ids: tuple[int, ...], start: date,
                     end: date) -> tuple[tuple[IndicatorLine, ...], tuple[int, ...]]:
    """The chosen indicators' readings in the period (day and value, by column), in the
    library's order, and their ids; an indicator without readings in the period is left
    out."""
    if not ids:
        return (), ()
    library = s.exec(sa_select(Indicator.id, Indicator.name, Indicator.scale_min,
                               Indicator.scale_max, Indicator.higher_is_better)
                     .where(Indicator.id.in_(ids))
                     .order_by(Indicator.position, Indicator.id)).all()
    if len(library) != len(ids):
        raise ValidationError(GONE, "indicator_ids")
    points: dict[int, list[tuple[date, float]]] = {}
    for indicator_id, day, value in s.exec(
            sa_select(IndicatorReading.indicator_id, IndicatorReading.reading_date,
                      IndicatorReading.value)
            .where(IndicatorReading.client_id == client_id,
                   IndicatorReading.indicator_id.in_(ids),
                   IndicatorReading.reading_date >= start,
                   IndicatorReading.reading_date <= end)
            .order_by(IndicatorReading.reading_date, IndicatorReading.id)).all():
        points.setdefault(indicator_id, []).append((day, float(value)))
    kept = [row for row in library if row[0] in points]
    return (tuple(IndicatorLine(name, low, high, bool(better), tuple(points[i]))
                  for i, name, low, high, better in kept), tuple(row[0] for row in kept))
