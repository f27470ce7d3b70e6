"""JSON export and import of the whole practice (services/export.py, docs/export-format.md)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from coachdesk import storage
from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import clients, export, search

HOSTILE = "<b>&\"'</b> 🙂 راشد 陈静 \\ \t tab\nnew line"


def _open(path: Path) -> storage.Database:
    return storage.open_database(path)


def _without_exported_at(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if '"exported_at"' not in line)


def _fingerprint(path: Path) -> list:
    """Every row of every model table, read with plain sqlite3 (independent of the service)."""
    con = sqlite3.connect(path)
    try:
        out = []
        for table in SQLModel.metadata.sorted_tables:
            out.append((table.name, con.execute(f'SELECT * FROM "{table.name}" ORDER BY 1').fetchall()))
        return out
    finally:
        con.close()


@pytest.fixture
def exported(demo_db, tmp_path) -> Path:
    return export.export_practice(demo_db, tmp_path / "practice.json")


def test_round_trip_of_the_demo_practice_is_exact(demo_db, exported, tmp_path):
    first = exported.read_text(encoding="utf-8")
    fresh = _open(tmp_path / "fresh" / "coachdesk.db")
    try:
        summary = export.import_practice(fresh, exported)
        again = export.export_practice(fresh, tmp_path / "again.json").read_text(encoding="utf-8")
        assert search.index_is_consistent(fresh, bodies=True)
        hits = search.search(fresh, "José")
        assert hits, "the search index is rebuilt on import"
    finally:
        fresh.close()
    assert summary.rows["coaching_session"] > 0 and summary.rows["grow_option"] > 0
    assert _without_exported_at(first) == _without_exported_at(again)
    # And the database rows themselves are the same, byte for byte as SQLite holds them.
    assert _fingerprint(demo_db.path) == _fingerprint(tmp_path / "fresh" / "coachdesk.db")


def test_every_model_table_and_column_is_in_the_file(demo_db, exported):
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["format"] == "coachdesk-practice" and doc["version"] == 1
    assert doc["schema_revision"] == demo_db.revision()
    model_tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    assert set(doc["tables"]) == set(model_tables) - {"search_index", "alembic_version"}
    for name, rows in doc["tables"].items():
        for row in rows:
            assert list(row) == [c.name for c in model_tables[name].columns]
    # The demo practice fills the tables that matter, so the round trip proves something.
    for name in ("client", "engagement", "coaching_session", "grow_worksheet", "grow_option",
                 "action_item", "indicator_reading", "goal", "goal_rating", "stakeholder",
                 "client_motivation", "blocking_pattern", "organization", "sponsor"):
        assert doc["tables"][name], name


def test_values_are_written_as_documented(demo_db, exported):
    doc = json.loads(exported.read_text(encoding="utf-8"))
    session = doc["tables"]["coaching_session"][0]
    assert isinstance(session["pro_bono"], bool) and isinstance(session["is_group"], bool)
    assert date.fromisoformat(session["session_date"])
    if session["start_time"] is not None:
        assert time.fromisoformat(session["start_time"])
    assert session["created_at"].endswith("+00:00")
    assert session["status"] in {"planned", "held", "cancelled_late", "cancelled", "no_show"}
    ids = [r["id"] for r in doc["tables"]["client"]]
    assert ids == sorted(ids)
    # UTF-8 as typed, not \u escapes.
    raw = exported.read_bytes()
    assert "José".encode() in raw and b"\\u00e9" not in raw


def test_progress_is_reported_table_by_table(demo_db, tmp_path):
    seen = []
    out = export.export_practice(demo_db, tmp_path / "p.json",
                                 progress=lambda done, total, name: seen.append((done, total, name)))
    names = [t.name for t in export.exported_tables()]
    assert seen == [(i, len(names), n) for i, n in enumerate(names, 1)]
    fresh = _open(tmp_path / "p" / "coachdesk.db")
    try:
        back = []
        export.import_practice(fresh, out, progress=lambda d, t, n: back.append(n))
        assert back == names
    finally:
        fresh.close()


def test_two_exports_are_identical_but_for_the_time(demo_db, tmp_path):
    a = export.export_practice(demo_db, tmp_path / "a.json").read_text(encoding="utf-8")
    b = export.export_practice(demo_db, tmp_path / "b.json").read_text(encoding="utf-8")
    assert _without_exported_at(a) == _without_exported_at(b)


def test_hostile_text_survives_the_round_trip(db, tmp_path):
    from coachdesk.models import Client, CoachingSession
    from coachdesk.services import engagements, sessions

    client = clients.create(db, HOSTILE, background=HOSTILE + " = +1 @x")
    eng = engagements.create(db, client.id, start_date=date(2026, 1, 5))
    sess = sessions.create(db, eng.id, date(2026, 1, 12), status="held")
    sessions.save_notes(db, sess.id, private_notes=HOSTILE, shared_summary="«" + HOSTILE + "»")
    with db.session() as s:
        original = s.get(Client, client.id)
        notes = s.get(CoachingSession, sess.id)
    assert "🙂" in original.name and "<b>&" in original.name and "陈静" in notes.private_notes
    out = export.export_practice(db, tmp_path / "h.json")
    fresh = _open(tmp_path / "h" / "coachdesk.db")
    try:
        export.import_practice(fresh, out)
        with fresh.session() as s:
            back = s.get(Client, client.id)
            back_notes = s.get(CoachingSession, sess.id)
        assert (back.name, back.background) == (original.name, original.background)
        assert (back_notes.private_notes, back_notes.shared_summary) == (
            notes.private_notes, notes.shared_summary)
        assert search.search(fresh, "陈静")
    finally:
        fresh.close()


def test_import_refuses_a_practice_that_holds_records(demo_db, exported):
    before = _fingerprint(demo_db.path)
    with pytest.raises(CoachDeskError, match="empty practice"):
        export.import_practice(demo_db, exported)
    assert _fingerprint(demo_db.path) == before


def _edited(exported: Path, tmp_path: Path, change) -> Path:
    doc = json.loads(exported.read_text(encoding="utf-8"))
    change(doc)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc), encoding="utf-8")  # \u escapes: a lone surrogate can be written
    return out


def _set(path, value):
    def change(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


BAD_DOCUMENTS = [
    ("newer version", _set(["version"], 2), "newer CoachDesk"),
    ("newer schema", _set(["schema_revision"], "0099_future"), "newer CoachDesk"),
    ("wrong format", _set(["format"], "something-else"), "not a CoachDesk practice export"),
    ("version as text", _set(["version"], "1"), "format version"),
    ("no tables", _set(["tables"], None), "no tables"),
    ("missing table", lambda d: d["tables"].pop("goal"), "lacks the table 'goal'"),
    ("unknown table", _set(["tables", "mystery"], []), "does not know"),
    ("rows not a list", _set(["tables", "client"], {}), "must be a list"),
    ("row not a record", lambda d: d["tables"]["client"].__setitem__(0, [1, 2]), "not a record"),
    ("bool as text", lambda d: d["tables"]["engagement"][0].__setitem__("pro_bono", "yes"),
     "'pro_bono' must be true or false"),
    ("bad date", lambda d: d["tables"]["coaching_session"][0].__setitem__("session_date",
                                                                          "2026-13-45"),
     "'session_date' must be a date"),
    ("bad enum", lambda d: d["tables"]["client"][0].__setitem__("status", "vanished"),
     "'status' must be one of"),
    ("text as number", lambda d: d["tables"]["engagement"][0].__setitem__("sessions_agreed", "ten"),
     "'sessions_agreed' must be a whole number"),
    ("required null", lambda d: d["tables"]["client"][0].__setitem__("name", None),
     "no value for 'name'"),
    ("unknown field", lambda d: d["tables"]["client"][0].__setitem__("shoe_size", 42),
     "fields this CoachDesk does not know"),
    ("duplicate key", lambda d: d["tables"]["client"].append(dict(d["tables"]["client"][0])),
     "same key"),
    ("number too big", lambda d: d["tables"]["engagement"][0].__setitem__("fee_cents", 2**70),
     "whole number SQLite can hold"),
    ("lone surrogate", lambda d: d["tables"]["client"][0].__setitem__("name", "\ud800x"),
     "valid Unicode text"),
    ("NUL in text", lambda d: d["tables"]["client"][0].__setitem__("name", "a\x00b"),
     "without NUL"),
    ("dangling reference", lambda d: d["tables"]["coaching_session"][-1].__setitem__(
        "engagement_id", 9999), "its engagement (id 9999) is not in the file"),
]


@pytest.mark.parametrize("label,change,message", BAD_DOCUMENTS, ids=[b[0] for b in BAD_DOCUMENTS])
def test_a_bad_file_is_refused_plainly_and_nothing_is_imported(exported, tmp_path, label, change,
                                                               message):
    bad = _edited(exported, tmp_path, change)
    target = tmp_path / "target" / "coachdesk.db"
    fresh = _open(target)
    try:
        before = _fingerprint(target)
        with pytest.raises(CoachDeskError) as info:
            export.import_practice(fresh, bad)
        assert message in str(info.value)
        assert "\n" not in str(info.value)
        assert _fingerprint(target) == before
        assert export.is_empty(fresh)
    finally:
        fresh.close()


@pytest.mark.parametrize("content", [
    b"", b"{\"format\": \"coachdesk-practice\", \"version\": 1, \"tab",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"[1, 2, 3]", b"\xff\xfe{}", b"null",
    b'{"format": "coachdesk-practice", "version": 1, "tables": {"goal": [{"weight": NaN}]}}',
    b"[" * 100000 + b"]" * 100000,
], ids=["empty", "truncated", "png", "list", "utf16-ish", "null", "nan", "deeply-nested"])
def test_files_that_are_not_exports_get_one_line(db, tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as info:
        export.import_practice(db, path)
    assert "\n" not in str(info.value) and "broken.json" in str(info.value)
    assert export.is_empty(db)


def test_a_missing_file_is_a_plain_error(db, tmp_path):
    with pytest.raises(CoachDeskError, match="no file"):
        export.import_practice(db, tmp_path / "nope.json")


def test_a_failure_late_in_the_import_leaves_nothing_behind(exported, tmp_path, monkeypatch):
    # The last table in the file breaks a foreign key: every earlier table was already
    # inserted in the transaction, and all of it must be rolled back. (The rows' checks
    # would refuse it before any insert: they are skipped, so the database refuses it.)
    monkeypatch.setattr(export, "_check_rows", lambda ready: None)
    doc = json.loads(exported.read_text(encoding="utf-8"))
    last = export.exported_tables()[-1].name
    rows = doc["tables"][last]
    assert rows
    fk = next(c.name for c in export.exported_tables()[-1].columns if c.foreign_keys)
    rows[-1][fk] = 123456
    bad = tmp_path / "late.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "late" / "coachdesk.db"
    fresh = _open(target)
    try:
        with pytest.raises(ValidationError, match="nothing was imported"):
            export.import_practice(fresh, bad)
        assert export.is_empty(fresh)
        with fresh.session() as s:
            from sqlalchemy import text
            assert s.execute(text("SELECT count(*) FROM indicator")).scalar_one() == 9
    finally:
        fresh.close()


def test_an_older_file_lacking_a_later_column_gets_its_default(exported, tmp_path):
    def drop(doc):
        for row in doc["tables"]["coaching_session"]:
            # participants came with is_group (a group of the default 1 would be refused)
            row.pop("participants")
            row.pop("is_group")
            row.pop("start_time")
    bad = _edited(exported, tmp_path, drop)
    fresh = _open(tmp_path / "old" / "coachdesk.db")
    try:
        export.import_practice(fresh, bad)
        from coachdesk.models import CoachingSession
        with fresh.session() as s:
            first = s.get(CoachingSession, 1)
        assert first.participants == 1 and first.start_time is None and not first.is_group
    finally:
        fresh.close()


def test_an_export_made_before_0005_imports_as_an_upgrade_would_leave_it(exported, tmp_path):
    """A coach's export from the previous version (schema 0004) lacks the tables and the
    column 0005 added: it imports, the new tables start empty, and the wellbeing-type
    default indicators are sensitive, exactly as upgrading the practice file makes them."""
    def as_0004(doc):
        doc["schema_revision"] = "0004_report_log"
        doc["tables"].pop("deleted_session")
        doc["tables"].pop("report_draft")
        for row in doc["tables"]["indicator"]:
            row.pop("sensitive")
    old = _edited(exported, tmp_path, as_0004)
    fresh = _open(tmp_path / "old" / "coachdesk.db")
    try:
        summary = export.import_practice(fresh, old)
        assert summary.rows["deleted_session"] == 0 and summary.rows["report_draft"] == 0
        from coachdesk.services import indicators
        sensitive = {i.key for i in indicators.list_all(fresh, include_retired=True) if i.sensitive}
        assert sensitive == {"wellbeing", "intent_to_stay"}
    finally:
        fresh.close()


def test_the_import_marks_the_same_indicators_sensitive_as_migration_0005():
    import importlib

    migration = importlib.import_module(
        "coachdesk.migrations.versions.0005_corrections_and_drafts")
    assert tuple(migration.SENSITIVE_KEYS) == export.SENSITIVE_KEYS_0005


def test_a_current_export_lacking_a_table_is_still_refused(exported, tmp_path, db):
    bad = _edited(exported, tmp_path, lambda d: d["tables"].pop("report_draft"))
    with pytest.raises(ValidationError, match="lacks the table 'report_draft'"):
        export.import_practice(db, bad)


def test_cli_export_import_and_refusal(demo_db, tmp_path, capsys):
    from coachdesk import cli

    out = tmp_path / "cli.json"
    assert cli.main(["--db", str(demo_db.path), "export", "--out", str(out)]) == 0
    new = tmp_path / "cli" / "new.db"
    assert cli.main(["--db", str(new), "import", str(out)]) == 0
    assert "Imported" in capsys.readouterr().out
    assert cli.main(["--db", str(new), "import", str(out)]) == 1
    err = capsys.readouterr().err
    assert "empty practice" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    never = tmp_path / "never" / "made.db"
    assert cli.main(["--db", str(never), "import", str(broken)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert not never.exists()


def test_the_format_document_describes_every_exported_table_and_column():
    text = (Path(__file__).resolve().parent.parent / "docs" / "export-format.md").read_text(
        encoding="utf-8")
    lines = {line.split("|")[1].strip().strip("`"): line for line in text.splitlines()
             if line.startswith("| `")}
    for table in export.exported_tables():
        assert table.name in lines, f"docs/export-format.md does not describe {table.name}"
        for column in table.columns:
            assert column.name in lines[table.name], f"{table.name}.{column.name} undocumented"


def test_date_times_written_another_way_are_read_as_utc(exported, tmp_path):
    def change(doc):
        doc["tables"]["client"][0]["created_at"] = "2026-03-01T10:30:00+01:00"
        doc["tables"]["client"][0]["updated_at"] = "2026-03-01T09:30:00"
    fresh = _open(tmp_path / "tz" / "coachdesk.db")
    try:
        export.import_practice(fresh, _edited(exported, tmp_path, change))
        row = json.loads(export.dumps(export.practice_dict(fresh)))["tables"]["client"][0]
        assert row["created_at"] == row["updated_at"] == "2026-03-01T09:30:00.000000+00:00"
    finally:
        fresh.close()


def test_export_streams_row_by_row_and_matches_the_whole_document(demo_db, tmp_path):
    """export_practice streams (never the whole practice in memory); same bytes as dumps()."""
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    seen = []
    out = export.export_practice(demo_db, tmp_path / "stream.json", now=now,
                                 progress=lambda done, total, name: seen.append((done, total)))
    assert out.read_text(encoding="utf-8") == export.dumps(export.practice_dict(demo_db, now=now))
    assert seen[-1][0] == seen[-1][1] == len(export.exported_tables())
