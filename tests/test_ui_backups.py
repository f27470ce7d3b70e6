"""Backups in the app: the dialog, back up now, restore, the settings tab, closing, start-up."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from ui_helpers import when_modal

from coachdesk import backups, paths, storage
from coachdesk.models import Client
from coachdesk.services import clients
from ui import app as ui_app
from ui.context import AppContext
from ui.dialogs import db_problem
from ui.dialogs.backups_dialog import BackupsDialog
from ui.main_window import MainWindow

HOSTILE = "Zoë <b>&\"' 陈静 سارة 🙂"


def shown_window(qtbot, database):
    win = MainWindow(AppContext(database))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def demo_window(qtbot, demo_db):
    return shown_window(qtbot, demo_db)


def open_dialog(qtbot, win) -> BackupsDialog:
    dialog = BackupsDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cells(dialog, row):
    model = dialog.model
    return [model.index(row, c).data() for c in range(model.columnCount())]


def visible_names(page):
    proxy = page.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def garble(path: Path, start: int = 4096) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(start)
        fh.write(random.Random(3).randbytes(max(size - start - 4096, 4096)))


def test_dialog_lists_backups_in_both_folders(qtbot, demo_window, tmp_path):
    db = demo_window.ctx.db
    usb = tmp_path / "USB"
    usb.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, usb)
    older = backups.backup_now(db.path, kind=backups.DAILY, now=datetime(2025, 3, 3, 18, 5))
    newer = backups.backup_now(db.path, second_folder=usb, now=datetime(2025, 3, 4, 9, 30))
    dialog = open_dialog(qtbot, demo_window)
    assert dialog.model.rowCount() == 3
    assert {tuple(cells(dialog, r)[2:]) for r in range(3)} == {
        ("Made by you", "Usual folder"), ("Made by you", "Second folder"),
        ("Automatic (daily)", "Usual folder")}
    assert cells(dialog, 2)[0] == "Mon 3 Mar 2025, 18:05"
    assert cells(dialog, 2)[1].endswith("KB") or cells(dialog, 2)[1].endswith("MB")
    assert dialog.model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole) == str(older.path)
    assert newer.path.name in {Path(dialog.model.rows[r].path).name for r in range(2)}
    assert str(usb) in dialog.intro.text()
    assert not dialog.empty.isVisible()
    # the newest is chosen as the list opens (a coach saw the focus on it and a grey Restore…)
    assert dialog.view.selectionModel().selectedRows()[0].row() == 0
    assert dialog.restore_button.isEnabled()
    dialog.view.selectRow(2)
    assert dialog.selected().path == older.path and dialog.restore_button.isEnabled()


def test_back_up_now_adds_a_row_without_freezing(qtbot, demo_window):
    dialog = open_dialog(qtbot, demo_window)
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisible()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    # The copy runs in the pool: the dialog shows it is busy and refuses a second click.
    assert dialog.busy.isVisible() and not dialog.backup_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    assert not dialog.busy.isVisible() and dialog.backup_button.isEnabled()
    made = dialog.model.rows[0]
    assert made.kind == backups.MANUAL and made.path.is_file()
    assert "Backup made" in dialog.status.text()
    assert dialog.selected() == made
    assert storage.inspect_file(made.path).revision is not None


def test_back_up_now_reports_an_unplugged_second_folder(qtbot, demo_window, tmp_path):
    usb = tmp_path / "stick"
    usb.mkdir()
    backups.save_settings(demo_window.ctx.db, backups.RHYTHM_DAILY, usb)
    usb.rmdir()  # unplugged
    dialog = open_dialog(qtbot, demo_window)
    assert "not found now" in dialog.intro.text()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    assert "could not be found" in dialog.status.text()
    assert "usual folder" in dialog.status.text()


def test_restore_brings_a_deleted_client_back_on_screen(qtbot, demo_window):
    win, ctx = demo_window, demo_window.ctx
    client = clients.create(ctx.db, HOSTILE)
    ctx.notify("clients")
    win.clients_page.reload()
    assert HOSTILE in visible_names(win.clients_page)
    kept_earlier = backups.backup_now(ctx.db.path, now=datetime.now() - timedelta(hours=30))
    with ctx.db.session() as s:  # deleted by mistake
        s.delete(s.get(Client, client.id))
    win.clients_page.reload()
    assert HOSTILE not in visible_names(win.clients_page)
    old_db = ctx.db

    dialog = open_dialog(qtbot, win)
    dialog.view.selectRow(0)
    assert dialog.selected().path == kept_earlier.path

    def confirm(box):
        assert box.objectName() == "confirmRestore"
        assert "safety copy" in box.informativeText()
        qtbot.mouseClick(box.findChild(type(dialog.backup_button), "confirmRestoreYes"),
                         Qt.MouseButton.LeftButton)

    state = when_modal(confirm)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    # The app reopened on the restored file: the client is back in the list.
    assert ctx.db is not old_db
    assert HOSTILE in visible_names(win.clients_page)
    assert win.stack.currentWidget() is win.clients_page
    # The practice as it was (without the client) is kept as a safety copy, listed.
    safety = [b for b in dialog.model.rows if b.kind == backups.BEFORE_RESTORE]
    assert len(safety) == 1
    assert "Restored" in dialog.status.text()
    con_names = storage.connect_read_only(safety[0].path).execute("SELECT name FROM client")
    assert HOSTILE not in {r[0] for r in con_names}


def test_cancelling_a_restore_changes_nothing(qtbot, demo_window):
    ctx = demo_window.ctx
    backups.backup_now(ctx.db.path, now=datetime.now() - timedelta(days=1))
    clients.create(ctx.db, "Kept After Cancel")
    dialog = open_dialog(qtbot, demo_window)
    dialog.view.selectRow(0)
    db_before = ctx.db

    def cancel(box):
        box.reject()

    state = when_modal(cancel)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert state["done"]
    assert ctx.db is db_before
    assert "Kept After Cancel" in [r.name for r in clients.list_rows(ctx.db)]
    assert dialog.model.rowCount() == 1


def test_open_folder_opens_the_backups_folder(qtbot, demo_window, monkeypatch):
    opened = []
    monkeypatch.setattr("ui.dialogs.backups_dialog.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    dialog = open_dialog(qtbot, demo_window)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [] and "not there yet" in dialog.status.text()
    backups.backup_now(demo_window.ctx.db.path)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(p) for p in opened] == [paths.backup_dir(demo_window.ctx.db.path)]


def test_settings_tab_saves_the_second_folder_and_rhythm(qtbot, demo_window, tmp_path, monkeypatch):
    from ui.dialogs.settings_dialog import SettingsDialog

    db = demo_window.ctx.db
    synced = tmp_path / "Synced ☁️ <b>&"
    synced.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(synced))
    dialog = SettingsDialog(demo_window.ctx, demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.data_folder.text() == str(db.path.parent)
    qtbot.mouseClick(dialog.second_folder_choose, Qt.MouseButton.LeftButton)
    assert dialog.second_folder.text() == str(synced)
    dialog.backup_rhythm.setCurrentIndex(dialog.backup_rhythm.findData(backups.RHYTHM_ON_CLOSE))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert backups.get_settings(db) == backups.BackupSettings(backups.RHYTHM_ON_CLOSE,
                                                              synced.resolve())

    # A folder that has gone by the time of saving: one plain sentence, on the right tab.
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(gone))
    again = SettingsDialog(demo_window.ctx, demo_window)
    qtbot.addWidget(again)
    again.show()
    assert again.second_folder.text() == str(synced.resolve())
    qtbot.mouseClick(again.second_folder_choose, Qt.MouseButton.LeftButton)
    gone.rmdir()
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.isVisible()
    error = again.errors["second_folder"]
    assert error.isVisible() and "could not be found" in error.text()
    assert again.tabs.tabText(again.tabs.currentIndex()) == "Data && backups"
    assert backups.get_second_folder(db) == synced.resolve(), "nothing saved"
    # Clear removes it.
    qtbot.mouseClick(again.second_folder_clear, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert backups.get_second_folder(db) is None


@pytest.mark.closing_backup
def test_closing_the_window_makes_a_backup_unless_switched_off(qtbot, demo_db, tmp_path):
    win = shown_window(qtbot, demo_db)
    usb = tmp_path / "usb"
    usb.mkdir()
    backups.save_settings(demo_db, backups.RHYTHM_ON_CLOSE, usb)
    usb.rmdir()  # unplugged: closing still works and the usual backup is made
    clients.create(demo_db, "Typed Just Before Closing")
    win.close()
    made = backups.backup_files(demo_db.path)
    assert [b.kind for b in made] == [backups.CLOSING]
    con = storage.connect_read_only(made[0].path)
    assert "Typed Just Before Closing" in {r[0] for r in con.execute("SELECT name FROM client")}
    con.close()

    backups.save_settings(demo_db, backups.RHYTHM_OFF, None)
    win2 = shown_window(qtbot, demo_db)
    win2.close()
    assert len(backups.backup_files(demo_db.path)) == 1


def test_daily_check_backs_up_in_the_background_once_a_day(qtbot, demo_window):
    win = demo_window
    assert win.backup_timer.isActive() and win.backup_timer.interval() == 30 * 60 * 1000
    job = win._daily_backup_check()
    assert job is not None
    with qtbot.waitSignal(job.signals.done, timeout=10000):
        pass
    made = backups.backup_files(win.ctx.db.path)
    assert [b.kind for b in made] == [backups.DAILY]
    assert win._daily_backup_check() is None, "not due again the same day"


def test_back_up_now_from_the_menu(qtbot, demo_window):
    from PySide6.QtGui import QAction

    action = demo_window.findChild(QAction, "actionBackup")
    assert action.text() == "&Back up now"  # no "…": it asks nothing, it backs up at once
    job = demo_window.backup_now()
    with qtbot.waitSignal(job.signals.done, timeout=10000):
        pass
    assert [b.kind for b in backups.backup_files(demo_window.ctx.db.path)] == [backups.MANUAL]


# -- start-up with a damaged file ----------------------------------------------------------


def test_damaged_file_at_start_offers_the_newest_good_backup_in_either_folder(qtbot, demo_db,
                                                                           tmp_path):
    path = demo_db.path
    usb = tmp_path / "stick"
    usb.mkdir()
    backups.save_settings(demo_db, backups.RHYTHM_DAILY, usb)
    clients.create(demo_db, HOSTILE)
    now = datetime.now()
    oldest = backups.backup_now(path, now=now - timedelta(days=3))
    newest = backups.backup_now(path, second_folder=usb, now=now - timedelta(days=1))
    demo_db.close()
    garble(newest.path)  # the usual copy of the newest backup went bad...
    garble(path)  # ...and so did the practice (garbage written into its pages)
    offered = []

    def ask(message, backup):
        offered.append((message, backup))
        return db_problem.RESTORE if len(offered) == 1 else db_problem.QUIT

    db, opened = ui_app.open_practice(path, ask=ask)
    assert "damaged" in offered[0][0]
    # The good copy of the newest backup, on the stick, not the older one.
    assert str(usb) in offered[0][1] and newest.path.name in offered[0][1]
    assert oldest.path.name not in offered[0][1]
    assert db is not None and opened == path
    assert HOSTILE in [r.name for r in clients.list_rows(db)]
    db.close()
    assert any(b.kind == backups.DAMAGED for b in backups.backup_files(path))


def test_damaged_file_without_a_good_backup_says_so(qtbot, demo_db):
    path = demo_db.path
    made = backups.backup_now(path)
    demo_db.close()
    garble(made.path)
    garble(path)
    before = path.read_bytes()

    def look(box):
        assert "No good backup" in box.informativeText()
        assert box.findChild(type(box.buttons()[0]), "restoreLatest") is None
        box.findChild(type(box.buttons()[0]), "quitApp").click()

    state = when_modal(look)
    db, _ = ui_app.open_practice(path)
    assert state["done"] and state["error"] is None
    assert db is None and path.read_bytes() == before


def test_problem_dialog_names_the_backup_and_restores_it(qtbot, demo_db):
    path = demo_db.path
    good = backups.backup_now(path, now=datetime(2025, 2, 3, 18, 0))
    demo_db.close()
    garble(path)

    def look(box):
        assert "Monday 3 February 2025 at 18:00" in box.informativeText()
        assert good.path.name in box.informativeText()
        box.findChild(type(box.buttons()[0]), "restoreLatest").click()

    state = when_modal(look)
    db, _ = ui_app.open_practice(path)
    assert state["done"] and state["error"] is None
    assert db is not None and clients.count(db) == 12
    db.close()
