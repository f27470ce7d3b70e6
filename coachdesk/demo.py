"""A realistic small practice to explore CoachDesk with.

Deterministic for a given seed. The first twelve clients are hand-written
(a real-looking practice, non-ASCII names among them); asking for more adds
generated ones, which is how the benchmarks build a practice of thousands;
each generated client has two engagements, an earlier completed one and the
current one.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError

from . import demo_agreements, demo_consent, demo_history, demo_retention
from .errors import CoachDeskError
from .models import (
    Client,
    ClientStatus,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Organization,
    Sponsor,
    utcnow,
)
from .services import clients as client_service
from .storage import Database

ORGANIZATIONS = [
    ("Nordlicht Energie GmbH", "Renewable utility, 4,000 staff; coaching for the new leadership bench."),
    ("Mercer & Hale Partners", "Law firm; partners in transition to management roles."),
    ("Atelier Lumière", "Design house in Lyon; founders handing over to a new generation."),
    ("Harbour Health NHS Trust", "Hospital trust; clinical directors' development programme."),
]

# name, role, e-mail, organization index
SPONSORS = [
    ("Katrin Vogel", "HR Business Partner", "k.vogel@nordlicht.example", 0),
    ("Jürgen Aßmann", "Chief Operating Officer", "j.assmann@nordlicht.example", 0),
    ("Priya Raman", "Head of Talent", "priya.raman@mercerhale.example", 1),
    ("Hélène Marchand", "Directrice générale", "h.marchand@lumiere.example", 2),
    ("Dr Tom O'Brien", "Medical Director", "tom.obrien@harbour.example", 3),
]

# name, job title, e-mail, org, status, sponsor index, kind, engagement status,
# months since start, sessions agreed, background
CLIENTS = [
    ("José Álvarez García", "Head of Grid Operations", 0, "active", 0, "coaching", "active", 4, 10,
     "Promoted from engineering lead 8 months ago; strong technically, wants to delegate more."),
    ("Zoë Whitfield", "Finance Director", 0, "active", 1, "coaching", "active", 2, 8,
     "New to the board; sponsor wants her to build relationships with the operating units."),
    ("Łukasz Nowak", "Programme Manager, Offshore Wind", 0, "paused", 0, "mentoring", "active", 7, 6,
     "On parental leave until spring; sessions paused by agreement."),
    ("Søren Madsen", "Senior Associate", 1, "active", 2, "coaching", "active", 3, 10,
     "Partner-track; feedback says brilliant but hard to work for. Intent to stay uncertain."),
    ("Amara Okafor", "Partner, Employment Law", 1, "active", 2, "coaching", "planned", 0, 6,
     "Newly made partner; starting a programme on leading a practice group."),
    ("Chen Jing (陈静)", "Counsel, Asia Desk", 1, "active", 2, "mentoring", "active", 5, 12,
     "Building the Shanghai desk; mentoring on partnership politics in London."),
    ("Élodie Fontaine", "Directrice artistique", 2, "active", 3, "coaching", "active", 6, 10,
     "Designated successor to the founder; confidence and authority with the old guard."),
    ("Mathieu Roussel", "Responsable atelier", 2, "archived", 3, "coaching", "completed", 14, 6,
     "Engagement completed last year; stays in touch occasionally."),
    ("Dr Siobhán Kelly", "Clinical Director, Emergency Medicine", 3, "active", 4, "coaching", "active", 3, 8,
     "High workload, signs of fatigue; wants to prioritise and protect her team."),
    ("Rashid Al-Amin (راشد الأمين)", "Director of Operations", 3, "active", 4, "coaching", "active", 1, 6,
     "Joined from the private sector; navigating a very different culture."),
    ("Grace Mensah", "Ward Manager", 3, "active", None, "mentoring", "active", 2, 6,
     "Pro bono mentoring as part of the coach's giving-back commitment."),
    ("Björn Eriksson", "Head of Procurement", 0, "archived", 1, "coaching", "cancelled", 10, 8,
     "Left the company after three sessions; engagement cancelled."),
]

FIRST = ["Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaito",
         "Lena", "Mateo", "Nora", "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tanvi", "Ugo", "Vera",
         "Wei", "Ximena", "Yusuf", "Zofia", "Renée", "Çağla", "Ødegaard", "Ngozi"]
LAST = ["Schmidt", "Dubois", "Rossi", "Kowalski", "Nakamura", "Haddad", "Murphy", "Jansen", "Silva",
        "Novák", "Öztürk", "Lindqvist", "Ferreira", "Müller", "Okonkwo", "García", "Ivanova", "Smith"]
TITLES = ["Head of Sales", "CFO", "Plant Manager", "Director of Engineering", "HR Director",
          "Country Manager", "Head of Product", "Operations Lead", "General Counsel", "CIO"]


class DemoRefused(CoachDeskError):
    pass


def _email(name: str, i: int) -> str:
    """first.last@example.com, accents folded (José → jose); numbered past the hand-written."""
    plain = name.split("(")[0].lower().replace("ø", "o").replace("ł", "l").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", plain)
    words = ["".join(ch for ch in w if ch.isascii() and ch.isalnum()) for w in folded.split()]
    words = [w for w in words if w and w != "dr"]
    local = ".".join(words[:2]) or "client"
    return f"{local}@example.com" if i < len(CLIENTS) else f"{local}{i}@example.com"


def _demo_coach(db: Database) -> None:
    """A fictional coach on the demo's report covers, unless a name is already set
    (and only where the schema has settings for it)."""
    from .services import settings

    try:
        if not settings.coach_profile(db).name:
            settings.set_coach_profile(db, "Anne Martin", "PCC", "")
    except OperationalError:  # an older schema without the setting table: no cover name
        pass


def _has_table(s, name: str) -> bool:
    return s.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
                     {"n": name}).first() is not None


def _months_ago(today: date, months: int) -> date:
    return today - timedelta(days=30 * months)


def populate(db: Database, clients: int = 12, seed: int = 7, force: bool = False,
             today: date | None = None, sessions_per_client: int = 6,
             readings_per_client: int = 8) -> dict:
    """Fill the database with a demo practice; refuse a non-empty one unless ``force``.

    The hand-written clients get a planned history (see ``demo_history``);
    each generated client gets ``sessions_per_client`` sessions and
    ``readings_per_client`` indicator readings (see ``demo_retention``).
    """
    if clients < 0:
        raise DemoRefused("The number of demo clients cannot be negative.")
    if sessions_per_client < 0:
        raise DemoRefused("The number of sessions per client cannot be negative.")
    if not force and client_service.count(db) > 0:
        raise DemoRefused("This practice already has clients; demo data is only added to an "
                          "empty one (use --force to add it anyway).")
    rng = random.Random(seed)
    today = today or date.today()
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    with db.session() as s:
        org_ids = []
        for name, notes in ORGANIZATIONS:
            org = Organization(name=name, notes=notes)
            s.add(org)
            s.flush()
            org_ids.append(org.id)
        sponsor_ids = []
        for name, role, email, org_index in SPONSORS:
            sp = Sponsor(name=name, role=role, email=email, organization_id=org_ids[org_index],
                         phone=f"+44 20 7946 {rng.randint(1000, 9999)}")
            s.add(sp)
            s.flush()
            sponsor_ids.append(sp.id)

        client_rows, engagement_specs = [], []
        for i in range(clients):
            if i < len(CLIENTS):
                (name, title, org_i, status, sp_i, kind, e_status, months, sessions,
                 background) = CLIENTS[i]
            else:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                title = rng.choice(TITLES)
                org_i = rng.randrange(len(org_ids))
                status = rng.choices(["active", "paused", "archived"], [8, 1, 2])[0]
                sp_i = rng.randrange(len(sponsor_ids))
                kind = rng.choice(["coaching", "coaching", "mentoring"])
                e_status = "completed" if status == "archived" else rng.choice(["active", "planned"])
                months = rng.randint(0, 18)
                sessions = rng.choice([6, 8, 10, 12])
                background = ""
            client_rows.append({
                "name": name, "email": _email(name, i),
                "phone": f"+44 7700 9{rng.randint(10000, 99999)}", "job_title": title,
                "organization_id": org_ids[org_i], "status": ClientStatus(status).name,
                "start_date": _months_ago(today, months), "background": background, **stamps,
            })
            engagement_specs.append((sp_i, kind, e_status, months, sessions))
        # Bulk insert: thousands of rows in one statement keep the benchmarks honest.
        first_id = (s.execute(insert(Client).returning(Client.id), client_rows).scalars().all()
                    if client_rows else [])
        engagement_rows, current = [], []
        for i, (cid, (sp_i, kind, e_status, months, sessions)) in enumerate(
                zip(first_id, engagement_specs, strict=True)):
            start = _months_ago(today, months)
            pro_bono = sp_i is None
            engagement_rows.append({
                "client_id": cid, "sponsor_id": None if sp_i is None else sponsor_ids[sp_i],
                "kind": EngagementKind(kind).name, "status": EngagementStatus(e_status).name,
                "start_date": start, "end_date": start + timedelta(days=30 * max(6, sessions)),
                "sessions_agreed": sessions, "hours_agreed": sessions * 1.5, "pro_bono": pro_bono,
                "fee_cents": None if pro_bono else sessions * 45000, "currency": "EUR",
                "objectives": "1. Delegate with confidence\n2. Build the senior team's trust\n"
                              "3. A clear development plan for the next role",
                "archived": False, **stamps,
            })
            current.append(len(engagement_rows) - 1)
            if i >= len(CLIENTS):
                # Generated clients also carry an earlier, completed engagement.
                earlier = start - timedelta(days=400)
                engagement_rows.append({**engagement_rows[-1], "status": "completed",
                                        "start_date": earlier,
                                        "end_date": earlier + timedelta(days=180)})
        engagement_ids = (s.execute(insert(Engagement).returning(Engagement.id,
                                                                 sort_by_parameter_order=True),
                                    engagement_rows).scalars().all()
                          if engagement_rows else [])
        # Indexes continue after any clients already there (``force``), so that a
        # second demo does not repeat the hand-written histories.
        infos = [demo_history.ClientInfo(cid, client_rows[i]["name"], engagement_ids[current[i]],
                                         engagement_rows[current[i]]["start_date"],
                                         engagement_rows[current[i]]["pro_bono"],
                                         i if not force else len(CLIENTS) + i,
                                         engagement_rows[current[i]]["status"]
                                         in ("completed", "cancelled"))
                 for i, cid in enumerate(first_id)]
        # A file at an older schema (the upgrade tests build those) gets what its
        # tables can hold.
        history = (demo_history.add_history(s, rng, today, infos, sessions_per_client, stamps)
                   if _has_table(s, "coaching_session") else {})
        if history and _has_table(s, "indicator_reading"):
            history.update(demo_retention.add_retention(s, rng, today, infos, stamps,
                                                        readings_per_client))
        if _has_table(s, "consent"):
            history.update(demo_consent.add_consent(s, rng, today, infos, stamps))
    _demo_coach(db)
    demo_agreements.add_agreements(db, today, infos)
    from .demo_invoices import add_invoices  # issue 16: invoices (paid, sent, overdue, credit)
    history["invoices"] = add_invoices(db, today)
    return {"organizations": len(org_ids), "sponsors": len(sponsor_ids),
            "clients": len(client_rows), "engagements": len(engagement_rows), **history}
