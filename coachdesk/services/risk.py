"""Who needs attention: a transparent, rule-based retention-risk signal per client.

Every rule and threshold lives in ``Rules`` below (``RULES`` is the one in use);
docs/retention-signal.md explains them for coaches. Each rule that fires gives a
reason in plain words and a level, amber or red; the client's signal is the worst
of its reasons, and ``ambers_make_red`` warning signs at once make it red too.
No weights, no model, nothing hidden: the reasons are the whole story.

The rules:

1. **Low latest value** of intent to stay, commitment or engagement (found by
   their keys, so renaming them changes nothing). The value is placed on its
   scale as a fraction from worst (0) to best (1), respecting the direction:
   at or below ``low_amber`` is amber, at or below ``low_red`` red.
2. **Falling trend** of any indicator in use: from the first to the last of the
   last ``trend_readings`` readings (all sources together, in date order), a
   drop of at least ``trend_amber`` of the scale's span is amber, of
   ``trend_red`` red. Readings older than ``trend_horizon_days`` are history and
   take no part.
   Rules 1 and 2 only look at indicators whose latest reading is at most
   ``recent_days`` old: an old reading is no longer news.
3. **No session for too long** in an active engagement of an active client (a
   paused client is not chased): the engagement's rhythm is its length divided
   by the sessions agreed (``default_rhythm_days`` when either is missing). More
   than ``gap_amber`` times the rhythm since the last session held (or since the
   start, if none was held yet) is amber, more than ``gap_red`` times red.
4. **Overdue action items**: open items due before today; ``overdue_amber`` or
   more is amber, ``overdue_red`` or more red.
5. **Goals stuck**: a goal of an active engagement rated at least
   ``stuck_min_ratings`` times, the first rating at least ``stuck_min_days``
   ago, whose latest level is still at its baseline (amber) or below it (red).

**Not enough data.** When no rule fires and nothing has been recorded to judge by
yet (no session held, no indicator reading and no goal rating, at any date), the
signal is not a green "On track" but "No data yet" (``Assessment.no_data``): a
brand-new client is not known to be fine. A rule that fires (a long gap since the
engagement started, an overdue action) still gives its colour.

``assess_all`` reads everything with a handful of set-based queries (about a fifth
of a second on 5,000 clients: SQLite has to visit every reading of the last year,
and grouping them in SQL costs as much as reading them), then keeps the result until
the practice file changes (``unchanged.kept``), so the dashboard opens again at once.
``assess`` runs the same rules over the same queries narrowed to one client; the tests
use it as the reference the practice-wide path must agree with, client by client.
"""

from __future__ import annotations

import enum
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from .. import dates
from ..errors import NotFoundError
from ..storage import Database
from . import unchanged
from .validation import fold


class Level(str, enum.Enum):
    green = "green"
    amber = "amber"
    red = "red"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]  # by member: Enum's .value is a slow descriptor


_RANK = {"green": 0, "amber": 1, "red": 2}
_LEVEL_RANK = {Level.green: 0, Level.amber: 1, Level.red: 2}


@dataclass(frozen=True)
class Rules:
    """Every threshold of the signal, in one place (see the module's docstring)."""

    #: indicators whose low level is a retention risk, by their stable keys
    watched_keys: tuple[str, ...] = ("intent_to_stay", "commitment", "engagement")
    #: latest value as a fraction of the scale (0 = worst end, 1 = best end)
    low_amber: float = 0.45  # on 1-10: 5 or below
    low_red: float = 0.25  # on 1-10: 3 or below; on 1-5: 2 or below
    #: readings older than this many days no longer count for rules 1 and 2
    recent_days: int = 180
    #: how many of the last readings the trend spans, and the drop (fraction of the
    #: scale's span, from the first of them to the last) that counts
    trend_readings: int = 3
    trend_amber: float = 0.20  # on 1-10: a drop of 2 or more
    trend_red: float = 0.40  # on 1-10: a drop of 4 or more
    #: readings older than this many days are history, not part of a trend
    trend_horizon_days: int = 365
    #: rhythm when the engagement has no end date or no sessions agreed
    default_rhythm_days: int = 30
    #: days without a session held, as a multiple of the rhythm
    gap_amber: float = 1.5
    gap_red: float = 3.0
    #: open action items past their due date
    overdue_amber: int = 1
    overdue_red: int = 3
    #: a goal is stuck after this many ratings, the first this many days ago
    stuck_min_ratings: int = 2
    stuck_min_days: int = 56
    #: this many amber reasons at once make the whole signal red
    ambers_make_red: int = 3


