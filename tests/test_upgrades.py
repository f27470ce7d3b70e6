"""A coach's file from an earlier version opens in this one with nothing lost.

The old files are filled with plain SQL written for the schema of their own
revision, not with today's demo (which grows with every version and would no
longer fit an old schema).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from coachdesk import migrations, storage
from coachdesk.errors import ValidationError
from coachdesk.reports import progress
from coachdesk.services import clients, consent, indicators, report_log, risk

STAMP = "2026-01-05 09:00:00.000000"
HOSTILE = "<b>&amp; \"quoted\" 'single' 🙂 مرحبا 你好"

FOUNDATION_TABLES = ["organization", "sponsor", "client", "engagement"]
SESSION_TABLES = ["coaching_session", "grow_worksheet", "grow_option", "action_item"]

CLIENT_NAMES = ["José Álvarez García", "Zoë Whitfield", "Chen Jing (陈静)",
                "Rashid Al-Amin (راشد الأمين)", f"Hostile {HOSTILE}"]


def _fill_foundation(con: sqlite3.Connection) -> None:
    con.execute("INSERT INTO organization (name, notes, archived, created_at, updated_at) "
                "VALUES (?, ?, 0, ?, ?)", ("Nordlicht Energie GmbH", HOSTILE, STAMP, STAMP))
    con.execute("INSERT INTO sponsor (name, role, email, phone, organization_id, archived, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
                ("Katrin Vogel", "HR Business Partner", "k.vogel@example.com", "+44 20 7946 0000",
                 STAMP, STAMP))
    for i, name in enumerate(CLIENT_NAMES, start=1):
        con.execute("INSERT INTO client (name, email, phone, job_title, organization_id, status, "
                    "start_date, background, created_at, updated_at) "
                    "VALUES (?, ?, '', 'Director', 1, 'active', '2026-01-05', ?, ?, ?)",
                    (name, f"c{i}@example.com", HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO engagement (client_id, sponsor_id, kind, status, start_date, "
                    "end_date, sessions_agreed, hours_agreed, pro_bono, fee_cents, currency, "
                    "objectives, archived, created_at, updated_at) VALUES "
                    "(?, 1, 'coaching', 'active', '2026-01-05', '2026-07-05', 8, 12.0, 0, 360000, "
                    "'EUR', ?, 0, ?, ?)",
                    (i, "1. Delegate with confidence\n2. Build trust", STAMP, STAMP))


def _fill_sessions(con: sqlite3.Connection) -> None:
    for i in range(1, len(CLIENT_NAMES) + 1):
        con.execute("INSERT INTO coaching_session (engagement_id, client_id, session_date, "
                    "start_time, duration_minutes, format, pro_bono, is_group, participants, "
                    "status, private_notes, shared_summary, created_at, updated_at) VALUES "
                    "(?, ?, '2026-02-02', '09:30:00.000000', 60, 'video', 0, 0, 1, 'held', ?, ?, "
                    "?, ?)", (i, i, f"private {HOSTILE}", f"shared {HOSTILE}", STAMP, STAMP))
        con.execute("INSERT INTO grow_worksheet (session_id, goal_session, goal_long_term, "
                    "reality_facts, reality_tried, reality_obstacles, will_what, will_when, "
                    "commitment, created_at, updated_at) VALUES "
                    "(?, ?, '', '', '', '', 'Ask for feedback', 'Friday', 8, ?, ?)",
                    (i, HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO grow_option (worksheet_id, position, text, notes, chosen) "
                    "VALUES (?, 0, ?, '', 1)", (i, HOSTILE))
        con.execute("INSERT INTO action_item (session_id, client_id, text, owner, due_date, "
                    "status, status_changed_on, created_at, updated_at) VALUES "
                    "(?, ?, ?, 'client', '2026-02-20', 'open', NULL, ?, ?)",
                    (i, i, HOSTILE, STAMP, STAMP))
    con.execute("INSERT INTO setting (key, value) VALUES ('paper_size', 'A4')")


INDICATOR_TABLES = ["indicator", "indicator_reading", "goal", "goal_rating", "stakeholder",
                    "client_motivation", "blocking_pattern"]


def _fill_indicators(con: sqlite3.Connection) -> None:
    for i in range(1, len(CLIENT_NAMES) + 1):
        for day, value in (("2026-01-12", 7), ("2026-02-09", 4)):
            con.execute("INSERT INTO indicator_reading (client_id, engagement_id, indicator_id, "
                        "reading_date, value, source, private_comment, created_at, updated_at) "
                        "VALUES (?, ?, 3, ?, ?, 'coach_observation', ?, ?, ?)",
                        (i, i, day, value, f"private {HOSTILE}", STAMP, STAMP))
        con.execute("INSERT INTO goal (engagement_id, title, description, weight, importance, "
                    "baseline_level, position, level_m2, level_m1, level_0, level_p1, level_p2, "
                    "created_at, updated_at) VALUES (?, ?, '', 1.0, 2, -1, 0, '', '', "
                    "'Delegates one project', ?, '', ?, ?)",
                    (i, f"Delegate {HOSTILE}", HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO goal_rating (goal_id, rating_date, level, comment, created_at, "
                    "updated_at) VALUES (?, '2026-02-09', 1, ?, ?, ?)", (i, HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO stakeholder (client_id, name, role, relation, influence, "
                    "relationship_quality, trend, notes, mvs_blue, mvs_red, mvs_green, "
                    "created_at, updated_at) VALUES (?, ?, 'CFO', 'manager', 5, 2, 'worsening', "
                    "?, 20, 50, 30, ?, ?)", (i, f"Boss {HOSTILE}", HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO client_motivation (client_id, blue, red, green, notes, "
                    "created_at, updated_at) VALUES (?, 40, 30, 30, ?, ?, ?)",
                    (i, HOSTILE, STAMP, STAMP))
        con.execute("INSERT INTO blocking_pattern (client_id, pattern, when_it_shows, "
                    "what_it_costs, position, created_at, updated_at) VALUES "
                    "(?, ?, 'under pressure', 'time', 0, ?, ?)", (i, HOSTILE, STAMP, STAMP))


def _fill_report_log(con: sqlite3.Connection) -> None:
    con.execute("INSERT INTO report_log (engagement_id, period_from, period_to, recipient, method, "
                "sent_at, sha256, pdf_file, coach_summary, next_steps, sections, created_at, "
                "updated_at) VALUES (1, '2026-01-05', '2026-02-28', 'k.vogel@example.com', "
                "'saved', NULL, ?, '1/report.pdf', ?, ?, 'summary,sessions', ?, ?)",
                ("0" * 64, f"summary {HOSTILE}", f"next {HOSTILE}", STAMP, STAMP))
    # The coach renamed a default indicator: its key still says what it is.
    con.execute("UPDATE indicator SET name = 'Energy and balance' WHERE key = 'wellbeing'")


FILLERS = {"0001_foundation": [_fill_foundation],
           "0002_sessions": [_fill_foundation, _fill_sessions],
           "0003_indicators": [_fill_foundation, _fill_sessions, _fill_indicators],
           "0004_report_log": [_fill_foundation, _fill_sessions, _fill_indicators,
                               _fill_report_log]}


def make_file_at(path, revision: str):
    """A small practice as the version whose head was ``revision`` left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = storage.make_engine(path)
    with engine.begin() as conn:
        migrations.upgrade(conn, revision)
    engine.dispose()
    con = sqlite3.connect(path)
    try:
        for fill in FILLERS[revision]:
            fill(con)
        con.commit()
    finally:
        con.close()
    return path


