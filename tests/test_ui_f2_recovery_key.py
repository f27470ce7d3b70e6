"""Saving the recovery key (coach finding 12e): the save dialog opens on the Desktop (home
when there is none), never in the data folder, and its title says to keep the key on a USB
stick or on paper."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog
from test_ui_recovery_key import dialog  # noqa: F401 (fixture)

from ui.dialogs import recovery_key


def offered_on_save(qtbot, shown, monkeypatch) -> list[tuple[str, str]]:
    offered: list[tuple[str, str]] = []

    def save_dialog(parent, caption, start, *args, **kwargs):
        offered.append((caption, start))
        return "", ""  # cancelled: nothing written
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    qtbot.mouseClick(shown.save_button, Qt.MouseButton.LeftButton)
    assert shown.saved_to is None
    return offered


def test_the_key_is_offered_to_the_desktop(qtbot, dialog, tmp_path, monkeypatch):  # noqa: F811
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    real = QStandardPaths.writableLocation
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(
        lambda where: str(desktop) if where == QStandardPaths.StandardLocation.DesktopLocation
        else real(where)))
    [(caption, start)] = offered_on_save(qtbot, dialog, monkeypatch)
    assert Path(start) == desktop / dialog.suggested_name()
    assert "USB stick" in caption and "print" in caption


def test_without_a_desktop_the_key_is_offered_to_home(qtbot, dialog, tmp_path,  # noqa: F811
                                                      monkeypatch):
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(
        lambda where: str(tmp_path / "no desktop here")))
    assert recovery_key.desktop_folder() == Path.home()
    [(_caption, start)] = offered_on_save(qtbot, dialog, monkeypatch)
    assert Path(start).parent == Path.home()