RULES = Rules()


@dataclass(frozen=True)
class Reason:
    rule: str  # "low_value", "falling_trend", "session_gap", "overdue_actions", "stuck_goal", "combined"
    level: Level
    text: str

    def __str__(self) -> str:
        return self.text


#: what "No data yet" says, in words (see the module's docstring)
NO_DATA_TEXT = "No session held and nothing rated yet."
NO_DATA = "no_data"


@dataclass
class Assessment:
    client_id: int
    client_name: str
    level: Level = Level.green
    reasons: list[Reason] = field(default_factory=list)
    #: no rule fired and nothing is recorded to judge by: no session held, no indicator
    #: reading, no goal rating. The level stays green (nobody needs chasing) but the
    #: screens say "No data yet", not "On track".
    no_data: bool = False

    @property
    def needs_attention(self) -> bool:
        return self.level != Level.green

    @property
    def signal(self) -> str:
        """What the screens show: "no_data", "green", "amber" or "red"."""
        return NO_DATA if self.no_data else self.level.value

    @property
    def reason_texts(self) -> list[str]:
        return [r.text for r in self.reasons]

    @property
    def explanation(self) -> list[str]:
        """The reasons in words; for "No data yet", why there is no signal."""
        return [NO_DATA_TEXT] if self.no_data else self.reason_texts


def day_text(day: date) -> str:
    """'12 Mar 2026', '12/03/2026': the practice's date setting (coachdesk.dates)."""
    return dates.short(day)


def _num(value: float) -> str:
    return f"{value:g}"


def _date(value) -> date | None:
    """Raw rows carry dates as ISO text; the same few hundred dates come back again and again."""
    return _parse_day(value) if isinstance(value, str) else value


@lru_cache(maxsize=8192)
def _parse_day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# -- the queries ---------------------------------------------------------------------------


