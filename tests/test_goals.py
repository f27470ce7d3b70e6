"""Goals with goal attainment scaling: the T-score formula by hand, goals, ratings, series."""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlmodel import func, select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Goal, GoalRating
from coachdesk.services import clients, engagements, goals

HOSTILE = "<b>&amp; \"double\" 'single' 🙂🚀 مرحبا بالعالم 你好，世界 </b>"


def counts(db) -> tuple[int, int]:
    with db.session() as s:
        return (s.exec(select(func.count()).select_from(Goal)).one(),
                s.exec(select(func.count()).select_from(GoalRating)).one())


def refused(db, call, *args, field=None, **kwargs) -> str:
    before = counts(db)
    with pytest.raises(ValidationError) as info:
        call(db, *args, **kwargs)
    message = str(info.value)
    assert message[:1].isupper() and message.endswith("."), message
    if field is not None:
        assert info.value.field == field
    assert counts(db) == before
    return message


@pytest.fixture
def engagement(db):
    client = clients.create(db, "Élodie Fontaine")
    return engagements.create(db, client.id, date(2026, 1, 5), status="active",
                              objectives="1. Lead the old guard with authority\n"
                                         "\n"
                                         "2) Delegate the weekly reviews\n"
                                         "  - Build a succession plan  \n"
                                         "• Present to the board 🙂\n"
                                         "a) Protect two days a month for design")


# -- the formula, against hand-computed values ------------------------------------------


def test_t_score_all_at_expected_outcome_is_50():
    assert goals.gas_t_score([(0, 1), (0, 1), (0, 1)]) == pytest.approx(50)


def test_t_score_three_equal_goals_at_plus_one():
    # 50 + 10·3 / sqrt(0.7·3 + 0.3·9) = 50 + 30 / sqrt(4.8) = 63.6931…
    assert goals.gas_t_score([(1, 1)] * 3) == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert goals.gas_t_score([(1, 1)] * 3) == pytest.approx(63.6931, abs=1e-4)


def test_t_score_three_equal_goals_at_baseline_minus_one():
    # 50 - 30 / sqrt(4.8) = 36.3069…
    assert goals.gas_t_score([(-1, 1)] * 3) == pytest.approx(36.3069, abs=1e-4)


def test_t_score_weighted_by_hand():
    # weights 2, 1, 1 at levels +1, 0, -1:
    #   Σwx = 2·1 + 1·0 + 1·(-1) = 1;  Σw² = 4 + 1 + 1 = 6;  (Σw)² = 16
    #   denominator = sqrt(0.7·6 + 0.3·16) = sqrt(4.2 + 4.8) = sqrt(9) = 3
    #   T = 50 + 10·1/3 = 53.333…
    assert goals.gas_t_score([(1, 2), (0, 1), (-1, 1)]) == pytest.approx(50 + 10 / 3)


def test_t_score_weighted_extremes_by_hand():
    # weights 3 and 1 at +2 and -2: Σwx = 6 - 2 = 4; Σw² = 10; (Σw)² = 16;
    # denominator = sqrt(7 + 4.8) = sqrt(11.8) = 3.43511; T = 50 + 40/3.43511 = 61.6445
    assert goals.gas_t_score([(2, 3), (-2, 1)]) == pytest.approx(61.6445, abs=1e-4)


def test_t_score_single_goal_and_other_rho():
    # One goal: the denominator is w·sqrt((1-ρ) + ρ) = w, so T = 50 + 10·x whatever ρ.
    assert goals.gas_t_score([(2, 1)]) == pytest.approx(70)
    assert goals.gas_t_score([(-2, 5)], rho=0.5) == pytest.approx(30)
    # ρ = 0 (independent goals), two goals at +1: 50 + 20/sqrt(2) = 64.1421
    assert goals.gas_t_score([(1, 1), (1, 1)], rho=0) == pytest.approx(50 + 20 / math.sqrt(2))


def test_t_score_with_nothing_to_score_and_bad_arguments():
    assert goals.gas_t_score([]) is None
    with pytest.raises(ValueError):
        goals.gas_t_score([(1, -1)])
    with pytest.raises(ValueError):
        goals.gas_t_score([(1, 1)], rho=1)


# -- goals ---------------------------------------------------------------------------------


def test_parse_objectives_strips_numbering_and_bullets():
    assert goals.parse_objectives("1. One\n\n  2) Two \n- Three\n* Four\n• Five\n– Six\n"
                                  "(3) Seven\nb) Eight\n10. Ten\nPlain line\n   \n") == [
        "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Ten", "Plain line"]
    # Numbers that are part of the sentence stay.
    assert goals.parse_objectives("3 direct reports promoted\n2026 budget signed off") == [
        "3 direct reports promoted", "2026 budget signed off"]
    assert goals.parse_objectives("") == []


