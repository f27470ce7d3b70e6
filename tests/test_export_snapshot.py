"""The export reads one snapshot and stays light on the interpreter (services/export_writer.py).

The window's responsiveness during an export is measured by the bench
(``export_json_gui_stall_s``); these tests pin down the two causes it found, without timing.
"""

from __future__ import annotations

import gc
import json
import sqlite3

from coachdesk.services import clients, export


def test_the_export_is_one_snapshot_while_the_coach_keeps_saving(demo_db, tmp_path):
    con = sqlite3.connect(demo_db.path)
    before = con.execute("SELECT count(*) FROM client").fetchone()[0]
    con.close()
    saved = []

    def save_meanwhile(done, total, name):
        # The coach saves while the export runs: a new client after the first table is read,
        # so tables read later (client, engagement, ...) would see it without a snapshot.
        if done in (1, 5):
            saved.append(clients.create(demo_db, f"Late client {done}").id)

    out = export.export_practice(demo_db, tmp_path / "p.json", progress=save_meanwhile)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(saved) == 2, "the saves went through while the export held its snapshot"
    ids = {row["id"] for row in doc["tables"]["client"]}
    assert len(ids) == before and not ids & set(saved)
    # And the file holds together: it imports.
    from coachdesk import storage

    fresh = storage.open_database(tmp_path / "fresh" / "coachdesk.db")
    try:
        summary = export.import_practice(fresh, out)
    finally:
        fresh.close()
    assert summary.rows["client"] == before


def test_the_export_leaves_the_garbage_collector_nothing_to_chase(db, tmp_path):
    """Rows that live across collections are promoted, and promotions trigger full
    collections, which hold the interpreter lock for as long as the whole heap takes to
    walk (0.1-0.2 s in the app: the window froze). 20,000 rows must cost a handful of
    collections, not one per few hundred rows."""
    con = sqlite3.connect(db.path)
    with con:
        con.executemany(
            "INSERT INTO organization (name, notes, archived, created_at, updated_at) "
            "VALUES (?, ?, 0, '2026-03-01 09:30:00.000000', '2026-03-01 09:30:00.000000')",
            ((f"Organisation {i}", "n" * 50) for i in range(20_000)))
    con.close()
    export.export_practice(db, tmp_path / "warm.json")  # SQL compiled, caches filled
    gc.collect()
    before = [g["collections"] for g in gc.get_stats()]
    out = export.export_practice(db, tmp_path / "p.json")
    after = [g["collections"] for g in gc.get_stats()]
    collections = [a - b for a, b in zip(after, before, strict=True)]
    assert sum(collections) <= 10, collections
    assert out.read_text(encoding="utf-8").count('"Organisation ') == 20_000


def test_values_written_by_hand_are_exported_in_the_documented_form(db, tmp_path):
    """Rows read as plain driver tuples still go out as docs/export-format.md says, also
    when another program wrote the dates its own way."""
    client = clients.create(db, "Hand Written")
    con = sqlite3.connect(db.path)
    with con:
        con.execute("UPDATE client SET created_at = '2026-03-01 09:30:00', "
                    "updated_at = '2026-03-01T10:30:00+01:00', "
                    "start_date = '2026-03-01 00:00:00' WHERE id = ?", (client.id,))
        con.execute("INSERT INTO organization (name, notes, archived, created_at, updated_at) "
                    "VALUES ('Org', '', 1, '2026-03-01 09:30:00.000000', "
                    "'2026-03-01 09:30:00.000000')")
    con.close()
    doc = json.loads(export.export_practice(db, tmp_path / "p.json").read_text(encoding="utf-8"))
    row = next(r for r in doc["tables"]["client"] if r["id"] == client.id)
    assert row["created_at"] == row["updated_at"] == "2026-03-01T09:30:00.000000+00:00"
    assert row["start_date"] == "2026-03-01" and row["status"] == "active"
    org = doc["tables"]["organization"][-1]
    assert org["archived"] is True and org["created_at"] == "2026-03-01T09:30:00.000000+00:00"
    assert doc == json.loads(export.dumps(export.practice_dict(db, now=_at(doc))))


def _at(doc):
    from datetime import datetime

    return datetime.fromisoformat(doc["exported_at"])
