"""Every menu of the main window: no two entries share an accelerator (Alt+E, S must open
one thing, not cycle between two)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def accelerator(text: str) -> str | None:
    """The letter after a single "&" ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].casefold()
        i += 1
    return None


def menus(window) -> list[tuple[str, QMenu]]:
    out = []
    for action in window.menuBar().actions():
        if action.menu() is not None:
            out.append((action.text(), action.menu()))
    return out


def test_no_two_entries_of_a_menu_share_an_accelerator(window):
    clashes = []
    bar_keys: dict[str, str] = {}
    for title, menu in menus(window):
        key = accelerator(title)
        if key in bar_keys:
            clashes.append(f"menu bar: {bar_keys[key]!r} and {title!r}")
        bar_keys[key] = title
        seen: dict[str, str] = {}
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            key = accelerator(action.text())
            if key is None:  # (e.g. "Send outbox (n)": reached by the arrows)
                continue
            if key in seen:
                clashes.append(f"{title}: {seen[key]!r} and {action.text()!r} share "
                               f"&{key.upper()}")
            seen[key] = action.text()
    assert clashes == [], "\n".join(clashes)


def test_edit_menu_search_and_settings_have_their_own_letters(window):
    edit = dict(menus(window))["&Edit"]
    keys = {a.objectName(): accelerator(a.text()) for a in edit.actions()
            if not a.isSeparator()}
    assert keys["actionSearchEverything"] != keys["actionSettings"]
    assert accelerator("Fish && &Chips") == "c"
