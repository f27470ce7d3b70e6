"""The series behind every chart, as plain data: the Qt charts and the PDF reports draw
the same numbers from here and compute nothing themselves.

* ``indicator_series``: one client's readings, one series per indicator;
* ``goal_attainment_series``: an engagement's goal levels and its GAS T-score over time;
* ``practice_indicator_averages``: monthly averages per indicator across active clients.

Nothing here reads a reading's ``private_comment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from ..errors import NotFoundError
from ..models import ReadingSource
from ..storage import Database
from . import goals as goal_service
from . import unchanged


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class ReadingPoint:
    day: date
    value: float
    source: ReadingSource


@dataclass
class IndicatorSeries:
    indicator_id: int
    key: str | None
    name: str
    scale_min: int
    scale_max: int
    higher_is_better: bool
    retired: bool
    points: list[ReadingPoint] = field(default_factory=list)

    def fraction(self, value: float) -> float:
        """Where a value sits on the scale, 0 (worst end) to 1 (best end): lines of
        indicators with different scales can share one axis this way."""
        part = (value - self.scale_min) / ((self.scale_max - self.scale_min) or 1)
        return part if self.higher_is_better else 1 - part


def indicator_series(db: Database, client_id: int, engagement_id: int | None = None,
                     since: date | None = None, until: date | None = None) -> list[IndicatorSeries]:
    """Per indicator with readings in the period: its points, oldest first, in library order.

    Retired indicators are included when they have readings (``retired`` tells).
    """
    sql = ("SELECT r.indicator_id, r.reading_date, r.value, r.source FROM indicator_reading r "
           "WHERE r.client_id = :client_id")
    params: dict = {"client_id": client_id}
    if engagement_id is not None:
        sql += " AND r.engagement_id = :engagement_id"
        params["engagement_id"] = engagement_id
    if since is not None:
        sql += " AND r.reading_date >= :since"
        params["since"] = since.isoformat()
    if until is not None:
        sql += " AND r.reading_date <= :until"
        params["until"] = until.isoformat()
    sql += " ORDER BY r.reading_date, r.id"
    with db.session() as s:
        conn = s.connection()
        library = conn.execute(text(
            "SELECT id, key, name, scale_min, scale_max, higher_is_better, retired "
            "FROM indicator ORDER BY position, id")).all()
        rows = conn.execute(text(sql), params).all()
    by_indicator: dict[int, list[ReadingPoint]] = {}
    for indicator_id, day, value, source in rows:
        by_indicator.setdefault(indicator_id, []).append(
            ReadingPoint(_date(day), float(value), ReadingSource(source)))
    return [IndicatorSeries(i, key, name, low, high, bool(better), bool(retired),
                            by_indicator[i])
            for i, key, name, low, high, better, retired in library if i in by_indicator]


@dataclass(frozen=True)
class LevelPoint:
    day: date
    level: int


@dataclass
class GoalSeries:
    goal_id: int
    title: str
    weight: float
    baseline_level: int
    points: list[LevelPoint] = field(default_factory=list)  # the ratings, oldest first


@dataclass
class GoalAttainmentSeries:
    engagement_id: int
    goals: list[GoalSeries]
    t_scores: list[goal_service.TScorePoint]  # the first is the baseline
    rho: float = goal_service.DEFAULT_RHO

    @property
    def baseline_t_score(self) -> float | None:
        return self.t_scores[0].t_score if self.t_scores else None

    @property
    def current_t_score(self) -> float | None:
        return self.t_scores[-1].t_score if self.t_scores else None


def goal_attainment_series(db: Database, engagement_id: int,
                           rho: float = goal_service.DEFAULT_RHO) -> GoalAttainmentSeries:
    """Each goal's path (its ratings) and the engagement's T-score over time."""
    with db.session() as s:
        start = s.connection().execute(text("SELECT start_date FROM engagement WHERE id = :id"),
                                       {"id": engagement_id}).scalar()
        if start is None:
            raise NotFoundError("That engagement no longer exists (it may have been removed).")
        goals, rows = goal_service.goals_with_ratings(s, engagement_id)
    by_goal: dict[int, list[LevelPoint]] = {}
    for r in rows:
        by_goal.setdefault(r.goal_id, []).append(LevelPoint(r.rating_date, r.level))
    return GoalAttainmentSeries(
        engagement_id,
        [GoalSeries(g.id, g.title, g.weight, g.baseline_level, by_goal.get(g.id, []))
         for g in goals],
        goal_service.t_score_points(_date(start), goals, rows, rho), rho)


@dataclass(frozen=True)
class MonthAverage:
    month: date  # the first day of the month
    average: float
    clients: int  # how many clients were rated that month
    readings: int


@dataclass
class IndicatorAverages:
    indicator_id: int
    name: str
    scale_min: int
    scale_max: int
    higher_is_better: bool
    points: list[MonthAverage] = field(default_factory=list)


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def practice_indicator_averages(db: Database, months: int = 12,
                                today: date | None = None) -> list[IndicatorAverages]:
    """Monthly averages per indicator in use, across the active clients, for the last
    ``months`` months (this month included).

    Each client counts once per month: their readings that month are averaged
    first, so a client rated weekly weighs no more than one rated monthly.
    Months without readings are left out of an indicator's points. Kept while the
    practice file is unchanged (``unchanged.kept``), like the retention signal.
    """
    today = today or date.today()
    return unchanged.kept(db, ("charts.practice_indicator_averages", months, today),
                          lambda: _averages(db, months, today), _copy_averages)


def _copy_averages(averages: list[IndicatorAverages]) -> list[IndicatorAverages]:
    return [IndicatorAverages(a.indicator_id, a.name, a.scale_min, a.scale_max,
                              a.higher_is_better, list(a.points)) for a in averages]


def _averages(db: Database, months: int, today: date) -> list[IndicatorAverages]:
    since = _month_start(today, max(1, months) - 1)
    with db.session() as s:
        conn = s.connection()
        library = conn.execute(text(
            "SELECT id, name, scale_min, scale_max, higher_is_better FROM indicator "
            "WHERE retired = 0 ORDER BY position, id")).all()
        # Grouped in the (client, indicator, date) index's order and the active clients
        # as an IN list: about a third faster on 100,000 readings than joining client.
        rows = conn.execute(text(
            "SELECT indicator_id, month, avg(client_avg), count(*), sum(n) FROM ("
            " SELECT r.client_id, r.indicator_id, substr(r.reading_date, 1, 7) AS month,"
            "  avg(r.value) AS client_avg, count(*) AS n"
            " FROM indicator_reading r"
            " WHERE r.client_id IN (SELECT id FROM client WHERE status = 'active')"
            "  AND r.reading_date >= :since AND r.reading_date <= :until"
            " GROUP BY r.client_id, r.indicator_id, month)"
            " GROUP BY indicator_id, month ORDER BY indicator_id, month"),
            {"since": since.isoformat(), "until": today.isoformat()}).all()
    by_indicator: dict[int, list[MonthAverage]] = {}
    for indicator_id, month, average, clients, readings in rows:
        by_indicator.setdefault(indicator_id, []).append(
            MonthAverage(date.fromisoformat(f"{month}-01"), float(average), clients, readings))
    return [IndicatorAverages(i, name, low, high, bool(better), by_indicator[i])
            for i, name, low, high, better in library if i in by_indicator]
