"""The practice-wide paths give exactly what the one-client paths give, on random practices.

``risk.assess_all`` (every client in a handful of set-based queries, then kept while the
file is unchanged) must say, for every client, what ``risk.assess`` (the same rules
narrowed to that one client) says: the same level, the same reasons in the same order,
the same "No data yet". ``charts.practice_indicator_averages`` must agree with averages
worked out here in plain Python from the raw readings. Hypothesis builds the practices,
with the awkward cases in reach: no readings, no sessions, ended and paused engagements,
two active engagements, readings on the same day, archived and paused clients, an
indicator where lower is better, readings beyond the horizon.

Each example adds its clients to the same file and then compares the whole practice, so
every comparison also proves the kept results were dropped after the writes.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from coachdesk.errors import CoachDeskError
from coachdesk.services import (
    actions,
    charts,
    clients,
    engagements,
    goals,
    indicators,
    risk,
    sessions,
)
from coachdesk.services.validation import fold

TODAY = date(2026, 6, 1)
#: days ago that sit on the rules' edges (56 days: stuck goals; 180: news; 365: horizon)
DAYS = [0, 1, 2, 3, 10, 29, 30, 31, 55, 56, 57, 100, 179, 180, 181, 250, 364, 365, 366, 420]


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


days = st.sampled_from(DAYS)
engagement_spec = st.fixed_dictionaries({
    "start": days, "status": st.sampled_from(["active", "active", "completed", "planned"]),
    "length": st.one_of(st.none(), st.integers(1, 400)), "agreed": st.integers(0, 12)})
client_spec = st.fixed_dictionaries({
    "status": st.sampled_from(["active", "active", "active", "paused", "archived"]),
    "engagements": st.lists(engagement_spec, max_size=2),
    "sessions": st.lists(st.tuples(st.integers(0, 1), days, st.sampled_from(
        ["held", "held", "planned", "cancelled", "no_show"])), max_size=5),
    "readings": st.lists(st.tuples(st.integers(0, 3), days, st.floats(0, 1),
                                   st.sampled_from(["coach_observation", "self_rating"])),
                         max_size=8),
    "actions": st.lists(st.tuples(st.integers(-5, 40), st.sampled_from(["open", "open", "done"])),
                        max_size=4),
    "goals": st.lists(st.tuples(st.integers(-2, 0), st.lists(st.tuples(st.integers(-2, 2), days),
                                                             max_size=4)), max_size=2),
})


def _library(db) -> list:
    """Watched 1-10, unwatched 1-10, 1-5, lower-is-better 0-4 and a retired indicator."""
    found = {i.key: i for i in indicators.list_all(db, include_retired=True) if i.key}
    stress = next((i for i in indicators.list_all(db, include_retired=True)
                   if i.name == "Stress"), None)
    if stress is None:
        stress = indicators.create(db, "Stress", scale_min=0, scale_max=4,
                                   higher_is_better=False)
    old = next((i for i in indicators.list_all(db, include_retired=True)
                if i.name == "Old measure"), None)
    if old is None:
        old = indicators.create(db, "Old measure")
    return [found["intent_to_stay"], found["wellbeing"], found["readiness_next_role"], stress,
            old]


def _build(db, n: int, spec: dict, library: list) -> None:
    client = clients.create(db, f"Client {n} é{'z' * (n % 3)}", status="active")
    made = []
    for e in spec["engagements"]:
        start = ago(e["start"])
        end = None if e["length"] is None else start + timedelta(days=e["length"])
        made.append(engagements.create(db, client.id, start, status=e["status"],
                                       sessions_agreed=e["agreed"], end_date=end))
    held = []
    for which, day, status in spec["sessions"]:
        if made:
            held.append(sessions.create(db, made[which % len(made)].id, ago(day), status=status))
    for which, day, fraction, source in spec["readings"]:
        ind = library[which]
        value = round(ind.scale_min + fraction * (ind.scale_max - ind.scale_min))
        indicators.add_reading(db, client.id, ind.id, ago(day), value, source=source)
    for due, status in spec["actions"]:
        if held:
            item = actions.create(db, held[0].id, "Ask two peers",
                                  due_date=max(ago(due), held[0].session_date))
            if status != "open":
                actions.set_status(db, item.id, status, today=TODAY)
    for baseline, ratings in spec["goals"]:
        if made:
            goal = goals.create(db, made[-1].id, "Delegate the reviews", baseline_level=baseline)
            for level, day in ratings:
                try:
                    goals.add_rating(db, goal.id, ago(day), level)
                except CoachDeskError:
                    pass  # a second rating on one day, refused as the app refuses it
    if spec["status"] != "active":
        clients.update(db, client.id, status=spec["status"])


def _shape(a: risk.Assessment) -> tuple:
    return (a.client_id, a.client_name, a.level, a.no_data,
            [(r.rule, r.level, r.text) for r in a.reasons])


def _reference_averages(db, months: int, today: date) -> dict:
    """Each active client's readings averaged per month first, then across clients."""
    since = charts._month_start(today, months - 1)
    with db.session() as s:
        rows = s.execute(text(
            "SELECT r.client_id, r.indicator_id, r.reading_date, r.value FROM indicator_reading r"
            " JOIN client c ON c.id = r.client_id JOIN indicator i ON i.id = r.indicator_id"
            " WHERE c.status = 'active' AND i.retired = 0")).all()
    cells: dict[tuple, dict[int, list[float]]] = {}
    for client_id, indicator_id, day, value in rows:
        day = charts._date(day)
        if since <= day <= today:
            cells.setdefault((indicator_id, day.replace(day=1)), {}).setdefault(
                client_id, []).append(float(value))
    out = {}
    for (indicator_id, month), per_client in cells.items():
        means = [sum(v) / len(v) for v in per_client.values()]
        out[(indicator_id, month)] = (sum(means) / len(means), len(means),
                                      sum(len(v) for v in per_client.values()))
    return out


