"""The demo practice's history: sessions, both kinds of notes, GROW, actions.

Called by :func:`coachdesk.demo.populate`. The twelve hand-written clients get
a hand-planned history that shows every state the app knows (a used-up
agreement, a no-show, a late cancellation, a group session, sessions still
without notes, overdue actions, a session tomorrow); generated clients get
``sessions_per_client`` sessions each, which is how the benchmarks build a
practice of 50,000 sessions. Everything is derived from ``rng`` and ``today``,
so a seed gives the same practice on the same day.

Rows are bulk-inserted (the search index follows through its triggers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import insert

from .models import ActionItem, CoachingSession, GrowOption, GrowWorksheet


@dataclass(frozen=True)
class Plan:
    """A hand-written client's history, relative to their engagement's start."""

    statuses: tuple[str, ...]  # one per past session, in order
    every_days: int
    next_in_days: int | None = None  # a planned session this many days from today
    last_without_notes: bool = False
    group_at: int | None = None  # index of a group session


# By hand-written client index (see demo.CLIENTS).
PLANS = {
    0: Plan(("held",) * 6, 20, next_in_days=5),                       # José
    1: Plan(("held",) * 3, 18, next_in_days=9),                       # Zoë
    2: Plan(("held", "held", "held", "cancelled"), 28),               # Łukasz, paused
    3: Plan(("held", "held", "no_show", "held", "held"), 14, next_in_days=3),   # Søren
    4: Plan((), 14, next_in_days=12),                                 # Amara, starting
    5: Plan(("held",) * 6, 24, next_in_days=20, last_without_notes=True),       # Chen Jing
    6: Plan(("held",) * 10, 17),                                      # Élodie: used up
    7: Plan(("held",) * 6, 30),                                       # Mathieu, completed
    8: Plan(("held", "held", "cancelled_late", "held", "held"), 16, next_in_days=1,
            last_without_notes=True),                                 # Siobhán
    9: Plan(("held",) * 2, 10, next_in_days=7),                       # Rashid
    10: Plan(("held",) * 3, 14, next_in_days=10, group_at=1),         # Grace, pro bono
    11: Plan(("held", "held", "held", "cancelled"), 21),              # Björn, cancelled
}

# Per hand-written client: what the coaching is about (three threads, the
# long-term goal, the main obstacle). The notes below are woven from these.
THEMES = {
    0: (("delegating the outage reviews", "letting the shift leads decide", "saying no to the COO"),
        "Lead the grid operations team through others, not around them",
        "still the best engineer in the room and everyone knows it"),
    1: (("the first board presentation", "relationships with the operating units",
         "a finance story the plants believe"),
        "Be seen by the operating units as a partner, not a controller",
        "the units see finance as the people who say no"),
    2: (("returning after parental leave", "scoping the offshore programme", "a successor for the PMO"),
        "Come back in spring with a clear role and a team that ran well without him",
        "worry about being forgotten while away"),
    3: (("feedback from the associates", "how he gives work out", "his partnership case"),
        "Make partner as someone people want to work for",
        "sees feedback as an attack; late nights as proof of commitment"),
    4: (("leading a practice group", "first 100 days as partner", "business development"),
        "Build the employment practice group into the firm's strongest",
        "too much on her plate from day one"),
    5: (("partnership politics in London", "building the Shanghai desk", "finding allies on the board"),
        "Grow the Asia desk and her own standing in the partnership",
        "decisions happen in rooms she is not in"),
    6: (("authority with the old guard", "the founder's shadow", "her own design voice"),
        "Take over as creative director with the studio's trust",
        "the founder still signs off every collection"),
    7: (("running the workshop floor", "scheduling under pressure", "training the apprentices"),
        "Run the atelier with calm and a plan",
        "firefighting every morning"),
    8: (("protecting the team's rota", "saying no without guilt", "her own recovery time"),
        "Lead the department sustainably for the next five years",
        "fatigue and a sense that every gap is hers to fill"),
    9: (("reading a public-sector culture", "the first 90 days", "building trust with clinicians"),
        "Be an operations director the clinicians trust",
        "private-sector pace reads as impatience here"),
    10: (("the step up to ward manager", "difficult conversations with senior nurses", "rostering fairly"),
         "Grow into the ward manager role with confidence",
         "was one of the team until last year"),
    11: (("procurement strategy", "relationship with the new CFO", "his next move"),
         "Clarify whether his future is at Nordlicht",
         "unclear mandate after the restructuring"),
}

GENERIC_THEMES = (
    (("delegation", "the leadership team", "stakeholder management"),
     "Lead through the team rather than doing the work", "finds it quicker to do it alone"),
    (("a restructuring", "difficult conversations", "personal impact in meetings"),
     "Lead the restructuring and keep the team's trust", "avoids conflict until it is late"),
    (("the next role", "visibility with the executive board", "building a successor"),
     "Be ready for the next role within two years", "nobody above knows what she does well"),
    (("work-life balance", "prioritising", "energy and focus"),
     "Sustainable pace with the same results", "says yes to everything"),
    (("a merger", "leading through uncertainty", "keeping the best people"),
     "Bring the team through the merger with its best people", "does not know the new owners"),
)

PRIVATE_LINES = (
    "{first} arrived tense; spoke fast about {t0}. Energy lifted when we turned to {t1}.",
    "Hypothesis: the real issue is not {t0} but {obstacle}. Did not name it yet; wait for a better moment.",
    "Noticed {first} said \"I have to\" six times. Explore the shoulds next time.",
    "Felt some frustration in me when {first} dismissed the sponsor's view on {t2}. Note to self: stay curious.",
    "Strong insight near the end: {first} realised {obstacle}. Quiet for a long moment after.",
    "Mentioned sleeping badly since the reorganisation. Check in on wellbeing next time, gently.",
    "Good session. {first} is more willing to experiment with {t1}; less defensive than in the first sessions.",
    "Body language closed when the sponsor came up. Trust between them seems low; do not push in a three-way yet.",
)

SHARED_LINES = (
    "We worked on {t0} and what a good outcome would look like in the next month.",
    "{first} explored options for {t1} and chose one to try before the next session.",
    "We reviewed progress on the actions from last time: most are done, one carried over.",
    "Focus this session: {t2}. {first} will ask two colleagues for feedback.",
    "We looked at where {first}'s time goes and agreed an experiment with a protected planning hour each week.",
    "{first} prepared the next conversation with the sponsor about {t0}.",
)

OPTION_LINES = (
    "Ask for feedback from two trusted peers about {t0}",
    "Hand {t1} to a deputy for one month and only review on Fridays",
    "Talk to the sponsor openly about {t2}",
    "Block a protected hour every week to think, not react",
    "Try a different opening in the next meeting on {t0}",
    "Do nothing for now and observe for two weeks",
)

ACTION_LINES = (
    "Ask two peers for feedback on {t0}",
    "Write one page on what success in {t1} would look like",
    "Book a conversation with the sponsor about {t2}",
    "Keep a log of interruptions for a week",
    "Delegate one recurring meeting",
    "Send the coach the draft plan for {t1}",
)


def _fill(template: str, first: str, theme) -> str:
    topics, _goal, obstacle = theme
    return template.format(first=first, t0=topics[0], t1=topics[1], t2=topics[2], obstacle=obstacle)


def _first_name(name: str) -> str:
    parts = [p for p in name.split("(")[0].split() if p not in ("Dr",)]
    return parts[0] if parts else name


@dataclass
class ClientInfo:
    client_id: int
    name: str
    engagement_id: int
    start: date
    pro_bono: bool
    index: int  # position in the practice; < len(PLANS) means hand-written
    closed: bool = False  # the engagement is completed or cancelled


def _session_row(info: ClientInfo, day: date, status: str, rng: random.Random, number: int,
                 notes: bool, stamps: dict) -> dict:
    theme = THEMES.get(info.index) or GENERIC_THEMES[info.index % len(GENERIC_THEMES)]
    first = _first_name(info.name)
    private = shared = ""
    if status == "held" and notes:
        picks = rng.sample(range(len(PRIVATE_LINES)), 3)
        private = "\n".join(_fill(PRIVATE_LINES[i], first, theme) for i in sorted(picks))
        shared = " ".join(_fill(SHARED_LINES[i], first, theme)
                          for i in sorted(rng.sample(range(len(SHARED_LINES)), 2)))
    return {
        "engagement_id": info.engagement_id, "client_id": info.client_id,
        "session_date": day, "start_time": time(rng.choice([8, 9, 10, 11, 14, 15, 16]),
                                                rng.choice([0, 30])),
        "duration_minutes": 90 if number == 0 else rng.choice([60, 60, 60, 75, 90]),
        "format": rng.choice(["video", "video", "in_person", "in_person", "phone"]),
        "pro_bono": info.pro_bono, "is_group": False, "participants": 1,
        "status": status, "private_notes": private, "shared_summary": shared, **stamps,
    }


def _schedule(info: ClientInfo, today: date, rng: random.Random,
              sessions_per_client: int) -> list[tuple[date, str, bool, bool]]:
    """(date, status, with notes, group) for one client's current engagement."""
    plan = PLANS.get(info.index)
    out = []
    if plan is not None:
        for k, status in enumerate(plan.statuses):
            day = info.start + timedelta(days=7 + k * plan.every_days)
            last_held = k == len(plan.statuses) - 1
            out.append((day, status, not (plan.last_without_notes and last_held),
                        plan.group_at == k))
        if plan.next_in_days is not None:
            out.append((today + timedelta(days=plan.next_in_days), "planned", False, False))
        return out
    if sessions_per_client <= 0:
        return out
    every = rng.choice([14, 21, 21, 28])
    # The newest session is usually in the past; one in four clients has the
    # last one still planned in the coming two weeks.
    planned_next = rng.random() < 0.25
    last = today + timedelta(days=rng.randint(1, 14)) if planned_next else \
        today - timedelta(days=rng.randint(1, 40))
    for k in range(sessions_per_client):
        day = last - timedelta(days=(sessions_per_client - 1 - k) * every)
        if day > today:
            status = "planned"
        else:
            status = rng.choices(["held", "cancelled", "cancelled_late", "no_show"],
                                 [90, 5, 3, 2])[0]
        out.append((day, status, rng.random() < 0.95, False))
    return out


