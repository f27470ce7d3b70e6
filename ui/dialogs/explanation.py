"""The full explanation of the retention signal, shown inside the app.

The text is ``resources/docs/retention-signal.md``, shipped with the app (an installed
copy has no ``docs/`` folder to open); ``docs/retention-signal.md`` is the same file for
readers of the source, and a test keeps the two identical. It is rendered from Markdown
in a QTextBrowser, so it always opens, with or without a Markdown viewer on the machine.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from coachdesk import bundled

from ..widgets.fields import name_widget

log = logging.getLogger(__name__)

#: ``resources/docs/`` in the source tree, found through the package once installed or bundled
EXPLANATION: Path = bundled.resource("docs", "retention-signal.md")
MISSING = ("# The retention signal\n\nThe full explanation is missing from this copy of "
           "CoachDesk (the file resources/docs/retention-signal.md was not found). "
           "Reinstalling CoachDesk brings it back. In short:\n\n")


def explanation_text(summary: str = "") -> str:
    """The explanation as Markdown; when the file is missing, says so and gives ``summary``."""
    try:
        return EXPLANATION.read_text(encoding="utf-8")
    except OSError:
        log.warning("the retention-signal explanation is missing: %s", EXPLANATION)
        return MISSING + summary.replace("\n", "\n\n")


class ExplanationDialog(QDialog):
    """The explanation in a scrollable, searchable-by-eye window that fits the screen."""

    def __init__(self, parent=None, summary: str = ""):
        super().__init__(parent)
        self.setObjectName("signalExplanation")
        self.setWindowTitle("The retention signal, explained")
        self.browser = name_widget(QTextBrowser(), "signalExplanationText",
                                   "The retention signal, explained")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(explanation_text(summary))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name_widget(close, "closeExplanation", "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 760, 680
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)
        self.browser.setFocus()
