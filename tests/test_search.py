"""Full-text search: the trigger-kept index, what the coach sees, and repairing the index."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import select

from coachdesk.models import (
    ActionItem,
    Client,
    CoachingSession,
    Engagement,
    GrowOption,
    GrowWorksheet,
    Organization,
)
from coachdesk.services import search

ROOT = Path(__file__).resolve().parent.parent


def index_rows(db) -> set[tuple]:
    with db.engine.connect() as conn:
        return set(conn.exec_driver_sql(
            "SELECT rowid, kind, ref_id, client_id, body FROM search_index").all())


def execute(db, sql: str) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def add_client(db, name: str, **fields) -> Client:
    with db.session() as s:
        org = Organization(name="Nordlicht Energie GmbH")
        s.add(org)
        s.flush()
        client = Client(name=name, organization_id=org.id, **fields)
        s.add(client)
        s.flush()
        s.add(Engagement(client_id=client.id, start_date=date(2026, 1, 5)))
        return client


def add_session(db, client_id: int, day: date, **fields) -> CoachingSession:
    with db.session() as s:
        engagement = s.exec(select(Engagement).where(Engagement.client_id == client_id)).first()
        session = CoachingSession(engagement_id=engagement.id, client_id=client_id,
                                  session_date=day, **fields)
        s.add(session)
        s.flush()
        return session


@pytest.fixture
def practice(db):
    """Two clients; José's session has one distinctive word in each kind of text."""
    jose = add_client(db, "José Müller", job_title="Chief Financial Officer",
                      email="jose.mueller@example.com", background="Plays in an orchestra.")
    chen = add_client(db, "陈静", job_title="COO", background="Runs the Shenzhen plant.")
    first = add_session(db, jose.id, date(2026, 3, 2), start_time=time(9, 30),
                        private_notes="Signs of insomnia; worried about the board.\n"
                                      "Mentioned 陈静说你好 at the offsite.",
                        shared_summary="Agreed a delegation roadmap for the quarter.")
    with db.session() as s:
        sheet = GrowWorksheet(session_id=first.id, goal_session="Plan a sabbatical",
                              reality_facts="Team of twelve", will_what="Ask HR")
        s.add(sheet)
        s.flush()
        option = GrowOption(worksheet_id=sheet.id, text="Find a mentor", notes="outside the firm")
        action = ActionItem(session_id=first.id, client_id=jose.id,
                            text="Draft the newsletter for the team")
        s.add_all([option, action])
        s.flush()
        ids = {"worksheet": sheet.id, "option": option.id, "action": action.id}
    return {"db": db, "jose": jose, "chen": chen, "session": first, **ids}


# -- the index follows the data (triggers) ------------------------------------------


def test_triggers_keep_the_index_in_step(practice):
    db, jose = practice["db"], practice["jose"]
    sid = practice["session"].id
    rows = index_rows(db)
    kinds = sorted(r[1] for r in rows)
    assert kinds == sorted(["client", "client", "private_note", "shared_summary", "worksheet",
                            "option", "action"])
    assert (sid * 8 + 2, "private_note", sid, jose.id,
            practice["session"].private_notes) in rows
    assert search.index_is_consistent(db, bodies=True)

    # An empty note has no row; a new one appears with its text.
    later = add_session(db, jose.id, date(2026, 4, 1))
    assert not {r for r in index_rows(db) if r[2] == later.id and r[1] != "client"}
    with db.session() as s:
        row = s.get(CoachingSession, later.id)
        row.private_notes = "Talked about succession"
        s.add(row)
    assert search.search(db, "succession")[0].ref_id == later.id

    # Editing replaces the text; emptying removes the row.
    with db.session() as s:
        row = s.get(CoachingSession, later.id)
        row.private_notes = "Talked about resilience"
        s.add(row)
    assert search.search(db, "succession") == []
    assert [h.ref_id for h in search.search(db, "resilience")] == [later.id]
    with db.session() as s:
        row = s.get(CoachingSession, later.id)
        row.private_notes = ""
        s.add(row)
    assert search.search(db, "resilience") == []

    # Renaming a client and deleting rows follow too.
    with db.session() as s:
        client = s.get(Client, jose.id)
        client.name = "José Müller-Lüdenscheidt"
        s.add(client)
        s.delete(s.get(ActionItem, practice["action"]))
    assert search.search(db, "Lüdenscheidt")[0].kind == "client"
    assert search.search(db, "newsletter") == []
    assert search.index_is_consistent(db, bodies=True)


# -- what the coach finds ---------------------------------------------------------------


