"""Goals of an engagement, scaled with Goal Attainment Scaling (Kiresuk & Sherman, 1968).

Each goal has five described levels, from -2 (much less than expected) through
0 (the expected outcome) to +2 (much more than expected), a baseline level (where
the client starts, usually -1), a weight, and ratings over time.

The engagement's overall attainment is the GAS T-score::

    T = 50 + 10 * Σ(wᵢ·xᵢ) / sqrt((1 - ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

where xᵢ is goal i's level (-2 … +2), wᵢ its weight, and ρ the assumed
correlation between goals, conventionally 0.3. T = 50 means every goal at its
expected outcome; about 40 or below means clearly less than expected, 60 or
above clearly more. A goal not rated yet counts at its baseline level.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import select

from .. import dates
from ..errors import ValidationError
from ..models import Engagement, Goal, GoalRating
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise

DEFAULT_RHO = 0.3  # the conventional inter-goal correlation (Kiresuk & Sherman)
LEVELS = (-2, -1, 0, 1, 2)
LEVEL_FIELDS = {-2: "level_m2", -1: "level_m1", 0: "level_0", 1: "level_p1", 2: "level_p2"}
LEVEL_LABELS = {
    -2: "Much less than expected",
    -1: "Somewhat less than expected",
    0: "Expected outcome",
    1: "Somewhat more than expected",
    2: "Much more than expected",
}
IMPORTANCE_RANGE = (1, 5)
MAX_WEIGHT = 100.0

FIELDS = ("title", "description", "weight", "importance", "baseline_level", *LEVEL_FIELDS.values())


def level_label(level: int) -> str:
    """'+1 Somewhat more than expected'."""
    return f"{level:+d} {LEVEL_LABELS[level]}" if level else f"0 {LEVEL_LABELS[0]}"


# -- the formula ---------------------------------------------------------------------


def gas_t_score(levels_and_weights: Iterable[tuple[float, float]],
                rho: float = DEFAULT_RHO) -> float | None:
    """The GAS T-score of (level, weight) pairs; None when there is nothing to score.

    >>> round(gas_t_score([(1, 1), (1, 1), (1, 1)]), 2)
    63.69
    """
    pairs = [(float(x), float(w)) for x, w in levels_and_weights]
    if not 0 <= rho < 1:
        raise ValueError("rho must be at least 0 and below 1")
    if any(w < 0 for _x, w in pairs):
        raise ValueError("weights cannot be negative")
    total = sum(w for _x, w in pairs)
    if not pairs or total == 0:
        return None
    weighted = sum(w * x for x, w in pairs)
    squares = sum(w * w for _x, w in pairs)
    return 50 + 10 * weighted / math.sqrt((1 - rho) * squares + rho * total * total)


# -- goals -----------------------------------------------------------------------------


def _level(value, field: str, label: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not math.isfinite(number) or number != int(number) or int(number) not in LEVELS:
        raise ValidationError(f"{label} must be one of -2, -1, 0, +1 or +2.", field)
    return int(number)


def _clean(values: dict) -> dict:
    out: dict = {}
    if "title" in values:
        out["title"] = v.required_text(values["title"], "title", "The goal's title")
    if "description" in values:
        out["description"] = v.optional_text(values["description"])
    if "weight" in values:
        raw = values["weight"]
        weight = v.non_negative_float(1 if raw in (None, "") else raw, "weight", "The weight")
        if weight == 0:
            raise ValidationError("The weight must be more than 0 (1 is the usual weight).",
                                  "weight")
        if weight > MAX_WEIGHT:
            raise ValidationError(f"The weight cannot be more than {MAX_WEIGHT:g}.", "weight")
        out["weight"] = weight
    if "importance" in values:
        raw = values["importance"]
        if raw in (None, ""):
            out["importance"] = None
        else:
            low, high = IMPORTANCE_RANGE
            try:
                importance = float(raw)
            except (TypeError, ValueError):
                importance = float("nan")
            if not math.isfinite(importance) or importance != int(importance) \
                    or not low <= importance <= high:
                raise ValidationError(f"The importance must be a whole number from {low} to "
                                      f"{high}, or left empty.", "importance")
            out["importance"] = int(importance)
    if "baseline_level" in values:
        out["baseline_level"] = _level(values["baseline_level"], "baseline_level",
                                       "The baseline level")
    for field in LEVEL_FIELDS.values():
        if field in values:
            out[field] = v.optional_text(values[field])
    return out


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown goal field: {', '.join(sorted(unknown))}.")


def create(db: Database, engagement_id: int, title: str, **fields) -> Goal:
    """A goal at the end of the engagement's list. ``fields``: see ``FIELDS``."""
    _check_fields(fields)
    values = _clean({"title": title, **fields})
    with db.session() as s:
        get_or_raise(s, Engagement, engagement_id, "engagement")
        last = s.exec(sa_select(func.max(Goal.position))
                      .where(Goal.engagement_id == engagement_id)).scalar()
        goal = Goal(engagement_id=engagement_id, position=0 if last is None else last + 1,
                    **values)
        s.add(goal)
        s.flush()
        return goal


