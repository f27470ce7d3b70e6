"""The one field a passphrase (or a recovery key) is typed into: the lock screen, the
unlock dialog and the passphrase dialogs all use ``SecretField``.

A key press held with Alt or Ctrl is a command, never a letter of the secret: Alt+F meant
for a menu must not put an "f" among the dots, where the coach cannot see it. Such a press
is refused (and passed on to the window, as an unused key is), except the editing commands
a coach expects in a field (paste, select all, undo, redo, copy, cut). Ctrl and Alt held
together are let through: on Windows that is AltGr (``€``, ``@`` on many keyboards); on a
Mac, Option (Qt's Alt) types letters such as ``ø``, so Alt alone is let through there.

``recovery_mode(field, on)`` turns a field into the recovery key's: plain text (the key is
printed on paper, dots help nobody), a fixed-width font, wide enough for the whole key.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit

#: The shape of a recovery key (``encryption.recovery_key_text``: 11 groups of 5), as it is
#: shown and printed: groups separated by spaces.
RECOVERY_SHAPE = " ".join(["XXXXX"] * 11)

_EDITING = (QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.SelectAll,
            QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo,
            QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut)
_CTRL, _ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
_META = Qt.KeyboardModifier.MetaModifier


def is_command_key(event: QKeyEvent, platform: str = sys.platform) -> bool:
    """``event`` would type a character while a command modifier is held (Alt+F, Ctrl+K),
    and is none of the editing commands of a field."""
    text = event.text()
    if not text or not text.isprintable():
        return False  # Ctrl+A, Ctrl+Left…: no character, QLineEdit's own commands
    mods = event.modifiers()
    ctrl, alt = bool(mods & _CTRL), bool(mods & _ALT)
    if ctrl and alt:
        return False  # AltGr on Windows
    if alt and not ctrl and platform == "darwin" and not mods & _META:
        return False  # Option types letters on a Mac
    if not (ctrl or alt or mods & _META):
        return False
    return not any(event.matches(key) for key in _EDITING)


class SecretField(QLineEdit):
    """A ``QLineEdit`` for a secret: dots (``Password`` echo) unless told otherwise, no clear
    button, and no letter typed with Alt or Ctrl held (see the module)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setClearButtonEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if is_command_key(event):
            event.ignore()  # not ours: the window may have a use for it
            return
        super().keyPressEvent(event)


def recovery_mode(field: QLineEdit, on: bool) -> None:
    """``field`` takes the recovery key (plain text, fixed width, as wide as the key) or,
    ``on`` False, the passphrase again (dots, the window's font)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont) if on \
        else field.parentWidget().font() if field.parentWidget() is not None else field.font()
    if on:
        font.setPointSizeF(field.font().pointSizeF())
    field.setFont(font)
    field.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
    field.setPlaceholderText(RECOVERY_SHAPE if on else "")
    margins = field.textMargins()
    width = field.fontMetrics().horizontalAdvance(RECOVERY_SHAPE) + 24 \
        + margins.left() + margins.right()
    field.setMinimumWidth(width if on else 0)
