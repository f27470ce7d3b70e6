"""Sponsor progress reports: one engagement over a period, as a PDF.

Confidentiality by construction: :func:`report_data` is the ONE function that reads the
database for a report, and it selects only shareable fields into a frozen
:class:`ReportData`. :func:`build_report_pdf` receives nothing else. Never read here:

* a session's ``private_notes`` (only ``shared_summary`` of held sessions is selected),
* a reading's ``private_comment`` (indicators come from ``services.charts``, which never
  reads it),
* a goal rating's ``comment`` (the coach's working note on a rating: treated as private;
  only levels are read),
* stakeholders (unless the coach ticks "include the stakeholder map", and then only
  their name, role, relation, influence, relationship quality and trend: never a
  stakeholder's notes or MVS), the motivational value system (MVS) and blocking patterns,
* the client's contact details and background, fees and the engagement's free-text fields.

Sessions are read by column (``select(CoachingSession.session_date, ...)``), so private
notes are not even loaded into memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph,
                                Spacer, Table, TableStyle)
from sqlalchemy import select as sa_select

from ..errors import NotFoundError, ValidationError
from ..models import (ActionItem, Client, CoachingSession, Engagement, Organization, Setting,
                      SessionStatus, Sponsor, Stakeholder)
from ..storage import Database
from ..services import charts as chart_service
from ..services import goals as goal_service
from ..services import sessions as session_service
from . import pdfkit as kit
from . import styles as st
from .styles import markup

SECTIONS = ("glance", "goals", "indicators", "actions", "sessions", "summary")
# The stakeholder map is not one of the SECTIONS a caller may list: it is only ever added by
# report_data(include_stakeholders=True), the coach's explicit tick. ORDER places it.
STAKEHOLDERS = "stakeholders"
ORDER = ("glance", "goals", "indicators", STAKEHOLDERS, "actions", "sessions", "summary")
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
CANCELLED = (SessionStatus.cancelled, SessionStatus.cancelled_late, SessionStatus.no_show)


# -- the read model -------------------------------------------------------------------------


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
    stakeholders: tuple[StakeholderLine, ...] = ()  # only with include_stakeholders

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


def _setting(s, key: str) -> str:
    row = s.get(Setting, key)
    return (row.value or "").strip() if row is not None else ""


def report_data(db: Database, engagement_id: int, date_from=None, date_to=None,
                sections=SECTIONS, coach_summary: str = "", next_steps: str = "",
                today: date | None = None, include_stakeholders: bool = False) -> ReportData:
    """The report's read model for one engagement over a period (shareable fields only).

    The period defaults to the engagement's start up to today (or its end, if earlier).
    Never reads private notes, private indicator comments, goal rating comments, MVS or
    blocking patterns: see the module's doc.

    ``include_stakeholders`` (off by default: the map is the coach's working material)
    adds the stakeholder map. Even then only each stakeholder's name, role, relation,
    influence, relationship quality and trend are read (by column): never their notes
    and never their motivational value system (MVS).
    """
    try:
        eid = int(engagement_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"There is no engagement {engagement_id!r}.") from None
    wanted = set(sections or ())
    if include_stakeholders:
        wanted.add(STAKEHOLDERS)
    chosen = tuple(x for x in ORDER if x in wanted)
    unknown = set(sections or ()) - set(SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown report section: {sorted(unknown)[0]}.", "sections")
    today = today or date.today()
    with db.session() as s:
        e = s.get(Engagement, eid)
        if e is None:
            raise NotFoundError(f"There is no engagement with id {eid}.")
        client = s.get(Client, e.client_id)
        org = s.get(Organization, client.organization_id) if client.organization_id else None
        sponsor = s.get(Sponsor, e.sponsor_id) if e.sponsor_id else None
        coach = _setting(s, COACH_NAME_KEY)
        credentials = _setting(s, COACH_CREDENTIALS_KEY)
        logo = _setting(s, COACH_LOGO_KEY)
        start = _as_date(date_from, "date_from", "from") or e.start_date
        end = _as_date(date_to, "date_to", "to") or (
            min(today, e.end_date) if e.end_date else today)
        if end < start:
            raise ValidationError("The period ends before it starts.", "date_to")
        # Sessions: by column, so private notes are never loaded.
        rows = s.exec(sa_select(CoachingSession.id, CoachingSession.session_date,
                                CoachingSession.duration_minutes, CoachingSession.status,
                                CoachingSession.shared_summary)
                      .where(CoachingSession.engagement_id == eid,
                             CoachingSession.session_date >= start,
                             CoachingSession.session_date <= end)
                      .order_by(CoachingSession.session_date, CoachingSession.id)).all()
        statuses = [SessionStatus(r[3]) for r in rows]
        held_rows = [r for r, stt in zip(rows, statuses) if stt == SessionStatus.held]
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
    series = chart_service.indicator_series(db, e.client_id, since=start, until=end)
    indicators = tuple(
        IndicatorLine(x.name, x.scale_min, x.scale_max, x.higher_is_better,
                      tuple((p.day, p.value) for p in x.points))
        for x in series if x.points)
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
        sessions=tuple(SessionSummary(r[1], r[2] or 0, r[4] or "") for r in held_rows
                       if (r[4] or "").strip()),
        coach_summary=coach_summary or "", next_steps=next_steps or "",
        sections=chosen, made_on=today, coach_credentials=credentials, logo_path=logo,
        stakeholders=people)


# -- the PDF --------------------------------------------------------------------------------

SUBJECT = "Coaching progress report"
CHART_H = 38 * mm
SERIES_COLOUR = st.ACCENT


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _hours(x: float) -> str:
    return f"{_num(round(x, 1))} h"


def _period(d: ReportData) -> str:
    return f"{kit.short_date(d.period_from)} – {kit.short_date(d.period_to)}"


class IndicatorChart(Flowable):
    """One indicator's line over the period, as vector graphics (reportlab.graphics)."""

    def __init__(self, line: IndicatorLine, start: date, end: date, width: float):
        super().__init__()
        self.line, self.start, self.end, self.w = line, start, end, width

    def wrap(self, availWidth, availHeight):
        self.w = min(self.w, availWidth)
        return self.w, CHART_H

    def _drawing(self) -> Drawing:
        ln = self.line
        w, h = self.w, CHART_H
        d = Drawing(w, h)
        left, right, bottom, top = 16, w - 4, 14, h - 4
        lo, hi = ln.scale_min, ln.scale_max
        span_days = max((self.end - self.start).days, 1)
        rng = (hi - lo) or 1

        def xy(day: date, value: float) -> tuple[float, float]:
            x = left + (right - left) * min(max((day - self.start).days / span_days, 0), 1)
            y = bottom + (top - bottom) * (value - lo) / rng
            return x, y

        for v in (lo, (lo + hi) / 2, hi):
            y = bottom + (top - bottom) * (v - lo) / rng
            d.add(Line(left, y, right, y, strokeColor=st.RULE, strokeWidth=0.3))
            d.add(String(left - 3, y - 2.5, _num(v), fontName=st.FONT, fontSize=6,
                         fillColor=st.MUTED, textAnchor="end"))
        d.add(String(left, 3, kit.short_date(self.start), fontName=st.FONT, fontSize=6,
                     fillColor=st.MUTED))
        d.add(String(right, 3, kit.short_date(self.end), fontName=st.FONT, fontSize=6,
                     fillColor=st.MUTED, textAnchor="end"))
        pts = [xy(day, v) for day, v in ln.points]
        if len(pts) > 1:
            d.add(PolyLine([c for p in pts for c in p], strokeColor=SERIES_COLOUR,
                           strokeWidth=1.4))
        for x, y in pts:
            d.add(Circle(x, y, 1.6, fillColor=st.WHITE, strokeColor=SERIES_COLOUR,
                         strokeWidth=0.9))
        return d

    def draw(self):
        self._drawing().drawOn(self.canv, 0, 0)


def _heading(text: str) -> list[Flowable]:
    s = _styles()
    return [CondPageBreak(40 * mm), Paragraph(markup(text), s["h1"]), Spacer(1, 2 * mm)]


_extra: dict | None = None


def _styles() -> dict:
    global _extra
    if _extra is None:
        from reportlab.lib.styles import ParagraphStyle
        s = dict(st.styles())
        s["h1"] = ParagraphStyle("h1", parent=s["stage"], fontSize=14, leading=18,
                                 spaceBefore=6, spaceAfter=2)
        s["h2"] = ParagraphStyle("h2", parent=s["body"], fontName=st.FONT_BOLD, fontSize=10,
                                 leading=13)
        s["cover_title"] = ParagraphStyle("cover_title", parent=s["title"], fontSize=26,
                                          leading=32)
        s["cover_name"] = ParagraphStyle("cover_name", parent=s["body"], fontName=st.FONT_BOLD,
                                         fontSize=18, leading=23)
        s["cover_meta"] = ParagraphStyle("cover_meta", parent=s["body"], fontSize=11,
                                         leading=16)
        s["confidential"] = ParagraphStyle("confidential", parent=s["body"],
                                           fontName=st.FONT_BOLD, fontSize=10, leading=14,
                                           textColor=st.PRIVATE)
        s["big"] = ParagraphStyle("big", parent=s["body"], fontName=st.FONT_BOLD, fontSize=16,
                                  leading=19, textColor=st.ACCENT)
        s["date"] = ParagraphStyle("date", parent=s["body"], fontName=st.FONT_BOLD, fontSize=9,
                                   leading=12, textColor=st.ACCENT, spaceBefore=4)
        _extra = s
    return _extra


def _cover(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    image = kit.logo(d.logo_path, max_width=40 * mm, max_height=24 * mm)
    top = [image, Spacer(1, max(30 * mm - image.drawHeight, 6 * mm))] if image else [
        Spacer(1, 30 * mm)]
    out: list[Flowable] = top + [Paragraph("Coaching progress report", s["cover_title"]),
                           Spacer(1, 10 * mm),
                           Paragraph(markup(kit.short(d.client_name)), s["cover_name"])]
    if d.organization:
        out.append(Paragraph(markup(kit.short(d.organization)), s["cover_meta"]))
    out.append(Spacer(1, 12 * mm))
    meta = [("Period", _period(d))]
    if d.sponsor_name:
        meta.append(("Sponsor", kit.short(d.sponsor_name)))
    if d.coach_signature:
        meta.append(("Coach", kit.short(d.coach_signature)))
    if d.made_on:
        meta.append(("Prepared on", kit.format_date(d.made_on)))
    rows = [[Paragraph(markup(k), s["meta_label"]), Paragraph(markup(v), s["cover_meta"])]
            for k, v in meta]
    t = Table(rows, colWidths=[32 * mm, width - 32 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (0, -1), 4),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                           ("LINEABOVE", (0, 0), (-1, 0), 0.8, st.ACCENT)]))
    out += [t, Spacer(1, 18 * mm)]
    who = kit.short(d.sponsor_name) if d.sponsor_name else "the sponsor"
    out.append(Paragraph(markup(f"Confidential — prepared for {who}"), s["confidential"]))
    out.append(Paragraph("This report shares progress agreed to be shared. The coach's "
                         "working notes are not part of it.", s["small"]))
    return out