def dump(path, tables, like: dict | None = None):
    """Every row of ``tables``; with ``like`` (an earlier dump), only the columns the
    earlier file had, so a column a later revision adds does not count as a change."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for t in tables:
            cols = like[t][0] if like else [r[1] for r in con.execute(f"PRAGMA table_info({t})")]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY rowid").fetchall()
            out[t] = (cols, rows)
        return out
    finally:
        con.close()


def test_foundation_file_upgrades_with_nothing_lost(db_path):
    make_file_at(db_path, "0001_foundation")
    before = dump(db_path, FOUNDATION_TABLES)

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision()
        assert clients.count(db) == len(CLIENT_NAMES)
    finally:
        db.close()
    assert dump(db_path, FOUNDATION_TABLES, like=before) == before

    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    assert storage.inspect_file(backups[0]).revision == "0001_foundation"
    assert dump(backups[0], FOUNDATION_TABLES) == before

    # The existing clients were indexed for search by the upgrade itself.
    con = sqlite3.connect(db_path)
    try:
        hits = con.execute("SELECT ref_id FROM search_index WHERE search_index MATCH 'jose'")
        names = {con.execute("SELECT name FROM client WHERE id=?", (r[0],)).fetchone()[0]
                 for r in hits.fetchall()}
    finally:
        con.close()
    assert names == {"José Álvarez García"}
    assert storage.check_file(db_path).ok


def test_sessions_file_upgrades_to_indicators_with_nothing_lost(db_path):
    make_file_at(db_path, "0002_sessions")
    tables = FOUNDATION_TABLES + SESSION_TABLES + ["setting"]
    before = dump(db_path, tables)
    assert all(before[t][1] for t in tables)
    search_before = dump(db_path, ["search_index"])

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision()
        # The default indicator library arrived with the upgrade, in order, none retired.
        library = indicators.list_all(db, include_retired=True)
        assert [i.key for i in library] == [d.key for d in indicators.DEFAULT_INDICATORS]
        assert [i.name for i in library] == [d.name for d in indicators.DEFAULT_INDICATORS]
        assert all(not i.retired and i.description for i in library)
        assert indicators.ensure_defaults(db) == 0  # nothing missing, nothing doubled

        # The new features work on the old data straight away.
        stay = indicators.by_key(db, "intent_to_stay")
        indicators.add_reading(db, 1, stay.id, date(2026, 2, 2), 3, engagement_id=1)
        signal = risk.assess(db, 1, today=date(2026, 3, 1))
        assert signal.level == risk.Level.red
        assert any("Intent to stay" in r.text for r in signal.reasons)
        assert any("overdue" in r.text for r in signal.reasons)  # the action from 0002
    finally:
        db.close()
    assert dump(db_path, tables, like=before) == before
    assert dump(db_path, ["search_index"]) == search_before

    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    assert storage.inspect_file(backups[0]).revision == "0002_sessions"
    assert dump(backups[0], tables) == before
    assert storage.check_file(db_path).ok
    con = sqlite3.connect(db_path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM client ORDER BY id")]
    finally:
        con.close()
    assert names == CLIENT_NAMES


def test_indicators_file_upgrades_to_report_log_with_nothing_lost(db_path, tmp_path):
    make_file_at(db_path, "0003_indicators")
    tables = FOUNDATION_TABLES + SESSION_TABLES + INDICATOR_TABLES + ["setting"]
    before = dump(db_path, tables)
    assert all(before[t][1] for t in tables)
    search_before = dump(db_path, ["search_index"])

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision()
        assert report_log.entries(db, 1) == []  # the log arrived empty
        # The old engagement gets a report, and the log keeps it.
        rated = [c.indicator_id for c in progress.indicator_choices(db, 1, "2026-01-05",
                                                                    "2026-03-01")]
        # An upgraded practice shares nothing until the client's consent is recorded.
        try:
            progress.report_data(db, 1, "2026-01-05", "2026-03-01", indicator_ids=rated)
            raise AssertionError("a report was made without consent")
        except ValidationError as exc:
            assert exc.field == "consent"
        consent.record(db, 1, consent.SECTION_KEYS, rated, "2026-01-05")
        data = progress.report_data(db, 1, "2026-01-05", "2026-03-01", indicator_ids=rated)
        assert data.sessions_held == 1 and len(data.goals) == 1 and data.indicators
        pdf = progress.build_report_pdf(tmp_path / "old.pdf", data)
        entry = report_log.record(db, 1, pdf, data, recipient="k.vogel@example.com")
        assert report_log.verify(entry) and report_log.entries(db, 1) == [entry]
        assert report_log.default_period(db, 1, today=date(2026, 4, 1)) == (
            date(2026, 3, 2), date(2026, 4, 1))
    finally:
        db.close()
    assert dump(db_path, tables, like=before) == before
    assert dump(db_path, ["search_index"]) == search_before

    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    assert storage.inspect_file(backups[0]).revision == "0003_indicators"
    assert dump(backups[0], tables) == before
    assert storage.check_file(db_path).ok


def test_report_log_file_upgrades_to_corrections_with_nothing_lost(db_path):
    """0004 -> 0005: deleted sessions, report drafts and sensitive indicators arrive;
    every row the coach had is still there, the renamed wellbeing indicator included."""
    from sqlmodel import select

    from coachdesk.models import DeletedSession, ReportDraft

    make_file_at(db_path, "0004_report_log")
    tables = FOUNDATION_TABLES + SESSION_TABLES + INDICATOR_TABLES + ["report_log", "setting"]
    before = dump(db_path, tables)
    assert all(before[t][1] for t in tables)

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision()
        library = {i.key: i for i in indicators.list_all(db, include_retired=True)}
        assert {k for k, i in library.items() if i.sensitive} == {"wellbeing", "intent_to_stay"}
        assert library["wellbeing"].name == "Energy and balance"
        with db.session() as s:
            assert s.exec(select(DeletedSession)).all() == []
            assert s.exec(select(ReportDraft)).all() == []
        assert [e.coach_summary for e in report_log.entries(db, 1)] == [f"summary {HOSTILE}"]
    finally:
        db.close()
    assert dump(db_path, tables, like=before) == before
    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and storage.inspect_file(backups[0]).revision == "0004_report_log"
    assert storage.check_file(db_path).ok


def _fill_corrections(con: sqlite3.Connection) -> None:
    con.execute("INSERT INTO report_draft (engagement_id, coach_summary, next_steps, sections, "
                "indicator_ids, created_at, updated_at) VALUES (1, ?, '', 'summary', '', ?, ?)",
                (f"draft {HOSTILE}", STAMP, STAMP))


FILLERS["0005_corrections"] = FILLERS["0004_report_log"] + [_fill_corrections]


def test_corrections_file_upgrades_to_business_with_nothing_lost(db_path):
    """0005 -> 0006: agreements, consent, invoices and billing details arrive empty; every
    row the coach had is still there, and the organisations gain empty billing fields."""
    from sqlmodel import select

    from coachdesk.models import Agreement, Consent, Invoice, InvoiceCounter, Organization
    from coachdesk.services import consent

    make_file_at(db_path, "0005_corrections")
    tables = (FOUNDATION_TABLES + SESSION_TABLES + INDICATOR_TABLES
              + ["report_log", "report_draft", "setting"])
    before = dump(db_path, tables)
    assert all(before[t][1] for t in tables)

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision() == "0006_business"
        with db.session() as s:
            for model in (Agreement, Consent, Invoice, InvoiceCounter):
                assert s.exec(select(model)).all() == []
            org = s.exec(select(Organization)).first()
            assert (org.billing_contact, org.billing_address, org.vat_number) == ("", "", "")
        # No consent is made up for an engagement the client never gave it for.
        assert consent.current(db, 1) is None
        consent.record(db, 1, ["summary"], [], "2026-11-30", "in the signed agreement")
        assert consent.current(db, 1).sections == ("summary",)
    finally:
        db.close()
    assert dump(db_path, tables, like=before) == before
    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and storage.inspect_file(backups[0]).revision == "0005_corrections"
    assert storage.check_file(db_path).ok
