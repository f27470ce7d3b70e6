"""Practice-wide figures for the dashboard, in a few set-based queries.

The retention signal comes from ``risk``, the averages from ``charts``; this
module adds what only the whole practice needs (sessions this month, engagements
ending or used up, overdue actions) and ``load_dashboard`` gathers everything in
one pass, so the page and the benchmark can time and test the data apart from
the widgets. The numbers agree with ``sessions.recent``, ``sessions.upcoming``,
``sessions.usage`` and ``actions.open_actions`` (tests check it); those build a
row per session, which on 50,000 sessions costs a tenth of a second each.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import text

from ..hours import hours_text
from . import charts, risk, sessions, unchanged

ENDING_WITHIN_DAYS = 30
PLANNED_WITHIN_DAYS = 14
TOP_ACTIONS = 6
CHART_MONTHS = 12


def day_text(day: date | None) -> str:
    return risk.day_text(day) if day else "—"


# -- the data ------------------------------------------------------------------------------


@dataclass
class EngagementFlag:
    client_id: int
    client_name: str
    what: str  # "Ends on 12 Dec 2026 (in 19 days)" / "Agreement used up: 10 of 10 sessions"
    kind: str  # "ended" (its end date passed, still marked active), "ending" or "used_up"


@dataclass
class AgendaItem:
    """A session planned for today or tomorrow, as the dashboard's agenda lists it."""

    session_id: int
    client_id: int
    client_name: str
    day: date
    start: time | None
    duration_minutes: int
    format: str  # "In person", "Video", "Phone"
    number: int  # its place in the engagement: sessions used before it, and planned ones, + 1
    agreed: int  # sessions agreed (0: no number agreed)

    @property
    def usage_text(self) -> str:
        """"session 4 of 6" (or "session 4" when no number was agreed)."""
        return f"session {self.number} of {self.agreed}" if self.agreed else \
            f"session {self.number}"


@dataclass
class OverdueAction:
    client_id: int
    client_name: str
    text: str
    due_date: date


class LastHeld:
    """The date of a client's last session held, looked up when a row is shown.

    The attention list may hold thousands of clients and shows about ten: asking the
    index for the rows on screen beats grouping 50,000 sessions for all of them.
    """

    def __init__(self, db):
        self.db = db
        self._cache: dict[int, date | None] = {}

    def get(self, client_id: int) -> date | None:
        if client_id not in self._cache:
            with self.db.session() as s:
                raw = s.connection().connection.driver_connection
                day = raw.execute("SELECT max(session_date) FROM coaching_session "
                                  "WHERE client_id = ? AND status = 'held'",
                                  (client_id,)).fetchone()[0]
            self._cache[client_id] = _iso(day)
        return self._cache[client_id]


@dataclass
class DashboardData:
    """What the dashboard shows. Its assessments are the kept ones (``risk.shared_assessments``),
    shared with the next load until the practice changes: read them, never change them."""

    today: date
    attention: list[risk.Assessment]
    assessed: int
    last_held: LastHeld
    held_this_month: int
    hours_this_month: float
    planned_soon: int
    engagements: list[EngagementFlag]
    overdue_count: int
    overdue: list[OverdueAction]  # the oldest few
    averages: list[charts.IndicatorAverages] = field(default_factory=list)
    #: clients with nothing recorded to judge by yet ("No data yet"), by name
    no_data: list[risk.Assessment] = field(default_factory=list)
    #: sessions planned for today and tomorrow, in time order
    agenda: list[AgendaItem] = field(default_factory=list)


def _iso(value) -> date | None:
    return None if value is None else value if isinstance(value, date) \
        else date.fromisoformat(str(value)[:10])


