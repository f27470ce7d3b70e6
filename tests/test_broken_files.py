"""Broken practice-export files (issue 7): each gets ONE plain message, and the practice it was
offered to is left exactly as it was (a checksum of every record, before and after)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from coachdesk.errors import CoachDeskError
from coachdesk.services import export

#: words that would mean Python leaked into the coach's message
PYTHON_WORDS = re.compile(r"Traceback|Exception|Error\b|errno|\w+Error|File \"|line \d+, in")


def checksum(db_path: Path) -> str:
    """SHA-256 of every record (schema and rows) as SQLite dumps them, read on its own connection."""
    con = sqlite3.connect(db_path)
    try:
        digest = hashlib.sha256()
        for line in con.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        con.close()


def _valid_doc(db) -> dict:
    return export.practice_dict(db)


def _truncated(db, path: Path) -> None:
    text = export.dumps(_valid_doc(db))
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _png(db, path: Path) -> None:
    # A real PNG's first bytes (signature, IHDR chunk), then binary noise.
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
                     + bytes(range(256)) * 40)


def _wrong_shape(db, path: Path) -> None:
    path.write_text(json.dumps({"clients": [{"name": "Ana"}], "version": 1}), encoding="utf-8")


def _tables_not_an_object(db, path: Path) -> None:
    doc = {"format": "coachdesk-practice", "version": 1, "tables": [["client", []]]}
    path.write_text(json.dumps(doc), encoding="utf-8")


def _rows_not_records(db, path: Path) -> None:
    doc = _valid_doc(db)
    doc["tables"]["client"] = ["Ana Lima", "Ben Ode"]
    path.write_text(export.dumps(doc), encoding="utf-8")


def _fifty_megabytes(db, path: Path) -> None:
    # The beginning of a real export, then 50 MB of rows that never close.
    head = '{"format": "coachdesk-practice", "version": 1, "tables": {"client": [\n'
    row = json.dumps({"id": 1, "name": "Ana Lima " + "x" * 200}) + ",\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head)
        fh.write(row * (50 * 1024 * 1024 // len(row)))


def _empty(db, path: Path) -> None:
    path.write_bytes(b"")


def _newer(db, path: Path) -> None:
    doc = _valid_doc(db)
    doc["version"] = export.VERSION + 1
    path.write_text(export.dumps(doc), encoding="utf-8")


BROKEN = [
    ("truncated JSON", _truncated, "not valid JSON"),
    ("PNG renamed .json", _png, "not a CoachDesk export"),
    ("JSON of the wrong shape", _wrong_shape, "is not a CoachDesk practice export"),
    ("tables not an object", _tables_not_an_object, "has no tables"),
    ("rows not records", _rows_not_records, "is not a record"),
    ("50 MB file", _fifty_megabytes, "it may be truncated or damaged"),
    ("empty file", _empty, "not valid JSON"),
    ("newer format version", _newer, "made by a newer CoachDesk"),
]


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory):
    """A demo practice whose export the broken files are cut from."""
    from coachdesk import demo, storage

    db = storage.open_database(tmp_path_factory.mktemp("source") / "coachdesk.db")
    demo.populate(db, clients=12, seed=7)
    yield db
    db.close()


def assert_plain(message: str, *, file_name: str) -> None:
    assert message and "\n" not in message, message
    assert not PYTHON_WORDS.search(message), message
    # Which file: named, or (for a row deep inside it) "in the file" beside the name the UI adds.
    assert file_name in message or "in the file" in message, message
    assert len(message) < 300, message


@pytest.mark.parametrize("label,make,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_gets_one_plain_message_and_an_empty_practice_stays_empty(
        db, demo_source, tmp_path, label, make, words):
    path = tmp_path / "CoachDesk export.json"
    make(demo_source, path)
    before = checksum(db.path)
    with pytest.raises(CoachDeskError) as info:
        export.import_practice(db, path)
    assert words in str(info.value)
    assert_plain(str(info.value), file_name=path.name)
    assert checksum(db.path) == before
    assert export.is_empty(db)


def test_the_fifty_megabyte_file_really_is_that_big(demo_source, tmp_path):
    path = tmp_path / "big.json"
    _fifty_megabytes(demo_source, path)
    assert path.stat().st_size >= 50 * 1024 * 1024 - 1024


@pytest.mark.parametrize("label,make,words", BROKEN[:3], ids=[b[0] for b in BROKEN[:3]])
def test_a_broken_file_offered_to_a_full_practice_changes_nothing(demo_db, demo_source, tmp_path,
                                                                   label, make, words):
    path = tmp_path / "broken.json"
    make(demo_source, path)
    before = checksum(demo_db.path)
    with pytest.raises(CoachDeskError) as info:
        export.import_practice(demo_db, path)
    assert "\n" not in str(info.value) and not PYTHON_WORDS.search(str(info.value))
    assert checksum(demo_db.path) == before


def test_the_checksum_notices_a_change(db):
    # The check above proves something only if a one-row change shows in the checksum.
    from coachdesk.services import clients

    before = checksum(db.path)
    clients.create(db, "Ana Lima")
    assert checksum(db.path) != before


def test_a_png_chosen_in_the_app_gets_one_message_and_changes_nothing(qtbot, db, demo_source,
                                                                      tmp_path, monkeypatch):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from ui.context import AppContext
    from ui.main_window import MainWindow

    path = tmp_path / "photo.json"
    _png(demo_source, path)
    shown = []
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, _k=kind, **kw: shown.append((_k, text))))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    win = MainWindow(AppContext(db))
    qtbot.addWidget(win)
    win.show()
    before = checksum(db.path)
    win.findChild(QAction, "actionImportPractice").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    qtbot.wait(50)
    assert len(shown) == 1 and shown[0][0] == "warning"
    message = shown[0][1]
    assert message.startswith("Nothing was imported from “photo.json”.")
    assert "photo.json is not a CoachDesk export" in message
    assert not PYTHON_WORDS.search(message)
    assert checksum(db.path) == before
    assert win.stack.currentWidget() is win.welcome_page
