"""The demo practice's retention story: indicator readings, GAS goals, relationships.

Called by :func:`coachdesk.demo.populate` after the history (it needs the
sessions held). The hand-written clients each tell a story the risk rules
(``services/risk.py``) can read:

* improving: José, Élodie and Rashid (their few carried-over actions are followed up);
* at risk: Søren (intent to stay and commitment falling, a goal fallen below its
  baseline) and Siobhán (wellbeing falling, an overdue action from the history);
* steady: everyone else.

Readings sit near the sessions held: the coach's observation on the day, the
client's self-rating the day before (every other session), the sponsor's view a
few days after one session, a 360 round for a few clients. Generated clients
(the benchmarks) get ``readings_per_client`` readings spread over their current
engagement and two goals with a few ratings. Everything comes from ``rng`` and
``today``; rows are bulk-inserted so 5,000 clients stay quick.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, text

from .demo_history import PLANS, ClientInfo
from .models import (
    BlockingPattern,
    ClientMotivation,
    Goal,
    GoalRating,
    IndicatorReading,
    Stakeholder,
)

WATCHED = ("engagement", "commitment", "intent_to_stay")
SELF_RATED = (*WATCHED, "wellbeing", "confidence_in_role")
SPONSOR_RATED = ("engagement", "commitment", "confidence_in_role", "readiness_next_role")
RATED_360 = ("relationship_quality", "trust_in_leadership", "confidence_in_role")
ROTATING = ("trust_in_leadership", "development_path", "relationship_quality",
            "confidence_in_role", "readiness_next_role")

# The coach's view at the first and the last session held; in between it moves in
# a straight line (rounded). Unlisted indicators keep the steady default.
STEADY = {"engagement": (7, 7), "commitment": (7, 7), "intent_to_stay": (7, 8),
          "trust_in_leadership": (6, 6), "development_path": (6, 6), "wellbeing": (7, 7),
          "relationship_quality": (6, 7), "confidence_in_role": (6, 7),
          "readiness_next_role": (2, 2)}

# By hand-written index (demo.CLIENTS). Lists are exact values per session held.
STORIES: dict[int, dict] = {
    0: {"engagement": (6, 8), "commitment": (7, 8), "intent_to_stay": (6, 8),  # José: improving
        "trust_in_leadership": (5, 7), "development_path": (5, 8), "relationship_quality": (5, 7),
        "confidence_in_role": (5, 8), "readiness_next_role": (2, 3)},
    3: {"intent_to_stay": [7, 7, 5, 4], "commitment": [8, 7, 6, 5],            # Søren: at risk
        "engagement": [7, 7, 6, 6], "relationship_quality": (5, 4), "trust_in_leadership": (6, 5),
        "development_path": (7, 5)},
    6: {"engagement": (6, 9), "commitment": (7, 9), "intent_to_stay": (6, 8),  # Élodie: improving
        "confidence_in_role": (4, 8), "trust_in_leadership": (5, 7), "readiness_next_role": (3, 4)},
    8: {"wellbeing": [7, 7, 6, 3], "engagement": [8, 8, 7, 7],                 # Siobhán: fatigue
        "commitment": (8, 8), "intent_to_stay": (8, 7), "confidence_in_role": (7, 7)},
    9: {"engagement": (6, 8), "intent_to_stay": (6, 8), "trust_in_leadership": (5, 7),  # Rashid
        "relationship_quality": (5, 7), "confidence_in_role": (5, 7)},
    11: {"intent_to_stay": (6, 2), "commitment": (6, 3), "engagement": (6, 4)},  # Björn: left
}
# How much higher the client rates themselves than the coach sees it.
SELF_BIAS = {3: {"intent_to_stay": 2, "commitment": 1}, 8: {"wellbeing": 1}}
IMPROVING = (0, 6, 9)
WITH_360 = (0, 3, 6)

# Private comments on a reading: (index, key, session number) -> the coach's note.
COMMENTS = {
    (3, "intent_to_stay", 2): "Mentioned, almost in passing, a call from a headhunter. "
                              "Asked me to keep it between us.",
    (3, "intent_to_stay", 3): "Says partnership “may not be worth it”. First time he said it aloud.",
    (8, "wellbeing", 3): "Sleeping five hours; cried briefly talking about the rota. "
                         "Suggested she speaks to occupational health.",
    (0, "confidence_in_role", 3): "Ran the outage review without stepping in. Visibly proud.",
    (6, "confidence_in_role", 5): "Presented the collection to the founder on her own terms.",
}

GOAL_LEVELS = {
    "Delegate with confidence": (
        "Still does the key work personally; the team waits for decisions.",
        "Delegates small tasks but takes them back under pressure.",
        "Delegates two recurring responsibilities and reviews them weekly, not daily.",
        "The team decides within agreed limits; reviews are monthly.",
        "A deputy runs the area for a month without escalation."),
    "Build the senior team's trust": (
        "Key people avoid raising problems; one considers leaving.",
        "Problems reach them late and second-hand.",
        "The senior team raises bad news early in the weekly meeting.",
        "Team members bring their own proposals to the table.",
        "The team names them as the reason they stay (engagement survey)."),
    "A clear development plan for the next role": (
        "No conversation about the next role has happened.",
        "Interest mentioned to the sponsor, nothing written down.",
        "A written plan agreed with the sponsor, with two stretch assignments.",
        "One stretch assignment under way, with visible results.",
        "Named as the successor for the next role."),
}
GOAL_TITLES = tuple(GOAL_LEVELS)

# Goal paths for hand-written clients: (baselines, levels at each rating, by goal).
GOAL_PATHS = {
    0: ((-1, -1, -2), [(-1, 0, 1), (-1, 0, 0), (-2, -1, -1)]),  # José
    3: ((-1, -1, -1), [(-1, -1, 0), (-1, -2, -2), (-1, 0, 0)]),  # Søren: trust goal falls
    6: ((-1, -2, -1), [(0, 1, 2), (-1, 0, 1), (-1, 0, 1)]),     # Élodie
    8: ((-1, -1, -2), [(-1, 0, 0), (-1, 0, 0), (-2, -1, -1)]),  # Siobhán
}

# Stakeholder maps: (name, role, relation, influence, quality, trend, notes, mvs or None)
PEOPLE = {
    0: [("Katrin Vogel", "HR Business Partner", "sponsor", 4, 4, "steady",
         "Champions the programme; wants to see delegation in the next review.", (50, 20, 30)),
        ("Jürgen Aßmann", "COO, his manager", "manager", 5, 3, "improving",
         "Used to calling José directly at 11 pm; now goes through the shift leads.", (15, 60, 25)),
        ("Mette Hansen", "Shift lead, north grid", "direct_report", 3, 3, "improving",
         "Ready to take the outage reviews.", None),
        ("Paul Ng", "Head of Asset Management", "peer", 3, 4, "steady", "", (30, 25, 45))],
    1: [("Jürgen Aßmann", "COO, sponsor", "sponsor", 5, 3, "steady",
         "Wants finance closer to the plants.", (15, 60, 25)),
        ("Frank Busch", "Plant director, Emden", "peer", 4, 2, "improving",
         "Sees finance as “the people who say no”.", None),
        ("Ingrid Solberg", "CEO", "manager", 5, 4, "steady", "", (30, 40, 30))],
    3: [("Priya Raman", "Head of Talent", "sponsor", 4, 3, "worsening",
         "Worried about the associates' exit interviews.", (55, 15, 30)),
        ("Edward Hale", "Managing Partner", "manager", 5, 3, "worsening",
         "Decides the partnership case next spring.", (10, 65, 25)),
        ("Aisha Karim", "Associate", "direct_report", 2, 2, "worsening",
         "Asked to move to another team.", None),
        ("Tom Whitaker", "Senior Associate", "peer", 3, 3, "steady",
         "Rival on the partner track.", (20, 45, 35))],
    4: [("Priya Raman", "Head of Talent", "sponsor", 4, 4, "steady", "", (55, 15, 30)),
        ("Ruth Adeyemi", "Senior Partner", "manager", 5, 4, "steady", "", None),
        ("James Cole", "Partner, Employment", "peer", 3, 3, "steady", "", None)],
    5: [("Priya Raman", "Head of Talent", "sponsor", 3, 4, "steady", "", (55, 15, 30)),
        ("Edward Hale", "Managing Partner", "manager", 5, 3, "steady",
         "Key to the board's view of the Asia desk.", (10, 65, 25)),
        ("王磊 (Wang Lei)", "Associate, Shanghai", "direct_report", 2, 5, "improving", "", None),
        ("Sarah O'Connell", "Partner, Finance Desk", "peer", 4, 3, "improving",
         "Possible ally on the board.", (35, 30, 35))],
    6: [("Hélène Marchand", "Directrice générale", "sponsor", 5, 4, "improving",
         "Backs her as successor.", (40, 35, 25)),
        ("Bernard Lefèvre", "Founder", "manager", 5, 3, "improving",
         "Still signs off every collection; starting to let go.", (20, 50, 30)),
        ("Claire Dumas", "Head of Pattern Room", "peer", 3, 4, "improving",
         "Part of the old guard; won over in spring.", None),
        ("Yanis Belkacem", "Junior designer", "direct_report", 2, 5, "steady", "", None)],
    8: [("Dr Tom O'Brien", "Medical Director", "sponsor", 4, 4, "steady",
         "Supportive, but has no budget for more staff.", (45, 30, 25)),
        ("Fiona Walsh", "Chief Nurse", "peer", 4, 3, "worsening",
         "Rota disputes between nursing and medical staff.", (50, 25, 25)),
        ("Dr Kwame Asante", "Registrar", "direct_report", 2, 4, "steady", "", None),
        ("Margaret Doyle", "Chief Executive", "manager", 5, 3, "steady", "", (25, 45, 30))],
    9: [("Dr Tom O'Brien", "Medical Director", "sponsor", 4, 3, "improving", "", (45, 30, 25)),
        ("Dr Emma Lindqvist", "Clinical Lead, Surgery", "peer", 4, 2, "improving",
         "Felt rushed by his first proposals; now meets him weekly.", (30, 20, 50)),
        ("Margaret Doyle", "Chief Executive", "manager", 5, 4, "steady", "", (25, 45, 30))],
    10: [("Adjoa Boateng", "Matron", "manager", 4, 4, "steady", "", (60, 15, 25)),
         ("Sister Ruth Hayes", "Senior Nurse", "direct_report", 3, 2, "improving",
          "Was her peer until last year.", None),
         ("Kevin Lowe", "Ward Manager, Ward 7", "peer", 2, 4, "steady", "", None)],
}

# The client's own motivational value system (blue, red, green), by index.
CLIENT_MVS = {0: (15, 30, 55), 1: (25, 40, 35), 3: (10, 60, 30), 4: (35, 40, 25),
              5: (33, 33, 34), 6: (45, 20, 35), 8: (60, 20, 20), 9: (20, 50, 30), 10: (55, 25, 20)}

PATTERNS = {
    0: [("Steps in to fix it himself", "When an outage review drags", "The shift leads stop deciding")],
    1: [("Leads with the numbers", "In plant visits", "The units hear control, not partnership"),
        ("Says yes to every board request", "Before quarter-end", "Her team works weekends")],
    3: [("Treats feedback as an attack", "In appraisals and 360s", "People stop telling him things"),
        ("Late nights as proof of commitment", "Before deadlines", "Associates copy it and burn out"),
        ("Gives work out at the last minute", "On big matters", "The team feels used")],
    4: [("Takes every client call herself", "First months as partner", "No time to lead")],
    5: [("Waits to be invited", "Partnership meetings", "Decisions are made without her")],
    6: [("Defers to the founder", "Collection reviews", "Her own voice is lost"),
        ("Over-prepares", "Before presenting", "Exhaustion before the big day")],
    8: [("Fills every gap herself", "When the rota is short", "Fatigue; the team does not learn"),
        ("Apologises before saying no", "With senior colleagues", "The no is not heard")],
    9: [("Moves faster than the culture", "In clinical meetings", "Reads as impatience")],
    10: [("Avoids hard conversations with former peers", "On rota changes",
          "Problems fester for weeks")],
}


def _value(spec, k: int, n: int) -> int:
    if isinstance(spec, list):
        return spec[min(k, len(spec) - 1)]
    start, end = spec
    return round(start + (end - start) * (k / (n - 1) if n > 1 else 1))


def _clamp(value: float, low: int, high: int) -> float:
    return max(low, min(high, value))


def _story_readings(info: ClientInfo, held: list[date], scales: dict, sponsored: bool,
                    stamps: dict) -> list[dict]:
    story = {**STEADY, **STORIES.get(info.index, {})}
    bias = SELF_BIAS.get(info.index, {})
    n = len(held)
    rows = []

    def add(key: str, day: date, value: float, source: str, k: int) -> None:
        if key not in scales:
            return  # a retired or renamed-away default: nothing to rate
        ind_id, low, high = scales[key]
        rows.append({"client_id": info.client_id, "engagement_id": info.engagement_id,
                     "indicator_id": ind_id, "reading_date": day,
                     "value": float(_clamp(value, low, high)), "source": source,
                     "private_comment": COMMENTS.get((info.index, key, k), "")
                     if source == "coach_observation" else "", **stamps})

    for k, day in enumerate(held):
        values = {key: _value(spec, k, n) for key, spec in story.items()}
        if k % 2 == 0:  # the client's questionnaire, the day before
            for key in SELF_RATED:
                add(key, day - timedelta(days=1), values[key] + bias.get(key, 0), "self_rating", k)
        keys = list(story) if k in (0, n - 1) else \
            [*WATCHED, "wellbeing", ROTATING[k % len(ROTATING)]]
        for key in keys:
            add(key, day, values[key], "coach_observation", k)
        if sponsored and n >= 3 and k == max(0, n // 2 - 1):
            for key in SPONSOR_RATED:
                add(key, day + timedelta(days=3), values[key], "sponsor", k)
        if info.index in WITH_360 and n >= 3 and k == n - 2:
            for key in RATED_360:
                add(key, day - timedelta(days=5), values[key], "feedback_360", k)
    return rows


def _generated_readings(info: ClientInfo, rng: random.Random, today: date, end: date | None,
                        scales: dict, count: int, stamps: dict) -> list[dict]:
    keys = [k for k in scales]
    if count <= 0 or not keys:
        return []
    last = min(today, end) if end else today
    span = max(0, (last - info.start).days)
    per_round = min(5, len(keys))
    rounds = -(-count // per_round)
    # Most coaching helps a little; some clients drift away (the dashboard's reds).
    drift = rng.choice((-3, -2, 0, 0, 0, 1, 1, 1, 2, 2))
    base = {k: rng.randint(6, 9) for k in keys}
    rows = []
    for n in range(count):
        r, slot = divmod(n, per_round)
        key = keys[(r + slot * 2) % len(keys)] if per_round < len(keys) else keys[slot]
        ind_id, low, high = scales[key]
        frac = r / (rounds - 1) if rounds > 1 else 1.0
        noise = rng.choice((-1, 0, 0, 0, 0, 0, 0, 1))
        raw = base[key] + drift * frac + noise
        if high - low < 9:  # short scales (1-5): the story squeezed on, without the noise
            raw = low + (raw - noise - 1) * (high - low) / 9
        rows.append({"client_id": info.client_id, "engagement_id": info.engagement_id,
                     "indicator_id": ind_id,
                     "reading_date": info.start + timedelta(days=round(span * frac)),
                     "value": float(_clamp(round(raw), low, high)),
                     "source": rng.choices(("coach_observation", "self_rating", "sponsor",
                                            "feedback_360"), (55, 35, 6, 4))[0],
                     "private_comment": "", **stamps})
    return rows


def _goal_row(engagement_id: int, title: str, position: int, baseline: int, stamps: dict) -> dict:
    levels = GOAL_LEVELS[title]
    return {"engagement_id": engagement_id, "title": title, "description": "",
            "weight": 1.0, "importance": 3 + (position == 0), "baseline_level": baseline,
            "position": position, "level_m2": levels[0], "level_m1": levels[1],
            "level_0": levels[2], "level_p1": levels[3], "level_p2": levels[4], **stamps}


def add_retention(s, rng: random.Random, today: date, infos: list[ClientInfo], stamps: dict,
                  readings_per_client: int = 8) -> dict:
    """Insert readings, goals and ratings, stakeholders, MVS and patterns; return counts."""
    scales = {key: (iid, low, high) for iid, key, low, high in s.execute(text(
        "SELECT id, key, scale_min, scale_max FROM indicator WHERE key IS NOT NULL "
        "AND retired = 0 ORDER BY position, id")).all()}
    held: dict[int, list[date]] = {}
    for eid, day in s.execute(text("SELECT engagement_id, session_date FROM coaching_session "
                                   "WHERE status = 'held' ORDER BY session_date, id")).all():
        held.setdefault(eid, []).append(date.fromisoformat(str(day)[:10]))
    engagements = {eid: (status, sponsor, None if end is None else date.fromisoformat(str(end)[:10]))
                   for eid, status, sponsor, end in s.execute(text(
                       "SELECT id, status, sponsor_id, end_date FROM engagement")).all()}

    readings, goal_rows, goal_plans = [], [], []
    for info in infos:
        status, sponsor, end = engagements[info.engagement_id]
        days = [d for d in held.get(info.engagement_id, []) if d <= today]
        hand_written = info.index in PLANS
        if hand_written:
            if days:
                readings += _story_readings(info, days, scales, sponsor is not None, stamps)
            if status in ("active", "planned"):
                baselines, paths = GOAL_PATHS.get(info.index, ((-1, -1, -2), None))
                if paths is None:  # steady: one step up on each goal after a few sessions
                    paths = [(b, b + 1) for b in baselines]
                for pos, title in enumerate(GOAL_TITLES):
                    goal_rows.append(_goal_row(info.engagement_id, title, pos, baselines[pos],
                                               stamps))
                    goal_plans.append((days, paths[pos]))
        else:
            readings += _generated_readings(info, rng, today, end, scales, readings_per_client,
                                            stamps)
            if status == "active":
                last = min(today, end) if end else today
                span = max(1, (last - info.start).days)
                ratings = rng.randint(2, 4)
                dates = [info.start + timedelta(days=span * (r + 1) // ratings)
                         for r in range(ratings)]
                for pos in range(2):
                    path, level = [], -1
                    for _ in dates:
                        level = max(-2, min(2, level + rng.choice((-1, 0, 1, 1, 1, 1))))
                        path.append(level)
                    goal_rows.append(_goal_row(info.engagement_id, GOAL_TITLES[pos], pos, -1,
                                               stamps))
                    goal_plans.append((dates, tuple(path)))
    if readings:
        s.execute(insert(IndicatorReading), readings)

    rating_rows = []
    if goal_rows:
        goal_ids = s.execute(insert(Goal).returning(Goal.id, sort_by_parameter_order=True),
                             goal_rows).scalars().all()
        for goal_id, (days, path) in zip(goal_ids, goal_plans, strict=True):
            if not days:
                continue
            # Ratings spread over the sessions held, the last on the latest session.
            picks = [days[round(i * (len(days) - 1) / (len(path) - 1))] if len(path) > 1
                     else days[-1] for i in range(len(path))]
            seen = set()
            for day, level in zip(picks, path, strict=True):
                if day in seen:
                    continue
                seen.add(day)
                rating_rows.append({"goal_id": goal_id, "rating_date": day, "level": level,
                                    "comment": "", **stamps})
        if rating_rows:
            s.execute(insert(GoalRating), rating_rows)

    counts = {"readings": len(readings), "goals": len(goal_rows), "goal_ratings": len(rating_rows)}
    counts.update(_add_relationships(s, infos, stamps))
    _follow_up_improving(s, infos, today)
    return counts


def _add_relationships(s, infos: list[ClientInfo], stamps: dict) -> dict:
    people, motivations, patterns = [], [], []
    for info in infos:
        for name, role, relation, influence, quality, trend, notes, mvs in PEOPLE.get(info.index, ()):
            blue, red, green = mvs if mvs else (None, None, None)
            people.append({"client_id": info.client_id, "name": name, "role": role,
                           "relation": relation, "influence": influence,
                           "relationship_quality": quality, "trend": trend, "notes": notes,
                           "mvs_blue": blue, "mvs_red": red, "mvs_green": green, **stamps})
        if info.index in CLIENT_MVS:
            blue, red, green = CLIENT_MVS[info.index]
            motivations.append({"client_id": info.client_id, "blue": blue, "red": red,
                                "green": green, "notes": "", **stamps})
        for pos, (pattern, when, cost) in enumerate(PATTERNS.get(info.index, ())):
            patterns.append({"client_id": info.client_id, "pattern": pattern,
                             "when_it_shows": when, "what_it_costs": cost, "position": pos,
                             **stamps})
    for model, rows in ((Stakeholder, people), (ClientMotivation, motivations),
                        (BlockingPattern, patterns)):
        if rows:
            s.execute(insert(model), rows)
    return {"stakeholders": len(people), "blocking_patterns": len(patterns)}


def _follow_up_improving(s, infos: list[ClientInfo], today: date) -> None:
    """The improving clients did what they agreed: the history leaves a few of their
    actions open past the due date at random, which their story does not have."""
    ids = [i.client_id for i in infos if i.index in IMPROVING]
    for cid in ids:
        s.execute(text("UPDATE action_item SET status = 'done', "
                       "status_changed_on = min(date(due_date, '+3 days'), :today) "
                       "WHERE client_id = :cid AND status = 'open' AND due_date < :today"),
                  {"cid": cid, "today": today.isoformat()})
