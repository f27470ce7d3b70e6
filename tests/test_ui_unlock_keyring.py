""""Remember on this computer" at start (issue 17): the keyring keeps the practice's data
key, never the passphrase; a remembered key opens the practice without the dialog and
without scrypt; an older CoachDesk's remembered passphrase opens it once and is replaced
by the key; a practice encrypted again forgets the kept key and the dialog says why; a
changed passphrase still opens silently; passphrase and key reach no log, no output, no
setting. File → Open: tests/test_ui_unlock_open.py; the engine: test_passphrase_keyring.py."""

from __future__ import annotations

import logging

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
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
    watch,
)

from coachdesk import encryption, passphrase_keyring, practice_crypto
from coachdesk.passphrase_keyring import PREFIX
from coachdesk.services import clients
from ui import app as ui_app
from ui.dialogs.unlock import KEYRING_FORGOTTEN, UnlockDialog

NEW_PASSPHRASE = "a new passphrase for the same key"


@pytest.fixture
def locked(practice_templates, db_path):
    """The demo practice, encrypted with PASSPHRASE and locked; (path, its data key)."""
    encrypted_copy(practice_templates["demo"], db_path)
    key = encryption.key_for(db_path)
    encryption.forget()
    return db_path, key


def kept(ring, path) -> str | None:
    """The raw text the keyring holds for ``path``."""
    return ring.kept.get((passphrase_keyring.SERVICE, passphrase_keyring._user(path)))


def forbid_scrypt(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("scrypt ran at start")

    monkeypatch.setattr(encryption, "_kek", refuse)


def opens_silently(path) -> None:
    db, _ = ui_app.open_practice(path, ask=no_problem, unlock_ask=never_asked)
    assert db is not None
    try:
        assert clients.count(db) == 12
    finally:
        db.close()


def test_remember_on_this_computer_keeps_the_key_not_the_passphrase(qtbot, locked):
    path, key = locked
    ring = use_keyring()
    dialog = show(qtbot, UnlockDialog(path))
    assert dialog.remember.isVisible() and not dialog.remember.isChecked()
    assert "key" in dialog.remember.toolTip() and "passphrase" not in dialog.remember.toolTip()
    keys(qtbot, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.remember
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    dialog.field.setFocus()
    qtbot.waitUntil(dialog.field.hasFocus)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    raw = kept(ring, path)
    assert raw == PREFIX + key.hex()
    assert PASSPHRASE not in raw and PASSPHRASE.encode().hex() not in raw
    assert list(ring.kept) == [(passphrase_keyring.SERVICE, passphrase_keyring._user(path))]


def test_a_remembered_key_opens_it_at_start_without_the_dialog_or_scrypt(qtbot, locked,
                                                                        monkeypatch):
    path, key = locked
    use_keyring()
    passphrase_keyring.save(path, key)
    forbid_scrypt(monkeypatch)
    db, _, lock = ui_app.open_locked(path, ask=no_problem, unlock_ask=never_asked)
    assert db is not None and lock is not None
    try:
        assert clients.count(db) == 12
    finally:
        db.close()
        lock.release()


def test_an_older_remembered_passphrase_opens_it_once_then_the_key_replaces_it(qtbot, locked,
                                                                             monkeypatch):
    path, key = locked
    ring = use_keyring()
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(path), PASSPHRASE)
    opens_silently(path)  # scrypt, this once
    assert kept(ring, path) == PREFIX + key.hex()
    encryption.forget()
    forbid_scrypt(monkeypatch)
    opens_silently(path)  # the next start: the key, no scrypt


def test_a_wrong_older_remembered_passphrase_is_forgotten_and_the_coach_asked(qtbot, locked):
    path, _ = locked
    ring = use_keyring()
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(path),
                      "the passphrase before it was changed")
    asked = []

    def ask(at, **how):
        asked.append(how)
        assert not passphrase_keyring.is_remembered(at), "the wrong one is still kept"
        encryption.unlock(at, passphrase=PASSPHRASE)
        return True

    db, _ = ui_app.open_practice(path, ask=no_problem, unlock_ask=ask)
    assert db is not None
    db.close()
    assert len(asked) == 1 and asked[0]["key_file_missing"] is False
    assert asked[0]["note"] == KEYRING_FORGOTTEN
    assert "protected with a passphrase" in asked[0]["message"]
    assert ring.kept == {}


def test_a_practice_encrypted_again_forgets_the_kept_key_and_the_dialog_says_why(qtbot, locked):
    path, old_key = locked
    ring = use_keyring()
    passphrase_keyring.save(path, old_key)
    encryption.unlock(path, PASSPHRASE)
    practice_crypto.decrypt_practice(path)
    practice_crypto.encrypt_practice(path, PASSPHRASE)  # a new data key (e.g. on another computer)
    encryption.forget()
    seen = {}

    def type_it(dialog):
        ready(qtbot, dialog)
        seen.update(note=dialog.status.text(), error=dialog.is_error_shown(), kept=dict(ring.kept))
        focused_field(dialog)
        keys(qtbot, PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_it)
    db, _, lock = ui_app.open_locked(path, ask=no_problem)
    watch(state)
    assert db is not None
    db.close()
    lock.release()
    assert seen == {"note": KEYRING_FORGOTTEN, "error": False, "kept": {}}


