"""The retention-risk signal: each rule case by case, their combination, the whole practice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from coachdesk.errors import NotFoundError
from coachdesk.services import actions, clients, engagements, goals, indicators, risk, sessions
from coachdesk.services.risk import RULES, Level

TODAY = date(2026, 6, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


class Practice:
    """A client whose signal is green until a test adds what should change it."""

    def __init__(self, db, name="Søren Madsen", start_days_ago=60, end_days=None, agreed=0,
                 last_held_days_ago: int | None = 10, status="active"):
        self.db = db
        self.client = clients.create(db, name, status=status)
        start = ago(start_days_ago)
        self.engagement = engagements.create(
            db, self.client.id, start, status="active", sessions_agreed=agreed,
            end_date=None if end_days is None else start + timedelta(days=end_days))
        self.session = None
        if last_held_days_ago is not None:
            self.session = self.held(last_held_days_ago)

    def held(self, days_ago: int, status="held"):
        return sessions.create(self.db, self.engagement.id, ago(days_ago), status=status)

    def rate(self, key: str, *values_days: tuple[float, int], source="coach_observation"):
        indicator = indicators.by_key(self.db, key)
        for value, days in values_days:
            indicators.add_reading(self.db, self.client.id, indicator.id, ago(days), value,
                                   source=source, engagement_id=self.engagement.id)

    def action(self, due_days_ago: int, status="open"):
        session = self.session or self.held(200)
        item = actions.create(self.db, session.id, "Ask two peers for feedback",
                              due_date=max(ago(due_days_ago), session.session_date))
        if status != "open":
            actions.set_status(self.db, item.id, status, today=TODAY)
        return item

    def goal(self, *levels_days: tuple[int, int], baseline=-1, engagement=None):
        goal = goals.create(self.db, (engagement or self.engagement).id, "Delegate the reviews",
                            baseline_level=baseline)
        for level, days in levels_days:
            goals.add_rating(self.db, goal.id, ago(days), level)
        return goal

    def assess(self, rules=RULES):
        return risk.assess(self.db, self.client.id, today=TODAY, rules=rules)


def only(assessment, rule: str | None = None) -> risk.Reason:
    assert len(assessment.reasons) == 1, assessment.reasons
    reason = assessment.reasons[0]
    if rule:
        assert reason.rule == rule
    return reason


@pytest.fixture
def p(db):
    return Practice(db)


def test_a_client_with_nothing_wrong_is_green(p):
    p.rate("intent_to_stay", (8, 40), (8, 5))
    result = p.assess()
    assert result.level == Level.green and result.reasons == []
    assert not result.needs_attention


# -- rule 1: low latest value --------------------------------------------------------------


@pytest.mark.parametrize("value, level", [(6, None), (5.5, None), (5, Level.amber),
                                          (4, Level.amber), (3.5, Level.amber), (3, Level.red),
                                          (1, Level.red)])
def test_low_intent_to_stay(p, value, level):
    p.rate("intent_to_stay", (value, 3))
    result = p.assess()
    if level is None:
        assert result.reasons == []
        return
    reason = only(result, "low_value")
    assert result.level == reason.level == level
    assert reason.text == f"Intent to stay is low: {value:g} on a scale of 1 to 10 (29 May 2026)."


@pytest.mark.parametrize("key, name", [("commitment", "Commitment to the organization"),
                                       ("engagement", "Engagement at work")])
def test_low_commitment_and_engagement(p, key, name):
    p.rate(key, (2, 3))
    reason = only(p.assess(), "low_value")
    assert reason.level == Level.red and reason.text.startswith(f"{name} is low: 2")


def test_only_the_latest_value_counts_and_other_indicators_are_not_watched(p):
    p.rate("intent_to_stay", (2, 30), (7, 2))
    p.rate("wellbeing", (1, 2))  # low, but not one of the retention indicators
    assert p.assess().reasons == []


def test_readiness_on_a_one_to_five_scale_is_not_watched_but_commitment_on_any_scale_is(p):
    commitment = indicators.by_key(p.db, "commitment")
    indicators.update(p.db, commitment.id, scale_min=0, scale_max=100)
    p.rate("commitment", (40, 2))  # 0.40 of the scale: amber
    assert only(p.assess()).text.startswith("Commitment to the organization is low: 40 on a "
                                            "scale of 0 to 100")
    assert only(p.assess()).level == Level.amber


def test_direction_is_respected(p):
    stay = indicators.by_key(p.db, "intent_to_stay")
    indicators.update(p.db, stay.id, higher_is_better=False, name="Wish to leave")
    p.rate("intent_to_stay", (9, 2))
    reason = only(p.assess(), "low_value")
    assert reason.level == Level.red
    assert reason.text == ("Wish to leave is high: 9 on a scale of 1 to 10, where lower is better "
                           "(30 May 2026).")


def test_renamed_watched_indicator_is_still_found_by_its_key(p):
    indicators.rename(p.db, indicators.by_key(p.db, "intent_to_stay").id, "Will stay")
    p.rate("intent_to_stay", (3, 2))
    assert only(p.assess()).text.startswith("Will stay is low: 3")


def test_old_and_retired_readings_are_not_news(p):
    p.rate("intent_to_stay", (1, RULES.recent_days + 1))
    assert p.assess().reasons == []
    p.rate("commitment", (1, 1))
    indicators.retire(p.db, indicators.by_key(p.db, "commitment").id)
    assert p.assess().reasons == []


# -- rule 2: falling trend ------------------------------------------------------------------


@pytest.mark.parametrize("values, level, text", [
    ((9, 8, 7), Level.amber, "fell from 9 to 7"),  # 2/9 = 0.22 of the scale
    ((9, 8, 8), None, None),  # 1/9
    ((9, 7, 5), Level.red, "fell from 9 to 5"),  # 4/9 = 0.44
    ((5, 9, 7), None, None),  # up overall from the first of the three
    ((2, 9, 8, 7), Level.amber, "fell from 9 to 7"),  # only the last three count
    ((9, 7), Level.amber, "fell from 9 to 7"),  # two readings are enough
    ((9,), None, None),
])
def test_falling_trend(p, values, level, text):
    days = [80 - 20 * i for i in range(len(values))]
    p.rate("trust_in_leadership", *zip(values, days, strict=True))
    result = p.assess()
    if level is None:
        assert result.reasons == []
        return
    reason = only(result, "falling_trend")
    assert reason.level == level
    first_day = ago(days[-min(len(values), RULES.trend_readings)])
    assert reason.text == (f"Trust in manager and leadership {text} since "
                           f"{risk.day_text(first_day)}.")


def test_intent_to_stay_fell_from_7_to_4(db):
    p = Practice(db)
    indicator = indicators.by_key(db, "intent_to_stay")
    indicators.add_reading(db, p.client.id, indicator.id, date(2026, 3, 12), 7)
    indicators.add_reading(db, p.client.id, indicator.id, date(2026, 4, 20), 6,
                           source="self_rating")
    indicators.add_reading(db, p.client.id, indicator.id, date(2026, 5, 25), 4, source="sponsor")
    result = p.assess()
    assert result.level == Level.amber
    assert result.reason_texts == [
        "Intent to stay is low: 4 on a scale of 1 to 10 (25 May 2026).",
        "Intent to stay fell from 7 to 4 since 12 Mar 2026.",
    ]


def test_trend_on_a_five_point_scale_and_same_day_readings(p):
    p.rate("readiness_next_role", (5, 40), (4, 10))  # 1/4 = 0.25 of the scale
    assert only(p.assess()).level == Level.amber
    # Two readings on one day: the one entered last is the latest.
    p.rate("readiness_next_role", (2, 5), (5, 5))
    assert p.assess().reasons == []  # 4 -> 2 -> 5: the last three go from 4 to 5


def test_trend_respects_direction(p):
    stress = indicators.create(p.db, "Stress", scale_min=0, scale_max=10, higher_is_better=False)
    for value, days in ((2, 60), (4, 30), (7, 2)):
        indicators.add_reading(p.db, p.client.id, stress.id, ago(days), value)
    reason = only(p.assess(), "falling_trend")
    assert reason.level == Level.red  # 5/10 worse
    assert reason.text == f"Stress rose from 2 to 7 since {risk.day_text(ago(60))} (lower is better)."


def test_stale_trend_is_not_news(p):
    p.rate("trust_in_leadership", (9, 400), (3, RULES.recent_days + 5))
    assert p.assess().reasons == []


def test_readings_beyond_the_horizon_are_history_not_trend(p):
    p.rate("trust_in_leadership", (9, RULES.trend_horizon_days + 1), (4, 10))
    assert p.assess().reasons == []
    p.rate("trust_in_leadership", (7, RULES.trend_horizon_days - 1))
    assert only(p.assess()).text.startswith("Trust in manager and leadership fell from 7 to 4")


# -- rule 3: no session for longer than the rhythm ------------------------------------------


@pytest.mark.parametrize("last_held, level", [(20, None), (27, None), (28, Level.amber),
                                              (54, Level.amber), (55, Level.red)])
def test_session_gap_against_the_engagement_rhythm(db, last_held, level):
    # 180 days for 10 sessions: one every 18 days; amber above 27 days, red above 54.
    p = Practice(db, start_days_ago=100, end_days=180, agreed=10, last_held_days_ago=last_held)
    result = p.assess()
    if level is None:
        assert result.reasons == []
        return
    reason = only(result, "session_gap")
    assert reason.level == level
    assert reason.text == (f"No session held for {last_held} days (the last on "
                           f"{risk.day_text(ago(last_held))}); this engagement's rhythm is about "
                           "one every 18 days.")


def test_rhythm():
    assert risk.rhythm_days(date(2026, 1, 1), date(2026, 7, 1), 6) == pytest.approx(181 / 6)
    assert risk.rhythm_days(date(2026, 1, 1), None, 6) == 30
    assert risk.rhythm_days(date(2026, 1, 1), date(2026, 7, 1), 0) == 30
    assert risk.rhythm_days(date(2026, 1, 1), date(2025, 7, 1), 6) == 30


@pytest.mark.parametrize("started, level", [(40, None), (45, None), (46, Level.amber),
                                            (91, Level.red)])
def test_no_session_since_the_start_uses_the_default_rhythm(db, started, level):
    p = Practice(db, start_days_ago=started, last_held_days_ago=None)
    p.held(5, status="planned")  # planned, cancelled and no-shows are not held sessions
    p.held(6, status="cancelled")
    p.held(7, status="no_show")
    result = p.assess()
    if level is None:
        assert result.reasons == []
        return
    reason = only(result, "session_gap")
    assert reason.level == level
    assert reason.text == (f"No session held since the engagement started {started} days ago; "
                           "its rhythm is about one every 30 days.")


def test_gap_rule_only_for_active_engagements_of_active_clients(db):
    paused = Practice(db, "Łukasz Nowak", status="paused", last_held_days_ago=200,
                      start_days_ago=300)
    assert paused.assess().reasons == []
    future = Practice(db, "Amara Okafor", start_days_ago=-10, last_held_days_ago=None)
    assert future.assess().reasons == []
    done = Practice(db, "Mathieu Roussel", start_days_ago=300, last_held_days_ago=200)
    engagements.end(db, done.engagement.id, ago(150))
    assert done.assess().reasons == []


def test_two_active_engagements_the_worst_gap_counts(db):
    p = Practice(db, start_days_ago=200, last_held_days_ago=50)  # 50 > 45: amber
    second = engagements.create(db, p.client.id, ago(120), status="active")  # none held: red
    assert second.id
    reason = only(p.assess(), "session_gap")
    assert reason.level == Level.red and "since the engagement started 120 days ago" in reason.text


# -- rule 4: overdue action items -------------------------------------------------------------


def test_overdue_actions(p):
    p.action(0)  # due today: not overdue yet
    p.action(3, status="done")
    p.action(4, status="dropped")
    assert p.assess().reasons == []
    p.action(2)
    reason = only(p.assess(), "overdue_actions")
    assert reason.level == Level.amber
    assert reason.text == f"1 action item is overdue (it was due on {risk.day_text(ago(2))})."
    p.action(5)
    assert only(p.assess()).level == Level.amber
    p.action(1)
    reason = only(p.assess(), "overdue_actions")
    assert reason.level == Level.red
    assert reason.text == f"3 action items are overdue, the oldest since {risk.day_text(ago(5))}."


# -- rule 5: goals stuck at or below baseline ---------------------------------------------------


def test_goal_stuck_at_baseline(p):
    p.goal((-1, 70), (-1, 10))
    reason = only(p.assess(), "stuck_goal")
    assert reason.level == Level.amber
    assert reason.text == ("Goal “Delegate the reviews” is still at its baseline (-1) after 2 "
                           f"ratings since {risk.day_text(ago(70))}.")


def test_goal_below_baseline_is_red(p):
    p.goal((-1, 70), (-2, 10))
    reason = only(p.assess(), "stuck_goal")
    assert reason.level == Level.red
    assert reason.text == ("Goal “Delegate the reviews” has fallen below its baseline (-2, the "
                           f"baseline was -1) after 2 ratings since {risk.day_text(ago(70))}.")


@pytest.mark.parametrize("ratings", [
    ((-1, 70), (0, 10)),  # moving: fine
    ((-1, 70),),  # one rating is too few
    ((-1, 40), (-1, 5)),  # too early to say
    (),  # never rated
])
def test_goals_not_stuck(p, ratings):
    p.goal(*ratings)
    assert p.assess().reasons == []


def test_goals_of_finished_engagements_are_not_chased(db):
    p = Practice(db)
    old = engagements.create(db, p.client.id, ago(400), status="completed")
    p.goal((-2, 300), (-2, 200), baseline=-1, engagement=old)
    assert p.assess().reasons == []


# -- the combination -----------------------------------------------------------------------------


def test_three_ambers_make_red_and_say_so(p):
    p.rate("intent_to_stay", (5, 2))  # amber
    p.action(3)  # amber
    assert p.assess().level == Level.amber
    p.goal((-1, 70), (-1, 10))  # a third amber
    result = p.assess()
    assert result.level == Level.red
    assert [r.rule for r in result.reasons] == ["low_value", "overdue_actions", "stuck_goal",
                                                "combined"]
    assert result.reasons[-1].text == "3 warning signs at once make the overall signal red."
    assert all(r.level == Level.amber for r in result.reasons[:3])


def test_red_reasons_come_first_and_no_combined_line_when_already_red(p):
    p.action(3)  # amber
    p.rate("intent_to_stay", (2, 2))  # red
    p.goal((-1, 70), (-1, 10))  # amber
    p.rate("trust_in_leadership", (9, 40), (7, 2))  # amber
    result = p.assess()
    assert result.level == Level.red
    assert [r.rule for r in result.reasons] == ["low_value", "falling_trend", "overdue_actions",
                                                "stuck_goal"]
    assert result.reasons[0].level == Level.red


def test_rules_can_be_changed_in_one_place(p):
    p.rate("intent_to_stay", (5, 2))
    assert p.assess().level == Level.amber
    assert p.assess(rules=replace(RULES, low_amber=0.3)).level == Level.green
    p.action(3)
    p.action(4)
    assert p.assess(rules=replace(RULES, ambers_make_red=2)).level == Level.red


# -- the whole practice --------------------------------------------------------------------------


def test_assess_all_orders_by_level_and_leaves_out_archived_clients(db):
    green = Practice(db, "Anna Schmidt")
    amber = Practice(db, "Zoë Whitfield")
    amber.action(2)
    red = Practice(db, "Élodie Fontaine")
    red.rate("intent_to_stay", (2, 1))
    other_red = Practice(db, "Björn Eriksson")
    other_red.rate("commitment", (1, 1))
    archived = Practice(db, "Mathieu Roussel", status="archived")
    archived.rate("intent_to_stay", (1, 1))
    result = risk.assess_all(db, today=TODAY)
    assert [(a.client_name, a.level) for a in result] == [
        ("Björn Eriksson", Level.red), ("Élodie Fontaine", Level.red),
        ("Zoë Whitfield", Level.amber), ("Anna Schmidt", Level.green)]
    assert [a.client_id for a in risk.needing_attention(db, today=TODAY)] == [
        other_red.client.id, red.client.id, amber.client.id]
    # Each client's reasons are their own.
    by_id = {a.client_id: a for a in result}
    assert by_id[red.client.id].reason_texts == [
        f"Intent to stay is low: 2 on a scale of 1 to 10 ({risk.day_text(ago(1))})."]
    assert by_id[green.client.id].reasons == []
    # assess() of one client agrees with assess_all, and works for an archived client too.
    for a in result:
        single = risk.assess(db, a.client_id, today=TODAY)
        assert (single.level, single.reason_texts) == (a.level, a.reason_texts)
    assert risk.assess(db, archived.client.id, today=TODAY).level == Level.red
    with pytest.raises(NotFoundError):
        risk.assess(db, 99999, today=TODAY)


def test_assess_all_uses_a_fixed_number_of_queries(db):
    """Set-based: the number of SQL statements does not grow with the number of clients."""

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            risk.assess_all(db, today=TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def add_client(i: int) -> None:
        p = Practice(db, f"Client {i}")
        p.rate("intent_to_stay", (8, 30), (4, 2))
        p.action(3)
        p.goal((-1, 70), (-1, 10))

    add_client(0)
    few = statements()
    for i in range(1, 15):
        add_client(i)
    assert statements() == few <= 10
    assert all(a.level == Level.red for a in risk.assess_all(db, today=TODAY))


def test_day_text_is_the_same_in_every_language():
    assert risk.day_text(date(2026, 3, 12)) == "12 Mar 2026"
    assert risk.day_text(date(2026, 12, 1)) == "1 Dec 2026"
