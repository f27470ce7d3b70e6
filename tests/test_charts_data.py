"""The chart series: one engine function per chart, plain data the Qt charts and PDFs share."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from coachdesk.errors import NotFoundError
from coachdesk.models import ReadingSource
from coachdesk.services import charts, clients, engagements, goals, indicators

CANARY = "CANARY-private-comment-7f3a"


@pytest.fixture
def jose(db):
    client = clients.create(db, "José Álvarez García")
    first = engagements.create(db, client.id, date(2025, 1, 6), status="completed")
    current = engagements.create(db, client.id, date(2026, 1, 5), status="active")
    return client, first, current


def test_indicator_series_per_indicator_with_sources(db, jose):
    client, first, current = jose
    stay, engage = indicators.by_key(db, "intent_to_stay"), indicators.by_key(db, "engagement")
    indicators.add_reading(db, client.id, stay.id, date(2025, 3, 1), 4, engagement_id=first.id,
                           private_comment=CANARY)
    indicators.add_reading(db, client.id, stay.id, date(2026, 2, 1), 6, source="self_rating",
                           engagement_id=current.id, private_comment=CANARY)
    indicators.add_reading(db, client.id, stay.id, date(2026, 1, 15), 5, source="sponsor",
                           engagement_id=current.id)
    indicators.add_reading(db, client.id, engage.id, date(2026, 2, 1), 8, engagement_id=current.id)
    other = clients.create(db, "Zoë Whitfield")
    indicators.add_reading(db, other.id, stay.id, date(2026, 2, 1), 1)

    series = charts.indicator_series(db, client.id)
    assert [s.name for s in series] == ["Engagement at work", "Intent to stay"]  # library order
    stay_series = series[1]
    assert (stay_series.indicator_id, stay_series.key, stay_series.scale_min,
            stay_series.scale_max, stay_series.higher_is_better, stay_series.retired) == (
        stay.id, "intent_to_stay", 1, 10, True, False)
    assert [(p.day, p.value, p.source) for p in stay_series.points] == [
        (date(2025, 3, 1), 4.0, ReadingSource.coach_observation),
        (date(2026, 1, 15), 5.0, ReadingSource.sponsor),  # oldest first, whatever the entry order
        (date(2026, 2, 1), 6.0, ReadingSource.self_rating),
    ]
    assert stay_series.fraction(5.5) == pytest.approx(0.5)

    # Narrowed to an engagement, and to a period.
    now = charts.indicator_series(db, client.id, engagement_id=current.id)
    assert [len(s.points) for s in now] == [1, 2]
    period = charts.indicator_series(db, client.id, since=date(2026, 1, 20),
                                     until=date(2026, 2, 1))
    assert [[p.value for p in s.points] for s in period] == [[8.0], [6.0]]
    assert charts.indicator_series(db, client.id, since=date(2027, 1, 1)) == []

    # A retired indicator keeps its history in the chart, and says so.
    indicators.retire(db, engage.id)
    assert [s.retired for s in charts.indicator_series(db, client.id)] == [True, False]

    # Nothing private travels with the series.
    assert CANARY not in repr(series)
    fields = {f.name for f in dataclasses.fields(charts.ReadingPoint)}
    assert fields == {"day", "value", "source"}


def test_fraction_respects_direction(db, jose):
    client, _first, _current = jose
    stress = indicators.create(db, "Stress", scale_min=0, scale_max=100, higher_is_better=False)
    indicators.add_reading(db, client.id, stress.id, date(2026, 2, 1), 25)
    (series,) = charts.indicator_series(db, client.id)
    assert series.fraction(25) == pytest.approx(0.75)


def test_goal_attainment_series(db, jose):
    _client, _first, current = jose
    a = goals.create(db, current.id, "Delegate the reviews", weight=2)
    b = goals.create(db, current.id, "Build trust with the board", baseline_level=-2)
    goals.add_rating(db, a.id, date(2026, 2, 1), 0)
    goals.add_rating(db, b.id, date(2026, 3, 1), -1)
    goals.add_rating(db, a.id, date(2026, 3, 1), 1)

    result = charts.goal_attainment_series(db, current.id)
    assert result.engagement_id == current.id and result.rho == 0.3
    assert [(g.title, g.weight, g.baseline_level) for g in result.goals] == [
        ("Delegate the reviews", 2.0, -1), ("Build trust with the board", 1.0, -2)]
    assert [(p.day, p.level) for p in result.goals[0].points] == [
        (date(2026, 2, 1), 0), (date(2026, 3, 1), 1)]
    assert [(p.day, p.level) for p in result.goals[1].points] == [(date(2026, 3, 1), -1)]
    # weights 2 and 1: denominator sqrt(0.7·5 + 0.3·9) = sqrt(6.2)
    d = 6.2 ** 0.5
    assert [(p.day, p.is_baseline) for p in result.t_scores] == [
        (date(2026, 1, 5), True), (date(2026, 2, 1), False), (date(2026, 3, 1), False)]
    assert [p.t_score for p in result.t_scores] == pytest.approx(
        [50 + 10 * (-2 - 2) / d, 50 + 10 * (0 - 2) / d, 50 + 10 * (2 - 1) / d])
    assert result.baseline_t_score == pytest.approx(50 - 40 / d)
    assert result.current_t_score == pytest.approx(goals.engagement_t_score(db, current.id))

    empty = charts.goal_attainment_series(db, _first.id)
    assert empty.goals == [] and empty.t_scores == [] and empty.current_t_score is None
    with pytest.raises(NotFoundError):
        charts.goal_attainment_series(db, 99999)


def test_practice_indicator_averages(db):
    today = date(2026, 6, 15)
    stay = indicators.by_key(db, "intent_to_stay")
    engage = indicators.by_key(db, "engagement")
    a = clients.create(db, "Anna Schmidt")
    b = clients.create(db, "Ben Dubois")
    paused = clients.create(db, "Łukasz Nowak", status="paused")
    # Anna is rated twice in May (average 4), Ben once (8): each client counts once -> 6.
    indicators.add_reading(db, a.id, stay.id, date(2026, 5, 2), 3)
    indicators.add_reading(db, a.id, stay.id, date(2026, 5, 30), 5)
    indicators.add_reading(db, b.id, stay.id, date(2026, 5, 10), 8)
    indicators.add_reading(db, b.id, stay.id, date(2026, 6, 1), 9)
    indicators.add_reading(db, a.id, engage.id, date(2025, 7, 1), 7)  # first month of the window
    indicators.add_reading(db, a.id, engage.id, date(2025, 6, 30), 1)  # just outside it
    indicators.add_reading(db, paused.id, stay.id, date(2026, 5, 10), 1)  # not an active client
    indicators.add_reading(db, a.id, stay.id, date(2026, 6, 20), 1)  # after today

    result = charts.practice_indicator_averages(db, months=12, today=today)
    assert [r.name for r in result] == ["Engagement at work", "Intent to stay"]
    engage_points, stay_points = result[0].points, result[1].points
    assert [(p.month, p.average, p.clients, p.readings) for p in engage_points] == [
        (date(2025, 7, 1), 7.0, 1, 1)]
    assert [(p.month, p.average, p.clients, p.readings) for p in stay_points] == [
        (date(2026, 5, 1), 6.0, 2, 3), (date(2026, 6, 1), 9.0, 1, 1)]
    assert (result[1].scale_min, result[1].scale_max, result[1].higher_is_better) == (1, 10, True)

    this_month = charts.practice_indicator_averages(db, months=1, today=today)
    assert [[p.month for p in r.points] for r in this_month] == [[date(2026, 6, 1)]]
    # Retired indicators are left out of the practice view.
    indicators.retire(db, stay.id)
    assert [r.name for r in charts.practice_indicator_averages(db, today=today)] == [
        "Engagement at work"]


def test_month_arithmetic_crosses_years():
    assert charts._month_start(date(2026, 1, 31), 0) == date(2026, 1, 1)
    assert charts._month_start(date(2026, 1, 31), 1) == date(2025, 12, 1)
    assert charts._month_start(date(2026, 3, 15), 14) == date(2025, 1, 1)
