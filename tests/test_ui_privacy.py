"""The client's data in the app: subject access export, erase dialog, retention review."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_privacy import CANARY, NAME, TOKEN, make_client
from ui_helpers import when_modal

from coachdesk import backups
from coachdesk.errors import NotFoundError
from coachdesk.services import clients, erasure, search
from ui.context import AppContext
from ui.main_window import MainWindow


def tick(qtbot, box) -> None:
    """Click a check box on its tick mark, as a coach does."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_subject_access_from_the_client_page_writes_both_files(qtbot, window, demo_db,
                                                               tmp_path, monkeypatch):
    cid = make_client(demo_db, tmp_path)
    out = tmp_path / "for the client"
    out.mkdir()
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window.open_client(cid)
    page = window.client_page
    assert page.data_button.isVisible() and page.data_button.menu() is not None
    page.export_data_action.trigger()
    assert "private notes" in asked[0]  # the coach confirmed the file holds them
    json_path = out / f"Personal data — {NAME} — {date.today().isoformat()}.json"
    pdf_path = out / f"Personal data — {NAME} — {date.today().isoformat()}.pdf"
    exporter = page._exporter
    qtbot.waitUntil(lambda: getattr(exporter, "saved_notice", None) is not None, timeout=20000)
    notice = exporter.saved_notice  # where the files went, with Open folder
    infos = [notice.text() + "\n" + notice.informativeText()]
    assert str(out) in infos[0] and not notice.isModal()
    assert json_path.is_file() and pdf_path.is_file()
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert CANARY in data["records"]["sessions"][0]["private_notes"]
    assert CANARY in " ".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert json_path.name in infos[0]


def test_subject_access_stops_when_the_coach_says_no(qtbot, window, demo_db, tmp_path,
                                                     monkeypatch):
    cid = make_client(demo_db, tmp_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    picked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *a, **k: picked.append(1) or str(tmp_path))
    window.open_client(cid)
    window.client_page.export_data_action.trigger()
    assert picked == []  # never asked for a folder
    assert not list(tmp_path.glob("*personal data*"))


def test_erase_from_the_client_page(qtbot, window, demo_db, tmp_path):
    cid = make_client(demo_db, tmp_path)
    backups.backup_now(demo_db.path, kind=backups.MANUAL)
    others = clients.count(demo_db) - 1
    window.open_client(cid)
    seen = {}

    def drive(dialog):
        seen["title"] = dialog.windowTitle()
        seen["what"] = dialog.what_text
        seen["backups"] = dialog.backups_label.text()
        assert not dialog.erase_button.isEnabled()  # not without the deliberate tick
        dialog.delete_backups.setChecked(True)
        tick(qtbot, dialog.confirm)
        assert dialog.erase_button.isEnabled()
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    state = when_modal(drive)
    window.client_page.erase_action.trigger()
    qtbot.waitUntil(lambda: state["done"], timeout=5000)
    assert state["error"] is None
    assert NAME in seen["title"]
    for words in ("1 engagement", "1 session", "1 private note", "1 stakeholder",
                  "1 indicator reading", "1 stored report PDF"):
        assert words in seen["what"]
    assert "1 older backup still contains" in seen["backups"]
    # back on the clients list, which no longer shows the client
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.clients_page, timeout=20000)
    model = window.clients_page.model
    qtbot.waitUntil(lambda: model.row_of_client(cid) < 0)
    assert model.rowCount() == others
    with pytest.raises(NotFoundError):
        clients.get(demo_db, cid)
    assert search.search(demo_db, TOKEN) == []
    left = backups.backup_files(demo_db.path)
    assert len(left) == 1 and erasure.backups_with_client([left[0].path], cid, NAME) == []


