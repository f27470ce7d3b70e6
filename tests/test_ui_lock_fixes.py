"""What a new coach found on the lock screen (issue 17): quitting while locked, Ctrl+L from a
dialog, one passphrase field when a dialog is covered, the recovery key's field, and
Alt/Ctrl letters kept out of the secret fields."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401 - autouse fixture
from lock_helpers import hold_lock_in_child
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from test_ui_lock import (  # noqa: F401 - fixtures
    NOTE,
    _unlock_by_typing,
    _window,
    encrypted,
    encrypted_template,
    ewin,
)
from ui_helpers import keys, when_modal

from coachdesk import encryption, storage
from coachdesk.reports import recovery_key as sheet
from coachdesk.services import clients, sessions
from ui import lock
from ui.app import InstanceLock
from ui.context import AppContext
from ui.dialogs import unlock as unlock_dialog
from ui.widgets import lock_screen
from ui.widgets.secret_field import RECOVERY_SHAPE, SecretField, is_command_key


def _files(path: Path) -> dict[str, tuple[bytes, int]]:
    """The practice's files (and its journal) as bytes and mtime."""
    out = {}
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), encryption.key_path(path)):
        if each.exists():
            out[each.name] = (each.read_bytes(), each.stat().st_mtime_ns)
    return out


def _click(qtbot, root: QWidget, name: str) -> None:
    button = root.findChild(QWidget, name)
    assert button is not None and button.isVisible(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_quit_from_the_lock_screen_touches_nothing_and_frees_the_file(
        qtbot, encrypted, tmp_path, monkeypatch):  # noqa: F811 - fixtures
    path = encrypted[0]
    instance = InstanceLock(path)
    assert instance.acquire()
    db = storage.open_database(path)
    window = _window(qtbot, AppContext(db, instance).db)
    window.ctx.lock = instance
    lock.install(window, watch_system=False)
    jose = next(r.id for r in clients.list_rows(db) if r.name.startswith("José"))
    session = [s for s in sessions.list_for_client(db, jose) if s.status.value == "held"][-1]
    window.open_session(session.id)
    notes = window.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, NOTE)
    exits = []
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    assert window.locker.lock()
    before = _files(path)
    screen = window.locker.screens()[0]
    _click(qtbot, screen, "lockQuit")
    question = screen.findChild(QLabel, "lockQuitQuestion")
    assert question.isVisible() and question.text() == lock_screen.QUIT_QUESTION
    out = Path(os.environ.get("COACHDESK_PNG_DIR") or tmp_path)  # to look at it
    assert window.grab().save(str(out / "lock-quit-question.png"))
    assert not exits  # asked first
    _click(qtbot, screen, "lockQuitConfirm")
    assert exits == [0] and window.ctx.quit_while_locked
    assert window.close()  # a window closed after the quit: closed, nothing saved
    assert _files(path) == before  # no backup, no check, no write
    assert not list((Path(os.environ["COACHDESK_HOME"])).rglob("*.db.bak*"))
    child = hold_lock_in_child(path, tmp_path)  # another CoachDesk may take the file now
    child.kill()
    child.wait()
    encryption.forget()
    with pytest.raises(encryption.PassphraseNeededError):  # the next start asks
        storage.open_database(path).close()
    encryption.unlock(path, passphrase=PASSPHRASE)
    again = storage.open_database(path)
    try:
        assert sessions.get(again, session.id).private_notes.endswith(NOTE)
    finally:
        again.close()


def test_the_locked_windows_close_button_asks_to_quit(qtbot, ewin, monkeypatch):  # noqa: F811 - fixtures
    exits = []
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    ewin.locker.lock()
    assert not ewin.close()  # not closed behind the coach's back: asked
    screen = ewin.locker.screens()[0]
    assert screen.quit_panel.isVisible()
    _click(qtbot, screen, "lockQuitConfirm")
    assert exits == [0]


def test_ctrl_l_locks_from_a_modal_dialog(qtbot, ewin):  # noqa: F811 - fixtures
    seen = {}

    def fill(dialog):
        dialog.windowHandle().requestActivate()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(dialog.name, "Ada")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L,
                       Qt.KeyboardModifier.ControlModifier)
        seen["locked"] = ewin.locker.locked
        seen["name"] = dialog.name.text()
        if seen["locked"]:
            _unlock_by_typing(qtbot, ewin.locker)
        dialog.reject()

    state = when_modal(fill)
    ewin.new_client()
    assert state["error"] is None, state
    assert seen == {"locked": True, "name": "Ada"}  # no "l" typed into the form either