def update(db: Database, goal_id: int, **changes) -> Goal:
    _check_fields(changes)
    values = _clean(changes)
    with db.session() as s:
        goal = get_or_raise(s, Goal, goal_id, "goal")
        apply_changes(goal, values)
        s.add(goal)
        return goal


def delete(db: Database, goal_id: int) -> None:
    """Remove a goal and its ratings."""
    with db.session() as s:
        goal = get_or_raise(s, Goal, goal_id, "goal")
        for rating in s.exec(select(GoalRating).where(GoalRating.goal_id == goal_id)):
            s.delete(rating)
        s.flush()  # the ratings go first: their goal is still referenced until then
        s.delete(goal)


def get(db: Database, goal_id: int) -> Goal:
    with db.session() as s:
        return get_or_raise(s, Goal, goal_id, "goal")


def list_for_engagement(db: Database, engagement_id: int) -> list[Goal]:
    with db.session() as s:
        return list(s.exec(select(Goal).where(Goal.engagement_id == engagement_id)
                           .order_by(Goal.position, Goal.id)))


def move(db: Database, goal_id: int, steps: int) -> list[Goal]:
    """Move a goal up (negative steps) or down (positive) in its engagement's list."""
    with db.session() as s:
        goal = get_or_raise(s, Goal, goal_id, "goal")
        goals = list(s.exec(select(Goal).where(Goal.engagement_id == goal.engagement_id)
                            .order_by(Goal.position, Goal.id)))
        at = [g.id for g in goals].index(goal_id)
        goals.insert(max(0, min(len(goals) - 1, at + steps)), goals.pop(at))
        for position, g in enumerate(goals):
            if g.position != position:
                g.position = position
                s.add(g)
        engagement_id = goal.engagement_id
    return list_for_engagement(db, engagement_id)


_BULLET = re.compile(r"^\s*(?:[-*•·–—▪◦]+|\(?\d{1,3}[.)]|\(?[A-Za-z]\))\s*")


def parse_objectives(text: str) -> list[str]:
    """One goal title per non-empty line, numbering ("1.", "2)") and bullets removed."""
    titles = []
    for line in (text or "").splitlines():
        title = _BULLET.sub("", line, count=1).strip()
        if title:
            titles.append(title)
    return titles


