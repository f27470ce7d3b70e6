"""The demo practice: realistic, deterministic, and never mixed into real data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from coachdesk import demo, storage
from coachdesk.models import (
    Client,
    CoachingSession,
    Engagement,
    EngagementKind,
    Organization,
    Sponsor,
)
from coachdesk.services import clients, engagements, organizations

FIXED_TODAY = date(2026, 3, 1)


def _count(db, model) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _snapshot(db) -> list[tuple]:
    """Everything that should be the same for the same seed (not timestamps)."""
    with db.session() as s:
        rows = s.exec(select(Client).order_by(Client.id)).all()
        people = [(c.name, c.email, c.phone, c.job_title, c.organization_id, c.status.value,
                   c.start_date) for c in rows]
        deals = [(e.client_id, e.sponsor_id, e.kind.value, e.status.value, e.start_date,
                  e.end_date, e.sessions_agreed, e.fee_cents)
                 for e in s.exec(select(Engagement).order_by(Engagement.id)).all()]
        phones = [p.phone for p in s.exec(select(Sponsor).order_by(Sponsor.id)).all()]
    return [people, deals, phones]


def test_demo_on_an_empty_practice(db):
    summary = demo.populate(db, clients=12, seed=7)
    assert summary["clients"] == clients.count(db) == 12
    assert summary["organizations"] == _count(db, Organization)
    assert 3 <= summary["organizations"] <= 4
    assert summary["sponsors"] == _count(db, Sponsor) >= 3
    assert summary["engagements"] == _count(db, Engagement) >= 12

    rows = clients.list_rows(db)
    names = [r.name for r in rows]
    assert len(set(names)) == 12
    assert any(not n.isascii() for n in names)
    assert sum(not n.isascii() for n in names) >= 5
    assert {"José Álvarez García", "Łukasz Nowak", "Chen Jing (陈静)"} <= set(names)
    statuses = {r.status for r in rows}
    assert {"active", "archived"} <= statuses
    assert 1 <= sum(r.status == "archived" for r in rows) < 12
    kinds = {e.kind for e in engagements.list_all(db, include_archived=True)}
    assert kinds == {EngagementKind.coaching, EngagementKind.mentoring}
    # Every client works somewhere and has an engagement to look at.
    assert all(r.organization for r in rows)
    assert all(r.engagement for r in rows)
    assert len({r.organization for r in rows}) == summary["organizations"]
    # The demo file is a healthy practice.
    assert storage.check_file(db.path).ok


def test_demo_data_is_valid_for_the_services(demo_db):
    """Demo rows were bulk-inserted; they must still read back as proper values."""
    for row in clients.list_rows(demo_db):
        c = clients.get(demo_db, row.id)
        assert c.email.endswith("@example.com")
        assert c.start_date is not None
        for e in engagements.list_all(demo_db, client_id=c.id, include_archived=True):
            assert e.end_date is None or e.end_date >= e.start_date
            assert e.pro_bono == (e.fee_cents is None)
    assert [o.name for o in organizations.list_all(demo_db)][0] == "Atelier Lumière"


def test_same_seed_same_practice(tmp_path):
    snapshots = []
    for i, seed in enumerate((11, 11, 12)):
        db = storage.open_database(tmp_path / f"demo{i}.db")
        try:
            demo.populate(db, clients=40, seed=seed, today=FIXED_TODAY)
            snapshots.append((_snapshot(db), [r.name for r in clients.list_rows(db)]))
        finally:
            db.close()
    assert snapshots[0] == snapshots[1]
    assert snapshots[0] != snapshots[2]
    # The twelve hand-written clients come first whatever the seed.
    first_twelve = [[person[0] for person in snap[0][0][:12]] for snap in snapshots]
    assert first_twelve[0] == first_twelve[2] == [c[0] for c in demo.CLIENTS]


def test_demo_refuses_a_practice_with_clients(db):
    clients.create(db, "A Real Client")
    with pytest.raises(demo.DemoRefused, match="already has clients"):
        demo.populate(db)
    assert clients.count(db) == 1
    assert _count(db, Organization) == 0


def test_demo_refuses_twice_but_force_adds(demo_db):
    with pytest.raises(demo.DemoRefused):
        demo.populate(demo_db)
    assert clients.count(demo_db) == 12
    summary = demo.populate(demo_db, clients=3, force=True)
    assert summary["clients"] == 3
    assert clients.count(demo_db) == 15


def test_demo_refuses_a_negative_count(db):
    with pytest.raises(demo.DemoRefused, match="negative"):
        demo.populate(db, clients=-1)
    assert clients.count(db) == 0


def test_demo_with_200_clients(db):
    summary = demo.populate(db, clients=200, seed=3, today=FIXED_TODAY)
    assert clients.count(db) == summary["clients"] == 200
    assert _count(db, Engagement) == summary["engagements"] > 200  # some have earlier ones
    rows = clients.list_rows(db)
    assert len(rows) == 200
    assert all(r.organization for r in rows)
    assert {"active", "paused", "archived"} <= {r.status for r in rows}
    assert storage.check_file(db.path).ok
    assert len(clients.list_rows(db, text="schmidt")) >= 1


def test_demo_has_a_realistic_history(tmp_path):
    from coachdesk.models import ActionItem, CoachingSession, GrowOption, GrowWorksheet
    from coachdesk.services import actions, search, sessions

    db = storage.open_database(tmp_path / "history.db")
    try:
        summary = demo.populate(db, today=FIXED_TODAY)
        with db.session() as s:
            rows = s.exec(select(CoachingSession)).all()
            statuses = {r.status.value for r in rows}
            action_states = {a.status.value for a in s.exec(select(ActionItem)).all()}
            chosen = s.exec(select(func.count()).select_from(GrowOption)
                            .where(GrowOption.chosen)).one()
            sheets = _count(db, GrowWorksheet)
        assert summary["sessions"] == len(rows) >= 50
        assert summary["worksheets"] == sheets >= 20 and chosen == sheets
        # Sessions over several months, in every state the app knows.
        months = {(r.session_date.year, r.session_date.month) for r in rows}
        assert len(months) >= 6
        assert statuses == {"held", "planned", "cancelled", "cancelled_late", "no_show"}
        assert any(r.is_group and r.participants > 1 for r in rows)
        held = [r for r in rows if r.status.value == "held"]
        assert all(r.session_date <= FIXED_TODAY for r in held)
        assert all(r.session_date > FIXED_TODAY for r in rows if r.status.value == "planned")
        # Both kinds of notes, never the same text; a few held sessions still to write up.
        with_notes = [r for r in held if r.private_notes]
        assert len(with_notes) >= 40 and all(r.shared_summary for r in with_notes)
        assert all(r.private_notes != r.shared_summary for r in with_notes)
        assert 1 <= len(sessions.without_notes(db)) <= 5
        # Actions in all states, some open and overdue for the follow-up views.
        assert action_states == {"open", "done", "dropped"}
        open_rows = actions.open_actions(db, today=FIXED_TODAY)
        assert 0 < sum(a.overdue for a in open_rows) < len(open_rows)
        # Coming up: sessions in the next two weeks; one agreement used up.
        assert len(sessions.upcoming(db, today=FIXED_TODAY)) >= 4
        used_up = [e for e in engagements.list_all(db, include_archived=True)
                   if e.status.value == "active" and sessions.usage(db, e.id).used_up]
        assert [clients.get(db, e.client_id).name for e in used_up] == ["Élodie Fontaine"]
        # The search index followed the bulk insert, accents and all.
        assert search.search(db, "outage reviews")
        assert any(h.kind == "private_note" for h in search.search(db, "José"))
    finally:
        db.close()


def test_generated_clients_get_the_asked_number_of_sessions(db):
    summary = demo.populate(db, clients=40, seed=5, today=FIXED_TODAY, sessions_per_client=10)
    assert summary["sessions"] == _count(db, CoachingSession)
    with db.session() as s:
        per_client = s.exec(select(CoachingSession.client_id, func.count())
                            .group_by(CoachingSession.client_id)).all()
    generated = [n for cid, n in per_client if cid > len(demo.CLIENTS)]
    assert generated and set(generated) == {10}
    assert len(generated) == 40 - len(demo.CLIENTS)


def test_demo_refuses_a_negative_number_of_sessions(db):
    with pytest.raises(demo.DemoRefused, match="sessions"):
        demo.populate(db, sessions_per_client=-1)
    assert clients.count(db) == 0