def add_history(s, rng: random.Random, today: date, infos: list[ClientInfo],
                sessions_per_client: int, stamps: dict) -> dict:
    """Insert the sessions, worksheets, options and actions; return counts."""
    session_rows, meta = [], []
    for info in infos:
        for number, (day, status, notes, group) in enumerate(_schedule(info, today, rng,
                                                                       sessions_per_client)):
            row = _session_row(info, day, status, rng, number, notes, stamps)
            if group:
                row.update(is_group=True, participants=4, duration_minutes=120)
            session_rows.append(row)
            meta.append(info)
    if not session_rows:
        return {"sessions": 0, "worksheets": 0, "actions": 0}
    ids = s.execute(insert(CoachingSession).returning(CoachingSession.id,
                                                      sort_by_parameter_order=True),
                    session_rows).scalars().all()

    # The next held or planned date per client, to close earlier actions on.
    by_client: dict[int, list[tuple[date, str]]] = {}
    for row in session_rows:
        by_client.setdefault(row["client_id"], []).append((row["session_date"], row["status"]))

    sheets, sheet_meta = [], []
    for sid, row, info in zip(ids, session_rows, meta, strict=True):
        if row["status"] != "held" or not row["private_notes"]:
            continue
        hand_written = info.index in PLANS
        if not hand_written and rng.random() > 0.34:
            continue
        theme = THEMES.get(info.index) or GENERIC_THEMES[info.index % len(GENERIC_THEMES)]
        first = _first_name(info.name)
        topics, long_goal, obstacle = theme
        topic = rng.choice(topics)
        n_actions = 2 if hand_written else 1
        texts = [_fill(ACTION_LINES[i], first, theme)
                 for i in rng.sample(range(len(ACTION_LINES)), n_actions)]
        sheets.append({
            "session_id": sid,
            "goal_session": f"Leave with one concrete step on {topic}.",
            "goal_long_term": long_goal,
            "reality_facts": f"{first} describes {topic} as the thing that takes most energy this month.",
            "reality_tried": "Talked it through with a trusted colleague; tried a weekly check-in.",
            "reality_obstacles": obstacle[0].upper() + obstacle[1:] + ".",
            "will_what": "; ".join(texts),
            "will_when": f"Before {(row['session_date'] + timedelta(days=14)):%d %B}",
            "commitment": rng.randint(5, 9), **stamps,
        })
        sheet_meta.append((sid, row, info, theme, first, texts))
    if not sheets:
        return {"sessions": len(ids), "worksheets": 0, "actions": 0}
    sheet_ids = s.execute(insert(GrowWorksheet).returning(GrowWorksheet.id,
                                                          sort_by_parameter_order=True),
                          sheets).scalars().all()

    options, actions = [], []
    for wid, (sid, row, info, theme, first, texts) in zip(sheet_ids, sheet_meta, strict=True):
        picks = rng.sample(range(len(OPTION_LINES)), 3)
        chosen = rng.randrange(3)
        for pos, i in enumerate(picks):
            options.append({"worksheet_id": wid, "position": pos, "chosen": pos == chosen,
                            "text": _fill(OPTION_LINES[i], first, theme),
                            "notes": "Felt most energy here." if pos == chosen else ""})
        day = row["session_date"]
        later = sorted(d for d, st in by_client[row["client_id"]] if d > day and st == "held")
        planned = sorted(d for d, st in by_client[row["client_id"]] if d > day and st == "planned")
        for n, text in enumerate(texts):
            due = day + timedelta(days=rng.choice([7, 14, 21]))
            if later:  # followed up at the next session; a few carried over
                status = rng.choices(["done", "dropped", "open"], [80, 12, 8])[0]
                changed = later[0] if status != "open" else None
            elif info.closed:  # settled when the engagement ended
                status = rng.choices(["done", "dropped"], [70, 30])[0]
                changed = day + timedelta(days=14)
            else:  # agreed last time: due by the next session
                status, changed = "open", None
                if planned:
                    due = max(due, planned[0])
            actions.append({"session_id": sid, "client_id": row["client_id"], "text": text,
                            "owner": "coach" if n == 1 and info.index in PLANS and rng.random() < 0.3
                            else "client",
                            "due_date": due, "status": status, "status_changed_on": changed,
                            **stamps})
    s.execute(insert(GrowOption), options)
    s.execute(insert(ActionItem), actions)
    return {"sessions": len(ids), "worksheets": len(sheet_ids), "actions": len(actions)}
