"""Leaving a page that holds a value it refused (a mistyped e-mail, an empty name).

Pages autosave every valid field; a refused one stays on screen in red, unsaved. Leaving
the page would throw it away unseen, so before the page is left (another page, another
client or session, closing the window) the coach is asked: stay and correct it, or leave
without it (the last saved value stays). Stay is the default and what Esc means.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from .plain import as_plain

#: objectNames of the questions, for tests and for accessibility tools
QUESTION_NAME = "leaveRefusedQuestion"
UNSAVED_NAME = "leaveUnsavedQuestion"


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


def unsaved_savers(page: QWidget) -> list:
    """The page's autosavers (``page.savers()``, else its ``saver``) that still hold text
    they could not write."""
    savers = page.savers() if hasattr(page, "savers") else [getattr(page, "saver", None)]
    return [s for s in savers if s is not None and s.dirty]


def unsaved_text(page: QWidget) -> str:
    """What the page holds as typed, for a file when it could not be saved: the page's
    own ``unsaved_text()``, else each text field of ``page._fields`` under its name."""
    if hasattr(page, "unsaved_text"):
        return page.unsaved_text()
    parts = []
    for field in getattr(page, "_fields", {}).values():
        text = field.toPlainText() if isinstance(field, QPlainTextEdit) else (
            field.text() if isinstance(field, QLineEdit) else "")
        if text.strip():
            parts.append(f"{field.accessibleName()}:\n{text}")
    return "\n\n".join(parts)


def ask_unsaved(parent: QWidget, page: QWidget, tried_again: int = 0) -> str:
    """Text typed on ``page`` could not be saved (the file busy, the disk full). Returns
    "retry", "file" (save the typing to a file first), "discard" or "stay" (Esc).
    ``tried_again``: how many "Try again" have just failed (the box says so)."""
    box = QMessageBox(parent)
    box.setObjectName(UNSAVED_NAME)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Not saved yet")
    again = ("" if not tried_again else
             f"Tried again{'' if tried_again == 1 else f' ({tried_again} times)'}: still "
             "not written. ")
    box.setText(again + "What you typed here is not saved yet: the practice file could not "
                "be written (another program is using it, or the disk is full).")
    box.setInformativeText("Try again, keep a copy of the text in a file of your choice, or "
                           "leave without it.")
    buttons = {}
    for key, text, role in (("retry", "Try again", QMessageBox.ButtonRole.AcceptRole),
                            ("file", "Save the text to a file…", QMessageBox.ButtonRole.ActionRole),
                            ("discard", "Leave without it", QMessageBox.ButtonRole.DestructiveRole),
                            ("stay", "Stay", QMessageBox.ButtonRole.RejectRole)):
        buttons[key] = box.addButton(text, role)
        buttons[key].setObjectName(f"{key}Button")
    box.setDefaultButton(buttons["retry"])
    box.setEscapeButton(buttons["stay"])
    box.exec()
    return next((k for k, b in buttons.items() if box.clickedButton() is b), "stay")


def save_text_to_file(parent: QWidget, text: str, target: str | None = None) -> bool:
    """Write ``text`` (UTF-8) to a file the coach chooses, private to them (0600): True
    when written."""
    from pathlib import Path

    from coachdesk.errors import CoachDeskError
    from coachdesk.files import atomic_write

    from .files import ask_save_path, remember_folder

    # opened in Documents (or where such a file went last), never the program's folder
    path = target or ask_save_path(parent, "unsaved-text", "Save the text to a file",
                                   "CoachDesk — not saved yet.txt", "Text files (*.txt)",
                                   ".txt")
    if not path:
        return False
    try:
        with atomic_write(Path(path)) as fh:  # a private file (0600), whole or not at all
            fh.write(text)
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Save the text to a file", as_plain(str(exc)))
        return False
    remember_folder("unsaved-text", Path(path).parent)
    return True


def may_leave(parent: QWidget, page: QWidget, stay) -> bool:
    """Before ``page`` is left: its typing is saved (``page.leave()``). Text that could not
    be written is not dropped unseen (try again / save it to a file / leave without it),
    and a refused value is asked about. True to go on; False (after ``stay()``) to stay."""
    page.leave()
    tries = 0
    while unsaved_savers(page):
        answer = ask_unsaved(parent, page, tried_again=tries)
        if answer == "retry":
            page.leave()
            tries += 1
            continue
        if answer == "file" and save_text_to_file(parent, unsaved_text(page)):
            answer = "discard"
        if answer == "discard":
            for saver in unsaved_savers(page):
                saver.discard()
            ctx = getattr(page, "ctx", None)
            if ctx is not None:  # no more "keeps trying": nothing is tried any more
                ctx.say("The text that was not saved yet was left out, as you chose.")
            break
        if answer == "stay":
            stay()
            return False
    refused = refused_values(page)
    if refused and ask_to_stay(parent, refused):
        stay()
        return False
    return True