def test_a_changed_passphrase_still_opens_silently_at_start(qtbot, locked, monkeypatch):
    path, key = locked
    ring = use_keyring()
    passphrase_keyring.save(path, key)
    before = kept(ring, path)
    practice_crypto.change_passphrase(path, NEW_PASSPHRASE, old=PASSPHRASE)
    encryption.forget()
    forbid_scrypt(monkeypatch)
    opens_silently(path)
    assert kept(ring, path) == before


def test_a_keyring_that_refuses_is_said_and_the_practice_still_opens(qtbot, locked):
    path, _ = locked
    use_keyring(refuse=True)
    dialog = show(qtbot, UnlockDialog(path))
    keys(qtbot, PASSPHRASE)
    dialog.remember.setChecked(True)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: dialog.ok.text() == "Continue")
    assert "keyring cannot be used" in dialog.status.text() and not dialog.is_error_shown()
    assert dialog.unlocked and dialog.isVisible()
    press_enter(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Accepted


def test_passphrase_and_key_reach_no_log_no_output_and_no_setting(qtbot, practice_templates,
                                                                  db_path, caplog, capsys,
                                                                  isolated_qsettings):
    canary = "Canary-Persimmon-5519"
    recovery = encrypted_copy(practice_templates["demo"], db_path, canary)
    key = encryption.key_for(db_path)
    encryption.forget()
    ring = use_keyring()
    caplog.set_level(logging.DEBUG)
    shown = []

    def remember_it(dialog):  # 1. typed once, with Remember ticked
        ready(qtbot, dialog)
        keys(qtbot, canary)
        dialog.remember.setChecked(True)
        shown.extend(label.text() for label in dialog.findChildren(QLabel))
        press_enter(qtbot)

    state = when_modal(remember_it)
    db, _ = ui_app.open_practice(db_path, ask=no_problem)
    watch(state)
    db.close()
    encryption.forget()
    opens_silently(db_path)  # 2. the remembered key
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(db_path), canary)
    encryption.forget()
    opens_silently(db_path)  # 3. an older entry, migrated
    assert kept(ring, db_path) == PREFIX + key.hex()

    said = capsys.readouterr()
    texts = [r.getMessage() + str(r.args) + str(r.exc_info) for r in caplog.records]
    texts += shown + [said.out, said.err]
    secrets = (canary, key.hex(), key.hex().upper(), recovery, recovery.replace("-", ""))
    for secret in secrets:
        assert not [t for t in texts if secret in t]
    files = [f for f in isolated_qsettings.rglob("*") if f.is_file()]
    files += [f for f in db_path.parent.rglob("*") if f.is_file()]
    for file in files:
        data = file.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, file
        assert key not in data, file


# -- the start-up probe (benchmarks) and main.py with a real keyring backend ------------------


def test_the_probe_types_the_bench_passphrase_only_in_probe_mode(qtbot, locked, monkeypatch,
                                                                capsys):
    from ui.startup_probe import PROBE, PROBE_PASSPHRASE

    path, _ = locked
    monkeypatch.setenv(PROBE_PASSPHRASE, PASSPHRASE)
    monkeypatch.delenv(PROBE, raising=False)
    dialog = show(qtbot, UnlockDialog(path))
    qtbot.wait(100)
    assert dialog.isVisible() and dialog.field.text() == "" and not dialog.unlocked
    dialog.reject()
    assert "UNLOCK_" not in capsys.readouterr().out

    monkeypatch.setenv(PROBE, "1")
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()  # it answers itself at once
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.unlocked
    lines = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert lines == ["UNLOCK_SHOWN", "UNLOCK_PRESSED"]


def test_main_py_opens_a_remembered_practice_through_a_keyring_backend_without_asking(
        locked, isolated_home, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import keyring

    root = Path(__file__).resolve().parent.parent
    bench = root / "tests" / "bench"
    sys.path.insert(0, str(bench))
    try:
        from file_keyring import FILE_VAR, FileKeyring
    finally:
        sys.path.remove(str(bench))
    path, key = locked
    store = tmp_path / "keyring.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(isolated_home),
               COACHDESK_NO_DIALOGS="1", COACHDESK_STARTUP_PROBE="1",
               PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring", PYTHONPATH=str(bench),
               **{FILE_VAR: str(store)})
    for name in ("COACHDESK_DB", "COACHDESK_PASSPHRASE", "COACHDESK_PROBE_PASSPHRASE"):
        env.pop(name, None)
    before = keyring.get_keyring()
    os.environ[FILE_VAR] = str(store)
    try:
        keyring.set_keyring(FileKeyring())
        passphrase_keyring.save(path, key)
    finally:
        keyring.set_keyring(before)
        del os.environ[FILE_VAR]
    assert store.stat().st_mode & 0o777 == 0o600
    result = subprocess.run([sys.executable, str(root / "main.py"), "--db", str(path)],
                            cwd=root, env=env, capture_output=True, timeout=120)
    out, err = (result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace"))
    assert result.returncode == 0, err
    assert "WINDOW_SHOWN" in out and "UNLOCK_SHOWN" not in out
    assert PASSPHRASE not in out + err and key.hex() not in out + err