def engagements_to_look_at(db, today: date) -> list[EngagementFlag]:
    """Active engagements of current clients whose end date has passed (still marked
    active: the coach ends or extends them), that end within 30 days, or whose agreement
    is used up (the same test as ``sessions.Usage.used_up``), in one set-based query; in
    that order.

    The engine has ``sessions.usage`` per engagement only; thousands of engagements
    need one query, so it is aggregated here and judged by the engine's ``Usage``.
    """
    counted = tuple(st.value for st in sessions.COUNTS_AGAINST_AGREEMENT)
    marks = ", ".join(f":c{i}" for i in range(len(counted)))
    sql = text(
        "SELECT e.id, e.client_id, c.name, e.end_date, e.sessions_agreed, e.hours_agreed,"
        " coalesce(sum(cs.status = 'held'), 0),"
        f" coalesce(sum(cs.status IN ({marks})), 0),"
        " coalesce(sum(CASE WHEN cs.status = 'held' THEN cs.duration_minutes END), 0),"
        " coalesce(sum(cs.status = 'planned'), 0)"
        " FROM engagement e JOIN client c ON c.id = e.client_id"
        " LEFT JOIN coaching_session cs ON cs.engagement_id = e.id"
        " WHERE e.status = 'active' AND e.archived = 0 AND c.status != 'archived'"
        " GROUP BY e.id")
    with db.session() as s:
        rows = s.execute(sql, {f"c{i}": v for i, v in enumerate(counted)}).all()
    ended, ending, used_up = [], [], []
    soon = today + timedelta(days=ENDING_WITHIN_DAYS)
    for _eid, cid, name, end, agreed, hours, held, used, minutes, planned in rows:
        usage = sessions.Usage(agreed or 0, hours or 0.0, held, used, round(minutes / 60, 2),
                               planned)
        end = _iso(end)
        if usage.used_up:
            if agreed:
                what = f"Agreement used up: {used} of {agreed} sessions"
            else:
                what = ("Agreement used up: "
                        f"{hours_text(usage.hours_delivered)} of {hours_text(hours)} h")
            used_up.append(EngagementFlag(cid, name, what, "used_up"))
        elif end is not None and end < today:
            ended.append(EngagementFlag(cid, name, f"Ended on {day_text(end)}, still marked "
                                        "active", "ended"))
        elif end is not None and today <= end <= soon:
            days = (end - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            ending.append(EngagementFlag(cid, name, f"Ends on {day_text(end)} ({when})", "ending"))
    ended.sort(key=lambda f: f.client_name.casefold())
    ending.sort(key=lambda f: f.what)
    used_up.sort(key=lambda f: f.client_name.casefold())
    return ended + ending + used_up


def session_figures(db, today: date) -> tuple[int, float, int, int, list[OverdueAction]]:
    """Sessions held and hours delivered this month (up to today); sessions planned in
    the next 14 days; overdue actions, counted, and the oldest few.

    The same numbers as ``sessions.recent``, ``sessions.upcoming`` and
    ``actions.open_actions`` (the tests check it), counted in SQL: those build a row
    per session or action, which on a practice of 50,000 sessions costs a tenth of a
    second each.
    """
    first = today.replace(day=1).isoformat()
    soon = (today + timedelta(days=PLANNED_WITHIN_DAYS)).isoformat()
    with db.session() as s:
        raw = s.connection().connection.driver_connection  # the sqlite3 connection
        # "+status": through the date index (this month's sessions), not the status one
        # (every session ever held): the cost follows the month, not the practice's history.
        held, minutes = raw.execute(
            "SELECT count(*), coalesce(sum(duration_minutes), 0) FROM coaching_session "
            "WHERE +status = 'held' AND session_date >= ? AND session_date <= ?",
            (first, today.isoformat())).fetchone()
        planned = raw.execute(
            "SELECT count(*) FROM coaching_session WHERE status = 'planned' "
            "AND session_date >= ? AND session_date <= ?", (today.isoformat(), soon)).fetchone()[0]
        overdue = ("FROM action_item a JOIN client c ON c.id = a.client_id WHERE a.status = 'open' "
                   "AND a.due_date IS NOT NULL AND a.due_date < ?")
        count = raw.execute(f"SELECT count(*) {overdue}", (today.isoformat(),)).fetchone()[0]
        oldest = raw.execute(f"SELECT a.client_id, c.name, a.text, a.due_date {overdue} "
                             "ORDER BY a.due_date, c.name, a.id LIMIT ?",
                             (today.isoformat(), TOP_ACTIONS)).fetchall()
    return (held, round(minutes / 60, 2), planned, count,
            [OverdueAction(cid, name, txt, _iso(due)) for cid, name, txt, due in oldest])


def _time(value) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value)[:8])