def create_from_objectives(db: Database, engagement_id: int) -> list[Goal]:
    """Goals from the engagement's agreed objectives, one per line.

    Lines that already are a goal of this engagement (same title, ignoring case
    and accents) are skipped, so doing it twice adds nothing twice.
    """
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, engagement_id, "engagement")
        objectives = engagement.objectives
        existing = {v.fold(t) for t in s.exec(select(Goal.title)
                                              .where(Goal.engagement_id == engagement_id))}
    titles = []
    for title in parse_objectives(objectives):
        if v.fold(title) not in existing:
            existing.add(v.fold(title))
            titles.append(title)
    if not titles and not parse_objectives(objectives):
        raise ValidationError("This engagement has no agreed objectives to make goals from yet.",
                              "objectives")
    return [create(db, engagement_id, title) for title in titles]


# -- ratings ---------------------------------------------------------------------------


def add_rating(db: Database, goal_id: int, rating_date, level, comment: str = "") -> GoalRating:
    """Where the goal stands on a day. A goal rated again on the same day is corrected, not
    rated twice (two ratings would draw a step nobody observed): the rating of that day takes
    the new level, and the new comment if one is written."""
    level = _level(level, "level", "The level")
    day = v.required_date(rating_date, "rating_date", "The date of the rating")
    comment = v.optional_text(comment)
    with db.session() as s:
        get_or_raise(s, Goal, goal_id, "goal")
        rating = rating_of_day(s, goal_id, day)
        if rating is None:
            rating = GoalRating(goal_id=goal_id, rating_date=day, level=level, comment=comment)
        else:
            apply_changes(rating, {"level": level, **({"comment": comment} if comment else {})})
        s.add(rating)
        s.flush()
        return rating


def rating_of_day(s, goal_id: int, day: date) -> GoalRating | None:
    """The goal's rating on ``day`` (the newest, should an earlier version have left two)."""
    return s.exec(select(GoalRating).where(GoalRating.goal_id == goal_id,
                                           GoalRating.rating_date == day)
                  .order_by(GoalRating.id.desc())).first()


def update_rating(db: Database, rating_id: int, **changes) -> GoalRating:
    unknown = set(changes) - {"rating_date", "level", "comment"}
    if unknown:
        raise ValidationError(f"Unknown rating field: {', '.join(sorted(unknown))}.")
    values: dict = {}
    if "rating_date" in changes:
        values["rating_date"] = v.required_date(changes["rating_date"], "rating_date",
                                                "The date of the rating")
    if "level" in changes:
        values["level"] = _level(changes["level"], "level", "The level")
    if "comment" in changes:
        values["comment"] = v.optional_text(changes["comment"])
    with db.session() as s:
        rating = get_or_raise(s, GoalRating, rating_id, "rating")
        day = values.get("rating_date", rating.rating_date)
        other = rating_of_day(s, rating.goal_id, day) if day != rating.rating_date else None
        if other is not None and other.id != rating.id:
            raise ValidationError(f"This goal already has a rating on {dates.short(day)}: correct or "
                                  "delete that one instead.", "rating_date")
        apply_changes(rating, values)
        s.add(rating)
        return rating


def delete_rating(db: Database, rating_id: int) -> None:
    with db.session() as s:
        s.delete(get_or_raise(s, GoalRating, rating_id, "rating"))


def ratings(db: Database, goal_id: int) -> list[GoalRating]:
    """A goal's ratings, oldest first (its path from the baseline)."""
    with db.session() as s:
        return list(s.exec(select(GoalRating).where(GoalRating.goal_id == goal_id)
                           .order_by(GoalRating.rating_date, GoalRating.id)))


def goals_with_ratings(s, engagement_id: int) -> tuple[list[Goal], list[GoalRating]]:
    goals = list(s.exec(select(Goal).where(Goal.engagement_id == engagement_id)
                        .order_by(Goal.position, Goal.id)))
    rows = list(s.exec(select(GoalRating).join(Goal, Goal.id == GoalRating.goal_id)
                       .where(Goal.engagement_id == engagement_id)
                       .order_by(GoalRating.rating_date, GoalRating.id)))
    return goals, rows


