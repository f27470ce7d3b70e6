"""The default session length: a setting (Settings → Sessions & worksheets) that new sessions
start with, in the new-session dialog and in the engine."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from ui_helpers import when_modal

from coachdesk.errors import ValidationError
from coachdesk.services import clients, engagements, sessions
from coachdesk.services import settings as settings_service
from ui.context import AppContext
from ui.main_window import MainWindow


def test_the_default_is_an_hour_and_bad_values_are_refused(db):
    assert settings_service.default_session_minutes(db) == 60
    assert settings_service.set_default_session_minutes(db, 45) == 45
    assert settings_service.default_session_minutes(db) == 45
    for bad in (0, 4, 721, -30, "an hour", True, None, 1.5e9):
        with pytest.raises(ValidationError) as info:
            settings_service.set_default_session_minutes(db, bad)
        assert info.value.field == "default_session_minutes"
        assert "from 5 to 720" in str(info.value)
    assert settings_service.default_session_minutes(db) == 45  # nothing saved by a refusal


def test_a_value_damaged_in_the_file_falls_back_to_an_hour(db):
    for raw in ("ninety", "", "0", "99999"):
        settings_service.put_setting(db, settings_service.SESSION_MINUTES_KEY, raw)
        assert settings_service.default_session_minutes(db) == 60


def test_a_session_made_without_a_length_takes_the_default(db):
    client = clients.create(db, "Ana Lima")
    engagement = engagements.create(db, client.id, date(2026, 1, 5))
    settings_service.set_default_session_minutes(db, 90)
    assert sessions.create(db, engagement.id, date(2026, 2, 1)).duration_minutes == 90
    # A length given explicitly wins.
    assert sessions.create(db, engagement.id, date(2026, 2, 8),
                           duration_minutes=30).duration_minutes == 30


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_set_in_settings_then_used_by_the_new_session_dialog(qtbot, win, demo_db):
    from ui.dialogs.session_dialog import NewSessionDialog
    from ui.dialogs.settings_dialog import SettingsDialog

    def fill(dialog):
        assert isinstance(dialog, SettingsDialog)
        spin = dialog.findChild(type(dialog.session_minutes), "settingsSessionMinutes")
        assert spin.value() == 60
        spin.selectAll()
        qtbot.keyClicks(spin, "75")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    win.open_settings()
    assert state["done"] and state["error"] is None
    assert settings_service.default_session_minutes(demo_db) == 75

    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    win.open_client(jose.id)
    seen = {}

    def look(dialog):
        assert isinstance(dialog, NewSessionDialog)
        seen["minutes"] = dialog.duration.value()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(look)
    win.new_session_action.trigger()
    assert state["done"] and state["error"] is None
    assert seen["minutes"] == 75
    newest = max(sessions.list_for_client(demo_db, jose.id), key=lambda s: s.id)
    assert newest.duration_minutes == 75