def test_erase_cancelled_changes_nothing(qtbot, window, demo_db, tmp_path):
    cid = make_client(demo_db, tmp_path)
    window.open_client(cid)
    state = when_modal(lambda d: qtbot.mouseClick(
        d.buttons.button(d.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton))
    window.client_page.erase_action.trigger()
    assert state["done"] and state["error"] is None
    assert clients.get(demo_db, cid).name == NAME
    assert window.stack.currentWidget() is window.client_page


def _archive_old(db, name):
    from coachdesk.models import Engagement, EngagementStatus

    c = clients.create(db, name, status="archived")
    with db.session() as s:
        s.add(Engagement(client_id=c.id, start_date=date(2010, 1, 1),
                         end_date=date(2012, 6, 30), status=EngagementStatus.completed))
    return c.id


def test_retention_review_lists_changes_period_and_erases(qtbot, window, demo_db):
    from ui.dialogs.retention_review import RetentionReviewDialog

    old = _archive_old(demo_db, 'Old <b>&"\' 陈静')
    dialog = RetentionReviewDialog(window.ctx, window, today=date(2026, 1, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    ids = [model.candidate(r).client_id for r in range(model.rowCount())]
    assert old in ids
    row = ids.index(old)
    assert model.index(row, 0).data() == 'Old <b>&"\' 陈静'
    assert model.index(row, 2).data() == "30 Jun 2012"
    # a longer period than 13.5 years leaves the client out; it is saved as the setting
    dialog.years.setValue(14)
    qtbot.waitUntil(lambda: erasure.retention_years(demo_db) == 14)
    assert old not in [model.candidate(r).client_id for r in range(model.rowCount())]
    dialog.years.setValue(7)
    qtbot.waitUntil(lambda: old in [model.candidate(r).client_id
                                    for r in range(model.rowCount())])
    row = [model.candidate(r).client_id for r in range(model.rowCount())].index(old)
    dialog.table.selectRow(row)

    def confirm(d):
        tick(qtbot, d.confirm)
        assert d.erase_button.isEnabled()
        qtbot.mouseClick(d.erase_button, Qt.MouseButton.LeftButton)

    state = when_modal(confirm)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    qtbot.waitUntil(lambda: old not in [model.candidate(r).client_id
                                        for r in range(model.rowCount())], timeout=20000)
    with pytest.raises(NotFoundError):
        clients.get(demo_db, old)


def test_retention_review_opens_a_client(qtbot, window, demo_db):
    from ui.dialogs.retention_review import RetentionReviewDialog

    old = _archive_old(demo_db, "Opened From Review")
    dialog = RetentionReviewDialog(window.ctx, window, today=date(2026, 1, 1))
    qtbot.addWidget(dialog)
    row = [dialog.model.candidate(r).client_id
           for r in range(dialog.model.rowCount())].index(old)
    dialog.table.selectRow(row)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.client_page
    assert window.client_page.client.id == old


def test_an_erase_that_could_not_compact_says_so_in_a_box_and_a_switch_finishes_it(
        qtbot, window, demo_db, tmp_path, monkeypatch):
    """Another program reading the file keeps the erased words in its bytes for a while:
    the coach reads that in a box, not only in the status bar, and opening the practice
    again (a switch or a restart) finishes the compaction."""
    import sqlite3

    from coachdesk.services import practice_files
    from ui import practice_file

    monkeypatch.setattr(practice_files, "CHECKPOINT_PAUSE_S", 0)
    cid = make_client(demo_db, tmp_path)
    reader = sqlite3.connect(demo_db.path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM client").fetchone()  # a snapshot held
    boxes = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _p, title, text, *a, **k: boxes.append(text)))
    window.open_client(cid)

    def drive(dialog):
        tick(qtbot, dialog.confirm)
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    state = when_modal(drive)
    window.client_page.erase_action.trigger()
    qtbot.waitUntil(lambda: bool(state["done"] and boxes), timeout=20000)
    assert "a copy of the text remains in the practice file" in boxes[0]
    assert "was erased" not in boxes[0]
    assert practice_files.compaction_pending(demo_db)
    reader.execute("COMMIT")
    reader.close()

    other = tmp_path / "other.db"
    assert practice_file.switch_practice(window, other)
    from coachdesk import storage

    again = storage.open_database(demo_db.path)
    try:
        assert not practice_files.compaction_pending(again)  # finished when it was left
        assert NAME.encode() not in demo_db.path.read_bytes()
    finally:
        again.close()