@pytest.mark.parametrize("word, kind, label", [
    ("orchestra", "client", "Client"),
    ("insomnia", "private_note", "Private note"),
    ("roadmap", "shared_summary", "Shareable summary"),
    ("sabbatical", "worksheet", "GROW worksheet"),
    ("mentor", "option", "Option"),
    ("newsletter", "action", "Action"),
])
def test_each_kind_is_found_and_labelled(practice, word, kind, label):
    hits = search.search(practice["db"], word)
    assert len(hits) == 1, hits
    hit = hits[0]
    assert (hit.kind, hit.kind_label) == (kind, label)
    assert hit.client_id == practice["jose"].id and hit.client_name == "José Müller"
    expected_ref = {"client": practice["jose"].id, "private_note": practice["session"].id,
                    "shared_summary": practice["session"].id, "worksheet": practice["worksheet"],
                    "option": practice["option"], "action": practice["action"]}[kind]
    assert hit.ref_id == expected_ref
    if kind == "client":
        assert hit.session_id is None and hit.session_date is None
    else:
        assert hit.session_id == practice["session"].id
        assert hit.session_date == date(2026, 3, 2)
    # The match is marked, in both forms.
    assert (word, True) in [(t.lower(), m) for t, m in hit.snippet_parts]
    assert f"[{word}]" in hit.snippet.lower()
    assert "".join(t for t, _ in hit.snippet_parts) == hit.snippet.replace("[", "").replace("]", "")


def test_private_and_shareable_hits_are_told_apart(practice):
    db, jose = practice["db"], practice["jose"]
    session = add_session(db, jose.id, date(2026, 5, 4), private_notes="Budget worries, confidential",
                          shared_summary="Budget plan agreed")
    hits = [h for h in search.search(db, "budget") if h.ref_id == session.id]
    by_kind = {h.kind: h for h in hits}
    assert set(by_kind) == {"private_note", "shared_summary"}
    assert by_kind["private_note"].kind_label == "Private note"
    assert by_kind["shared_summary"].kind_label == "Shareable summary"
    assert by_kind["private_note"].is_private and not by_kind["shared_summary"].is_private
    assert "confidential" in by_kind["private_note"].snippet
    assert "confidential" not in by_kind["shared_summary"].snippet


def test_snippet_parts_mark_only_the_matches_and_stay_short(practice):
    db, jose = practice["db"], practice["jose"]
    long_note = " ".join(["filler"] * 60 + ["keystone"] + ["padding"] * 60)
    add_session(db, jose.id, date(2026, 6, 1), private_notes=long_note)
    hit = search.search(db, "keystone")[0]
    marked = [t for t, m in hit.snippet_parts if m]
    assert marked == ["keystone"]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet.split()) <= search.SNIPPET_TOKENS + 2
    assert "\n" not in hit.snippet and "\U00100000" not in hit.snippet


def test_search_as_you_type_and_several_words(practice):
    db = practice["db"]
    assert [h.kind for h in search.search(db, "insom")] == ["private_note"]
    assert [h.kind for h in search.search(db, "worried insom")] == ["private_note"]
    assert search.search(db, "worried orchestra") == []  # every word must match
    assert [h.kind for h in search.search(db, "  Draft   the NEWSL ")] == ["action"]


@pytest.mark.parametrize("query", [
    '"', '""', '"insomnia', "*", "**", "insomnia*", "AND", "OR", "NOT", "insomnia AND", "AND OR NOT",
    "NEAR(", "NEAR(insomnia board)", "-", "-insomnia", ":", "body:insomnia", "kind:client",
    "(", ")", "()", "(insomnia", "^insomnia", "+", "{body}", "[", "\\", "'", "%", "_", "%_%",
    "😀", "🧑‍💼 insomnia", "مرحبا", "ليلى", "中文", "陈", "\x00", "a\x00b", "\ud800", "\r\n\t",
    " ", "", "x" * 5000, "insomnia " * 200, "é", "ß", "İ", "\u0301", "\U00100000", "\U00100001",
])
def test_hostile_queries_never_raise(practice, query):
    hits = search.search(practice["db"], query)
    assert isinstance(hits, list)
    for hit in hits:
        assert hit.kind in search.KINDS and hit.snippet_parts


def test_hostile_text_in_the_notes_is_found_and_shown_as_it_is(practice):
    db, jose = practice["db"], practice["jose"]
    note = 'She said "NEAR(AND) * OR -x: <b>&\'" then left'
    add_session(db, jose.id, date(2026, 7, 1), private_notes=note)
    hit = search.search(db, "near")[0]
    assert hit.snippet.replace("[", "").replace("]", "") == note
    assert [t for t, m in hit.snippet_parts if m] == ["NEAR"]


@pytest.mark.parametrize("query", ["José", "jose", "JOSE", "josé", "Jos"])
def test_accents_do_not_matter(practice, query):
    hits = search.search(practice["db"], query)
    assert practice["jose"].id in {h.client_id for h in hits if h.kind == "client"}


def test_umlauts_and_arabic(practice):
    db = practice["db"]
    assert [h.kind for h in search.search(db, "muller")] == ["client"]
    layla = add_client(db, "ليلى حداد", background="مديرة العمليات")
    assert [h.client_id for h in search.search(db, "ليلى")] == [layla.id]
    assert [h.client_id for h in search.search(db, "حداد")] == [layla.id]