def _secret_fields_shown() -> list[QLineEdit]:
    found = {}
    for top in QApplication.topLevelWidgets():
        for w in top.findChildren(QLineEdit) if top.isVisible() else ():
            if w.isVisible() and (w.echoMode() == QLineEdit.EchoMode.Password
                                  or w.objectName() == "lockPassphrase"):
                found[id(w)] = w  # a window may be listed twice among the top-level ones
    return list(found.values())


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768)])
def test_a_covered_dialog_has_the_only_passphrase_field_and_hides_all_of_the_form(
        qtbot, ewin, tmp_path, size):  # noqa: F811 - fixtures
    ewin.resize(*size)
    seen = {}
    out = Path(os.environ.get("COACHDESK_PNG_DIR") or tmp_path)

    def fill(dialog):
        dialog.windowHandle().requestActivate()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(dialog.name, "Ada Okonkwo-Lind")
        ewin.locker.lock()
        qtbot.wait(20)
        main, front = ewin.locker.screens()
        seen["fields"] = [f.window() for f in _secret_fields_shown()]
        seen["main says"] = main.hint.text() if main.hint.isVisible() else ""
        seen["cover fills"] = front.geometry() == dialog.rect()
        seen["form shown"] = [w.objectName() or type(w).__name__
                              for w in dialog.findChildren(QWidget)
                              if w.isVisible() and not lock_screen.on_lock_screen(w)]
        front.ask_quit()  # the question to quit fits the covered dialog too
        qtbot.wait(20)
        seen["question fits"] = front.rect().contains(front.quit_panel.geometry().translated(
            front.quit_panel.parentWidget().mapTo(front, front.quit_panel.pos())
            - front.quit_panel.pos()))
        assert dialog.grab().save(str(out / f"lock-dialog-quit-{size[0]}.png"))
        front.stay()
        dialog.resize(dialog.width() + 40, dialog.height() + 30)
        qtbot.wait(20)
        seen["follows"] = front.geometry() == dialog.rect()
        assert ewin.grab().save(str(out / f"lock-behind-{size[0]}.png"))
        assert dialog.grab().save(str(out / f"lock-dialog-{size[0]}.png"))
        _unlock_by_typing(qtbot, ewin.locker)
        dialog.reject()

    state = when_modal(fill)
    ewin.new_client()
    assert state["error"] is None, state
    assert len(seen["fields"]) == 1 and seen["fields"][0] is not ewin, seen
    assert seen["main says"] == lock_screen.IN_FRONT
    assert seen["cover fills"] and seen["follows"] and seen["form shown"] == [], seen
    assert seen["question fits"]


def test_the_main_cover_takes_the_passphrase_again_when_the_dialog_goes(qtbot, ewin):  # noqa: F811 - fixtures
    def fill(dialog):
        ewin.locker.lock()
        dialog.reject()  # its own code closed it while locked

    when_modal(fill)
    ewin.new_client()
    qtbot.wait(20)
    main = ewin.locker.screens()[0]
    assert main.field.isVisible() and not main.passive
    _unlock_by_typing(qtbot, ewin.locker)


def test_the_recovery_key_field_on_the_lock_screen_is_plain_fixed_width_and_wide(
        qtbot, ewin, encrypted, tmp_path):  # noqa: F811 - fixtures
    ewin.resize(1024, 640)
    ewin.locker.lock()
    screen = ewin.locker.screens()[0]
    _click(qtbot, screen, "lockUseRecoveryKey")
    qtbot.wait(20)  # laid out again
    field = screen.field
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    metrics = field.fontMetrics()  # a fixed-width font (QFontInfo.fixedPitch is unreliable)
    assert metrics.horizontalAdvance("IIIII") == metrics.horizontalAdvance("WWWWW")
    assert field.placeholderText() == RECOVERY_SHAPE and "-" not in RECOVERY_SHAPE
    assert field.width() >= field.fontMetrics().horizontalAdvance(RECOVERY_SHAPE) + 8
    assert field.geometry().right() < screen.unlock_button.geometry().left()  # side by side
    out = Path(os.environ.get("COACHDESK_PNG_DIR") or tmp_path)
    assert ewin.grab().save(str(out / "lock-recovery-1024.png"))
    spaced = " ".join(encrypted[1].split("-"))
    _unlock_by_typing(qtbot, ewin.locker, spaced)
    _click_back = ewin.locker.screens()  # all gone once unlocked
    assert _click_back == []