def _compare(db) -> None:
    everyone = risk.assess_all(db, today=TODAY)
    with db.session() as s:
        current = {cid for (cid,) in s.execute(text(
            "SELECT id FROM client WHERE status != 'archived'"))}
    assert {a.client_id for a in everyone} == current
    assert [_shape(a) for a in everyone] == [
        _shape(risk.assess(db, a.client_id, today=TODAY)) for a in everyone]
    assert [(a.level.rank, fold(a.client_name), a.client_id) for a in everyone] == sorted(
        ((a.level.rank, fold(a.client_name), a.client_id) for a in everyone),
        key=lambda t: (-t[0], t[1], t[2]))
    averages = charts.practice_indicator_averages(db, 12, today=TODAY)
    found = {(ind.indicator_id, p.month): (p.average, p.clients, p.readings)
             for ind in averages for p in ind.points}
    expected = _reference_averages(db, 12, TODAY)
    assert found.keys() == expected.keys()
    for key, (average, count, readings) in expected.items():
        got = found[key]
        assert math.isclose(got[0], average, rel_tol=1e-12), key
        assert got[1:] == (count, readings), key


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs=st.lists(client_spec, min_size=1, max_size=3))
def test_assess_all_and_averages_agree_with_one_client_at_a_time(db, specs):
    library = _library(db)
    with db.session() as s:
        n = s.execute(text("SELECT count(*) FROM client")).scalar_one()
    if n == 0:
        _compare(db)  # an empty practice
    for i, spec in enumerate(specs):
        _build(db, n + i, spec, library)
    if n == 0:  # once per file: a measure falls, then retires; its readings count no more
        retired = clients.create(db, "Ines Oldmeasure")
        for value, day in ((9, 30), (5, 10), (2, 1)):
            indicators.add_reading(db, retired.id, library[-1].id, ago(day), value)
        indicators.retire(db, library[-1].id)
    _compare(db)


def test_the_demo_practice_agrees_client_by_client(demo_db):
    """The demo's twelve hand-written clients and its generated ones, at three dates."""
    for today in (date.today(), date.today() - timedelta(days=90),
                  date.today() + timedelta(days=45)):
        everyone = risk.assess_all(demo_db, today=today)
        assert len(everyone) >= 8
        assert any(a.level == risk.Level.red for a in everyone)
        assert [_shape(a) for a in everyone] == [
            _shape(risk.assess(demo_db, a.client_id, today=today)) for a in everyone]
