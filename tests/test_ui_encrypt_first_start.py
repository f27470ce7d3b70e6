"""First start (issue 17): the welcome page's "Protect this practice with a passphrase"
encrypts the still-empty practice before the demo data is written; a cancelled passphrase
stays on the welcome page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_practice
from encrypt_ui_helpers import (  # noqa: F401 (fixtures)
    header,
    keep_recovery_key,
    opens_with_recovery_key_elsewhere,
    settled,
    type_new_passphrase,
    when_named,
)
from encryption_helpers import cheap_keys  # noqa: F401
from PySide6.QtCore import Qt

from coachdesk import encryption, storage
from coachdesk.services import clients
from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture
def empty_window(qtbot, db_path, practice_templates):
    database = storage.open_database(copy_practice(practice_templates["new"], db_path))
    window = MainWindow(AppContext(database))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_welcome()
    yield window
    window.ctx.db.close()


def test_first_start_protect_encrypts_the_empty_practice_then_loads_the_demo(
        qtbot, empty_window, monkeypatch, no_keyring):  # noqa: F811
    from coachdesk import demo

    window = empty_window
    page = window.welcome_page
    path = Path(window.ctx.db.path)
    assert page.protect_box.isVisible() and not page.protect_box.isChecked()
    order: list[str] = []
    real_populate = demo.populate

    def populate(db, *a, **k):
        order.append("encrypted" if encryption.is_encrypted(db.path) else "plain")
        return real_populate(db, *a, **k)
    monkeypatch.setattr(demo, "populate", populate)
    page.protect_box.setChecked(True)
    seen: dict = {}
    steps = [type_new_passphrase(qtbot), keep_recovery_key(qtbot, seen)]
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)
    qtbot.waitUntil(lambda: clients.count(window.ctx.db) > 0, timeout=30000)
    assert order == ["encrypted"]  # the demo was written into the encrypted file
    assert header(path) != encryption.SQLITE_HEADER
    assert window.stack.currentWidget() is not page
    assert not page.protect_box.isVisible()  # an encrypted practice is not offered it again
    assert opens_with_recovery_key_elsewhere(path, seen["key"].replace("\n", " ")) == \
        clients.count(window.ctx.db)


def test_first_start_cancelled_passphrase_stays_on_the_welcome_page(
        qtbot, empty_window, no_keyring):  # noqa: F811
    window = empty_window
    page = window.welcome_page
    page.protect_box.setChecked(True)
    step = when_named("newPassphraseDialog", lambda d: d.reject())
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    settled(qtbot, step)
    assert window.stack.currentWidget() is page and page.protect_box.isChecked()
    assert header(Path(window.ctx.db.path)) == encryption.SQLITE_HEADER
    assert clients.count(window.ctx.db) == 0