def _fetch(db: Database, today: date, rules: Rules, client_id: int | None) -> dict:
    """Everything the rules need, in seven set-based queries (raw rows: no ORM objects).

    With ``client_id`` the same queries are narrowed to that client.
    """
    only = " AND {col} = ?" if client_id is not None else ""
    with db.session() as s:
        raw = s.connection().connection.driver_connection  # the sqlite3 connection

        def rows(sql: str, col: str = "client_id", *params):
            args = params + ((client_id,) if client_id is not None else ())
            return raw.execute(sql.replace("{only}", only.format(col=col)), args).fetchall()

        if client_id is not None:
            clients = raw.execute("SELECT id, name, status FROM client WHERE id = ?",
                                  (client_id,)).fetchall()
        else:
            clients = raw.execute("SELECT id, name, status FROM client "
                                  "WHERE status != 'archived'").fetchall()
        indicators = raw.execute("SELECT id, key, name, scale_min, scale_max, higher_is_better "
                                 "FROM indicator WHERE retired = 0").fetchall()
        # In the order of the (client, indicator, date) index, so SQLite does not sort;
        # the rule keeps the last few readings of each pair as it goes. The whole practice
        # skips archived clients' readings in SQL (a fifth of them in the bench: the index
        # is searched client by client, still in its order); one client is asked as is.
        horizon = (today - timedelta(days=rules.trend_horizon_days)).isoformat()
        current = ("" if client_id is not None else
                   " AND client_id IN (SELECT id FROM client WHERE status != 'archived')")
        readings = rows(
            "SELECT client_id, indicator_id, reading_date, value FROM indicator_reading"
            f" WHERE reading_date >= ?{current}{{only}}"
            " ORDER BY client_id, indicator_id, reading_date, id", "client_id", horizon)
        engagements = rows(
            "SELECT e.id, e.client_id, e.start_date, e.end_date, e.sessions_agreed,"
            " (SELECT max(cs.session_date) FROM coaching_session cs"
            "  WHERE cs.engagement_id = e.id AND cs.status = 'held')"
            " FROM engagement e JOIN client c ON c.id = e.client_id"
            " WHERE e.status = 'active' AND e.archived = 0 AND c.status = 'active'{only}",
            "e.client_id")
        overdue = rows(
            "SELECT client_id, count(*), min(due_date) FROM action_item"
            " WHERE status = 'open' AND due_date IS NOT NULL AND due_date < ?{only}"
            " GROUP BY client_id", "client_id", today.isoformat())
        # Per goal of an active engagement: its ratings, oldest first.
        ratings = rows(
            "SELECT g.id, e.client_id, g.title, g.baseline_level, r.rating_date, r.level"
            " FROM goal_rating r JOIN goal g ON g.id = r.goal_id"
            " JOIN engagement e ON e.id = g.engagement_id"
            " WHERE e.status = 'active' AND e.archived = 0{only}"
            " ORDER BY r.goal_id, r.rating_date, r.id", "e.client_id")
        # Clients with nothing recorded to judge by: no reading, no session held, no goal
        # rating, at any date. Each NOT EXISTS stops at the first row found, through the
        # indexes on client_id; readings come first because their index alone answers
        # (1.5 ms over 5,000 clients, against 20 ms when sessions are asked first).
        bare = raw.execute(
            "SELECT c.id FROM client c WHERE "
            + ("c.id = ?" if client_id is not None else "c.status != 'archived'")
            + " AND NOT EXISTS (SELECT 1 FROM indicator_reading r WHERE r.client_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM coaching_session s"
            "  WHERE s.client_id = c.id AND s.status = 'held')"
            " AND NOT EXISTS (SELECT 1 FROM engagement e JOIN goal g ON g.engagement_id = e.id"
            "  JOIN goal_rating gr ON gr.goal_id = g.id WHERE e.client_id = c.id)",
            (client_id,) if client_id is not None else ()).fetchall()
    return {"clients": clients, "indicators": indicators, "readings": readings,
            "engagements": engagements, "overdue": overdue, "ratings": ratings,
            "bare": {row[0] for row in bare}}


# -- the rules ---------------------------------------------------------------------------


def _indicator_reasons(data: dict, today: date, rules: Rules) -> dict[int, list[Reason]]:
    """Rules 1 and 2, over readings sorted by client, indicator, date.

    One pass; most pairs trigger nothing, so each is judged with a few
    comparisons before any sentence is written.
    """
    cutoff = (today - timedelta(days=rules.recent_days)).isoformat()
    keep = max(1, rules.trend_readings)  # a trend needs two; one means no trend rule
    red, amber = Level.red, Level.amber
    low_red, low_amber = rules.low_red, rules.low_amber
    trend_red, trend_amber = rules.trend_red - 1e-9, rules.trend_amber - 1e-9
    # indicator id -> (name, low, high, span, higher is better, watched)
    library = {i: (name, low, high, float(high - low) or 1.0, bool(hib), key in rules.watched_keys)
               for i, key, name, low, high, hib in data["indicators"]}
    assessed = {r[0] for r in data["clients"]}  # archived clients' readings are passed over
    out: dict[int, list[Reason]] = {}
    rows = data["readings"]
    n = len(rows)
    start = 0
    # Walks the sorted rows by index (no per-pair lists): a pair is rows[start:end].
    while start < n:
        client_id, indicator_id = rows[start][0], rows[start][1]
        end = start + 1
        while end < n and rows[end][1] == indicator_id and rows[end][0] == client_id:
            end += 1
        count, first_row = end - start, rows[max(start, end - keep)]
        _c, _i, latest_day, latest = rows[end - 1]
        start = end
        info = library.get(indicator_id)
        if latest_day < cutoff or info is None or client_id not in assessed:
            continue  # no longer news, a retired indicator, or an archived client
        name, low, high, span, higher_is_better, watched = info
        if watched:
            score = (latest - low) / span if higher_is_better else (high - latest) / span
            if score <= low_amber:
                word = "low" if higher_is_better else "high"
                note = "" if higher_is_better else ", where lower is better"
                out.setdefault(client_id, []).append(Reason(
                    "low_value", red if score <= low_red else amber,
                    f"{name} is {word}: {_num(latest)} on a scale of {low} to {high}{note} "
                    f"({day_text(_date(latest_day))})."))
        if count >= 2:
            _c, _i, first_day, first = first_row
            drop = (first - latest) / span if higher_is_better else (latest - first) / span
            if drop >= trend_amber:
                verb = "fell" if latest < first else "rose"
                note = "" if higher_is_better else " (lower is better)"
                out.setdefault(client_id, []).append(Reason(
                    "falling_trend", red if drop >= trend_red else amber,
                    f"{name} {verb} from {_num(first)} to {_num(latest)} since "
                    f"{day_text(_date(first_day))}{note}."))
    return out


