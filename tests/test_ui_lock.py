"""The idle lock and the system lock of an encrypted practice (ui/lock.py): what is typed
is saved or kept, nothing of the practice shows while locked, only the passphrase (or the
recovery key) opens it again, and a plain practice never locks."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import ui_helpers
from conftest import copy_practice
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401 - autouse fixture
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from ui_helpers import keys, when_modal

from coachdesk import encryption, practice_crypto, storage
from coachdesk.services import clients, sessions
from coachdesk.services import settings as settings_service
from ui import lock, system_lock
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.widgets.lock_screen import LockScreen

NOTE = " written just before the lock"


@pytest.fixture(scope="module")
def encrypted_template(tmp_path_factory, practice_templates):
    """The demo practice encrypted once for this file (cheap scrypt, its own data folder):
    (file, recovery key). Each test copies it with its key file."""
    folder = tmp_path_factory.mktemp("encrypted-template")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACHDESK_HOME", str(folder / "home"))
        mp.setattr(encryption, "SCRYPT_N", 2 ** 10)
        path = copy_practice(practice_templates["demo"], folder / "practice" / "coachdesk.db")
        recovery = practice_crypto.encrypt_practice(path, PASSPHRASE).recovery_key
    encryption.forget()
    return path, recovery


@pytest.fixture
def encrypted(tmp_path, encrypted_template):
    """The encrypted demo practice, unlocked in this process; (path, recovery key)."""
    template, recovery = encrypted_template
    path = copy_practice(template, tmp_path / "practice" / "coachdesk.db")
    shutil.copyfile(encryption.key_path(template), encryption.key_path(path))
    encryption.unlock(path, passphrase=PASSPHRASE)
    return path, recovery


def _window(qtbot, db) -> MainWindow:
    return ui_helpers.shown_window(qtbot, db)


@pytest.fixture
def ewin(qtbot, encrypted):
    db = storage.open_database(encrypted[0])
    window = _window(qtbot, db)
    lock.install(window, watch_system=False)
    yield window
    db.close()


def _visible_texts(top: QWidget) -> list[str]:
    """Every text a visible widget of ``top`` shows, and its title."""
    texts = [top.windowTitle()]
    for widget in top.findChildren(QWidget):
        if not widget.isVisible():
            continue
        for getter in ("text", "toPlainText", "currentText", "placeholderText"):
            value = getattr(widget, getter, None)
            if callable(value):
                try:
                    texts.append(str(value()))
                except TypeError:
                    pass
    return texts


def _unlock_by_typing(qtbot, locker, secret: str = PASSPHRASE) -> None:
    qtbot.waitUntil(lambda: getattr(QApplication.focusWidget(), "objectName", str)()
                    == "lockPassphrase")  # the window in front is active
    keys(qtbot, secret)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not locker.locked, timeout=10000)


def test_an_encrypted_practice_locks_after_the_idle_delay(qtbot, ewin, monkeypatch):
    monkeypatch.setattr(lock, "minutes_to_ms", lambda minutes: minutes * 150)
    settings_service.set_lock_minutes(ewin.ctx.db, 2)
    ewin.ctx.notify("settings")  # Settings saved: the delay is read again
    locker = ewin.locker
    assert locker.minutes == 2 and locker.timer.interval() == 300
    qtbot.waitUntil(lambda: locker.locked, timeout=5000)
    assert ewin.centralWidget().isHidden() and ewin.menuBar().isHidden()
    assert ewin.windowTitle() == lock.LOCKED_TITLE
    assert QApplication.focusWidget().objectName() == "lockPassphrase"
    with pytest.raises(encryption.PassphraseNeededError):  # the key left the process
        encryption.key_for(ewin.ctx.db.path)


def test_activity_postpones_the_lock_and_zero_minutes_never_lock(qtbot, ewin, monkeypatch):
    monkeypatch.setattr(lock, "minutes_to_ms", lambda minutes: minutes * 400)
    monkeypatch.setattr(lock, "RESTART_EVERY_S", 0.0)
    settings_service.set_lock_minutes(ewin.ctx.db, 1)
    ewin.ctx.notify("settings")
    locker = ewin.locker
    for _ in range(6):  # 0.6 s of typing in the search field: more than the delay
        qtbot.keyClick(ewin.clients_page.search, Qt.Key.Key_Shift)
        qtbot.wait(100)
    assert not locker.locked
    settings_service.set_lock_minutes(ewin.ctx.db, 0)
    ewin.ctx.notify("settings")
    assert not locker.timer.isActive()
    qtbot.wait(600)
    assert not locker.locked


def test_typed_notes_and_client_field_are_saved_and_back_after_unlock(qtbot, ewin):
    db = ewin.ctx.db
    jose = next(r.id for r in clients.list_rows(db) if r.name.startswith("José"))
    ewin.open_client(jose)
    ewin.client_page.tabs.setCurrentIndex(0)
    phone = ewin.client_page.findChild(QLineEdit, "clientPhone") or ewin.client_page.email
    phone.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is phone)
    phone.selectAll()
    keys(qtbot, "+44 20 7946 0018" if phone.objectName() == "clientPhone" else "jose@example.org")
    typed_field = phone.text()
    assert ewin.client_page.saver.dirty

    session = [s for s in sessions.list_for_client(db, jose) if s.status.value == "held"][-1]
    ewin.locker.lock()  # on the client page: its autosave is flushed first
    _unlock_by_typing(qtbot, ewin.locker)
    assert phone.text() == typed_field and QApplication.focusWidget() is phone

    ewin.open_session(session.id)
    notes = ewin.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, NOTE)
    qtbot.keyClick(notes, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Lock now
    assert ewin.locker.locked
    assert not ewin.session_page.saver.dirty  # saved before the screen went
    _unlock_by_typing(qtbot, ewin.locker)
    assert notes.toPlainText().endswith(NOTE)
    assert QApplication.focusWidget() is notes  # the cursor where it was
    assert sessions.get(db, session.id).private_notes.endswith(NOTE)
    assert typed_field in (clients.get(db, jose).phone, clients.get(db, jose).email)


def test_while_locked_nothing_of_the_practice_shows_and_shortcuts_do_nothing(
        qtbot, ewin, tmp_path):
    names = [r.name for r in clients.list_rows(ewin.ctx.db)]
    ewin.open_client(next(r.id for r in clients.list_rows(ewin.ctx.db)))
    assert any(name in " ".join(_visible_texts(ewin)) for name in names)  # the check sees
    page = ewin.stack.currentWidget()
    ewin.locker.lock()
    shown = " ".join(_visible_texts(ewin))
    assert not [name for name in names if name in shown]
    assert not [name for name in names for part in name.split() if len(part) > 3
                and part in ewin.windowTitle()]
    assert "CoachDesk is locked" in shown and "coachdesk.db" in shown
    ewin.grab().save(str(tmp_path / "locked.png"))  # see test_lock_screen_renders
    field = QApplication.focusWidget()
    for key in (Qt.Key.Key_F, Qt.Key.Key_N, Qt.Key.Key_K, Qt.Key.Key_1, Qt.Key.Key_4):
        qtbot.keyClick(field, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert field.text() == ""  # the shortcuts typed nothing either
    qtbot.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # the Edit menu
    qtbot.wait(50)
    assert QApplication.activeModalWidget() is None and QApplication.activePopupWidget() is None
    assert ewin.stack.currentWidget() is page and ewin.centralWidget().isHidden()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [ewin]


def test_a_wrong_passphrase_says_so_waits_and_writes_nothing(qtbot, ewin, cheap_keys):  # noqa: F811
    path = Path(ewin.ctx.db.path)
    ewin.locker.lock()
    before = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    field = QApplication.focusWidget()
    keys(qtbot, "not the passphrase")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    screen = ewin.locker.screens()[0]
    qtbot.waitUntil(lambda: screen.unlock_button.isEnabled(), timeout=10000)
    assert ewin.locker.locked and ewin.centralWidget().isHidden()
    assert "does not open this practice" in screen.message.text()
    assert field.selectedText() == "not the passphrase"  # typing again replaces it
    assert cheap_keys == [encryption.WRONG_DELAY]  # the short wait, recorded
    after = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    assert after == before
    field.clear()
    _unlock_by_typing(qtbot, ewin.locker)
    assert not ewin.centralWidget().isHidden()


def test_an_empty_field_asks_for_the_passphrase(qtbot, ewin):
    ewin.locker.lock()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    screen = ewin.locker.screens()[0]
    assert screen.message.text() == "Type your passphrase first, then press Enter."
    assert ewin.locker.locked


def test_the_recovery_key_unlocks_too(qtbot, ewin, encrypted):
    ewin.locker.lock()
    screen = ewin.locker.screens()[0]
    qtbot.mouseClick(screen.switch, Qt.MouseButton.LeftButton)
    assert screen.recovery and screen.field.accessibleName() == "Recovery key"
    screen.field.setFocus()
    _unlock_by_typing(qtbot, ewin.locker, encrypted[1].lower())
    assert clients.count(ewin.ctx.db) == 12  # the engine is made again, with the key


def test_text_typed_in_an_open_dialog_survives_lock_and_unlock(qtbot, ewin):
    seen = {}

    def fill(dialog):
        dialog.windowHandle().requestActivate()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(dialog.name, "Ada Okonkwo-Lind")
        dialog.job_title.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.job_title)
        keys(qtbot, "Chief Operating Officer")
        ewin.locker.lock()  # the idle timer fires while the dialog waits in exec()
        seen["dialog still open"] = dialog.isVisible()
        seen["name hidden"] = not dialog.name.isVisible()
        seen["dialog title"] = dialog.windowTitle()
        if os.environ.get("COACHDESK_PNG_DIR"):  # to look at it
            dialog.grab().save(os.path.join(os.environ["COACHDESK_PNG_DIR"], "lock-dialog.png"))
        seen["main covered"] = ewin.centralWidget().isHidden()
        seen["texts"] = " ".join(_visible_texts(dialog))
        _unlock_by_typing(qtbot, ewin.locker)
        seen["name"] = dialog.name.text()
        seen["job"] = dialog.job_title.text()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.job_title)
        seen["name shown"] = dialog.name.isVisible()
        dialog.reject()

    state = when_modal(fill)
    ewin.new_client()
    assert state["done"] and state["error"] is None, state
    assert seen["dialog still open"] and seen["name hidden"] and seen["main covered"]
    assert "Ada" not in seen["texts"] and "CoachDesk is locked" in seen["texts"]
    assert seen["dialog title"] == lock.LOCKED_TITLE
    assert (seen["name"], seen["job"]) == ("Ada Okonkwo-Lind", "Chief Operating Officer")
    assert seen["name shown"]


def test_a_non_modal_window_is_hidden_and_comes_back(qtbot, ewin):
    other = QWidget(ewin, Qt.WindowType.Window)
    edit = QLineEdit(other)
    edit.setText("a draft in a side window")
    other.show()
    qtbot.waitExposed(other)
    ewin.locker.lock()
    assert not other.isVisible()
    _unlock_by_typing(qtbot, ewin.locker)
    assert other.isVisible() and edit.text() == "a draft in a side window"


def test_a_window_opened_while_locked_shows_nothing(qtbot, ewin):
    ewin.locker.lock()
    late = QWidget(ewin, Qt.WindowType.Window)
    QLabel("Daily backup: a message naming a client", late)
    late.show()
    qtbot.waitUntil(lambda: not late.isVisible())
    assert ewin.locker.locked
    _unlock_by_typing(qtbot, ewin.locker)
    assert late.isVisible()


def test_background_backup_timers_wait_while_locked(qtbot, ewin):
    assert ewin.backup_timer.isActive()
    ewin.locker.lock()
    assert not ewin.backup_timer.isActive() and not ewin.first_backup_check.isActive()
    _unlock_by_typing(qtbot, ewin.locker)
    assert ewin.backup_timer.isActive()


def test_a_plain_practice_never_locks(qtbot, win, monkeypatch):
    monkeypatch.setattr(lock, "minutes_to_ms", lambda minutes: 50)
    locker = lock.install(win, watch_system=False)
    assert not locker.active and not locker.timer.isActive()
    assert not locker.action.isVisible() and locker.action.shortcut().isEmpty()
    assert locker.lock() is False
    qtbot.keyClick(win.clients_page.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(200)
    assert not locker.locked and not win.centralWidget().isHidden()
    assert win.findChild(LockScreen) is None


def test_lock_now_is_in_the_file_menu_before_quit(ewin):
    file_menu = ewin.menuBar().actions()[0].menu()
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("actionLockNow") == names.index("actionQuit") - 1
    assert ewin.locker.action.shortcut().toString() == "Ctrl+L"
    others = [a for a in ewin.findChildren(type(ewin.locker.action))
              if a is not ewin.locker.action and a.shortcut().toString() == "Ctrl+L"]
    assert others == []


def test_the_system_lock_handler_locks(qtbot, ewin):
    watcher = system_lock.SystemLockWatcher(ewin, bus=_not_connected_bus())
    assert watcher.available is False  # no bus: only the idle lock, no error
    watcher.screen_locked.connect(ewin.locker.lock)
    watcher.on_active_changed(False)  # the screensaver went: nothing to do
    assert not ewin.locker.locked
    watcher.on_active_changed(True)
    assert ewin.locker.locked


def test_the_windows_session_lock_message_is_recognised():
    heard = []
    native = system_lock.WindowsSessionFilter(lambda: heard.append(True))
    for message, wparam, expected in ((system_lock.WM_WTSSESSION_CHANGE, 0x7, 1),
                                      (system_lock.WM_WTSSESSION_CHANGE, 0x8, 1),  # unlock
                                      (0x0100, 0x7, 1)):  # a key press
        msg = system_lock._Msg(message=message, wParam=wparam)
        assert native.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(msg)) \
            == (False, 0)
        assert len(heard) == expected
    assert system_lock.is_session_lock(0x02B1, 7) and not system_lock.is_session_lock(0x02B1, 8)


def _not_connected_bus():
    from PySide6.QtDBus import QDBusConnection

    return QDBusConnection.connectToBus("unix:path=/nonexistent/coachdesk-test-bus",
                                        "coachdesk-no-bus")


@pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                    reason="dbus-daemon is not installed (package dbus-daemon or dbus)")
def test_the_screensaver_signal_on_a_session_bus_locks(qtbot, ewin, tmp_path):
    from PySide6.QtDBus import QDBusConnection, QDBusMessage

    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
    try:
        address = daemon.stdout.readline().strip()
        assert address, "dbus-daemon gave no address"
        bus = QDBusConnection.connectToBus(address, "coachdesk-test-listener")
        sender = QDBusConnection.connectToBus(address, "coachdesk-test-sender")
        watcher = system_lock.SystemLockWatcher(ewin, bus=bus)
        assert watcher.available
        watcher.screen_locked.connect(ewin.locker.lock)
        signal = QDBusMessage.createSignal("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                           "ActiveChanged")
        signal.setArguments([True])

        def sent_and_heard() -> bool:  # the bus learns of our match rule a moment later
            assert sender.send(signal)
            qtbot.wait(50)
            return ewin.locker.locked

        qtbot.waitUntil(sent_and_heard, timeout=5000)
    finally:
        QDBusConnection.disconnectFromBus("coachdesk-test-listener")
        QDBusConnection.disconnectFromBus("coachdesk-test-sender")
        daemon.kill()
        daemon.wait()


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768)])
def test_lock_screen_renders(qtbot, ewin, tmp_path, size):
    ewin.resize(*size)
    ewin.locker.lock()
    qtbot.wait(20)
    screen = ewin.locker.screens()[0]
    assert screen.geometry() == ewin.rect()
    box = screen.findChild(QWidget, "lockBox")
    assert screen.rect().contains(box.geometry())
    assert screen.field.width() >= 200
    screen.wrong("That passphrase does not open this practice. Check it and try again.")
    out = Path(os.environ.get("COACHDESK_PNG_DIR") or tmp_path)  # to look at it
    assert ewin.grab().save(str(out / f"lock-{size[0]}x{size[1]}.png"))
    screen.field.clear()
    _unlock_by_typing(qtbot, ewin.locker)
    qtbot.wait(20)
    assert ewin.centralWidget().geometry().width() == size[0]  # laid out again
    assert ewin.grab().save(str(out / f"unlocked-{size[0]}x{size[1]}.png"))


def test_a_read_only_encrypted_practice_locks_and_unlocks(qtbot, encrypted):
    from ui import read_only

    db = storage.open_read_only(encrypted[0])
    try:
        window = _window(qtbot, db)
        read_only.follow(window)
        locker = lock.install(window, watch_system=False)
        assert locker.lock()
        screen = locker.screens()[0]
        qtbot.wait(20)
        assert not screen.field.isReadOnly()  # the read-only guard leaves the lock alone
        _unlock_by_typing(qtbot, locker)
        assert clients.count(db) == 12  # read through its own engine, key known again
        assert window.windowTitle().endswith("(read-only) — CoachDesk")
    finally:
        db.close()


def test_a_practice_encrypted_while_open_starts_locking(qtbot, win, monkeypatch):
    """Settings → Encrypt this practice… replaces the Database with an encrypted one."""
    locker = lock.install(win, watch_system=False)
    assert not locker.active
    path = Path(win.ctx.db.path)
    win.ctx.db.close()
    practice_crypto.encrypt_practice(path, PASSPHRASE)
    win.ctx.db = storage.open_database(path)
    win.ctx.database_replaced.emit()
    try:
        assert locker.active and locker.action.isVisible()
        assert locker.timer.isActive() and locker.timer.interval() == lock.minutes_to_ms(10)
        qtbot.keyClick(win.clients_page.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert locker.locked
        _unlock_by_typing(qtbot, locker)
    finally:
        win.ctx.db.close()


def test_a_refused_value_stays_in_its_field_through_the_lock(qtbot, ewin):
    db = ewin.ctx.db
    jose = next(r.id for r in clients.list_rows(db) if r.name.startswith("José"))
    ewin.open_client(jose)
    page = ewin.client_page
    page.email.setFocus()
    page.email.selectAll()
    keys(qtbot, "not-an-email")
    ewin.locker.lock()  # the flush saves the rest and refuses the address, as leaving does
    assert page.errors["email"].text()
    _unlock_by_typing(qtbot, ewin.locker)
    assert page.email.text() == "not-an-email"  # untouched, still to be corrected
    assert page.errors["email"].isVisible() and page.errors["email"].text()
    assert clients.get(db, jose).email != "not-an-email"


def test_a_save_that_could_not_be_written_before_the_lock_is_kept_and_retried(
        qtbot, ewin, monkeypatch):
    db = ewin.ctx.db
    jose = next(r.id for r in clients.list_rows(db) if r.name.startswith("José"))
    session = [s for s in sessions.list_for_client(db, jose) if s.status.value == "held"][-1]
    ewin.open_session(session.id)
    notes = ewin.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, NOTE)
    saver = ewin.session_page.saver
    real_save = saver._save
    monkeypatch.setattr(saver, "_save", lambda: False)  # the file busy: not written
    monkeypatch.setattr("ui.widgets.autosave.RETRY_FIRST_MS", 100)
    saver._retry_ms = 100
    assert ewin.locker.lock()  # locks anyway: the text is on its page, hidden
    assert saver.dirty and notes.toPlainText().endswith(NOTE)
    monkeypatch.setattr(saver, "_save", real_save)  # the file is free again, but…
    qtbot.wait(400)  # …the retries while locked find no key: nothing written, no crash
    assert saver.dirty and saver.failing
    _unlock_by_typing(qtbot, ewin.locker)
    qtbot.waitUntil(lambda: not saver.dirty, timeout=10000)
    assert sessions.get(db, session.id).private_notes.endswith(NOTE)


class _CloseButton:
    """What the system sends when its close button is clicked (a spontaneous QCloseEvent,
    which no Python code can send)."""

    ignored = False

    def type(self):
        from PySide6.QtCore import QEvent

        return QEvent.Type.Close

    def spontaneous(self):
        return True

    def ignore(self):
        self.ignored = True


def test_a_covered_message_box_takes_the_passphrase_and_comes_back_as_it_was(qtbot, ewin):
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def look(box):
        box.windowHandle().requestActivate()
        qtbot.waitUntil(box.isActiveWindow)
        seen["size"] = box.size()
        ewin.locker.lock()
        label = box.findChild(QLabel, "qt_msgbox_label")
        seen["covered"] = not label.isVisible() and box.width() >= 360
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # must not cancel it
        seen["close eaten"] = ewin.locker.eventFilter(box, _CloseButton())  # nor its X
        seen["still open"] = box.isVisible() and ewin.locker.locked
        screen = ewin.locker.screens()[-1]
        seen["asked"] = screen.quit_panel.isVisible()  # "Quit CoachDesk?" on its cover
        qtbot.mouseClick(screen.quit_panel.findChild(QWidget, "lockQuitStay"),
                         Qt.MouseButton.LeftButton)
        if os.environ.get("COACHDESK_PNG_DIR"):  # to look at it
            box.grab().save(os.path.join(os.environ["COACHDESK_PNG_DIR"], "lock-box.png"))
        _unlock_by_typing(qtbot, ewin.locker)
        qtbot.wait(20)
        seen["back"] = label.isVisible() and box.size() == seen["size"]
        seen["title"] = box.windowTitle()
        box.done(7)

    state = when_modal(look)
    box = QMessageBox(QMessageBox.Icon.Information, "Back up",
                      "A question about Ada's file", QMessageBox.StandardButton.Ok, ewin)
    assert box.exec() == 7  # the box ended by the test, not by the lock
    assert state["error"] is None, state
    assert seen["covered"] and seen["still open"] and seen["back"], seen
    assert seen["close eaten"]
    assert seen["asked"] and seen["title"] == "Back up"


def test_a_covered_dialog_its_own_code_closes_while_locked_goes(qtbot, ewin):
    seen = {}

    def fill(dialog):
        qtbot.keyClicks(dialog.name, "Ada")
        ewin.locker.lock()
        dialog.reject()  # e.g. a progress dialog closing itself when its work is done
        seen["gone"] = not dialog.isVisible()

    when_modal(fill)
    ewin.new_client()  # returns: exec() ended
    assert seen["gone"] and ewin.locker.locked
    _unlock_by_typing(qtbot, ewin.locker)
    assert not ewin.centralWidget().isHidden()


def test_closing_the_locked_window_asks_to_quit_and_stay_keeps_it_locked(qtbot, ewin):
    ewin.locker.lock()
    assert not ewin.close()
    screen = ewin.locker.screens()[0]
    assert ewin.isVisible() and screen.quit_panel.isVisible()
    qtbot.mouseClick(screen.quit_panel.findChild(QWidget, "lockQuitStay"),
                     Qt.MouseButton.LeftButton)
    assert screen.quit_panel.isHidden() and ewin.locker.locked
    _unlock_by_typing(qtbot, ewin.locker)
    assert not ewin.menuBar().isHidden() and ewin.menuBar().isEnabled()


def test_at_start_the_delay_is_read_once_the_window_is_painted(qtbot, encrypted):
    db = storage.open_database(encrypted[0])
    try:
        settings_service.set_lock_minutes(db, 3)
        window = MainWindow(AppContext(db))
        qtbot.addWidget(window)
        locker = lock.install(window, watch_system=False, deferred=True)
        assert locker.active and locker.minutes == lock.DEFAULT_MINUTES  # no query yet
        window.show()
        qtbot.waitUntil(lambda: locker.minutes == 3)
        assert locker.timer.interval() == lock.minutes_to_ms(3)
    finally:
        db.close()


def test_a_message_box_qt_made_is_covered_and_kept(qtbot, ewin):
    """A static QMessageBox is made by Qt, not Python: it is covered, Esc does not answer it,
    and after unlocking the coach's own answer is the one returned."""
    import gc

    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def look(box):
        box.windowHandle().requestActivate()
        qtbot.waitUntil(box.isActiveWindow)
        ewin.locker.lock()
        gc.collect()  # the wrappers made along the way are gone
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        seen["kept"] = QApplication.activeModalWidget() is not None and ewin.locker.locked
        _unlock_by_typing(qtbot, ewin.locker)
        front = QApplication.activeModalWidget()
        seen["text"] = front.findChild(QLabel, "qt_msgbox_label").text()
        front.button(QMessageBox.StandardButton.Yes).click()

    state = when_modal(look)
    answer = QMessageBox.question(ewin, "Restore", "Replace your current practice?")
    assert state["error"] is None, state
    assert seen["kept"] and seen["text"] == "Replace your current practice?"
    assert answer == QMessageBox.StandardButton.Yes  # the coach's answer, not the lock's
