"""The sealed (age) export back in: ``python -m coachdesk import`` opens a ``.json.age``
export with --passphrase-file or COACHDESK_PASSPHRASE, in memory; an encrypted practice
with hostile text goes out sealed and comes back into a fresh practice row for row, and
the sealed file's bytes hold none of its words (services/export_sealed.py, cli_crypto)."""

from __future__ import annotations

from datetime import date

import pytest
from age_helpers import cheap_age, cheap_seal  # noqa: F401
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from sqlalchemy import select
from sqlmodel import SQLModel
from test_encryption_cli import logs, run
from test_encryption_files import leaks
from test_privacy import CANARY, make_client

from coachdesk import storage
from coachdesk.errors import StorageError, ValidationError
from coachdesk.services import clients, engagements, export, export_sealed, sessions

HOSTILE = "<b>&\"'</b> 🙂 راشد 陈静 & <i>"
#: words only the hostile client carries (besides make_client's, see test_encryption_files)
HOSTILE_WORDS = ["راشد", "陈静", "🙂"]
#: real age files at work factor 2**10 (tests/age_helpers.py): pyrage opens them in ms
pytestmark = pytest.mark.usefixtures("cheap_age")


def every_row(db: storage.Database) -> list:
    """Every row of every model table, in primary-key order, as the engine reads them."""
    out = []
    with db.session() as s:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)[:1]
            out.append((table.name, [tuple(r) for r in s.execute(select(table).order_by(*order))]))
    return out


@pytest.fixture
def sealed_practice(practice_templates, db_path, tmp_path, monkeypatch):
    """An encrypted practice with make_client's canaries and a hostile client, its
    passphrase file, and every row it holds."""
    monkeypatch.delenv("COACHDESK_PASSPHRASE", raising=False)
    encrypted_copy(practice_templates["new"], db_path)
    db = storage.open_database(db_path)
    try:
        make_client(db, tmp_path)
        client = clients.create(db, HOSTILE, background=HOSTILE)
        eng = engagements.create(db, client.id, start_date=date(2026, 1, 5))
        sess = sessions.create(db, eng.id, date(2026, 1, 12), status="held")
        sessions.save_notes(db, sess.id, private_notes=CANARY + HOSTILE,
                            shared_summary="«" + HOSTILE + "»")
        rows = every_row(db)
    finally:
        db.close()
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return db_path, secret, rows


def test_sealed_export_of_an_encrypted_practice_comes_back_row_for_row(sealed_practice,
                                                                        tmp_path):
    db_path, secret, rows = sealed_practice
    sealed = tmp_path / "moving" / "practice.json.age"
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "export",
                         "--out", str(sealed))
    assert code == 0, err
    raw = sealed.read_bytes()
    assert raw.startswith(export_sealed.AGE_MAGIC)
    assert leaks(raw) == []
    assert not [w for w in HOSTILE_WORDS if w.encode("utf-8") in raw]

    fresh = tmp_path / "new laptop" / "coachdesk.db"
    code, out, err = run("--db", str(fresh), "import", str(sealed),
                         env={"COACHDESK_PASSPHRASE": PASSPHRASE})
    assert code == 0, err
    assert "Imported" in out
    db = storage.open_database(fresh)
    try:
        assert every_row(db) == rows
        assert clients.count(db) == 2
    finally:
        db.close()
    # nothing decrypted was left beside the file or in the new practice's folder
    assert sorted(p.name for p in sealed.parent.iterdir()) == [sealed.name]
    left = [p for p in fresh.parent.rglob("*") if p.is_file() and not p.name.startswith("coachdesk.db")]
    assert all(CANARY.encode() not in p.read_bytes() for p in left), left
    assert PASSPHRASE not in logs()


def test_import_of_a_sealed_file_needs_the_right_passphrase_and_writes_nothing(
        sealed_practice, tmp_path):
    db_path, secret, _rows = sealed_practice
    sealed = tmp_path / "practice.json.age"
    assert run("--db", str(db_path), "--passphrase-file", str(secret), "export",
               "--out", str(sealed))[0] == 0
    fresh = tmp_path / "fresh" / "coachdesk.db"

    code, out, err = run("--db", str(fresh), "import", str(sealed))
    assert code == 1 and out == ""
    assert "sealed with a passphrase" in err and "--passphrase-file" in err
    assert err.count("\n") == 1

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Correct horse battery staple\n", encoding="utf-8")
    code, out, err = run("--db", str(fresh), "--passphrase-file", str(wrong), "import",
                         str(sealed))
    assert code == 1 and "does not open" in err and err.count("\n") == 1
    assert "Correct horse" not in err
    assert not fresh.exists(), "nothing is written when the passphrase is wrong"
    assert "Correct horse" not in logs() and PASSPHRASE not in logs()


def test_load_sealed_opens_in_memory_and_refuses_what_is_not_an_export(tmp_path):
    not_export = tmp_path / "notes.json.age"
    not_export.write_bytes(cheap_seal(b'{"hello": "world"}', "words"))
    assert export_sealed.is_sealed(not_export)
    with pytest.raises(ValidationError, match="not a CoachDesk practice export"):
        export_sealed.load_sealed(not_export, "words")
    with pytest.raises(StorageError, match="does not open"):
        export_sealed.load_sealed(not_export, "other")
    damaged = tmp_path / "cut.json.age"
    damaged.write_bytes(not_export.read_bytes()[:-10])
    with pytest.raises(StorageError, match="damaged"):
        export_sealed.open_sealed(damaged, "words")
    # the plain reader names a sealed file for what it is instead of "not UTF-8"
    with pytest.raises(ValidationError, match="sealed with a passphrase"):
        export.load(not_export)


def test_sealed_export_reports_progress_and_can_be_stopped(db, tmp_path):
    seen = []
    out = export_sealed.export_encrypted(db, tmp_path / "a.json.age", "words",
                                         progress=lambda d, t, _n: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == len(export.exported_tables())
    assert export_sealed.load_sealed(out, "words")[1]["client"] == []

    class Stop(Exception):
        pass

    def stop(done, total, name):
        raise Stop()

    with pytest.raises(Stop):
        export_sealed.export_encrypted(db, tmp_path / "b.json.age", "words", progress=stop)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith("age")
                  or p.name.endswith("partial")) == ["a.json.age"]