def test_goals_from_the_agreed_objectives(db, engagement):
    made = goals.create_from_objectives(db, engagement.id)
    assert [g.title for g in made] == [
        "Lead the old guard with authority", "Delegate the weekly reviews",
        "Build a succession plan", "Present to the board 🙂", "Protect two days a month for design"]
    assert [g.position for g in made] == list(range(5))
    assert all(g.weight == 1 and g.baseline_level == -1 for g in made)
    # Doing it again adds nothing twice; a new line is added.
    assert goals.create_from_objectives(db, engagement.id) == []
    engagements.update(db, engagement.id, objectives=engagement.objectives + "\n6. Hire a deputy")
    assert [g.title for g in goals.create_from_objectives(db, engagement.id)] == ["Hire a deputy"]
    empty = engagements.create(db, engagement.client_id, date(2026, 6, 1))
    refused(db, goals.create_from_objectives, empty.id, field="objectives")


def test_create_update_move_delete(db, engagement):
    levels = {"level_m2": "Avoids the founder", "level_m1": "Defers in meetings",
              "level_0": "Holds her ground once a month", "level_p1": "Leads the review",
              "level_p2": HOSTILE}
    goal = goals.create(db, engagement.id, HOSTILE, description=HOSTILE, weight="2.5",
                        importance=3, baseline_level=-2, **levels)
    got = goals.get(db, goal.id)
    assert (got.title, got.description, got.weight, got.importance, got.baseline_level) == (
        HOSTILE.strip(), HOSTILE, 2.5, 3, -2)
    assert got.level_p2 == HOSTILE and got.level_0 == "Holds her ground once a month"
    second = goals.create(db, engagement.id, "Delegate")
    third = goals.create(db, engagement.id, "Succession")
    updated = goals.update(db, second.id, title="Delegate the reviews", importance=None,
                           weight=None)
    assert (updated.title, updated.importance, updated.weight) == ("Delegate the reviews", None, 1)
    assert [g.id for g in goals.move(db, third.id, -2)] == [third.id, goal.id, second.id]
    goals.add_rating(db, goal.id, date(2026, 2, 1), 0)
    goals.delete(db, goal.id)
    assert counts(db) == (2, 0)
    with pytest.raises(NotFoundError):
        goals.get(db, goal.id)
    with pytest.raises(NotFoundError):
        goals.create(db, 99999, "Nowhere")


@pytest.mark.parametrize("kwargs, field, words", [
    ({"title": " "}, "title", "cannot be empty"),
    ({"weight": 0}, "weight", "more than 0"),
    ({"weight": -1}, "weight", "cannot be negative"),
    ({"weight": "heavy"}, "weight", "must be a number"),
    ({"weight": 1000}, "weight", "cannot be more than"),
    ({"importance": 9}, "importance", "from 1 to 5"),
    ({"importance": 2.5}, "importance", "from 1 to 5"),
    ({"baseline_level": 3}, "baseline_level", "-2, -1, 0, +1 or +2"),
    ({"baseline_level": "low"}, "baseline_level", "-2, -1, 0, +1 or +2"),
    ({"baseline_level": 0.5}, "baseline_level", "-2, -1, 0, +1 or +2"),
])
def test_goal_validation(db, engagement, kwargs, field, words):
    kwargs = {"title": "A goal", **kwargs}
    message = refused(db, goals.create, engagement.id, kwargs.pop("title"), field=field, **kwargs)
    assert words in message
    assert refused(db, goals.create, engagement.id, "X", colour="red").startswith("Unknown")


