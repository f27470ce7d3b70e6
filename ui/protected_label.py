"""A small permanent sign in the main window's status bar that the open practice is
encrypted ("🔒 Protected", with a tooltip that says what it means), hidden for a plain
practice. It follows the practice: encrypting, decrypting and opening another practice all
emit ``ctx.database_replaced``, and the label reads the file again then.

``install(window)`` is the one call ``ui/app.py`` makes when it builds the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from coachdesk import encryption
from coachdesk.errors import CoachDeskError

TEXT = "🔒 Protected"
TOOLTIP = ("This practice is encrypted: its file and backups cannot be read without your "
           "passphrase or your recovery key. Settings → Privacy & lock says more.")


class ProtectedLabel(QLabel):
    """The status bar's sign; ``refresh()`` shows it when the open practice is encrypted."""

    def __init__(self, window):
        super().__init__(TEXT)
        self.window_ = window
        self.setObjectName("protectedLabel")
        self.setAccessibleName("Protected with a passphrase")
        self.setToolTip(TOOLTIP)
        self.setContentsMargins(6, 0, 6, 0)

    def refresh(self) -> None:
        try:
            encrypted = encryption.is_encrypted(Path(self.window_.ctx.db.path))
        except (OSError, CoachDeskError):  # a file that went away: say nothing rather than wrong
            encrypted = False
        self.setVisible(encrypted)


def install(window) -> ProtectedLabel:
    """Add the sign to ``window``'s status bar (once) and keep it up to date."""
    label = getattr(window, "protected_label", None)
    if label is None:
        label = window.protected_label = ProtectedLabel(window)
        window.statusBar().addPermanentWidget(label)
        window.ctx.database_replaced.connect(label.refresh)
    label.refresh()
    return label