def rhythm_days(start: date | None, end: date | None, sessions_agreed: int,
                default: int = RULES.default_rhythm_days) -> float:
    """Days between sessions the engagement implies: its length / the sessions agreed."""
    if start and end and sessions_agreed and end > start:
        return (end - start).days / sessions_agreed
    return float(default)


def _gap_reasons(data: dict, today: date, rules: Rules) -> dict[int, list[Reason]]:
    out: dict[int, list[Reason]] = {}
    for _eid, client_id, start, end, agreed, last_held in data["engagements"]:
        start, end, last_held = _date(start), _date(end), _date(last_held)
        if start is None or start > today:
            continue
        rhythm = rhythm_days(start, end, agreed or 0, rules.default_rhythm_days)
        if last_held is not None and last_held < start:
            last_held = None  # held before this engagement began: not part of its rhythm
        since = last_held or start
        days = (today - since).days
        level = (Level.red if days > rules.gap_red * rhythm
                 else Level.amber if days > rules.gap_amber * rhythm else None)
        if not level:
            continue
        every = f"about one every {round(rhythm)} {_plural(round(rhythm), 'day', 'days')}"
        if last_held is not None:
            message = (f"No session held for {days} days (the last on {day_text(last_held)}); "
                       f"this engagement's rhythm is {every}.")
        else:
            message = (f"No session held since the engagement started {days} days ago; "
                       f"its rhythm is {every}.")
        out.setdefault(client_id, []).append(Reason("session_gap", level, message))
    for reasons in out.values():  # two active engagements: the worst gap is the one that counts
        reasons.sort(key=lambda r: -r.level.rank)
        del reasons[1:]
    return out


def _overdue_reasons(data: dict, rules: Rules) -> dict[int, list[Reason]]:
    out: dict[int, list[Reason]] = {}
    for client_id, count, oldest in data["overdue"]:
        level = (Level.red if count >= rules.overdue_red
                 else Level.amber if count >= rules.overdue_amber else None)
        if not level:
            continue
        oldest = _date(oldest)
        if count == 1:
            message = f"1 action item is overdue (it was due on {day_text(oldest)})."
        else:
            message = (f"{count} action items are overdue, the oldest since "
                       f"{day_text(oldest)}.")
        out[client_id] = [Reason("overdue_actions", level, message)]
    return out


def _goal_reasons(data: dict, today: date, rules: Rules) -> dict[int, list[Reason]]:
    """Rule 5, over ratings sorted by goal and date."""
    paths: dict[int, list] = {}  # goal -> [client, title, baseline, first day, count, latest]
    for goal_id, client_id, title, baseline, day, level in data["ratings"]:
        path = paths.get(goal_id)
        if path is None:
            paths[goal_id] = [client_id, title, baseline, day, 1, level]
        else:
            path[4] += 1
            path[5] = level
    cutoff = (today - timedelta(days=rules.stuck_min_days)).isoformat()
    out: dict[int, list[Reason]] = {}
    for client_id, title, baseline, first_day, count, latest in paths.values():
        if count < rules.stuck_min_ratings or str(first_day) > cutoff or latest > baseline:
            continue
        ratings = f"{count} ratings since {day_text(_date(first_day))}"
        if latest < baseline:
            reason = Reason("stuck_goal", Level.red,
                            f"Goal “{title}” has fallen below its baseline ({latest:+d}, the "
                            f"baseline was {baseline:+d}) after {ratings}.")
        else:
            reason = Reason("stuck_goal", Level.amber,
                            f"Goal “{title}” is still at its baseline ({baseline:+d}) after "
                            f"{ratings}.")
        out.setdefault(client_id, []).append(reason)
    return out