def test_ratings_current_levels_and_t_scores(db, engagement):
    a = goals.create(db, engagement.id, "A", weight=2)
    b = goals.create(db, engagement.id, "B")
    c = goals.create(db, engagement.id, "C")
    # Baseline: all at -1, weights 2, 1, 1: Σwx = -4, denominator 3 -> 50 - 40/3 = 36.667
    assert goals.baseline_t_score(db, engagement.id) == pytest.approx(50 - 40 / 3)
    assert goals.engagement_t_score(db, engagement.id) == pytest.approx(50 - 40 / 3)

    goals.add_rating(db, a.id, date(2026, 2, 1), 0, comment=HOSTILE)
    goals.add_rating(db, b.id, date(2026, 2, 1), -1)
    late = goals.add_rating(db, a.id, date(2026, 3, 1), 1)
    goals.add_rating(db, c.id, date(2026, 3, 1), 0)
    goals.add_rating(db, b.id, date(2026, 3, 15), "-2")
    assert goals.ratings(db, a.id)[0].comment == HOSTILE
    assert goals.current_levels(db, engagement.id) == {a.id: 1, b.id: -2, c.id: 0}
    assert goals.current_levels(db, engagement.id, as_of=date(2026, 2, 15)) == {
        a.id: 0, b.id: -1, c.id: -1}
    # Now: +1·2 + -2·1 + 0·1 = 0 -> 50
    assert goals.engagement_t_score(db, engagement.id) == pytest.approx(50)
    # On 15 Feb: 0·2 - 1 - 1 = -2 -> 50 - 20/3
    assert goals.engagement_t_score(db, engagement.id, as_of=date(2026, 2, 15)) == \
        pytest.approx(50 - 20 / 3)

    series = goals.t_score_series(db, engagement.id)
    assert [(p.day, round(p.t_score, 3), p.is_baseline) for p in series] == [
        (date(2026, 1, 5), round(50 - 40 / 3, 3), True),
        (date(2026, 2, 1), round(50 - 20 / 3, 3), False),  # two ratings, one point
        (date(2026, 3, 1), round(50 + 10 / 3, 3), False),  # 2·1 - 1 + 0 = 1
        (date(2026, 3, 15), 50.0, False),
    ]
    progress = {p.goal_id: p for p in goals.progress(db, engagement.id)}
    assert (progress[a.id].current_level, progress[a.id].change, progress[a.id].ratings,
            progress[a.id].last_rated) == (1, 2, 2, date(2026, 3, 1))
    assert progress[b.id].change == -1

    goals.update_rating(db, late.id, level=2, rating_date=date(2026, 3, 2), comment="Better")
    assert goals.current_levels(db, engagement.id)[a.id] == 2
    goals.delete_rating(db, late.id)
    assert goals.current_levels(db, engagement.id)[a.id] == 0
    refused(db, goals.add_rating, a.id, date(2026, 4, 1), 3, field="level")
    refused(db, goals.add_rating, a.id, "someday", 1, field="rating_date")
    refused(db, goals.update_rating, late.id - 1, level=-3, field="level")
    with pytest.raises(NotFoundError):
        goals.add_rating(db, 99999, date(2026, 4, 1), 0)


def test_engagement_without_goals_has_no_t_score(db, engagement):
    assert goals.engagement_t_score(db, engagement.id) is None
    assert goals.baseline_t_score(db, engagement.id) is None
    assert goals.t_score_series(db, engagement.id) == []
    assert goals.progress(db, engagement.id) == []


def test_rating_before_the_engagement_started_moves_the_baseline_point(db, engagement):
    g = goals.create(db, engagement.id, "Early", baseline_level=-2)
    goals.add_rating(db, g.id, date(2025, 12, 1), -1)
    series = goals.t_score_series(db, engagement.id)
    assert series[0].day == date(2025, 12, 1) and series[0].is_baseline
    assert series[0].t_score == pytest.approx(30)
    assert series[1].t_score == pytest.approx(40)


def test_level_labels():
    assert goals.level_label(0) == "0 Expected outcome"
    assert goals.level_label(-2) == "-2 Much less than expected"
    assert goals.level_label(1) == "+1 Somewhat more than expected"


def test_a_goal_rated_again_the_same_day_is_corrected_not_rated_twice(db, engagement):
    goal = goals.create(db, engagement.id, "Delegate the reviews")
    first = goals.add_rating(db, goal.id, date(2026, 11, 16), 0, comment="Delegated one review")
    again = goals.add_rating(db, goal.id, date(2026, 11, 16), 1)
    assert again.id == first.id
    rows = goals.ratings(db, goal.id)
    # The new level; an empty comment keeps the one written.
    assert [(r.level, r.comment) for r in rows] == [(1, "Delegated one review")]
    goals.add_rating(db, goal.id, date(2026, 11, 16), 1, comment=HOSTILE)
    assert [r.comment for r in goals.ratings(db, goal.id)] == [HOSTILE]
    # Progress counts one rating: from the baseline, not a step within the day.
    progress = {p.goal_id: p for p in goals.progress(db, engagement.id)}[goal.id]
    assert (progress.ratings, progress.current_level) == (1, 1)
    # Another day is another rating; moving one onto a rated day is refused.
    later = goals.add_rating(db, goal.id, date(2026, 11, 30), 2)
    assert len(goals.ratings(db, goal.id)) == 2
    message = refused(db, goals.update_rating, later.id, rating_date=date(2026, 11, 16),
                      field="rating_date")
    assert message == ("This goal already has a rating on 16 Nov 2026: correct or delete that "
                       "one instead.")
    goals.update_rating(db, later.id, rating_date=date(2026, 11, 30), level=1)
