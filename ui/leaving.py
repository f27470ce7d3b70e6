"""Leaving a page that holds a value it refused (a mistyped e-mail, an empty name).

Pages autosave every valid field; a refused one stays on screen in red, unsaved. Leaving
the page would throw it away unseen, so before the page is left (another page, another
client or session, closing the window) the coach is asked: stay and correct it, or leave
without it (the last saved value stays). Stay is the default and what Esc means.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

#: objectName of the question, for tests and for accessibility tools
QUESTION_NAME = "leaveRefusedQuestion"


def refused_values(page: QWidget) -> list[tuple[QWidget, str]]:
    """``[(field widget, the red sentence under it), …]`` in the page's order: what the
    page ``page`` (with ``errors`` and ``_fields`` dicts keyed by field) refused to save."""
    errors = getattr(page, "errors", {})
    fields = getattr(page, "_fields", {})
    return [(fields[key], label.text()) for key, label in errors.items()
            if not label.isHidden() and key in fields]


def _named(field: QWidget) -> str:
    name = field.accessibleName().strip()
    return f"{name}: " if name else ""


def ask_to_stay(parent: QWidget, refused: list[tuple[QWidget, str]]) -> bool:
    """True when the coach chose to stay (the cursor is then put in the first refused
    field, its text selected); False when they leave without the refused values."""
    box = QMessageBox(parent)
    box.setObjectName(QUESTION_NAME)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Not saved")
    n = len(refused)
    box.setText("This change was not saved:" if n == 1 else f"These {n} changes were not saved:")
    # The sentences are the app's own (they never quote what was typed).
    box.setInformativeText("\n".join(f"• {_named(field)}{message}" for field, message in refused)
                           + "\n\nStay to correct it, or leave: the last saved value is kept.")
    stay = box.addButton("Stay and correct", QMessageBox.ButtonRole.RejectRole)
    stay.setObjectName("stayButton")
    leave = box.addButton("Leave without it", QMessageBox.ButtonRole.DestructiveRole)
    leave.setObjectName("leaveButton")
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    if box.clickedButton() is leave:
        return False
    field = refused[0][0]
    field.setFocus()
    if isinstance(field, QLineEdit):
        field.selectAll()
    return True


def may_leave(parent: QWidget, page: QWidget, stay) -> bool:
    """Before ``page`` is left: its typing is saved (``page.leave()``); when it holds a
    refused value the coach is asked. True to go on; False (after ``stay()``) to stay."""
    page.leave()
    refused = refused_values(page)
    if refused and ask_to_stay(parent, refused):
        stay()
        return False
    return True