def agenda(db, today: date) -> list[AgendaItem]:
    """Sessions planned for today and tomorrow (by date, then time; untimed ones last on
    their day), in one query; each with its place in its engagement ("session 4 of 6").

    The place counts what ``sessions.usage`` counts as used (held, late cancellations,
    no-shows) plus the planned sessions before it (by date, time and id), so two planned
    sessions of one engagement are "4 of 6" and "5 of 6".
    """
    counted = tuple(st.value for st in sessions.COUNTS_AGAINST_AGREEMENT)
    marks = ", ".join("?" for _ in counted)
    tomorrow = today + timedelta(days=1)
    sql = (
        "SELECT cs.id, cs.client_id, c.name, cs.session_date, cs.start_time,"
        " cs.duration_minutes, cs.format, coalesce(e.sessions_agreed, 0),"
        f" (SELECT count(*) FROM coaching_session u WHERE u.engagement_id = cs.engagement_id"
        f"  AND u.status IN ({marks})),"
        " (SELECT count(*) FROM coaching_session p WHERE p.engagement_id = cs.engagement_id"
        "  AND p.status = 'planned' AND (p.session_date < cs.session_date"
        "   OR (p.session_date = cs.session_date AND (coalesce(p.start_time, '99') <"
        "       coalesce(cs.start_time, '99') OR (coalesce(p.start_time, '99') ="
        "       coalesce(cs.start_time, '99') AND p.id < cs.id)))))"
        " FROM coaching_session cs JOIN client c ON c.id = cs.client_id"
        " JOIN engagement e ON e.id = cs.engagement_id"
        " WHERE cs.status = 'planned' AND cs.session_date >= ? AND cs.session_date <= ?"
        " ORDER BY cs.session_date, cs.start_time IS NULL, cs.start_time, c.name, cs.id")
    with db.session() as s:
        raw = s.connection().connection.driver_connection
        rows = raw.execute(sql, counted + (today.isoformat(), tomorrow.isoformat())).fetchall()
    labels = {f.value: label for f, label in sessions.FORMAT_LABELS.items()}
    return [AgendaItem(sid, cid, name, _iso(day), _time(start), minutes or 0,
                       labels.get(fmt, str(fmt)), used + before + 1, agreed)
            for sid, cid, name, day, start, minutes, fmt, agreed, used, before in rows]


# The averages and the smaller figures are read on a second connection while the risk
# signal is worked out: SQLite lets readers run side by side (WAL), and the sqlite3
# module lets go of the GIL while a query runs.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard")


def _figures(db, today: date) -> tuple:
    """``session_figures``, ``engagements_to_look_at`` and ``agenda``, kept while the file
    is unchanged (like the signal and the averages); each caller gets lists of its own."""

    def work() -> tuple:
        return session_figures(db, today), engagements_to_look_at(db, today), agenda(db, today)

    def copy(value: tuple) -> tuple:
        (held, hours, planned, count, overdue), flagged, planned_next = value
        return (held, hours, planned, count, list(overdue)), list(flagged), list(planned_next)

    return unchanged.kept(db, ("practice.figures", today), work, copy)


def load_dashboard(db, today: date | None = None) -> DashboardData:
    """Everything the dashboard shows for ``today`` (default: the clock's date).

    The signal, the averages and the figures are each kept while the practice file is
    unchanged (``unchanged.kept``): a second visit costs a few milliseconds, the first
    (and the first after a write) 0.2-0.3 s of CPU on 5,000 clients, growing linearly
    (the signal, the averages and the figures are read on three connections side by side).
    """
    today = today or date.today()
    averages = _POOL.submit(charts.practice_indicator_averages, db, CHART_MONTHS, today)
    figures = _POOL.submit(_figures, db, today)
    assessed = risk.shared_assessments(db, today)  # read-only: the page only shows them
    attention = [a for a in assessed if a.needs_attention]
    no_data = [a for a in assessed if a.no_data]
    (held, hours, planned, overdue_count, overdue), flagged, planned_next = figures.result()
    return DashboardData(
        today=today, attention=attention, assessed=len(assessed), last_held=LastHeld(db),
        held_this_month=held, hours_this_month=hours, planned_soon=planned,
        engagements=flagged, overdue_count=overdue_count, overdue=overdue,
        averages=averages.result(), no_data=no_data, agenda=planned_next)