def _levels_as_of(goals: list[Goal], rows: list[GoalRating], as_of: date | None) -> dict[int, int]:
    levels = {g.id: g.baseline_level for g in goals}
    for r in rows:  # oldest first: the last one on or before as_of wins
        if as_of is None or r.rating_date <= as_of:
            levels[r.goal_id] = r.level
    return levels


def current_levels(db: Database, engagement_id: int, as_of: date | None = None) -> dict[int, int]:
    """Per goal: the latest level rated (on or before ``as_of``), else its baseline."""
    with db.session() as s:
        goals, rows = goals_with_ratings(s, engagement_id)
    return _levels_as_of(goals, rows, as_of)


def engagement_t_score(db: Database, engagement_id: int, as_of: date | None = None,
                       rho: float = DEFAULT_RHO) -> float | None:
    """The engagement's T-score now (or as it stood on ``as_of``); None without goals."""
    with db.session() as s:
        goals, rows = goals_with_ratings(s, engagement_id)
    levels = _levels_as_of(goals, rows, as_of)
    return gas_t_score(((levels[g.id], g.weight) for g in goals), rho)


def baseline_t_score(db: Database, engagement_id: int, rho: float = DEFAULT_RHO) -> float | None:
    """The T-score with every goal at its baseline: where the engagement started."""
    return gas_t_score(((g.baseline_level, g.weight) for g in list_for_engagement(db, engagement_id)),
                       rho)


@dataclass
class TScorePoint:
    day: date
    t_score: float
    is_baseline: bool = False


def t_score_series(db: Database, engagement_id: int, rho: float = DEFAULT_RHO) -> list[TScorePoint]:
    """The T-score over time: a baseline point, then one point per day with ratings.

    The baseline point is dated at the engagement's start (or at the first rating,
    if that is earlier). Goals not yet rated on a day count at their baseline.
    """
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, engagement_id, "engagement")
        goals, rows = goals_with_ratings(s, engagement_id)
    return t_score_points(engagement.start_date, goals, rows, rho)


def t_score_points(start: date, goals: list[Goal], rows: list[GoalRating],
                   rho: float = DEFAULT_RHO) -> list[TScorePoint]:
    """The series from goals and their ratings (oldest first) already loaded."""
    if not goals:
        return []
    weights = {g.id: g.weight for g in goals}
    levels = {g.id: g.baseline_level for g in goals}
    first = min([start] + [r.rating_date for r in rows])
    points = [TScorePoint(first, gas_t_score(((levels[g], weights[g]) for g in levels), rho), True)]
    for i, r in enumerate(rows):
        levels[r.goal_id] = r.level
        if i + 1 < len(rows) and rows[i + 1].rating_date == r.rating_date:
            continue  # several ratings on one day make one point
        points.append(TScorePoint(r.rating_date,
                                  gas_t_score(((levels[g], weights[g]) for g in levels), rho)))
    return points


@dataclass
class GoalProgress:
    """One goal's path from its baseline, for the engagement's goal list."""

    goal_id: int
    title: str
    weight: float
    importance: int | None
    baseline_level: int
    current_level: int
    ratings: int
    last_rated: date | None
    current_description: str  # the coach's description of the current level

    @property
    def change(self) -> int:
        return self.current_level - self.baseline_level


def progress(db: Database, engagement_id: int) -> list[GoalProgress]:
    with db.session() as s:
        goals, rows = goals_with_ratings(s, engagement_id)
    levels = _levels_as_of(goals, rows, None)
    count: dict[int, int] = {}
    last: dict[int, date] = {}
    for r in rows:
        count[r.goal_id] = count.get(r.goal_id, 0) + 1
        last[r.goal_id] = r.rating_date
    return [GoalProgress(g.id, g.title, g.weight, g.importance, g.baseline_level, levels[g.id],
                         count.get(g.id, 0), last.get(g.id),
                         getattr(g, LEVEL_FIELDS[levels[g.id]]))
            for g in goals]