def test_chinese_is_found_inside_longer_runs(practice):
    """unicode61 makes '陈静说你好' one token: CJK words are matched as substrings."""
    db, chen = practice["db"], practice["chen"]
    hits = search.search(db, "陈静")
    found = {(h.kind, h.client_id) for h in hits}
    assert ("client", chen.id) in found
    assert ("private_note", practice["jose"].id) in found  # inside '陈静说你好'
    note = next(h for h in hits if h.kind == "private_note")
    assert ("陈静", True) in note.snippet_parts and "[陈静]" in note.snippet
    # Typing the first character already finds them; mixed with a Latin word it narrows.
    assert {h.kind for h in search.search(db, "陈")} >= {"client", "private_note"}
    assert [h.kind for h in search.search(db, "陈静 insomnia")] == ["private_note"]
    assert search.search(db, "陈静 orchestra") == []
    assert search.search(db, "你好吗") == []


def test_best_match_first_then_newest_session(practice):
    db, jose = practice["db"], practice["jose"]
    old = add_session(db, jose.id, date(2025, 1, 10), private_notes="quarterly review")
    new = add_session(db, jose.id, date(2026, 8, 10), private_notes="quarterly review")
    mid = add_session(db, jose.id, date(2026, 2, 10), private_notes="quarterly review")
    strong = add_session(db, jose.id, date(2024, 1, 1),
                         private_notes="quarterly quarterly quarterly review")
    hits = search.search(db, "quarterly")
    assert [h.ref_id for h in hits] == [strong.id, new.id, mid.id, old.id]
    assert [h.ref_id for h in search.search(db, "quarterly", limit=2)] == [strong.id, new.id]
    assert search.search(db, "quarterly", limit=0) == []


# -- rebuilding and checking the index ------------------------------------------------


def test_rebuild_index_writes_exactly_what_the_triggers_wrote(practice):
    db = practice["db"]
    add_session(db, practice["chen"].id, date(2026, 9, 1), shared_summary="Only a summary")
    add_session(db, practice["chen"].id, date(2026, 9, 8))  # no notes: no rows
    by_triggers = index_rows(db)
    assert search.rebuild_index(db) == len(by_triggers)
    assert index_rows(db) == by_triggers
    assert search.index_is_consistent(db, bodies=True)


def test_index_is_consistent_notices_drift(practice):
    db = practice["db"]
    assert search.index_is_consistent(db)
    execute(db, "DELETE FROM search_index WHERE kind = 'action'")
    assert not search.index_is_consistent(db)
    assert search.index_problems(db) == 1
    search.rebuild_index(db)
    execute(db, "INSERT INTO search_index(rowid, kind, ref_id, client_id, body) "
                "VALUES (99999 * 8 + 6, 'action', 99999, 1, 'ghost')")
    assert search.index_problems(db) == 1
    search.rebuild_index(db)
    execute(db, "UPDATE search_index SET body = 'changed' WHERE kind = 'option'")
    assert search.index_is_consistent(db)  # the cheap check compares ids only
    assert not search.index_is_consistent(db, bodies=True)
    search.rebuild_index(db)
    assert search.index_is_consistent(db, bodies=True)
    assert [h.kind for h in search.search(db, "mentor")] == ["option"]


def _cli(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("COACHDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "coachdesk", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_check_reports_and_repair_rebuilds_an_emptied_index(practice, db_path):
    db = practice["db"]
    expected = index_rows(db)
    execute(db, "DELETE FROM search_index")
    db.close()

    before = _cli("--db", db_path, "check")
    assert before.returncode == 1, before
    assert before.stdout == "" and "Traceback" not in before.stderr
    lines = before.stderr.strip().splitlines()
    assert len(lines) == 1 and "search index" in lines[0] and "check --repair" in lines[0], before

    repair = _cli("--db", db_path, "check", "--repair")
    assert repair.returncode == 0, repair
    assert repair.stderr == ""
    assert f"Search index rebuilt: {len(expected)} entries." in repair.stdout.splitlines()

    after = _cli("--db", db_path, "check")
    assert after.returncode == 0, after
    assert after.stdout.startswith("OK:") and after.stderr == ""
    assert index_rows(db) == expected
    assert [h.kind for h in search.search(db, "insomnia")] == ["private_note"]


def test_a_word_found_almost_everywhere_lists_the_newest_first(db, monkeypatch):
    """Past BROAD_MATCHES matches the search stops ranking and shows the newest."""
    client = add_client(db, "Broad Match")
    for day in range(1, 29):
        add_session(db, client.id, date(2026, 2, day), shared_summary="We talked about delegation.")
    ranked = search.search(db, "delegation", limit=5)
    monkeypatch.setattr(search, "BROAD_MATCHES", 10)
    newest = search.search(db, "delegation", limit=5)
    assert len(ranked) == len(newest) == 5
    assert [h.session_date for h in newest] == [date(2026, 2, d) for d in (28, 27, 26, 25, 24)]
    assert all("delegation" in h.snippet for h in newest)
    # Identical notes tie on rank: the newest sessions win the tie there too.
    assert [h.session_date for h in ranked] == [h.session_date for h in newest]
