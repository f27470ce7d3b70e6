"""Where the keyboard lands when the coach moves between pages.

Kept apart from the main window: Ctrl+1…6 put the cursor in the page's list (its first
row current, so Down and Enter work at once); an action opened from the Actions page is
shown chosen in its session; Back from a session returns to the list it came from.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

#: the session page's "back to" label -> the sidebar key it returns to
BACK_KEYS = {"Sessions": "sessions", "Actions": "actions", "Dashboard": "dashboard"}


def focus_list(view: QAbstractItemView | None, row: int | None = None) -> None:
    """Put the cursor in ``view`` with ``row`` chosen (scrolled into sight), or, when no
    row is given, its first row when nothing is current yet."""
    if view is None:
        return
    model = view.model()
    if model is not None and model.rowCount():
        if row is None and not view.currentIndex().isValid():
            row = 0
        if row is not None and 0 <= row < model.rowCount():
            view.setCurrentIndex(model.index(row, 0))
            view.selectRow(row)
            view.scrollTo(model.index(row, 0))
    view.setFocus(Qt.FocusReason.ShortcutFocusReason)


def open_hit(window, hit) -> None:
    """A search hit (Ctrl+K): its session on the tab that holds it (the cursor in the
    notes it was found in), a sponsor or organization on the People page, else the client."""
    if hit.session_id is not None:
        window.open_session(hit.session_id)
        page = window.session_page
        if hit.kind in ("worksheet", "option"):
            page.tabs.setCurrentWidget(page.grow)
        elif hit.kind == "action":
            page.tabs.setCurrentWidget(page.actions)
        elif hit.kind == "private_note":
            page.private_notes.setFocus()
        elif hit.kind == "shared_summary":
            page.shared_summary.setFocus()
    elif hit.kind in ("sponsor", "organization"):
        window.show_nav("people")
        window.people_page.show_record(hit.kind, hit.ref_id)
    elif hit.client_id is not None:
        window.open_client(hit.client_id)
