"""Import is input (issue 12, item 9): a practice file gets the services' rules, row by row.

Each kind of value a form would refuse is refused in a file too, whole, with one plain
sentence naming the row (table and id, never its text), and the practice unchanged. A
Hypothesis test puts hostile values into one field of an exported demo practice: the
import either refuses it plainly or gives a practice that exports, exports its calendar
and builds a subject-access file without error.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel

from coachdesk import storage
from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import calendar, export, privacy, session_trash
from coachdesk.services import validation as v

INF = 1234567.8912345  # written as 1e309 in the file (JSON itself has no infinity)
#: free-text columns: their words must never reach a message
TEXT_KEYS = ("name", "email", "phone", "background", "notes", "private_notes", "shared_summary",
             "text", "title", "objectives", "comment", "private_comment", "payload",
             "description", "role", "job_title", "pattern")
REPORT_LOG = {  # a report log row as report_log.record writes it
    "id": 1, "engagement_id": 1, "period_from": "2026-01-01", "period_to": "2026-03-31",
    "recipient": "k.vogel@nordlicht.example", "method": "saved", "sent_at": None,
    "sha256": "a" * 64, "pdf_file": "1/2026-04-01-20260101-20260331.pdf",
    "coach_summary": "A good quarter.", "next_steps": "", "sections": "glance,summary",
    "created_at": "2026-04-01T09:00:00.000000+00:00",
    "updated_at": "2026-04-01T09:00:00.000000+00:00"}


def _fingerprint(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return [(t.name, con.execute(f'SELECT * FROM "{t.name}" ORDER BY 1').fetchall())
                for t in SQLModel.metadata.sorted_tables]
    finally:
        con.close()


@pytest.fixture(scope="module")
def exported_doc(tmp_path_factory) -> dict:
    """The demo practice with a deleted session, exported, plus one report log row."""
    from coachdesk import demo

    folder = tmp_path_factory.mktemp("source")
    db = storage.open_database(folder / "coachdesk.db")
    try:
        demo.populate(db, clients=12, seed=7)
        session_trash.delete(db, 5)
        doc = json.loads(export.export_practice(db, folder / "p.json").read_text("utf-8"))
    finally:
        db.close()
    doc["tables"]["report_log"].append(dict(REPORT_LOG))
    return doc


def _write(doc: dict, path: Path) -> Path:
    text = json.dumps(doc, ensure_ascii=False)
    path.write_text(text.replace(repr(INF), "1e309"), encoding="utf-8")
    return path


def _rows(doc, table):
    return doc["tables"][table]


def _first(doc, table, **where):
    return next(r for r in _rows(doc, table) if all(r[k] == val for k, val in where.items()))


def _other_client_engagement(doc, client_id):
    return next(e for e in _rows(doc, "engagement") if e["client_id"] != client_id)


def _mismatched_session(doc):
    s = _rows(doc, "coaching_session")[0]
    s["engagement_id"] = _other_client_engagement(doc, s["client_id"])["id"]
    return "Session", s["id"]


def _mismatched_action(doc):
    a = _rows(doc, "action_item")[0]
    a["client_id"] = next(c["id"] for c in _rows(doc, "client") if c["id"] != a["client_id"])
    return "Action item", a["id"]


def _mismatched_reading(doc):
    r = _rows(doc, "indicator_reading")[0]
    r["engagement_id"] = _other_client_engagement(doc, r["client_id"])["id"]
    return "Indicator reading", r["id"]


def _mismatched_deleted(doc):
    d = _rows(doc, "deleted_session")[0]
    d["engagement_id"] = _other_client_engagement(doc, d["client_id"])["id"]
    return "Deleted session", d["id"]


def _payload_of_another_client(doc):
    d = _rows(doc, "deleted_session")[0]
    payload = json.loads(d["payload"])
    other = next(c["id"] for c in _rows(doc, "client") if c["id"] != d["client_id"])
    payload["tables"]["coaching_session"][0]["client_id"] = other
    d["payload"] = json.dumps(payload)
    return "Deleted session", d["id"]


def _payload_too_long(doc):
    d = _rows(doc, "deleted_session")[0]
    payload = json.loads(d["payload"])
    payload["tables"]["coaching_session"][0]["duration_minutes"] = 2**62
    d["payload"] = json.dumps(payload)
    return "Deleted session", d["id"]


def _set(table, key, value, label, index=0):
    def change(doc):
        row = _rows(doc, table)[index]
        row[key] = value
        return label, row.get("id")
    return change


def _update(table, label, **values):
    def change(doc):
        row = _rows(doc, table)[0]
        row.update(values)
        return label, row["id"]
    return change


def _scale_inverted(doc):
    i = _rows(doc, "indicator")[0]
    i["scale_min"], i["scale_max"] = 10, 1
    return "Indicator", i["id"]


def _reading_off_scale(doc):
    r = _rows(doc, "indicator_reading")[0]
    r["value"] = _first(doc, "indicator", id=r["indicator_id"])["scale_max"] + 5
    return "Indicator reading", r["id"]


def _option_of_no_worksheet(doc):
    o = _rows(doc, "grow_option")[0]
    o["worksheet_id"] = 99999
    return "GROW option", o["id"]


def _end_before_start(doc):
    e = _rows(doc, "engagement")[0]
    e["end_date"] = "2001-01-01"
    e["start_date"] = "2002-01-01"
    return "Engagement", e["id"]


#: (id, change(doc) -> (label, row id), words the message must hold)
BAD_VALUES = [
    ("hours 1e309", _set("engagement", "hours_agreed", INF, "Engagement"),
     "finite number"),
    ("hours negative", _set("engagement", "hours_agreed", -1, "Engagement"), "cannot be negative"),
    ("sessions agreed negative", _set("engagement", "sessions_agreed", -1, "Engagement"),
     "cannot be negative"),
    ("fee beyond any fee", _set("engagement", "fee_cents", 2**62, "Engagement"), "fee is too large"),
    ("currency not a code", _set("engagement", "currency", "EURO", "Engagement"),
     "three-letter code"),
    ("engagement ends before it starts", _end_before_start, "end date cannot be before"),
    ("session of 2^62 minutes", _set("coaching_session", "duration_minutes", 2**62, "Session"),
     "4,611,686,018,427,387,904 minutes"),
    ("session of 0 minutes", _set("coaching_session", "duration_minutes", 0, "Session"),
     "at least one minute"),
    ("group of one", _update("coaching_session", "Session", is_group=True, participants=1),
     "at least two participants"),
    ("session in 1066", _set("coaching_session", "session_date", "1066-10-14", "Session"),
     "between 1900 and 2199"),
    ("session in 9999", _set("coaching_session", "session_date", "9999-12-31", "Session"),
     "between 1900 and 2199"),
    ("time stamp in year 1", _set("client", "created_at", "0001-01-01T00:00:00+01:00",
                                  "Client"), "between the years 1900 and 2199"),
    ("time stamp in 2500", _set("client", "updated_at", "2500-01-01T00:00:00+00:00", "Client"),
     "between 1900 and 2199"),
    ("session's client is not its engagement's", _mismatched_session, "not the client of its"),
    ("action's client is not its session's", _mismatched_action, "not the client of its session"),
    ("reading's engagement of another client", _mismatched_reading,
     "not the client of its engagement"),
    ("deleted session's engagement of another client", _mismatched_deleted,
     "not the client of its engagement"),
    ("deleted session holding another client's session", _payload_of_another_client,
     "not the session it names"),
    ("deleted session holding a 2^62-minute session", _payload_too_long,
     "more than 12 hours"),
    ("reading off its scale", _reading_off_scale, "is rated"),
    ("scale upside down", _scale_inverted, "must be above the lowest"),
    ("scale too wide", _set("indicator", "scale_max", 10**9, "Indicator"), "between -1000 and 1000"),
    ("goal weight 0", _set("goal", "weight", 0, "Goal"), "more than 0"),
    ("goal weight huge", _set("goal", "weight", 1e300, "Goal"), "cannot be more than 100"),
    ("goal importance 9", _set("goal", "importance", 9, "Goal"), "from 1 to 5"),
    ("goal baseline 7", _set("goal", "baseline_level", 7, "Goal"), "-2, -1, 0, +1 or +2"),
    ("rating level -3", _set("goal_rating", "level", -3, "Goal rating"), "-2, -1, 0, +1 or +2"),
    ("commitment 11", _set("grow_worksheet", "commitment", 11, "GROW worksheet"), "1 to 10"),
    ("influence 9", _set("stakeholder", "influence", 9, "Stakeholder"), "from 1 to 5"),
    ("stakeholder blend not 100", _update("stakeholder", "Stakeholder", mvs_blue=90.0,
                                          mvs_red=90.0, mvs_green=90.0), "add up to 100"),
    ("motivation over 100", _set("client_motivation", "blue", 250.0, "Motivation profile"),
     "from 0 to 100"),
    ("bell in an e-mail address", _set("client", "email", "a\u0007b@example.com", "Client"),
     "control character"),
    ("bell in a name", _set("client", "name", "Ann\u0007Lee", "Client"), "control character"),
    ("escape in a sponsor's name", _set("sponsor", "name", "\u001b[31mRed", "Sponsor"),
     "control character"),
    ("C1 control in an organization", _set("organization", "name", "Acme\u0090", "Organization"),
     "control character"),
    ("name too long", _set("client", "name", "Ж" * (v.ONE_LINE_MAX + 1), "Client"), "too long"),
    ("note too long", _set("coaching_session", "private_notes", "x" * (v.TEXT_MAX + 1),
                           "Session"), "longer than"),
    ("empty name", _set("client", "name", "   ", "Client"), "cannot be empty"),
    ("empty action", _set("action_item", "text", "", "Action item"), "cannot be empty"),
    ("option of no worksheet", _option_of_no_worksheet, "GROW worksheet (id 99999) is not in the file"),
    ("reading of no client", _set("indicator_reading", "client_id", 4242, "Indicator reading"),
     "client (id 4242) is not in the file"),
    ("report file outside its folder", _set("report_log", "pdf_file", "../../../etc/passwd",
                                            "Report log entry"), "outside the practice's reports"),
    ("report file absolute", _set("report_log", "pdf_file", "/home/coach/secret.pdf",
                                  "Report log entry"), "outside the practice's reports"),
    ("report method unknown", _set("report_log", "method", "pigeon", "Report log entry"),
     "way of sending"),
    ("second worksheet for a session", lambda d: (
        _rows(d, "grow_worksheet")[1].update(session_id=_rows(d, "grow_worksheet")[0]["session_id"]),
        ("GROW worksheet", _rows(d, "grow_worksheet")[1]["id"]))[1], "only one may have it"),
    ("second motivation profile", lambda d: (
        _rows(d, "client_motivation")[1].update(client_id=_rows(d, "client_motivation")[0]["client_id"]),
        ("Motivation profile", _rows(d, "client_motivation")[1]["id"]))[1], "only one may have it"),
    ("report checksum not one", _set("report_log", "sha256", "xyz", "Report log entry"),
     "SHA-256"),
    ("empty setting name", _set("setting", "key", "", "Setting in row 1 of 'setting'"),
     "cannot be empty"),
]


@pytest.mark.parametrize("change,words", [b[1:] for b in BAD_VALUES], ids=[b[0] for b in BAD_VALUES])
def test_a_value_the_services_refuse_is_refused_in_a_file(exported_doc, tmp_path, change, words):
    doc = json.loads(json.dumps(exported_doc))
    label, row_id = change(doc)
    path = _write(doc, tmp_path / "bad.json")
    target = tmp_path / "target" / "coachdesk.db"
    fresh = storage.open_database(target)
    try:
        before = _fingerprint(target)
        with pytest.raises(ValidationError) as info:
            export.import_practice(fresh, path)
        message = str(info.value)
        where = label if label.startswith("Row") or " in row " in label else f"{label} {row_id}"
        assert message.startswith(f"{where} ") and " in the file" in message, message
        assert words in message, message
        assert "\n" not in message and len(message) < 300
        assert _fingerprint(target) == before and export.is_empty(fresh)
    finally:
        fresh.close()


def test_messages_never_quote_a_clients_words(exported_doc, tmp_path):
    doc = json.loads(json.dumps(exported_doc))
    canary = "Canary-Private-7f3a"
    for table, key in (("coaching_session", "duration_minutes"), ("engagement", "sessions_agreed"),
                       ("coaching_session", "session_date"), ("goal", "weight")):
        trial = json.loads(json.dumps(doc))
        _rows(trial, table)[0][key] = canary  # text where a number or date belongs
        for row in _rows(trial, "coaching_session"):
            row["private_notes"] = canary
        fresh = storage.open_database(tmp_path / key / "coachdesk.db")
        try:
            with pytest.raises(ValidationError) as info:
                export.import_practice(fresh, _write(trial, tmp_path / f"{key}.json"))
            assert canary not in str(info.value) and "text of 19 characters" in str(info.value)
        finally:
            fresh.close()


def test_every_file_our_export_writes_is_still_accepted(exported_doc, tmp_path):
    """The demo practice with a deleted session and a report log entry: the rules accept it
    unchanged (the services' normalising changes nothing in what they stored)."""
    path = _write(exported_doc, tmp_path / "ok.json")
    ready = export.load(path)
    fresh = storage.open_database(tmp_path / "ok" / "coachdesk.db")
    try:
        export.import_checked(fresh, ready)
        again = json.loads(export.dumps(export.practice_dict(fresh)))
    finally:
        fresh.close()
    assert again["tables"] == exported_doc["tables"]


def test_tabs_and_line_breaks_in_a_name_of_the_file_become_spaces(exported_doc, tmp_path):
    doc = json.loads(json.dumps(exported_doc))
    _rows(doc, "client")[0]["name"] = "Ann\tLee\r\nSmith "
    fresh = storage.open_database(tmp_path / "n" / "coachdesk.db")
    try:
        export.import_practice(fresh, _write(doc, tmp_path / "n.json"))
        from coachdesk.services import clients
        assert clients.get(fresh, _rows(doc, "client")[0]["id"]).name == "Ann Lee Smith"
    finally:
        fresh.close()


# -- Hypothesis: one hostile value anywhere ----------------------------------------------------

HOSTILE_VALUES = [INF, float("nan"), -1, 0, 2**63, 2**62, -(2**63) - 1, 1e300, -1e-300,
                  "x" * 200_000, "\u0000", "\u0007bell", "line\nbreak", "", "9999-12-31",
                  "0001-01-01T00:00:00+01:00", "1899-12-31", True, None, [], {}, 99999]


def _fk_targets(doc, table, column) -> list[int]:
    col = SQLModel.metadata.tables[table].c[column]
    parents = [fk.column.table.name for fk in col.foreign_keys]
    return [r["id"] for p in parents for r in _rows(doc, p)][:50]


@st.composite
def mutations(draw, doc):
    tables = [t for t, rows in doc["tables"].items() if rows]
    table = draw(st.sampled_from(sorted(tables)))
    index = draw(st.integers(0, len(_rows(doc, table)) - 1))
    column = draw(st.sampled_from(sorted(_rows(doc, table)[index])))
    choices = list(HOSTILE_VALUES)
    choices += _fk_targets(doc, table, column)  # a reference to another row: consistent or not
    return table, index, column, draw(st.sampled_from(choices))


def _client_of(doc, table, row) -> int:
    if table == "client":
        return row["id"]
    if isinstance(row.get("client_id"), int):
        return row["client_id"]
    return _rows(doc, "client")[0]["id"]


@pytest.fixture(scope="module")
def empty_practice(tmp_path_factory) -> bytes:
    """A new practice file's bytes, copied for each example (faster than making one)."""
    path = tmp_path_factory.mktemp("empty") / "coachdesk.db"
    db = storage.open_database(path)
    db.close()
    return path.read_bytes()


# A date, time or number as typed may be quoted (it helps the coach find it; it is never
# someone's words): json_values.describe.
DATE_LIKE = re.compile(r"[0-9 :+.TZ-]{1,40}")


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_one_hostile_value_is_refused_plainly_or_imports_a_usable_practice(
        exported_doc, empty_practice, data):
    table, index, column, value = data.draw(mutations(exported_doc))
    doc = json.loads(json.dumps(exported_doc))
    row = _rows(doc, table)[index]
    row[column] = value
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = json.dumps(doc, ensure_ascii=False).replace(repr(INF), "1e309")
        path = folder / "hostile.json"
        path.write_text(text, encoding="utf-8")
        (folder / "p").mkdir()
        target = folder / "p" / "coachdesk.db"
        target.write_bytes(empty_practice)
        db = storage.open_database(target)
        try:
            try:
                export.import_practice(db, path)
            except CoachDeskError as exc:
                message = str(exc)
                assert "\n" not in message and "Traceback" not in message and len(message) < 400
                assert not re.search(r"\b(SELECT|INSERT|UPDATE)\b", message)
                if isinstance(value, str) and len(value) > 3 and not DATE_LIKE.fullmatch(value):
                    assert value not in message  # text is told by its length, never quoted
                assert export.is_empty(db)
                return
            # Accepted: the practice must work as any other.
            export.export_practice(db, folder / "again.json")
            calendar.export_ics(db, folder / "sessions.ics")
            out = folder / "sar"
            out.mkdir()
            now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
            privacy.write_subject_access(db, _client_of(doc, table, row), out, now=now)
        finally:
            db.close()


def test_the_date_range_is_the_services_too(db):
    from coachdesk.services import clients

    with pytest.raises(ValidationError) as info:
        clients.create(db, "Ann Lee", start_date=date(1066, 10, 14))
    assert info.value.field == "start_date" and "1066" in str(info.value)
    assert clients.create(db, "Ann Lee", start_date="1900-01-01").start_date == date(1900, 1, 1)


@pytest.mark.parametrize("field,value,words", [
    ("sessions_agreed", 1001, "Sessions agreed cannot be more than 1,000"),
    ("hours_agreed", 2.0**62, "Hours agreed cannot be more than 5,000"),
    ("hours_agreed", float("inf"), "Hours agreed must be a number"),
    ("hours_agreed", 10**400, "Hours agreed must be a number"),
])
def test_the_engagement_forms_limits_are_the_services_and_the_files(db, exported_doc, tmp_path,
                                                                   field, value, words):
    from coachdesk.services import clients, engagements

    client = clients.create(db, "Ann Lee")
    with pytest.raises(ValidationError) as info:
        engagements.create(db, client.id, date(2026, 1, 5), **{field: value})
    assert info.value.field == field and words in str(info.value)
    if value == float("inf") or value == 10**400:
        return  # not JSON (the file's refusal of these: test_a_value_the_services_refuse…)
    doc = json.loads(json.dumps(exported_doc))
    row = _rows(doc, "engagement")[0]
    row[field] = value
    fresh = storage.open_database(tmp_path / "e" / "coachdesk.db")
    try:
        with pytest.raises(ValidationError) as info:
            export.import_practice(fresh, _write(doc, tmp_path / "e.json"))
        assert str(info.value).startswith(f"Engagement {row['id']} in the file: ")
        assert words.lower()[1:] in str(info.value) and export.is_empty(fresh)
    finally:
        fresh.close()


def test_a_group_session_has_at_most_the_participants_the_page_allows(exported_doc, tmp_path):
    doc = json.loads(json.dumps(exported_doc))
    row = _rows(doc, "coaching_session")[0]
    row.update(is_group=True, participants=2**62)
    fresh = storage.open_database(tmp_path / "g" / "coachdesk.db")
    try:
        with pytest.raises(ValidationError, match=rf"^Session {row['id']} in the file: the number "
                                                  "of participants cannot be more than 500"):
            export.import_practice(fresh, _write(doc, tmp_path / "g.json"))
    finally:
        fresh.close()