RULE_ORDER = ("low_value", "falling_trend", "session_gap", "overdue_actions", "stuck_goal",
              "combined")


def _combine(assessment: Assessment, rules: Rules) -> Assessment:
    reasons = assessment.reasons
    if not reasons:
        return assessment
    level = max((r.level for r in reasons), key=lambda lv: lv.rank, default=Level.green)
    ambers = sum(1 for r in reasons if r.level == Level.amber)
    if level == Level.amber and ambers >= rules.ambers_make_red:
        level = Level.red
        reasons.append(Reason("combined", Level.red,
                              f"{ambers} warning signs at once make the overall signal red."))
    reasons.sort(key=lambda r: (r.rule == "combined", -r.level.rank, RULE_ORDER.index(r.rule)))
    assessment.level = level
    return assessment


@contextmanager
def _gc_paused():
    """A whole practice is ~100,000 short-lived row tuples and no reference cycles:
    pausing the cycle collector while they live saves about a quarter of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(db: Database, today: date, rules: Rules, client_id: int | None) -> list[Assessment]:
    with _gc_paused():
        data = _fetch(db, today, rules, client_id)
        found = [_indicator_reasons(data, today, rules), _gap_reasons(data, today, rules),
                 _overdue_reasons(data, rules), _goal_reasons(data, today, rules)]
        out = []
        bare = data["bare"]
        for cid, name, _status in data["clients"]:
            assessment = Assessment(cid, name)
            for part in found:
                assessment.reasons.extend(part.get(cid, ()))
            if not assessment.reasons and cid in bare:
                assessment.no_data = True
            out.append(_combine(assessment, rules))
        # The rows go before the collector comes back: left alive, its first pass would
        # walk every one of them (~12 ms on 5,000 clients) only to find them in use.
        del data, found
    return out


@lru_cache(maxsize=20_000)
def _folded(name: str) -> str:
    return fold(name)


def assess(db: Database, client_id: int, today: date | None = None,
           rules: Rules = RULES) -> Assessment:
    """One client's signal (whatever the client's status) with its reasons."""
    result = _run(db, today or date.today(), rules, client_id)
    if not result:
        raise NotFoundError("That client no longer exists (it may have been removed).")
    return result[0]


def assess_all(db: Database, today: date | None = None, rules: Rules = RULES) -> list[Assessment]:
    """Every client not archived: red first, then amber, then green; by name within each.

    Worked out once and kept while the practice file is unchanged (``unchanged.kept``):
    the dashboard asks again on every visit, the practice changes far less often. Each
    call gets assessments of its own (their reasons are frozen, so they are shared).
    """
    return _kept_all(db, today or date.today(), rules, _copies)


def shared_assessments(db: Database, today: date | None = None,
                       rules: Rules = RULES) -> list[Assessment]:
    """``assess_all``'s kept assessments themselves, not copies, for a reader that changes
    nothing (the dashboard's data). At 20,000 clients copying them cost ~30 ms a visit and,
    worse, enough new objects that every other visit paid a full cycle collection
    (0.1-0.3 s). The caller must treat the list and every assessment as read-only."""
    return _kept_all(db, today or date.today(), rules, list)


def _kept_all(db: Database, today: date, rules: Rules, copy) -> list[Assessment]:
    def work() -> list[Assessment]:
        result = _run(db, today, rules, None)
        result.sort(key=lambda a: (-a.level.rank, _folded(a.client_name), a.client_id))
        return result

    return unchanged.kept(db, ("risk.assess_all", today, rules), work, copy)


def _copies(assessments: list[Assessment]) -> list[Assessment]:
    return [Assessment(a.client_id, a.client_name, a.level, list(a.reasons), a.no_data)
            for a in assessments]


def needing_attention(db: Database, today: date | None = None,
                      rules: Rules = RULES) -> list[Assessment]:
    """The dashboard's list: only the clients whose signal is amber or red."""
    return [a for a in assess_all(db, today, rules) if a.needs_attention]
