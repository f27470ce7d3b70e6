"""The demo practice's consent: what each client agreed may go to their sponsor.

A believable mix, deterministic for the demo's seed: most engagements share the
engagement at a glance, the coach's summary, the goals and the session summaries and a
few non-sensitive indicators, agreed in the signed agreement when the engagement began;
some add the action items; one client changed their mind and added an indicator later
(two records: the history shows it); one engagement (the third client, on parental
leave) shares nothing yet, so the app shows what "no consent" looks like. Sensitive
indicators (wellbeing, intent to stay) are in no demo consent. Engagements with no
sponsor (pro bono) get none either: there is no sponsor to share with.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, text

from . import demo_agreements
from .models import Consent

#: the hand-written client (its index in demo.CLIENTS) whose engagement shares nothing yet
NO_CONSENT_INDEX = 2
BASE = ("glance", "summary", "goals", "sessions")
#: non-sensitive indicators a sponsor commonly sees, by key
COMMON = ("engagement", "confidence_in_role", "relationship_quality", "development_path",
          "readiness_next_role", "commitment")
HOW = ("In the signed coaching agreement", "In the three-way meeting",
       "By e-mail after the first session")


def add_consent(s, rng: random.Random, today: date, infos, stamps: dict) -> dict:
    """Insert consent records for the engagements in ``infos`` (demo_history.ClientInfo);
    return {"consents": count}. One bulk insert, so a practice of thousands stays quick."""
    keys = {key: (iid, bool(sensitive)) for iid, key, sensitive in s.execute(text(
        "SELECT id, key, sensitive FROM indicator WHERE key IS NOT NULL AND retired = 0"))}
    shareable = [keys[k][0] for k in COMMON if k in keys and not keys[k][1]]
    sponsored = {eid for (eid,) in s.execute(text(
        "SELECT id FROM engagement WHERE sponsor_id IS NOT NULL"))}
    rows = []
    for info in infos:
        if info.index == NO_CONSENT_INDEX or info.engagement_id not in sponsored:
            continue
        sections = list(BASE)
        if rng.random() < 0.4:
            sections.append("actions")
        chosen = sorted(rng.sample(shareable, min(len(shareable), rng.randint(1, 3))))
        day = min(info.start + timedelta(days=rng.randint(0, 10)), today)
        how = HOW[2]
        if demo_agreements.signed_on(info, today) is not None:
            # Given in the agreement: the day it was signed, as the agreement panel says.
            day, how = demo_agreements.signed_on(info, today), HOW[0]
        row = {"engagement_id": info.engagement_id, "consent_date": day,
               "sections": ",".join(sections + ["indicators"] * bool(chosen)),
               "indicator_ids": ",".join(map(str, chosen)), "how": how,
               "created_at": stamps["created_at"]}
        rows.append(row)
        if info.index == 1 and len(chosen) < len(shareable):
            # Zoë agreed later to one more indicator, in the three-way meeting.
            more = sorted({*chosen, next(i for i in shareable if i not in chosen)})
            later = min(day + timedelta(days=45), today)
            rows.append({**row, "consent_date": later, "indicator_ids": ",".join(map(str, more)),
                         "how": HOW[1]})
    if rows:
        s.execute(insert(Consent), rows)
    return {"consents": len(rows)}
