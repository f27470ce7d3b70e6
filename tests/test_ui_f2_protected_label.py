"""The status bar says when the open practice is encrypted (coach finding 12g), and
follows it when it is encrypted or decrypted under the open window."""

from __future__ import annotations

from pathlib import Path

from encrypt_ui_helpers import (  # noqa: F401 (fixtures)
    encrypted_under,
    window,
)
from encryption_helpers import cheap_keys  # noqa: F401

from coachdesk import practice_crypto, storage
from ui import protected_label


def test_the_status_bar_says_protected_only_for_an_encrypted_practice(
        qtbot, window, no_keyring):  # noqa: F811
    label = protected_label.install(window)
    assert label in window.statusBar().findChildren(type(label))
    assert not label.isVisible()  # a plain practice: no sign
    encrypted_under(window)
    window.ctx.database_replaced.emit()
    qtbot.waitUntil(label.isVisible)
    assert label.text() == protected_label.TEXT and "encrypted" in label.toolTip()
    window.grab().save("/tmp/wip-f2-protected.png")
    # decrypted under the open window: the sign goes
    path = Path(window.ctx.db.path)
    window.ctx.db.close()
    practice_crypto.decrypt_practice(path)
    window.ctx.db = storage.open_database(path)
    window.ctx.database_replaced.emit()
    assert not label.isVisible()
    assert protected_label.install(window) is label  # once
