"""Sponsors and organizations on the People page: lists with counts, likely duplicates,
merging twins into one. Engine only, no screen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Client, Engagement, Organization
from coachdesk.services import clients, duplicates, engagements, organizations, sponsors

HOSTILE = '<b>&"\' Ünïcode 😀 ليلى 陈静'


def _engagement(db, client_id: int, sponsor_id: int | None) -> Engagement:
    return engagements.create(db, client_id, date(2026, 1, 5), sponsor_id=sponsor_id)


@pytest.fixture
def practice(db):
    """Two organizations typed twice, sponsors typed twice, clients and engagements on each."""
    nord = organizations.create(db, "Nordlicht Energie GmbH", notes="Utility, 4,000 staff")
    nord2 = organizations.create(db, "  nordlicht   ÉNERGIE gmbh ", notes="Berlin office")
    other = organizations.create(db, "Atelier Lumière")
    katrin = sponsors.create(db, "Katrin Vogel", role="HR Business Partner",
                             email="k.vogel@nordlicht.example", organization_id=nord.id)
    katrin2 = sponsors.create(db, "katrin  vögel", phone="+49 30 1234",
                              organization_id=nord2.id)
    kv = sponsors.create(db, "K. Vogel", email="K.Vogel@Nordlicht.example ", role="HR")
    helene = sponsors.create(db, "Hélène Marchand", organization_id=other.id)
    jose = clients.create(db, "José Álvarez", organization_id=nord.id)
    zoe = clients.create(db, "Zoë Whitfield", organization_id=nord2.id)
    e1 = _engagement(db, jose.id, katrin.id)
    e2 = _engagement(db, zoe.id, katrin2.id)
    e3 = _engagement(db, zoe.id, kv.id)
    return {"db": db, "nord": nord, "nord2": nord2, "other": other, "katrin": katrin,
            "katrin2": katrin2, "kv": kv, "helene": helene, "jose": jose, "zoe": zoe,
            "engagements": (e1, e2, e3)}


def _sponsor_of(db, engagement_id: int) -> int | None:
    return engagements.get(db, engagement_id).sponsor_id


# -- keys and groups -------------------------------------------------------------------


def test_names_compare_without_case_accents_or_spacing():
    assert duplicates.name_key("  HÉLÈNE   marchand ") == duplicates.name_key("Helene Marchand")
    assert duplicates.name_key("Łukasz") == duplicates.name_key("lukasz")
    assert duplicates.name_key("Ann Marie") != duplicates.name_key("Anne Marie")
    assert duplicates.email_key(" K.Vogel@X.example ") == "k.vogel@x.example"


def test_groups_are_transitive_and_leave_out_records_without_a_twin():
    found = duplicates.groups([(1, ["a", "x"]), (2, ["b", "x"]), (3, ["b"]), (4, ["c", ""]),
                               (5, ["", ""])])
    assert found == {1: (2, 3), 2: (1, 3), 3: (1, 2)}


# -- lists with counts ---------------------------------------------------------------------


def test_sponsor_rows_have_organization_engagements_and_likely_twins(practice):
    db = practice["db"]
    rows = {r.id: r for r in sponsors.list_rows(db)}
    katrin, katrin2, kv, helene = (practice[k] for k in ("katrin", "katrin2", "kv", "helene"))
    assert rows[katrin.id].organization == "Nordlicht Energie GmbH"
    assert rows[katrin.id].engagements == 1 and rows[helene.id].engagements == 0
    # same folded name (katrin2), same e-mail whatever its case (kv): one group
    assert set(rows[katrin.id].duplicates) == {katrin2.id, kv.id}
    assert set(rows[kv.id].duplicates) == {katrin.id, katrin2.id}
    assert rows[helene.id].duplicates == ()
    assert "vogel" in rows[katrin2.id].search_text  # folded: ö -> o
    assert "nordlicht" in rows[katrin.id].search_text


def test_archived_rows_are_listed_only_when_asked_and_point_at_no_hidden_twin(practice):
    db = practice["db"]
    sponsors.archive(db, practice["katrin2"].id)
    sponsors.archive(db, practice["kv"].id)
    rows = {r.id: r for r in sponsors.list_rows(db)}
    assert practice["katrin2"].id not in rows and rows[practice["katrin"].id].duplicates == ()
    every = {r.id: r for r in sponsors.list_rows(db, include_archived=True)}
    assert every[practice["katrin2"].id].archived and every[practice["katrin"].id].duplicates


def test_organization_rows_count_clients_and_sponsors(practice):
    db = practice["db"]
    clients.archive(db, practice["zoe"].id)  # archived clients still count: they would move
    rows = {r.id: r for r in organizations.list_rows(db)}
    nord, nord2, other = (rows[practice[k].id] for k in ("nord", "nord2", "other"))
    assert (nord.clients, nord.sponsors) == (1, 1)
    assert (nord2.clients, nord2.sponsors) == (1, 1)
    assert (other.clients, other.sponsors) == (0, 1)
    assert nord.duplicates == (nord2.id,) and other.duplicates == ()
    assert [r.name for r in organizations.list_rows(db)][0] == "Atelier Lumière"


def test_each_list_is_one_query_however_many_rows(practice):
    db = practice["db"]
    for i in range(30):
        org = organizations.create(db, f"Org {i}")
        sponsors.create(db, f"Sponsor {i}", organization_id=org.id)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        sponsors.list_rows(db)
        assert len(statements) == 1
        statements.clear()
        organizations.list_rows(db)
        assert len(statements) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# -- merging sponsors ------------------------------------------------------------------------


def test_merging_sponsors_moves_engagements_fills_gaps_and_removes_the_others(practice):
    db = practice["db"]
    katrin, katrin2, kv = practice["katrin"], practice["katrin2"], practice["kv"]
    e1, e2, e3 = practice["engagements"]
    plan = sponsors.merge_plan(db, katrin.id, [katrin2.id, kv.id])
    words = " ".join(plan.sentences())
    assert "2 engagements" in words and "“katrin  vögel”" in words
    assert "+49 30 1234" in words  # the phone number katrin had not: taken over
    assert "Not kept: the role HR" in words  # a role that differs is named before merging
    assert sponsors.get(db, katrin2.id)  # a plan changes nothing

    kept = sponsors.merge(db, katrin.id, [katrin2.id, kv.id])
    assert kept.id == katrin.id and kept.phone == "+49 30 1234"
    assert kept.role == "HR Business Partner" and kept.email == "k.vogel@nordlicht.example"
    assert kept.organization_id == practice["nord"].id  # kept, not overwritten
    assert {_sponsor_of(db, e.id) for e in (e1, e2, e3)} == {katrin.id}
    with pytest.raises(NotFoundError):
        sponsors.get(db, katrin2.id)
    rows = sponsors.list_rows(db)
    assert [r.engagements for r in rows if r.id == katrin.id] == [3]
    assert all(r.duplicates == () for r in rows)


def test_an_empty_organization_is_filled_from_the_others_by_name(practice):
    db = practice["db"]
    kv, katrin2 = practice["kv"], practice["katrin2"]
    plan = sponsors.merge_plan(db, kv.id, [katrin2.id])
    assert plan.filled["organization"] == "“nordlicht   ÉNERGIE gmbh”"  # its name, not its id
    kept = sponsors.merge(db, kv.id, [katrin2.id])
    assert kept.organization_id == practice["nord2"].id


def test_merging_an_active_sponsor_into_an_archived_one_leaves_it_active(practice):
    db = practice["db"]
    sponsors.archive(db, practice["kv"].id)
    kept = sponsors.merge(db, practice["kv"].id, [practice["katrin"].id])
    assert kept.archived is False


@pytest.mark.parametrize("others", [[], None, "self"])
def test_merging_nothing_is_refused_and_changes_nothing(practice, others):
    db = practice["db"]
    keep = practice["katrin"].id
    with pytest.raises(ValidationError) as info:
        sponsors.merge(db, keep, [keep] if others == "self" else others)
    assert info.value.field == "other_ids" and str(info.value).startswith("Choose")
    assert len(sponsors.list_rows(db)) == 4


def test_merging_with_a_removed_sponsor_changes_nothing(practice):
    db = practice["db"]
    with pytest.raises(NotFoundError):
        sponsors.merge(db, practice["katrin"].id, [practice["katrin2"].id, 99999])
    assert sponsors.get(db, practice["katrin2"].id)
    assert _sponsor_of(db, practice["engagements"][1].id) == practice["katrin2"].id


def test_a_failure_half_way_rolls_the_whole_merge_back(practice, monkeypatch):
    db = practice["db"]
    katrin, katrin2 = practice["katrin"], practice["katrin2"]

    def disk_full():
        raise OSError("disk full")

    # called after the engagements have been moved, before the others are deleted
    monkeypatch.setattr(sponsors, "utcnow", disk_full)
    with pytest.raises(OSError):
        sponsors.merge(db, katrin.id, [katrin2.id])
    assert sponsors.get(db, katrin2.id).name == "katrin  vögel"
    assert _sponsor_of(db, practice["engagements"][1].id) == katrin2.id
    assert sponsors.get(db, katrin.id).phone == ""


def test_hostile_names_survive_listing_and_merging(db):
    a = sponsors.create(db, HOSTILE, email="x@y.example")
    b = sponsors.create(db, HOSTILE.upper(), role=HOSTILE)
    long_name = "Ж" * 5000
    c = sponsors.create(db, long_name)
    rows = {r.id: r for r in sponsors.list_rows(db)}
    assert rows[a.id].name == HOSTILE and rows[c.id].name == long_name
    assert rows[a.id].duplicates == (b.id,)
    plan = sponsors.merge_plan(db, a.id, [b.id])
    assert any(HOSTILE in line for line in plan.sentences())
    kept = sponsors.merge(db, a.id, [b.id])
    assert kept.name == HOSTILE and kept.role == HOSTILE


# -- merging organizations --------------------------------------------------------------------


def test_merging_organizations_moves_clients_and_sponsors_and_keeps_both_notes(practice):
    db = practice["db"]
    nord, nord2 = practice["nord"], practice["nord2"]
    plan = organizations.merge_plan(db, nord.id, [nord2.id])
    words = " ".join(plan.sentences())
    assert "1 client and 1 sponsor" in words and "notes" in words
    kept = organizations.merge(db, nord.id, [nord2.id])
    assert kept.notes == "Utility, 4,000 staff\n\nBerlin office"
    assert clients.get(db, practice["zoe"].id).organization_id == nord.id
    assert sponsors.get(db, practice["katrin2"].id).organization_id == nord.id
    with pytest.raises(NotFoundError):
        organizations.get(db, nord2.id)
    row = next(r for r in organizations.list_rows(db) if r.id == nord.id)
    assert (row.clients, row.sponsors, row.duplicates) == (2, 2, ())
    # the sponsors now at one organization are still twins, and can be merged next
    assert next(r for r in sponsors.list_rows(db) if r.id == practice["katrin"].id).duplicates


def test_merging_an_organization_with_nothing_in_it_says_so(practice):
    db = practice["db"]
    empty = organizations.create(db, "Atelier  LUMIERE")
    organizations.update(db, practice["other"].id, notes="")
    plan = organizations.merge_plan(db, practice["other"].id, [empty.id])
    # names alike: each is named with what tells it apart (issue 11, the first hour)
    assert plan.sentences()[:2] == ["“Atelier Lumière” (the one with 1 sponsor) is kept.",
                                    "Nothing is recorded under “Atelier  LUMIERE” (the one "
                                    "with no sponsors)."]
    organizations.merge(db, practice["other"].id, [empty.id])
    with db.session() as s:
        assert s.exec(select(Organization).where(Organization.id == empty.id)).first() is None
        assert s.exec(select(Client)).all()  # nobody else was touched


def test_merging_organizations_refuses_nothing_and_unknown_ids(practice):
    db = practice["db"]
    with pytest.raises(ValidationError):
        organizations.merge(db, practice["nord"].id, [])
    with pytest.raises(NotFoundError):
        organizations.merge(db, 424242, [practice["nord"].id])
    assert len(organizations.list_rows(db)) == 3


# -- Ctrl+K finds them -------------------------------------------------------------------------


def test_search_finds_sponsors_and_organizations_by_name_role_and_email(practice):
    from coachdesk.services import people_search

    db = practice["db"]
    hits = people_search.search_people(db, "VÖGEL")
    assert {h.ref_id for h in hits} == {practice["katrin"].id, practice["katrin2"].id,
                                        practice["kv"].id}
    first = hits[0]
    assert first.kind_label == "Sponsor" and first.client_id is None and first.session_id is None
    assert any(match for _t, match in first.snippet_parts)
    # by role, by e-mail, by organization (found also as the organization itself), half-typed
    assert [h.ref_id for h in people_search.search_people(db, "business partner")] == \
        [practice["katrin"].id]
    assert [h.title for h in people_search.search_people(db, "k.vogel@nordlicht.example")] == \
        ["K. Vogel", "Katrin Vogel"]  # neither by name: alphabetical
    lumiere = people_search.search_people(db, "lumie")
    assert [(h.kind, h.title) for h in lumiere] == [("organization", "Atelier Lumière"),
                                                    ("sponsor", "Hélène Marchand")]
    assert people_search.search_people(db, "vogel lumiere") == []  # every word must match


def test_search_everything_puts_people_first_and_keeps_the_limit(practice):
    from coachdesk.services import people_search, sessions

    db = practice["db"]
    eng = practice["engagements"][0]
    sessions.create(db, eng.id, date(2026, 2, 2), private_notes="Talked to Katrin Vogel today")
    hits = people_search.search_everything(db, "vogel")
    assert hits[0].kind == "sponsor" and hits[-1].kind == "private_note"
    assert len(people_search.search_everything(db, "vogel", limit=2)) == 2


def test_archived_people_are_found_and_marked(practice):
    from coachdesk.services import people_search

    db = practice["db"]
    organizations.archive(db, practice["other"].id)
    hit = people_search.search_people(db, "Atelier")[0]
    assert hit.archived and hit.kind_label == "Organization (archived)"


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "😀", "\x00", "\ud800", " ", "", "x" * 5000,
                                   "陈", "ليلى", "<b>&", "%_%", "a"])
def test_hostile_queries_find_people_safely(db, query):
    from coachdesk.services import people_search

    sponsors.create(db, HOSTILE, role="陈静 coach")
    hits = people_search.search_everything(db, query)
    assert isinstance(hits, list)
    for hit in hits:
        assert hit.kind in ("sponsor", "organization") or hit.client_id is not None


def test_hostile_names_are_found_and_shown_as_typed(db):
    from coachdesk.services import people_search

    sponsor = sponsors.create(db, HOSTILE)
    for query in ("unicode", "陈静", "ليلى", "Ünï"):
        hits = people_search.search_people(db, query)
        assert [h.ref_id for h in hits] == [sponsor.id], query
        assert hits[0].title == HOSTILE
        assert "".join(t for t, _m in hits[0].snippet_parts) == HOSTILE