def test_a_covered_dialog_widens_for_the_recovery_key_and_shrinks_back(qtbot, ewin):  # noqa: F811
    seen = {}

    def fill(dialog):
        size = dialog.size()
        ewin.locker.lock()
        front = ewin.locker.screens()[-1]
        qtbot.mouseClick(front.switch, Qt.MouseButton.LeftButton)
        qtbot.wait(20)
        field = front.field
        seen["whole key"] = (field.width() >= field.fontMetrics().horizontalAdvance(
            RECOVERY_SHAPE) + 8 and front.geometry() == dialog.rect()
            and field.geometry().right() < front.unlock_button.geometry().left())
        front.say("That recovery key does not open this practice.")
        front.ask_quit()
        seen["message kept"] = front.message.isVisible()
        front.stay()
        qtbot.mouseClick(front.switch, Qt.MouseButton.LeftButton)
        _unlock_by_typing(qtbot, ewin.locker)
        qtbot.wait(20)
        seen["size back"] = dialog.size() == size
        dialog.reject()

    state = when_modal(fill)
    ewin.new_client()
    assert state["error"] is None, state
    assert seen == {"whole key": True, "message kept": True, "size back": True}


def test_the_recovery_key_reads_the_same_everywhere():
    assert unlock_dialog.RECOVERY_SHAPE == RECOVERY_SHAPE == " ".join(["XXXXX"] * 11)
    words = " ".join(sheet.EXPLANATION)
    assert "dash" not in words and "spaces" in words


def _press(widget, key, mods, text) -> QKeyEvent:
    event = QKeyEvent(QEvent.Type.KeyPress, key, mods, text)
    QApplication.sendEvent(widget, event)
    return event


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_alt_or_ctrl_letters_are_commands_not_text(platform):
    alt, ctrl = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier

    def event(key, mods, text):
        return QKeyEvent(QEvent.Type.KeyPress, key, mods, text)

    assert is_command_key(event(Qt.Key.Key_F, alt, "f"), platform)
    assert is_command_key(event(Qt.Key.Key_K, ctrl, "k"), platform)
    assert not is_command_key(event(Qt.Key.Key_V, ctrl, "v"), platform)  # paste
    assert not is_command_key(event(Qt.Key.Key_E, ctrl | alt, "€"), platform)  # AltGr
    assert not is_command_key(event(Qt.Key.Key_F, Qt.KeyboardModifier.NoModifier, "f"),
                              platform)
    assert not is_command_key(event(Qt.Key.Key_O, alt, "ø"), "darwin")  # Option on a Mac


def test_every_secret_field_refuses_alt_letters_and_pastes(qtbot, ewin):  # noqa: F811 - fixtures
    ewin.locker.lock()
    field = ewin.locker.screens()[0].field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    _press(field, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier, "f")
    _press(field, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier, "k")
    assert field.text() == ""
    QApplication.clipboard().setText("pasted")
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "pasted"
    field.clear()
    keys(qtbot, PASSPHRASE)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ewin.locker.locked, timeout=10000)
    from ui.dialogs import export_seal, new_passphrase

    dialogs = [unlock_dialog.UnlockDialog(ewin.ctx.db.path, ewin),
               new_passphrase.NewPassphraseDialog("coachdesk.db", ewin),
               new_passphrase.ChangePassphraseDialog(ewin.ctx.db.path, ewin),
               export_seal.SealDialog("Seal", "Why", twice=True, parent=ewin)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        secrets = [w for w in dialog.findChildren(QLineEdit)
                   if w.echoMode() == QLineEdit.EchoMode.Password]
        assert secrets and all(isinstance(w, SecretField) for w in secrets), dialog
