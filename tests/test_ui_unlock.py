"""Unlocking an encrypted practice in the window (issue 17), at start: the unlock dialog
typed into as a coach types; a lost key file (recovery key, then a new passphrase); a
newer key file; the passphrase in no log and no
message; ``main.py`` on an encrypted practice without dialogs. File → Open and restoring
a backup: tests/test_ui_unlock_open.py; the keyring: tests/test_ui_unlock_keyring.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy, folder_state  # noqa: F401
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from ui_helpers import keys, when_modal
from unlock_helpers import (  # noqa: F401 - fixtures
    focused_field,
    never_asked,
    no_keyring,
    no_problem,
    press,
    press_enter,
    ready,
    show,
    use_keyring,
    visible_names,
    watch,
)

from coachdesk import encryption
from coachdesk.services import clients
from ui import app as ui_app
from ui.context import AppContext
from ui.dialogs import db_problem
from ui.dialogs import unlock as unlock_dialog
from ui.dialogs.unlock import RECOVERY, WRONG, UnlockDialog
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
NEW_PASSPHRASE = "a new passphrase for a new key file"


@pytest.fixture
def locked(practice_templates, db_path) -> tuple[Path, str]:
    """The demo practice, encrypted with PASSPHRASE and locked; (path, recovery key)."""
    recovery = encrypted_copy(practice_templates["demo"], db_path)
    encryption.forget()
    return db_path, recovery


# -- at start ----------------------------------------------------------------------------------


def test_typing_the_passphrase_and_enter_opens_the_practice_and_its_clients(qtbot, locked):
    path, _ = locked
    seen = {}

    def type_it(dialog):
        ready(qtbot, dialog)
        assert isinstance(dialog, UnlockDialog)
        seen["title"] = dialog.windowTitle()
        seen["texts"] = [dialog.findChild(QLabel, "unlockFileName").text()]
        field = focused_field(dialog)
        assert field.echoMode() == QLineEdit.EchoMode.Password
        assert not dialog.remember.isVisible()  # no keyring on this computer
        keys(qtbot, PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_it)
    db, opened, lock = ui_app.open_locked(path, ask=no_problem)
    watch(state)
    assert seen["title"] == "Unlock your practice" and seen["texts"] == [path.name]
    assert db is not None and opened == path and lock is not None
    try:
        window = MainWindow(AppContext(db, lock))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: len(visible_names(window)) == 10)  # 12, 2 of them archived
        assert "José Álvarez García" in visible_names(window)
    finally:
        db.close()
        lock.release()


def test_a_wrong_passphrase_says_so_selects_it_and_writes_nothing(qtbot, locked,
                                                                 cheap_keys):  # noqa: F811
    path, _ = locked
    before = folder_state(path.parent)
    dialog = show(qtbot, UnlockDialog(path))
    field = focused_field(dialog)
    keys(qtbot, "Correct Horse Battery Staple")  # Caps Lock's way of typing it
    press_enter(qtbot)
    qtbot.waitUntil(lambda: dialog.status.text() == WRONG and dialog.ok.isEnabled())
    assert dialog.isVisible() and not dialog.unlocked
    assert dialog.is_error_shown() and dialog.status.isVisible()
    assert field.hasFocus() and field.selectedText() == "Correct Horse Battery Staple"
    assert cheap_keys == [encryption.WRONG_DELAY]  # the engine's wait, in the worker
    assert folder_state(path.parent) == before  # bytes and mtimes: nothing written
    with pytest.raises(encryption.PassphraseNeededError):
        encryption.key_for(path)

    keys(qtbot, PASSPHRASE)  # typed over the selected text
    press_enter(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.unlocked and field.text() == ""
    assert encryption.key_for(path) is not None


def test_capitals_without_shift_say_caps_lock_seems_on(qtbot, locked):
    path, _ = locked
    dialog = show(qtbot, UnlockDialog(path))
    keys(qtbot, "CORRECT")  # capital letters with no Shift held: Caps Lock
    assert dialog.caps.isVisible() and "Caps Lock" in dialog.caps.text()
    keys(qtbot, "x")
    assert not dialog.caps.isVisible()
    qtbot.keyClick(QApplication.focusWidget(), "Y", Qt.KeyboardModifier.ShiftModifier)
    assert not dialog.caps.isVisible()
    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)  # a recovery key: any case
    keys(qtbot, "ABCDE")
    assert not dialog.caps.isVisible()


def test_the_window_keeps_painting_while_the_check_runs(qtbot, locked, monkeypatch):
    path, _ = locked
    real_unlock = encryption.unlock
    running = threading.Event()
    gui_thread = threading.get_ident()
    threads = []

    def slow_unlock(*args, **kwargs):
        threads.append(threading.get_ident())
        running.set()
        time.sleep(1.0)  # scrypt on a slow laptop, or the wait after a wrong one
        return real_unlock(*args, **kwargs)

    monkeypatch.setattr(encryption, "unlock", slow_unlock)
    dialog = show(qtbot, UnlockDialog(path))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    keys(qtbot, PASSPHRASE)
    press_enter(qtbot)
    assert running.wait(5)
    assert dialog.status.text() == "Checking…" and dialog.status.isVisible()
    assert not dialog.ok.isEnabled() and not dialog.cancel.isEnabled()
    assert not dialog.switch.isEnabled()
    press(qtbot, Qt.Key.Key_Escape)  # no cancel mid-check
    assert dialog.isVisible()
    started = len(ticks)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    timer.stop()
    assert dialog.unlocked
    assert threads and threads[0] != gui_thread
    assert len(ticks) - started >= 10, "the GUI thread froze while the passphrase was checked"


def test_esc_at_start_quits_cleanly_and_lets_the_file_go(qtbot, locked):
    path, _ = locked
    before = folder_state(path.parent)
    state = when_modal(lambda dialog: ready(qtbot, dialog) or press(qtbot, Qt.Key.Key_Escape))
    db, opened, lock = ui_app.open_locked(path, ask=no_problem)
    watch(state)
    assert (db, opened, lock) == (None, path, None)
    assert folder_state(path.parent) == before
    again = ui_app.InstanceLock(path)
    assert again.acquire(), "the practice's lock was kept after Quit"
    again.release()


def test_without_dialogs_a_script_is_told_and_nothing_waits(qtbot, locked, monkeypatch, capsys):
    path, _ = locked
    monkeypatch.setenv("COACHDESK_NO_DIALOGS", "1")
    db, _ = ui_app.open_practice(path, ask=no_problem)
    assert db is None
    said = capsys.readouterr().err
    assert "protected with a passphrase" in said and "cannot ask" in said


# -- the recovery key and a lost key file -----------------------------------------------------


def test_a_lost_key_file_recovery_key_then_a_new_passphrase_for_the_next_start(qtbot, locked):
    path, recovery = locked
    encryption.key_path(path).unlink()
    seen = {}

    def recover(dialog):
        ready(qtbot, dialog)
        assert dialog.mode == RECOVERY and not dialog.switch.isVisible()
        seen["why"] = dialog.explain.text()
        field = focused_field(dialog)
        assert field.echoMode() == QLineEdit.EchoMode.Normal
        width = field.fontMetrics().horizontalAdvance
        assert width("WWWWW") == width("IIIII"), "the recovery key's field is not monospace"
        keys(qtbot, "oops-" + recovery[5:])  # a typo first: the checksum catches it
        press_enter(qtbot)
        qtbot.waitUntil(lambda: "recovery key is not right" in dialog.status.text())
        keys(qtbot, recovery.lower().replace("-", " "))
        press_enter(qtbot)
        qtbot.waitUntil(lambda: dialog.new_field.hasFocus(), timeout=10_000)
        keys(qtbot, NEW_PASSPHRASE)
        press(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, NEW_PASSPHRASE + "!")  # not the same
        press_enter(qtbot)
        assert dialog.status.text() == unlock_dialog.NOT_SAME and dialog.new_field.hasFocus()
        keys(qtbot, NEW_PASSPHRASE)
        press(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, NEW_PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(recover)
    db, _, lock = ui_app.open_locked(path, ask=no_problem)
    watch(state)
    assert "key file" in seen["why"] and "missing" in seen["why"]
    assert db is not None and clients.count(db) == 12
    db.close()
    lock.release()
    assert encryption.key_path(path).exists()

    encryption.forget()  # the next start: the new passphrase opens it
    def type_new(dialog):
        ready(qtbot, dialog)
        assert dialog.mode != RECOVERY
        keys(qtbot, NEW_PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_new)
    db, _, lock = ui_app.open_locked(path, ask=no_problem)
    watch(state)
    assert db is not None
    db.close()
    lock.release()


def test_not_now_opens_it_this_time_with_the_recovery_key(qtbot, locked):
    path, recovery = locked
    encryption.key_path(path).unlink()

    def recover(dialog):
        ready(qtbot, dialog)
        keys(qtbot, recovery)
        press_enter(qtbot)
        qtbot.waitUntil(lambda: dialog.new_field.hasFocus(), timeout=10_000)
        assert dialog.cancel.text() == "Not now"
        press(qtbot, Qt.Key.Key_Escape)

    state = when_modal(recover)
    db, _ = ui_app.open_practice(path, ask=no_problem)
    watch(state)
    assert db is not None
    db.close()
    assert not encryption.key_path(path).exists()


def test_use_the_recovery_key_instead_switches_the_field(qtbot, locked):
    path, recovery = locked
    dialog = show(qtbot, UnlockDialog(path))
    assert dialog.switch.text() == "Use the recovery key instead"
    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    field = focused_field(dialog)
    assert dialog.mode == RECOVERY and field.echoMode() == QLineEdit.EchoMode.Normal
    assert field.placeholderText().split() == ["XXXXX"] * 11  # groups apart, as printed
    keys(qtbot, recovery)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: dialog.page_index() == 1)
    assert "forgotten" in dialog.new_explain.text()
    press(qtbot, Qt.Key.Key_Escape)  # Not now
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Accepted and encryption.key_for(path)


# -- a key file this CoachDesk cannot use --------------------------------------------------------


def make_newer(path: Path) -> None:
    kp = encryption.key_path(path)
    doc = json.loads(kp.read_text())
    doc["version"] = 2
    kp.write_text(json.dumps(doc))


def test_a_newer_key_file_is_a_plain_message_at_start(qtbot, locked):
    path, _ = locked
    make_newer(path)
    messages = []
    db, _ = ui_app.open_practice(path, unlock_ask=never_asked,
                                 ask=lambda m, b, **k: messages.append(m) or db_problem.QUIT)
    assert db is None
    assert "newer version of CoachDesk" in messages[0] and "Error" not in messages[0]


def test_a_newer_key_file_in_the_dialog_is_said_and_not_retried(qtbot, locked):
    path, _ = locked
    dialog = show(qtbot, UnlockDialog(path))
    make_newer(path)
    keys(qtbot, PASSPHRASE)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: "newer version of CoachDesk" in dialog.status.text())
    assert not dialog.ok.isEnabled() and not dialog.field.isEnabled()
    assert "Traceback" not in dialog.status.text() and "Error" not in dialog.status.text()
    assert QApplication.focusWidget() is dialog.cancel
    qtbot.keyClick(dialog.cancel, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not dialog.unlocked


# -- the secret stays secret ---------------------------------------------------------------------


def test_the_passphrase_appears_in_no_log_record_and_no_message(qtbot, practice_templates,
                                                                db_path, caplog, capsys,
                                                                isolated_qsettings):
    canary, wrong = "Canary-Kumquat-7731", "Canary-Wrong-4242"
    encrypted_copy(practice_templates["new"], db_path, canary)
    encryption.forget()
    use_keyring(refuse=True)
    caplog.set_level(logging.DEBUG)
    shown = []

    def type_them(dialog):
        ready(qtbot, dialog)
        keys(qtbot, wrong)
        press_enter(qtbot)
        qtbot.waitUntil(lambda: dialog.status.text() == WRONG)
        shown.append(dialog.status.text())
        keys(qtbot, canary)
        dialog.remember.setChecked(True)  # the keyring refuses: said in a sentence
        press_enter(qtbot)
        qtbot.waitUntil(lambda: dialog.ok.text() == "Continue")
        shown.extend(label.text() for label in dialog.findChildren(QLabel))
        press_enter(qtbot)

    state = when_modal(type_them)
    db, _ = ui_app.open_practice(db_path, ask=no_problem)
    watch(state)
    assert db is not None
    db.close()
    said = capsys.readouterr()
    texts = [r.getMessage() + str(r.args) + str(r.exc_info) for r in caplog.records]
    texts += shown + [said.out, said.err]
    for secret in (canary, wrong):
        assert not [t for t in texts if secret in t]
    for file in [*db_path.parent.rglob("*"), *isolated_qsettings.rglob("*")]:
        if file.is_file():
            data = file.read_bytes()
            assert canary.encode() not in data and wrong.encode() not in data, file


# -- main.py, as a coach's script starts it ----------------------------------------------------


def test_main_py_on_an_encrypted_practice_without_dialogs_says_so_and_quits(locked, isolated_home):
    path, _ = locked
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(isolated_home),
               COACHDESK_NO_DIALOGS="1")
    env.pop("COACHDESK_DB", None)
    env.pop("COACHDESK_PASSPHRASE", None)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path)], cwd=ROOT,
                            env=env, capture_output=True, timeout=90)
    said = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, said
    assert "protected with a passphrase" in said and "cannot ask" in said
    assert "Traceback" not in said