def _key_figures(items: list[tuple[str, str]], width: float) -> Table:
    s = _styles()
    cells = [[Paragraph(markup(v), s["big"]) for _, v in items],
             [Paragraph(markup(k), s["small"]) for k, _ in items]]
    t = Table(cells, colWidths=[width / len(items)] * len(items), hAlign="LEFT")
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), st.FAINT),
                           ("LINEBEFORE", (1, 0), (-1, -1), 2, st.WHITE),
                           ("TOPPADDING", (0, 0), (-1, 0), 7),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                           ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return t


def _glance(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    figures = [("sessions held", str(d.sessions_held)),
               ("hours in this period", _hours(d.hours_in_period)),
               ("planned", str(d.sessions_planned)),
               ("cancelled", str(d.sessions_cancelled))]
    out: list[Flowable] = [_key_figures(figures, width), Spacer(1, 3 * mm)]
    kind = d.kind.replace("_", " ").capitalize()
    dates = kit.short_date(d.engagement_start) + (
        f" – {kit.short_date(d.engagement_end)}" if d.engagement_end else " – ongoing")
    agreed = []
    if d.sessions_agreed:
        agreed.append(f"{d.sessions_used} of {d.sessions_agreed} sessions used")
    if d.hours_agreed:
        agreed.append(f"{_hours(d.hours_delivered)} delivered of {_hours(d.hours_agreed)} "
                      "agreed")
    else:
        agreed.append(f"{_hours(d.hours_delivered)} delivered")
    rows = [("Engagement", f"{kind}, {dates}"), ("Since the start", "; ".join(agreed))]
    if not d.sessions_held:
        rows.append(("This period", "No sessions yet in this period."))
    out.append(_pairs(rows, width))
    return out


def _pairs(rows: list[tuple[str, str]], width: float) -> Table:
    s = _styles()
    t = Table([[Paragraph(markup(k), s["meta_label"]), Paragraph(markup(v), s["body"])]
               for k, v in rows], colWidths=[34 * mm, width - 34 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (0, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return t


def _empty(text: str) -> Paragraph:
    return Paragraph(markup(text), _styles()["empty"])


def _goals(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.goals:
        return [_empty("No goals have been agreed yet.")]
    out: list[Flowable] = []
    if d.t_score_now is not None:
        figures = [("attainment now (GAS T-score)", f"{d.t_score_now:.0f}")]
        if d.t_score_then is not None:
            figures.append(("at the start of this period", f"{d.t_score_then:.0f}"))
        if d.t_score_baseline is not None:
            figures.append(("at the start of the engagement", f"{d.t_score_baseline:.0f}"))
        out += [_key_figures(figures, width), Spacer(1, 2 * mm),
                Paragraph(markup(d.t_score_sentence), s["body"]), Spacer(1, 3 * mm)]
    col = [None, 19 * mm, 19 * mm, 19 * mm]
    col[0] = width - sum(c for c in col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Goal", "At start", "Period start", "Now")]]
    style = kit.table_style()
    for g in d.goals:
        cell = [Paragraph(markup(kit.short(g.title, 300)), s["h2"]),
                Paragraph(markup(g.sentence), s["td_muted"])]
        if g.now_description.strip():
            cell.append(Paragraph(markup("Now: " + kit.short(g.now_description, 400)),
                                  s["td_muted"]))
        data.append([cell] + [Paragraph(f"{x:+d}" if x else "0", s["td_center"])
                              for x in (g.baseline_level, g.level_then, g.level_now)])
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    out.append(t)
    out.append(Paragraph("Levels run from −2 (much less than expected) through 0 (the expected "
                         "outcome) to +2 (much more than expected).", s["small"]))
    return out


def _indicators(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.indicators:
        return [_empty("No indicator readings yet in this period.")]
    out: list[Flowable] = []
    gap = 6 * mm
    half = (width - gap) / 2
    cells = []
    for ln in d.indicators:
        change = ln.change
        better = (change > 0) == ln.higher_is_better
        trend = "no change" if abs(change) < 1e-9 else (
            f"{'+' if change > 0 else '−'}{_num(abs(round(change, 1)))} since "
            f"{kit.short_date(ln.points[0][0])}" + (" (better)" if better else " (worse)"))
        head = Paragraph(markup(kit.short(ln.name, 80)), s["h2"])
        sub = Paragraph(markup(f"Latest {_num(round(ln.latest, 1))} on a scale of "
                               f"{ln.scale_min} to {ln.scale_max} · {trend}"), s["small"])
        cells.append([head, sub, Spacer(1, 1 * mm),
                      IndicatorChart(ln, d.period_from, d.period_to, half)])
    rows = [cells[i:i + 2] + ([""] if len(cells[i:i + 2]) < 2 else [])
            for i in range(0, len(cells), 2)]
    t = Table(rows, colWidths=[half + gap, half], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, -1), gap),
                           ("RIGHTPADDING", (1, 0), (1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm)]))
    out.append(t)
    return out


RELATION_LABELS = {"manager": "Manager", "peer": "Peer", "direct_report": "Direct report",
                   "sponsor": "Sponsor", "other": "Other"}
TREND_LABELS = {"improving": "Improving", "steady": "Steady", "worsening": "Worsening"}


def _stakeholders(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.stakeholders:
        return [_empty("No stakeholders recorded.")]
    col = [None, 36 * mm, 25 * mm, 20 * mm, 26 * mm, 21 * mm]
    col[0] = width - sum(col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Name", "Role", "Relation", "Influence",
                                             "Relationship", "Trend")]]
    for p in d.stakeholders:
        data.append([Paragraph(markup(kit.short(p.name, 120)), s["td"]),
                     Paragraph(markup(kit.short(p.role, 120)), s["td_muted"]),
                     Paragraph(markup(RELATION_LABELS.get(p.relation, p.relation)), s["td"]),
                     Paragraph(f"{p.influence} / 5", s["td_center"]),
                     Paragraph(f"{p.relationship_quality} / 5", s["td_center"]),
                     Paragraph(markup(TREND_LABELS.get(p.trend, p.trend)), s["td"])])
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(kit.table_style()))
    return [t, Paragraph("Influence on the client's goals and quality of the working "
                         "relationship, each from 1 (low) to 5 (high), as the coach sees them.",
                         s["small"])]


def _actions(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.actions:
        return [_empty("No action items in this period.")]
    out: list[Flowable] = [Paragraph(markup(
        f"{d.actions_done} completed, {d.actions_open} open"
        + (f", {len(d.actions) - d.actions_done - d.actions_open} dropped"
           if len(d.actions) - d.actions_done - d.actions_open else "") + "."), s["body"]),
        Spacer(1, 2 * mm)]
    col = [None, 18 * mm, 27 * mm, 20 * mm]
    col[0] = width - sum(col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Action", "Who", "By when", "Status")]]
    order = {"open": 0, "done": 1, "dropped": 2}
    for a in sorted(d.actions, key=lambda a: order.get(a.status, 3)):
        pieces = kit.chunks(kit.cell_text(a.text), kit.CELL_CHUNK) or [""]
        for i, piece in enumerate(pieces):
            if i == 0:
                data.append([kit.cell(piece, s["td"]),
                             Paragraph(markup(a.owner.capitalize()), s["td"]),
                             Paragraph(markup(kit.short_date(a.due_date)) or "—", s["td"]),
                             Paragraph(markup(a.status.capitalize()),
                                       s["done"] if a.status == "done" else s["td_muted"])])
            else:
                data.append([kit.cell(piece, s["td"]), "", "", ""])
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(kit.table_style()))
    out.append(t)
    return out


def _sessions(d: ReportData) -> list[Flowable]:
    s = _styles()
    if not d.sessions:
        return [_empty("No sessions yet in this period." if not d.sessions_held else
                       "No shared summaries were written for the sessions in this period.")]
    out: list[Flowable] = []
    for x in d.sessions:
        paras = kit.text_flowables(x.summary, s["body"])
        label = kit.format_date(x.day) + (f" · {kit.duration(x.duration_minutes)}"
                                          if x.duration_minutes else "")
        out.append(KeepTogether([Paragraph(markup(label), s["date"])] + paras[:1]))
        out.extend(paras[1:])
    return out


def _summary(d: ReportData) -> list[Flowable]:
    s = _styles()
    out: list[Flowable] = [Paragraph("Summary", s["label"])]
    out += kit.text_flowables(d.coach_summary, s["body"], empty="No summary written.")
    out += [Paragraph("Next steps", s["label"])]
    out += kit.text_flowables(d.next_steps, s["body"], empty="No next steps written.")
    return out


class _ReportDecorations(kit.Decorations):
    """Header and footer on every page but the cover (which says it all in large type)."""

    def draw(self, c, page: int, total: int) -> None:
        if page > 1:
            super().draw(c, page, total)


def build_report_pdf(out_path, data: ReportData, paper: str = "A4") -> Path:
    """Write the sponsor report for ``data`` (from :func:`report_data`) to ``out_path``."""
    paper = st.normalize_paper(paper)
    width = kit.content_width(paper)
    story: list[Flowable] = _cover(data, width) + [PageBreak()]
    makers = {
        "glance": lambda: _glance(data, width),
        "goals": lambda: _goals(data, width),
        "indicators": lambda: _indicators(data, width),
        STAKEHOLDERS: lambda: _stakeholders(data, width),
        "actions": lambda: _actions(data, width),
        "sessions": lambda: _sessions(data),
        "summary": lambda: _summary(data),
    }
    for key in data.sections:
        story += _heading(SECTION_TITLES[key]) + makers[key]() + [Spacer(1, 6 * mm)]
    client = kit.short(data.client_name, 60)
    deco = _ReportDecorations(f"Coaching progress report — {client}", _period(data),
                           "Confidential — prepared for " + (kit.short(data.sponsor_name, 60)
                                                              or "the sponsor"))
    # Metadata: only what the cover shows (no notes of any kind).
    title = f"Coaching progress report — {client} — {_period(data)}"

    def build(tmp: Path) -> None:
        kit.new_doc(tmp, paper, title, subject=SUBJECT,
                    author=kit.short(data.coach_name, 80) or "CoachDesk",
                    keywords=["coaching", "progress report"]).build(
            story, canvasmaker=kit.canvas_maker(deco))

    return kit.write_pdf(out_path, build)

